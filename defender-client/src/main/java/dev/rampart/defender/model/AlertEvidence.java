package dev.rampart.defender.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * One evidence item of an {@link Alert} ({@code evidence[]}, present with {@code $expand=evidence}, REFERENCE 8.2).
 * Every field but {@code entityType} and {@code evidenceCreationTime} is nullable; which ones are set depends on the
 * entity type ({@code User}, {@code Process}, {@code File}, ...).
 */
public record AlertEvidence(
        String entityType,
        Instant evidenceCreationTime,
        String sha1,
        String sha256,
        String fileName,
        String filePath,
        Long processId,
        String processCommandLine,
        Instant processCreationTime,
        Long parentProcessId,
        Instant parentProcessCreationTime,
        String parentProcessFileName,
        String parentProcessFilePath,
        String ipAddress,
        String url,
        String registryKey,
        String registryHive,
        String registryValueType,
        String registryValue,
        String accountName,
        String domainName,
        String userSid,
        String aadUserId,
        String userPrincipalName,
        String detectionStatus,
        ObjectNode raw) {

    public AlertEvidence {
        raw = Json.copy(raw);
    }

    public static AlertEvidence from(JsonNode node) {
        ObjectNode o = Json.asObject(node);
        return new AlertEvidence(
                Json.text(o, "entityType"),
                Json.instant(o, "evidenceCreationTime"),
                Json.text(o, "sha1"),
                Json.text(o, "sha256"),
                Json.text(o, "fileName"),
                Json.text(o, "filePath"),
                Json.longValue(o, "processId"),
                Json.text(o, "processCommandLine"),
                Json.instant(o, "processCreationTime"),
                Json.longValue(o, "parentProcessId"),
                Json.instant(o, "parentProcessCreationTime"),
                Json.text(o, "parentProcessFileName"),
                Json.text(o, "parentProcessFilePath"),
                Json.text(o, "ipAddress"),
                Json.text(o, "url"),
                Json.text(o, "registryKey"),
                Json.text(o, "registryHive"),
                Json.text(o, "registryValueType"),
                Json.text(o, "registryValue"),
                Json.text(o, "accountName"),
                Json.text(o, "domainName"),
                Json.text(o, "userSid"),
                Json.text(o, "aadUserId"),
                Json.text(o, "userPrincipalName"),
                Json.text(o, "detectionStatus"),
                o);
    }

    /** A copy of the original JSON object, unknown fields included. */
    @Override
    public ObjectNode raw() {
        return raw.deepCopy();
    }
}
