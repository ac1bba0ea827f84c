package dev.rampart.defender.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A member from Graph {@code /groups/{id}/members} or {@code /transitiveMembers}: a user, group, device, contact or
 * service principal, told apart by {@code @odata.type} (REFERENCE 13.4). Members the app may not read come back with
 * only {@code @odata.type} and {@code id}.
 *
 * @param odataType {@code @odata.type} as sent, e.g. {@code #microsoft.graph.user}
 * @param deviceId for devices, the Entra device id (MDE's {@code aadDeviceId}); {@code id} is the directory object id
 * @param user the member read as a user when {@link #type()} is {@code user}, else {@code null}
 * @param group the member read as a group when {@link #type()} is {@code group}, else {@code null}
 */
public record DirectoryObject(
        String odataType,
        String id,
        String displayName,
        String deviceId,
        DirectoryUser user,
        DirectoryGroup group,
        ObjectNode raw) {

    private static final String GRAPH_PREFIX = "microsoft.graph.";

    public DirectoryObject {
        raw = Json.copy(raw);
    }

    public static DirectoryObject from(JsonNode node) {
        ObjectNode o = Json.asObject(node);
        String odataType = Json.text(o, "@odata.type");
        String type = type(odataType);
        return new DirectoryObject(
                odataType,
                Json.text(o, "id"),
                Json.text(o, "displayName"),
                Json.text(o, "deviceId"),
                "user".equalsIgnoreCase(type) ? DirectoryUser.from(o) : null,
                "group".equalsIgnoreCase(type) ? DirectoryGroup.from(o) : null,
                o);
    }

    /**
     * The member type: {@code @odata.type} without {@code #microsoft.graph.}, e.g. {@code user}, {@code group}, {@code
     * device}, {@code servicePrincipal}, {@code orgContact}; {@code null} when {@code @odata.type} is absent.
     */
    public String type() {
        return type(odataType);
    }

    /** The member is a user. */
    public boolean isUser() {
        return "user".equalsIgnoreCase(type());
    }

    /** The member is a group (its own members are listed by {@code transitiveMembers}). */
    public boolean isGroup() {
        return "group".equalsIgnoreCase(type());
    }

    /** The member is a device. */
    public boolean isDevice() {
        return "device".equalsIgnoreCase(type());
    }

    /** A copy of the original JSON object, unknown fields included. */
    @Override
    public ObjectNode raw() {
        return raw.deepCopy();
    }

    private static String type(String odataType) {
        String t = Json.nonBlank(odataType);
        if (t == null) {
            return null;
        }
        t = t.trim();
        if (t.startsWith("#")) {
            t = t.substring(1);
        }
        if (t.regionMatches(true, 0, GRAPH_PREFIX, 0, GRAPH_PREFIX.length())) {
            t = t.substring(GRAPH_PREFIX.length());
        }
        return Json.nonBlank(t);
    }
}
