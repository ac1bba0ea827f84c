package dev.rampart.defender.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * A machine action (isolate, unisolate, AV scan, ...) as returned when it is created and by {@code GET
 * /api/machineactions} (REFERENCE 10.3). {@code type} and {@code status} are kept as the API's text.
 *
 * @param lastUpdateDateTimeUtc read from {@code lastUpdateDateTimeUtc}, or from {@code lastUpdateTimeUtc} as some
 *     documentation examples spell it
 * @param errorHResult {@code 0} when there is no error
 * @param relatedFileIdentifier {@code relatedFileInfo.fileIdentifier}, {@code null} when there is no related file
 * @param relatedFileIdentifierType {@code relatedFileInfo.fileIdentifierType}: {@code Sha1}, {@code Sha256} or {@code
 *     Md5}
 */
public record MachineAction(
        String id,
        String type,
        String title,
        String scope,
        String requestor,
        String requestorComment,
        String requestSource,
        String externalId,
        String status,
        String machineId,
        String computerDnsName,
        Instant creationDateTimeUtc,
        Instant lastUpdateDateTimeUtc,
        String cancellationRequestor,
        String cancellationComment,
        Instant cancellationDateTimeUtc,
        Long errorHResult,
        String relatedFileIdentifier,
        String relatedFileIdentifierType,
        ObjectNode raw) {

    public MachineAction {
        raw = Json.copy(raw);
    }

    public static MachineAction from(JsonNode node) {
        ObjectNode o = Json.asObject(node);
        JsonNode file = Json.object(o, "relatedFileInfo");
        return new MachineAction(
                Json.text(o, "id"),
                Json.text(o, "type"),
                Json.text(o, "title"),
                Json.text(o, "scope"),
                Json.text(o, "requestor"),
                Json.text(o, "requestorComment"),
                Json.text(o, "requestSource"),
                Json.text(o, "externalId"),
                Json.text(o, "status"),
                Json.text(o, "machineId"),
                Json.text(o, "computerDnsName"),
                Json.instant(o, "creationDateTimeUtc"),
                Json.instant(Json.text(Json.firstField(o, "lastUpdateDateTimeUtc", "lastUpdateTimeUtc"))),
                Json.text(o, "cancellationRequestor"),
                Json.text(o, "cancellationComment"),
                Json.instant(o, "cancellationDateTimeUtc"),
                Json.longValue(o, "errorHResult"),
                Json.text(file, "fileIdentifier"),
                Json.text(file, "fileIdentifierType"),
                o);
    }

    /** Not finished yet: {@code status} is {@code Pending} or {@code InProgress} (any case). */
    public boolean isPending() {
        return Json.isAny(status, "Pending", "InProgress");
    }

    /**
     * Finished: a status other than {@code Pending}/{@code InProgress} ({@code Succeeded}, {@code Failed}, {@code
     * TimeOut}, {@code Cancelled}, or a value this client does not know). {@code false} when there is no status.
     */
    public boolean isCompleted() {
        return !Json.blank(status) && !isPending();
    }

    /** {@code status} is {@code Succeeded} (any case). */
    public boolean isSucceeded() {
        return Json.is(status, "Succeeded");
    }

    /** A copy of the original JSON object, unknown fields included. */
    @Override
    public ObjectNode raw() {
        return raw.deepCopy();
    }
}
