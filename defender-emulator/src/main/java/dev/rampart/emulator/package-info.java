/** A local emulator of Entra ID, the Defender for Endpoint API and Microsoft Graph over a synthetic tenant: start it with DefenderEmulator.builder(). */
package dev.rampart.emulator;
