/** Defender connectors: their description (connector.json), scope (F3), options, secrets by reference, storage. */
package dev.rampart.app.connector;
