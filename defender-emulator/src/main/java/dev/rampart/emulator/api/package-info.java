/** The Defender for Endpoint API: machines, vulnerabilities, software, alerts, machine actions, exports and advanced hunting, rendered field for field as real traffic. */
package dev.rampart.emulator.api;
