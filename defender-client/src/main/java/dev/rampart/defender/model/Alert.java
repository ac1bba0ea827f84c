package dev.rampart.defender.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/**
 * An MDE alert from {@code GET /api/alerts} (REFERENCE 8.2). Enumerations ({@code severity}, {@code status}, {@code
 * classification}, ...) are kept as the API's text.
 *
 * @param mitreTechniques documented as a string, sent as an array; a comma-separated string is split
 * @param relatedUser documented as a string, sent as an object; {@code null} when absent
 * @param evidence empty unless the list was requested with {@code $expand=evidence}
 */
public record Alert(
        String id,
        Long incidentId,
        Long investigationId,
        String investigationState,
        String assignedTo,
        String severity,
        String status,
        String classification,
        String determination,
        String category,
        String detectionSource,
        String detectorId,
        String threatFamilyName,
        String threatName,
        String title,
        String description,
        Instant alertCreationTime,
        Instant firstEventTime,
        Instant lastEventTime,
        Instant lastUpdateTime,
        Instant resolvedTime,
        String machineId,
        String computerDnsName,
        String rbacGroupName,
        String aadTenantId,
        List<String> mitreTechniques,
        RelatedUser relatedUser,
        List<AlertComment> comments,
        List<AlertEvidence> evidence,
        ObjectNode raw) {

    public Alert {
        mitreTechniques = Json.list(mitreTechniques);
        comments = Json.list(comments);
        evidence = Json.list(evidence);
        raw = Json.copy(raw);
    }

    public static Alert from(JsonNode node) {
        ObjectNode o = Json.asObject(node);
        return new Alert(
                Json.text(o, "id"),
                Json.longValue(o, "incidentId"),
                Json.longValue(o, "investigationId"),
                Json.text(o, "investigationState"),
                Json.text(o, "assignedTo"),
                Json.text(o, "severity"),
                Json.text(o, "status"),
                Json.text(o, "classification"),
                Json.text(o, "determination"),
                Json.text(o, "category"),
                Json.text(o, "detectionSource"),
                Json.text(o, "detectorId"),
                Json.text(o, "threatFamilyName"),
                Json.text(o, "threatName"),
                Json.text(o, "title"),
                Json.text(o, "description"),
                Json.instant(o, "alertCreationTime"),
                Json.instant(o, "firstEventTime"),
                Json.instant(o, "lastEventTime"),
                Json.instant(o, "lastUpdateTime"),
                Json.instant(o, "resolvedTime"),
                Json.text(o, "machineId"),
                Json.text(o, "computerDnsName"),
                Json.text(o, "rbacGroupName"),
                Json.text(o, "aadTenantId"),
                Json.stringsOrCsv(o, "mitreTechniques"),
                relatedUser(Json.field(o, "relatedUser")),
                Json.objects(o, "comments", AlertComment::from),
                Json.objects(o, "evidence", AlertEvidence::from),
                o);
    }

    private static RelatedUser relatedUser(JsonNode value) {
        boolean present = value != null
                && (value.isObject() || value.isTextual() && !value.textValue().isBlank());
        return present ? RelatedUser.from(value) : null;
    }

    /** {@code status} is {@code Resolved} (any case). */
    public boolean isResolved() {
        return Json.is(status, "Resolved");
    }

    /** A copy of the original JSON object, unknown fields included. */
    @Override
    public ObjectNode raw() {
        return raw.deepCopy();
    }
}
