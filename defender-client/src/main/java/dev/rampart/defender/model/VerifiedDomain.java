package dev.rampart.defender.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A verified DNS domain of the tenant ({@link Organization#verifiedDomains()}, Graph {@code verifiedDomains[]},
 * REFERENCE 13.2).
 *
 * @param type e.g. {@code Managed}, {@code Federated}
 * @param capabilities as sent, e.g. {@code Email, OfficeCommunicationsOnline}
 */
public record VerifiedDomain(
        String name, String type, Boolean isDefault, Boolean isInitial, String capabilities, ObjectNode raw) {

    public VerifiedDomain {
        raw = Json.copy(raw);
    }

    public static VerifiedDomain from(JsonNode node) {
        ObjectNode o = Json.asObject(node);
        return new VerifiedDomain(
                Json.text(o, "name"),
                Json.text(o, "type"),
                Json.bool(o, "isDefault"),
                Json.bool(o, "isInitial"),
                Json.textOrJoined(o, "capabilities"),
                o);
    }

    /** A copy of the original JSON object, unknown fields included. */
    @Override
    public ObjectNode raw() {
        return raw.deepCopy();
    }
}
