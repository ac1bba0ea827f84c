/**
 * The server ({@code rampart serve}) and the demo ({@code rampart demo}): Spring Boot wiring of the same services the
 * command line uses, deployment settings, security filter chain, metrics, and the clustered scheduler's lifecycle.
 */
package dev.rampart.app.server;
