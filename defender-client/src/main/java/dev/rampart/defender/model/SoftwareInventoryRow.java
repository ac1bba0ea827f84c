package dev.rampart.defender.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/**
 * One row of the software inventory export ({@code SoftwareInventoryByMachine} / {@code SoftwareInventoryExport},
 * REFERENCE 6.6) or of its non-CPE variant ({@code SoftwareInventoryNoProductCodeByMachine} / {@code
 * SoftwareInventoryNonCpeExport}, 6.7). Field names are matched ignoring case (export files may use PascalCase).
 *
 * @param numberOfWeaknesses CVE count for this software on this device; absent on non-CPE rows
 * @param softwareFirstSeenTimestamp from {@code yyyy-MM-dd HH:mm:ss} with no zone, read as UTC
 * @param softwareLastSeenTimestamp non-CPE rows only
 * @param endOfSupportStatus e.g. {@code None}, {@code EOS Version}, {@code Upcoming EOS Software}; may be empty
 */
public record SoftwareInventoryRow(
        String deviceId,
        String deviceName,
        String rbacGroupName,
        Long rbacGroupId,
        String osPlatform,
        String softwareVendor,
        String softwareName,
        String softwareVersion,
        Integer numberOfWeaknesses,
        List<String> diskPaths,
        List<String> registryPaths,
        Instant softwareFirstSeenTimestamp,
        Instant softwareLastSeenTimestamp,
        String endOfSupportStatus,
        Instant endOfSupportDate,
        ObjectNode raw) {

    public SoftwareInventoryRow {
        diskPaths = Json.list(diskPaths);
        registryPaths = Json.list(registryPaths);
        raw = Json.copy(raw);
    }

    public static SoftwareInventoryRow from(JsonNode node) {
        ObjectNode o = Json.asObject(node);
        return new SoftwareInventoryRow(
                Json.text(o, "deviceId"),
                Json.text(o, "deviceName"),
                Json.text(o, "rbacGroupName"),
                Json.longValue(o, "rbacGroupId"),
                Json.text(o, "osPlatform"),
                Json.text(o, "softwareVendor"),
                Json.text(o, "softwareName"),
                Json.text(o, "softwareVersion"),
                Json.intValue(o, "numberOfWeaknesses"),
                Json.strings(o, "diskPaths"),
                Json.strings(o, "registryPaths"),
                Json.instant(o, "softwareFirstSeenTimestamp"),
                Json.instant(o, "softwareLastSeenTimestamp"),
                Json.text(o, "endOfSupportStatus"),
                Json.instant(o, "endOfSupportDate"),
                o);
    }

    /** A copy of the original JSON object, unknown fields included. */
    @Override
    public ObjectNode raw() {
        return raw.deepCopy();
    }
}
