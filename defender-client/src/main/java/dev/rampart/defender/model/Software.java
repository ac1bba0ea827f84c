package dev.rampart.defender.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A software product from {@code GET /api/Software} or {@code GET /api/machines/{id}/software}, one per product, not
 * per version (REFERENCE 7.2).
 *
 * @param id {@code {vendor}-_-{name}}, e.g. {@code microsoft-_-edge}
 */
public record Software(
        String id,
        String name,
        String vendor,
        Long weaknesses,
        Boolean publicExploit,
        Boolean activeAlert,
        Long exposedMachines,
        Double impactScore,
        ObjectNode raw) {

    public Software {
        raw = Json.copy(raw);
    }

    public static Software from(JsonNode node) {
        ObjectNode o = Json.asObject(node);
        return new Software(
                Json.text(o, "id"),
                Json.text(o, "name"),
                Json.text(o, "vendor"),
                Json.longValue(o, "weaknesses"),
                Json.bool(o, "publicExploit"),
                Json.bool(o, "activeAlert"),
                Json.longValue(o, "exposedMachines"),
                Json.doubleValue(o, "impactScore"),
                o);
    }

    /** A copy of the original JSON object, unknown fields included. */
    @Override
    public ObjectNode raw() {
        return raw.deepCopy();
    }
}
