package dev.rampart.defender.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/**
 * A directory group from Graph {@code GET /groups} or a group member of type {@code group} (REFERENCE 13.4).
 *
 * @param groupTypes e.g. {@code Unified}, {@code DynamicMembership}; empty for plain security groups
 */
public record DirectoryGroup(
        String id,
        String displayName,
        String description,
        String mail,
        Boolean mailEnabled,
        String mailNickname,
        Boolean securityEnabled,
        List<String> groupTypes,
        String membershipRule,
        Instant createdDateTime,
        Boolean onPremisesSyncEnabled,
        String onPremisesSecurityIdentifier,
        String onPremisesSamAccountName,
        String onPremisesNetBiosName,
        String onPremisesDomainName,
        Instant onPremisesLastSyncDateTime,
        ObjectNode raw) {

    public DirectoryGroup {
        groupTypes = Json.list(groupTypes);
        raw = Json.copy(raw);
    }

    public static DirectoryGroup from(JsonNode node) {
        ObjectNode o = Json.asObject(node);
        return new DirectoryGroup(
                Json.text(o, "id"),
                Json.text(o, "displayName"),
                Json.text(o, "description"),
                Json.text(o, "mail"),
                Json.bool(o, "mailEnabled"),
                Json.text(o, "mailNickname"),
                Json.bool(o, "securityEnabled"),
                Json.strings(o, "groupTypes"),
                Json.text(o, "membershipRule"),
                Json.instant(o, "createdDateTime"),
                Json.bool(o, "onPremisesSyncEnabled"),
                Json.text(o, "onPremisesSecurityIdentifier"),
                Json.text(o, "onPremisesSamAccountName"),
                Json.text(o, "onPremisesNetBiosName"),
                Json.text(o, "onPremisesDomainName"),
                Json.instant(o, "onPremisesLastSyncDateTime"),
                o);
    }

    /** Membership is computed from {@code membershipRule} ({@code groupTypes} contains {@code DynamicMembership}). */
    public boolean isDynamic() {
        return groupTypes.stream().anyMatch(t -> Json.is(t, "DynamicMembership"));
    }

    /** A Microsoft 365 group ({@code groupTypes} contains {@code Unified}). */
    public boolean isUnified() {
        return groupTypes.stream().anyMatch(t -> Json.is(t, "Unified"));
    }

    /** A copy of the original JSON object, unknown fields included. */
    @Override
    public ObjectNode raw() {
        return raw.deepCopy();
    }
}
