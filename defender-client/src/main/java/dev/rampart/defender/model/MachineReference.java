package dev.rampart.defender.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A short device reference from {@code GET /api/vulnerabilities/{cveId}/machineReferences} and {@code GET
 * /api/Software/{id}/machineReferences} (REFERENCE 5.6, 7.1).
 */
public record MachineReference(
        String id, String computerDnsName, String osPlatform, String rbacGroupName, ObjectNode raw) {

    public MachineReference {
        raw = Json.copy(raw);
    }

    public static MachineReference from(JsonNode node) {
        ObjectNode o = Json.asObject(node);
        return new MachineReference(
                Json.text(o, "id"),
                Json.text(o, "computerDnsName"),
                Json.text(o, "osPlatform"),
                Json.text(o, "rbacGroupName"),
                o);
    }

    /** A copy of the original JSON object, unknown fields included. */
    @Override
    public ObjectNode raw() {
        return raw.deepCopy();
    }
}
