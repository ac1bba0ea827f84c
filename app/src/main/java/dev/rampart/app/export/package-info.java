/** Exports of the inventory (assets, findings, change events) as JSON lines or CSV, streamed from a cursor. */
package dev.rampart.app.export;
