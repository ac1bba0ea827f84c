package dev.rampart.defender.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/** A comment on an {@link Alert} ({@code comments[]}, REFERENCE 8.2). */
public record AlertComment(String comment, String createdBy, Instant createdTime, ObjectNode raw) {

    public AlertComment {
        raw = Json.copy(raw);
    }

    public static AlertComment from(JsonNode node) {
        ObjectNode o = Json.asObject(node);
        return new AlertComment(Json.text(o, "comment"), Json.text(o, "createdBy"), Json.instant(o, "createdTime"), o);
    }

    /** A copy of the original JSON object, unknown fields included. */
    @Override
    public ObjectNode raw() {
        return raw.deepCopy();
    }
}
