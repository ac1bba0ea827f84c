/** The HTTP path of every call: transports (the JDK's, and the sandbox mapping), rate limits, retries and counters. */
package dev.rampart.defender.http;
