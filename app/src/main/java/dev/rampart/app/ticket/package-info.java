/** Tickets: work items linked to findings, mitigated when their findings close and reopened when they return. */
package dev.rampart.app.ticket;
