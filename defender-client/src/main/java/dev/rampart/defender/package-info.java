/**
 * A typed, throttle-aware client for Microsoft Defender for Endpoint, Entra ID and Microsoft Graph: build one with
 * {@link dev.rampart.defender.DefenderClientBuilder}.
 */
package dev.rampart.defender;
