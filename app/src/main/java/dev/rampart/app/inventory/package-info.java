/**
 * The inventory as the API reads it: assets with everything known about them, vulnerabilities, findings, software,
 * alerts, profiles, tickets and change events; keyset-paged lists with filters and sorts.
 */
package dev.rampart.app.inventory;
