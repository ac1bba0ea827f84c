package dev.rampart.defender.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/**
 * A user seen logging on to a device, from {@code GET /api/machines/{id}/logonusers} (REFERENCE 9.1); also the user
 * entity of {@code GET /api/alerts/{id}/user} (9.2), which adds the prevalent-machine ids.
 *
 * @param id <code>domain&#92;user</code>
 * @param logonTypes as sent, e.g. {@code Interactive}; see {@link #logonTypeList()}
 * @param accountSid present in older documentation versions, may be absent
 * @param logOnMachinesCount present in older documentation versions, may be absent
 */
public record LogonUser(
        String id,
        String accountName,
        String accountDomain,
        String accountSid,
        Instant firstSeen,
        Instant lastSeen,
        String logonTypes,
        Long logOnMachinesCount,
        Boolean isDomainAdmin,
        Boolean isOnlyNetworkUser,
        String mostPrevalentMachineId,
        String leastPrevalentMachineId,
        ObjectNode raw) {

    public LogonUser {
        raw = Json.copy(raw);
    }

    public static LogonUser from(JsonNode node) {
        ObjectNode o = Json.asObject(node);
        return new LogonUser(
                Json.text(o, "id"),
                Json.text(o, "accountName"),
                Json.text(o, "accountDomain"),
                Json.text(o, "accountSid"),
                Json.instant(o, "firstSeen"),
                Json.instant(o, "lastSeen"),
                Json.textOrJoined(o, "logonTypes"),
                Json.longValue(o, "logOnMachinesCount"),
                Json.bool(o, "isDomainAdmin"),
                Json.bool(o, "isOnlyNetworkUser"),
                Json.text(o, "mostPrevalentMachineId"),
                Json.text(o, "leastPrevalentMachineId"),
                o);
    }

    /** {@code logonTypes} split at commas (several types may be comma-joined, REFERENCE 9.1); empty when absent. */
    public List<String> logonTypeList() {
        return Json.stringsOrCsv(raw, "logonTypes");
    }

    /** A copy of the original JSON object, unknown fields included. */
    @Override
    public ObjectNode raw() {
        return raw.deepCopy();
    }
}
