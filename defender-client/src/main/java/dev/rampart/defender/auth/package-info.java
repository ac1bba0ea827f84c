/** Access tokens from Entra ID (MSAL4J, client secret or certificate) and the sentences for Entra's errors. */
package dev.rampart.defender.auth;
