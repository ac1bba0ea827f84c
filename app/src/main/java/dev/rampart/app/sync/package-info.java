/**
 * The sync runtime: reads a source into staging tables, then applies the whole run in one transaction (F11), with
 * the asset, finding, health and ticket rules (F5 to F8, F12, F13, F16).
 */
package dev.rampart.app.sync;
