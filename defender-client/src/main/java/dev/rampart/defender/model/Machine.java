package dev.rampart.defender.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/**
 * A device from {@code GET /api/machines} or {@code GET /api/machines/{id}} (REFERENCE 4.4). Enumerations such as
 * {@code healthStatus} are kept as the API's text; {@code rbacGroupId} is read from a number or a string (14.2).
 *
 * @param lastSeen the last full device report (about daily), not the portal's "last seen" (REFERENCE 4.4)
 * @param rbacGroupId the device group id; {@code 0} is observed for devices without a group, {@code null} when absent
 *     or not numeric
 * @param vmMetadata cloud VM identity, {@code null} when the API sends none
 */
public record Machine(
        String id,
        String mergedIntoMachineId,
        Boolean isPotentialDuplication,
        Boolean isExcluded,
        String exclusionReason,
        String computerDnsName,
        Instant firstSeen,
        Instant lastSeen,
        String osPlatform,
        String osVersion,
        String osProcessor,
        String version,
        Long osBuild,
        String osArchitecture,
        String lastIpAddress,
        String lastExternalIpAddress,
        String agentVersion,
        String healthStatus,
        String onboardingStatus,
        String deviceValue,
        Long rbacGroupId,
        String rbacGroupName,
        String riskScore,
        String exposureLevel,
        Boolean isAadJoined,
        String aadDeviceId,
        List<String> machineTags,
        String defenderAvStatus,
        String managedBy,
        String managedByStatus,
        List<IpAddress> ipAddresses,
        VmMetadata vmMetadata,
        ObjectNode raw) {

    public Machine {
        machineTags = Json.list(machineTags);
        ipAddresses = Json.list(ipAddresses);
        raw = Json.copy(raw);
    }

    public static Machine from(JsonNode node) {
        ObjectNode o = Json.asObject(node);
        return new Machine(
                Json.text(o, "id"),
                Json.text(o, "mergedIntoMachineId"),
                Json.bool(o, "isPotentialDuplication"),
                Json.bool(o, "isExcluded"),
                Json.text(o, "exclusionReason"),
                Json.text(o, "computerDnsName"),
                Json.instant(o, "firstSeen"),
                Json.instant(o, "lastSeen"),
                Json.text(o, "osPlatform"),
                Json.text(o, "osVersion"),
                Json.text(o, "osProcessor"),
                Json.text(o, "version"),
                Json.longValue(o, "osBuild"),
                Json.text(o, "osArchitecture"),
                Json.text(o, "lastIpAddress"),
                Json.text(o, "lastExternalIpAddress"),
                Json.text(o, "agentVersion"),
                Json.text(o, "healthStatus"),
                Json.text(o, "onboardingStatus"),
                Json.text(o, "deviceValue"),
                Json.longValue(o, "rbacGroupId"),
                Json.text(o, "rbacGroupName"),
                Json.text(o, "riskScore"),
                Json.text(o, "exposureLevel"),
                Json.bool(o, "isAadJoined"),
                Json.text(o, "aadDeviceId"),
                Json.strings(o, "machineTags"),
                Json.text(o, "defenderAvStatus"),
                Json.text(o, "managedBy"),
                Json.text(o, "managedByStatus"),
                Json.objects(o, "ipAddresses", IpAddress::from),
                Json.object(o, "vmMetadata", VmMetadata::from),
                o);
    }

    /** {@code healthStatus} is {@code Active} (any case). */
    public boolean isActive() {
        return Json.is(healthStatus, "Active");
    }

    /** {@code onboardingStatus} is {@code Onboarded} (any case; the docs write {@code onboarded}). */
    public boolean isOnboarded() {
        return Json.is(onboardingStatus, "Onboarded");
    }

    /** The record was merged into another device id ({@code mergedIntoMachineId} is set). */
    public boolean isMerged() {
        return !Json.blank(mergedIntoMachineId);
    }

    /** The part of {@code computerDnsName} before the first dot, or the whole name (REFERENCE 14.3). */
    public String hostName() {
        String name = Json.nonBlank(computerDnsName);
        if (name == null) {
            return null;
        }
        name = name.trim();
        int dot = name.indexOf('.');
        return Json.nonBlank(dot < 0 ? name : name.substring(0, dot));
    }

    /**
     * The part of {@code computerDnsName} after the first dot; {@code null} for a bare host name, which real tenants
     * report for workgroup and Entra-only devices (REFERENCE 14.3). MDE has no domain property of its own.
     */
    public String dnsDomain() {
        String name = Json.nonBlank(computerDnsName);
        if (name == null) {
            return null;
        }
        name = name.trim();
        int dot = name.indexOf('.');
        return dot < 0 ? null : Json.nonBlank(name.substring(dot + 1));
    }

    /** A copy of the original JSON object, unknown fields included. */
    @Override
    public ObjectNode raw() {
        return raw.deepCopy();
    }
}
