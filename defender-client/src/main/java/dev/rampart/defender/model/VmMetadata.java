package dev.rampart.defender.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Cloud VM identity of a {@link Machine} ({@code vmMetadata}, REFERENCE 4.4.2); the machine has none on-premises. */
public record VmMetadata(String vmId, String cloudProvider, String resourceId, String subscriptionId, ObjectNode raw) {

    public VmMetadata {
        raw = Json.copy(raw);
    }

    public static VmMetadata from(JsonNode node) {
        ObjectNode o = Json.asObject(node);
        return new VmMetadata(
                Json.text(o, "vmId"),
                Json.text(o, "cloudProvider"),
                Json.text(o, "resourceId"),
                Json.text(o, "subscriptionId"),
                o);
    }

    /** A copy of the original JSON object, unknown fields included. */
    @Override
    public ObjectNode raw() {
        return raw.deepCopy();
    }
}
