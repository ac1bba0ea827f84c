/**
 * A small OData v4 {@code $filter} parser and evaluator, used by the emulated Defender for Endpoint API to filter
 * collections of JSON entities the way the real service does.
 */
package dev.rampart.emulator.odata;
