package dev.rampart.defender.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One column of a {@link HuntingResult} schema: {@code {"Name", "Type"}} in the MDE API and {@code {"name", "type"}}
 * in Graph (REFERENCE 11.1, 11.2).
 *
 * @param type the KQL/.NET type name as sent, e.g. {@code String}, {@code DateTime}, {@code Int64}
 */
public record HuntingColumn(String name, String type, ObjectNode raw) {

    public HuntingColumn {
        raw = Json.copy(raw);
    }

    public static HuntingColumn from(JsonNode node) {
        ObjectNode o = Json.asObject(node);
        return new HuntingColumn(Json.text(o, "name"), Json.text(o, "type"), o);
    }

    /** A copy of the original JSON object, unknown fields included. */
    @Override
    public ObjectNode raw() {
        return raw.deepCopy();
    }
}
