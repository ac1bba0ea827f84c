/** Entra ID's client-credentials token endpoints, the app registration they check, and the bearer-token check of the APIs. */
package dev.rampart.emulator.entra;
