/** Request and response helpers over the JDK HTTP server, and the router with per-endpoint policies. */
package dev.rampart.emulator.http;
