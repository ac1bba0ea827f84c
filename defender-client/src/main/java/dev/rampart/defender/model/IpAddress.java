package dev.rampart.defender.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One network interface address of a {@link Machine} ({@code ipAddresses[]}, REFERENCE 4.4.1). A machine lists one
 * entry per IP, so the same MAC address can appear several times; loopback entries are included.
 */
public record IpAddress(String ipAddress, String macAddress, String type, String operationalStatus, ObjectNode raw) {

    public IpAddress {
        raw = Json.copy(raw);
    }

    public static IpAddress from(JsonNode node) {
        ObjectNode o = Json.asObject(node);
        return new IpAddress(
                Json.text(o, "ipAddress"),
                Json.text(o, "macAddress"),
                Json.text(o, "type"),
                Json.text(o, "operationalStatus"),
                o);
    }

    /** {@code operationalStatus} is {@code Up} (any case). */
    public boolean isUp() {
        return Json.is(operationalStatus, "Up");
    }

    /** A copy of the original JSON object, unknown fields included. */
    @Override
    public ObjectNode raw() {
        return raw.deepCopy();
    }
}
