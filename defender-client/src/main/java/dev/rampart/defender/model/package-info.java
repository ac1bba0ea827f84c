/**
 * Immutable, typed models of the Defender for Endpoint API and Microsoft Graph entities the client returns, as
 * described in shared/mde-api/REFERENCE.md. Each model is read leniently by {@code from(JsonNode)}, which never
 * throws on odd input (missing, null, mistyped or unparseable values become {@code null} or an empty list), and keeps
 * a copy of the original JSON, unknown fields included, in {@code raw()}. Accessors are named after the JSON fields;
 * enumerations stay text, and date-times are {@link java.time.Instant}s in UTC.
 */
package dev.rampart.defender.model;
