/**
 * The client's exceptions: one unchecked base type carrying status, request id, method, redacted URL and the API's
 * error, and subtypes where a caller acts differently (authentication, permission, not found, throttled, undecodable
 * body, action already pending).
 */
package dev.rampart.defender.error;
