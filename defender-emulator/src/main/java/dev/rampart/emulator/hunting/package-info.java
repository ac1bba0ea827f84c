/**
 * The emulated advanced hunting engine: a parser and evaluator for the documented subset of KQL (Kusto Query
 * Language) that the emulator supports over the {@code DeviceInfo} table, used by the legacy
 * {@code POST /api/advancedqueries/run} and the Graph {@code POST /v1.0/security/runHuntingQuery} endpoints.
 *
 * <p>{@link dev.rampart.emulator.hunting.HuntingQuery} documents the supported subset and its semantics.
 */
package dev.rampart.emulator.hunting;
