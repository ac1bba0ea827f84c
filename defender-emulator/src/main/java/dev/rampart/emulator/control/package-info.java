/** The emulator's own JSON API to move the clock, change the tenant, inject faults and read the request log. */
package dev.rampart.emulator.control;
