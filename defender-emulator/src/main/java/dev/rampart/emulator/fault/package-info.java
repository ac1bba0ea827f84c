/** Deterministic fault injection scoped by path pattern: error statuses, resets, delays, truncated bodies, paging drift, revoked tokens and expired download URLs. */
package dev.rampart.emulator.fault;
