package dev.rampart.defender.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The user an {@link Alert} relates to ({@code relatedUser}, REFERENCE 8.2): documented as a string, sent as an object
 * {@code {"userName", "domainName"}}. A string is read as <code>DOMAIN&#92;user</code> or a bare user name; its
 * {@link #raw()} is then an empty object, and the alert's raw JSON keeps the original text.
 */
public record RelatedUser(String userName, String domainName, ObjectNode raw) {

    public RelatedUser {
        raw = Json.copy(raw);
    }

    /** Reads an object or a string; any other node gives a user with no names. */
    public static RelatedUser from(JsonNode node) {
        if (node != null && node.isTextual()) {
            String text = node.textValue().trim();
            int slash = text.indexOf('\\');
            if (slash < 0) {
                return new RelatedUser(Json.nonBlank(text), null, null);
            }
            return new RelatedUser(
                    Json.nonBlank(text.substring(slash + 1)), Json.nonBlank(text.substring(0, slash)), null);
        }
        ObjectNode o = Json.asObject(node);
        return new RelatedUser(Json.text(o, "userName"), Json.text(o, "domainName"), o);
    }

    /** A copy of the original JSON object, unknown fields included. */
    @Override
    public ObjectNode raw() {
        return raw.deepCopy();
    }
}
