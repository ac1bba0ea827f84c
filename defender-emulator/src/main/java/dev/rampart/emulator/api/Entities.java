package dev.rampart.emulator.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rampart.emulator.http.Call;
import dev.rampart.emulator.tenant.Cve;
import dev.rampart.emulator.tenant.Device;
import dev.rampart.emulator.tenant.Hash;
import dev.rampart.emulator.tenant.InstalledSoftware;
import dev.rampart.emulator.tenant.Platform;
import dev.rampart.emulator.tenant.Product;
import dev.rampart.emulator.tenant.SyntheticTenant;
import dev.rampart.emulator.tenant.Times;
import dev.rampart.emulator.tenant.VulnRow;
import java.time.Instant;

/**
 * Renders the tenant's facts as the JSON entities of the real API, field for field, with the casing, types and nulls
 * of recorded traffic (REFERENCE.md sections 4.4, 5.3, 5.4, 6.3, 6.5, 6.6, 7.2, 8.2, 9.1; recorded samples under
 * shared/mde-api/samples/recorded). Where the docs and real traffic disagree, real traffic wins: {@code rbacGroupId} is
 * a number, {@code mitreTechniques} an array, {@code relatedUser} an object.
 */
final class Entities {
    private Entities() {}

    /**
     * Interface types as real machine records spell them: .NET's {@code NetworkInterfaceType} names ({@code
     * IEEE80211}, not {@code Wireless80211}), and on some records the enum's number as text ({@code "53"}, a virtual
     * adapter) where the name was not known.
     */
    private static final String[] NIC_TYPES = {"Ethernet", "IEEE80211", "Ethernet", "Other", "Ethernet", "53"};

    static ObjectNode machine(SyntheticTenant t, int i, Instant now) {
        Device d = t.device(i, now);
        long seed = t.seed();
        ObjectNode m = Call.JSON.createObjectNode();
        m.put("id", d.id());
        m.putNull("mergedIntoMachineId");
        m.put("isPotentialDuplication", Hash.unit(seed, 100, i) < 0.01);
        boolean excluded = Hash.unit(seed, 101, i) < 0.01;
        m.put("isExcluded", excluded);
        if (excluded) {
            m.put("exclusionReason", "InactiveDevice");
        } else {
            m.putNull("exclusionReason");
        }
        m.put("computerDnsName", d.computerDnsName());
        m.put("firstSeen", Times.odata(d.firstSeen()));
        m.put("lastSeen", Times.odata(d.lastSeen()));
        m.put("osPlatform", d.platform().apiName());
        if (d.platform().family() == Platform.Family.LINUX || d.platform().family() == Platform.Family.MAC) {
            m.put("osVersion", d.version());
        } else {
            m.putNull("osVersion");
        }
        m.put("osProcessor", d.platform().family() == Platform.Family.MOBILE ? "arm64" : "x64");
        m.put("version", d.version());
        String ip = ip(seed, i);
        m.put("lastIpAddress", ip);
        m.put(
                "lastExternalIpAddress",
                (Hash.unit(seed, 102, i) < 0.5 ? "198.51.100." : "203.0.113.")
                        + (1 + Hash.below(Hash.of(seed, 103, i), 254)));
        if (d.agentVersion() == null) {
            m.putNull("agentVersion");
        } else {
            m.put("agentVersion", d.agentVersion());
        }
        if (d.osBuild() == null) {
            m.putNull("osBuild");
        } else {
            m.put("osBuild", d.osBuild());
        }
        m.put("healthStatus", d.healthStatus());
        double dv = Hash.unit(seed, 104, i);
        m.put("deviceValue", dv < 0.85 ? "Normal" : dv < 0.95 ? "High" : "Low");
        m.put("rbacGroupId", d.rbacGroupId());
        if (d.rbacGroupName() == null) {
            m.putNull("rbacGroupName");
        } else {
            m.put("rbacGroupName", d.rbacGroupName());
        }
        double rs = Hash.unit(seed, 105, i);
        m.put(
                "riskScore",
                !d.onboarded()
                        ? "None"
                        : rs < 0.55
                                ? "None"
                                : rs < 0.6 ? "Informational" : rs < 0.75 ? "Low" : rs < 0.9 ? "Medium" : "High");
        m.put("exposureLevel", d.onboarded() ? exposure(t, i, now) : "None");
        boolean windows = d.platform().windows();
        boolean aad = windows && Hash.unit(seed, 106, i) < 0.7;
        if (windows || d.platform().family() == Platform.Family.MAC) {
            m.put("isAadJoined", aad);
        } else {
            m.putNull("isAadJoined");
        }
        if (aad && Hash.unit(seed, 107, i) > 0.05) {
            m.put("aadDeviceId", aadDeviceId(seed, i));
        } else {
            m.putNull("aadDeviceId");
        }
        ArrayNode tags = m.putArray("machineTags");
        t.tags(i).forEach(tags::add);
        if (Hash.unit(seed, 124, i) < AV_STATUS_SHARE) {
            m.put("defenderAvStatus", avStatus(seed, i, d)); // absent from most current real records
        }
        m.put("onboardingStatus", d.onboardingStatus());
        m.put("osArchitecture", Hash.unit(seed, 108, i) < 0.02 && windows ? "32-bit" : "64-bit");
        double mb = Hash.unit(seed, 109, i);
        m.put(
                "managedBy",
                !d.onboarded()
                        ? "Unknown"
                        : mb < 0.55 ? "Intune" : mb < 0.65 ? "MicrosoftDefenderForEndpoint" : "Unknown");
        m.put("managedByStatus", mb < 0.55 && d.onboarded() ? "Success" : "Unknown");
        ArrayNode ips = m.putArray("ipAddresses");
        String mac = Hash.hex(Hash.of(seed, 110, i), 12).toUpperCase();
        String type = NIC_TYPES[Hash.below(Hash.of(seed, 111, i), NIC_TYPES.length)];
        ips.addObject()
                .put("ipAddress", ip)
                .put("macAddress", mac)
                .put("type", type)
                .put("operationalStatus", "Up");
        ips.addObject()
                .put(
                        "ipAddress",
                        "fe80::" + Hash.hex(Hash.of(seed, 112, i), 4) + ":" + Hash.hex(Hash.of(seed, 113, i), 4) + ":"
                                + Hash.hex(Hash.of(seed, 114, i), 4) + ":" + Hash.hex(Hash.of(seed, 115, i), 4))
                .put("macAddress", mac)
                .put("type", type)
                .put("operationalStatus", "Up");
        if (windows) {
            ips.addObject()
                    .put("ipAddress", "127.0.0.1")
                    .putNull("macAddress")
                    .put("type", "SoftwareLoopback")
                    .put("operationalStatus", "Up");
        } else if (d.platform().family() == Platform.Family.LINUX) {
            // Linux sensors report the loopback interface too, with an all-zero MAC and type Other
            for (String loopback : new String[] {"127.0.0.1", "::1"}) {
                ips.addObject()
                        .put("ipAddress", loopback)
                        .put("macAddress", "000000000000")
                        .put("type", "Other")
                        .put("operationalStatus", "Up");
            }
        }
        if (d.platform().family() == Platform.Family.WINDOWS_SERVER && Hash.unit(seed, 116, i) < 0.4) {
            ObjectNode vm = m.putObject("vmMetadata");
            String sub = Hash.guid(Hash.of(seed, 117, i % 7), Hash.of(seed, 118, i % 7));
            String host = d.computerDnsName().split("\\.")[0];
            vm.put("vmId", Hash.guid(Hash.of(seed, 119, i), Hash.of(seed, 120, i)));
            vm.put("cloudProvider", "Azure");
            vm.put(
                    "resourceId",
                    "/subscriptions/" + sub + "/resourceGroups/rg-servers/providers/Microsoft.Compute/virtualMachines/"
                            + host);
            vm.put("subscriptionId", sub);
        } else {
            m.putNull("vmMetadata");
        }
        ObjectNode override = t.state().machineOverride(i);
        if (override != null) {
            override.fields().forEachRemaining(e -> m.set(e.getKey(), e.getValue()));
        }
        return m;
    }

    /** The share of machine records that still carry {@code defenderAvStatus}: most current real ones do not. */
    static final double AV_STATUS_SHARE = 0.1;

    static String ip(long seed, int i) {
        return "10." + (20 + (i >> 16) % 200) + "." + ((i >> 8) & 0xff) + "." + (i & 0xff);
    }

    static String aadDeviceId(long seed, int i) {
        return Hash.guid(Hash.of(seed, 121, i), Hash.of(seed, 122, i));
    }

    private static String avStatus(long seed, int i, Device d) {
        if (!d.onboarded()) {
            return "Unknown";
        }
        if (!d.platform().windows()) {
            return d.platform().family() == Platform.Family.MOBILE ? "NotSupported" : "Updated";
        }
        double u = Hash.unit(seed, 123, i);
        return u < 0.82 ? "Updated" : u < 0.92 ? "NotUpdated" : u < 0.95 ? "Disabled" : "NotReporting";
    }

    private static String exposure(SyntheticTenant t, int i, Instant now) {
        int[] worst = {0};
        t.vulnerabilities(
                i,
                now,
                row -> worst[0] = Math.max(worst[0], severityRank(row.cve().severity())));
        return switch (worst[0]) {
            case 4, 3 -> "High";
            case 2 -> "Medium";
            case 1 -> "Low";
            default -> "None";
        };
    }

    static int severityRank(String s) {
        if (s == null || s.isEmpty()) {
            return 0;
        }
        return switch (s.charAt(0)) { // Critical, High, Medium, Low: the first letter decides
            case 'C' -> 4;
            case 'H' -> 3;
            case 'M' -> 2;
            case 'L' -> 1;
            default -> 0;
        };
    }

    static ObjectNode machineReference(SyntheticTenant t, int i, Instant now) {
        Device d = t.device(i, now);
        ObjectNode m = Call.JSON.createObjectNode();
        m.put("id", d.id());
        m.put("computerDnsName", d.computerDnsName());
        m.put("osPlatform", d.platform().apiName());
        if (d.rbacGroupName() == null) {
            m.putNull("rbacGroupName");
        } else {
            m.put("rbacGroupName", d.rbacGroupName());
        }
        return m;
    }

    /** A CVE as {@code /api/vulnerabilities} returns it. */
    static ObjectNode vulnerability(Cve c, long exposedMachines, Instant firstDetected, boolean perDevice) {
        ObjectNode v = Call.JSON.createObjectNode();
        if (perDevice) {
            v.put("@odata.type", "#microsoft.windowsDefenderATP.api.PublicVulnerabilityDto");
        }
        v.put("id", c.id());
        v.put("name", c.id());
        v.put("description", c.description());
        v.put("severity", c.severity());
        v.put("cvssV3", c.cvssV3());
        v.put("cvssVector", c.cvssVector());
        v.put("exposedMachines", exposedMachines);
        v.put("publishedOn", Times.seconds(c.publishedOn()));
        v.put("updatedOn", Times.millis(c.updatedOn()));
        if (firstDetected == null) {
            v.putNull("firstDetected");
        } else {
            v.put("firstDetected", Times.seconds(firstDetected));
        }
        if (!perDevice) {
            v.put("patchFirstAvailable", Times.seconds(c.publishedOn()));
        }
        v.put("publicExploit", c.publicExploit());
        v.put("exploitVerified", c.exploitVerified());
        v.put("exploitInKit", c.exploitInKit());
        ArrayNode types = v.putArray("exploitTypes");
        c.exploitTypes().forEach(types::add);
        ArrayNode uris = v.putArray("exploitUris");
        if (c.publicExploit()) {
            uris.add("https://www.exploit-db.com/exploits/" + (40000 + c.index()));
        }
        v.put("cveSupportability", c.cveSupportability());
        if (!perDevice) {
            v.putArray("tags");
            v.put("epss", c.epss());
        }
        return v;
    }

    static String fixingKb(SyntheticTenant t, VulnRow r) {
        if (!r.product().microsoft()) {
            return null;
        }
        return Long.toString(5000000 + Hash.below(Hash.of(t.seed(), 130, r.cve().index()), 90000));
    }

    /** A row of {@code /api/vulnerabilities/machinesVulnerabilities} (section 5.4). */
    static ObjectNode machineVulnerability(SyntheticTenant t, VulnRow r) {
        String machineId = t.machineId(r.device());
        String kb = fixingKb(t, r);
        ObjectNode o = Call.JSON.createObjectNode();
        o.put(
                "id",
                machineId + "-_-" + r.cve().id() + "-_-" + r.product().vendor() + "-_-"
                        + r.product().name() + "-_-" + r.version() + "-_-" + (kb == null ? "" : kb));
        o.put("cveId", r.cve().id());
        o.put("machineId", machineId);
        if (kb == null) {
            o.putNull("fixingKbId");
        } else {
            o.put("fixingKbId", kb);
        }
        o.put("productName", r.product().name());
        o.put("productVendor", r.product().vendor());
        o.put("productVersion", r.version());
        o.put("severity", r.cve().severity());
        return o;
    }

    /**
     * A row of the software vulnerabilities export (section 6.3); with {@code status} for the delta export (6.5). Real
     * rows also carry {@code rbacGroupId} (a number) and {@code isOnboarded}, and their {@code id} is {@code
     * {deviceId}_{vendor}_{name}_{version}_{cve}}.
     */
    static ObjectNode exportVulnerability(
            SyntheticTenant t, Device d, VulnRow r, Instant lastSeen, String status, Instant event) {
        ObjectNode o = Call.JSON.createObjectNode();
        Product p = r.product();
        o.put(
                "id",
                d.id() + "_" + p.vendor() + "_" + p.name() + "_" + r.version() + "_"
                        + r.cve().id());
        o.put("deviceId", d.id());
        o.put("rbacGroupName", d.rbacGroupName() == null ? "Unassigned" : d.rbacGroupName());
        o.put("rbacGroupId", d.rbacGroupId());
        o.put("isOnboarded", d.onboarded());
        o.put("deviceName", d.computerDnsName());
        o.put("osPlatform", d.platform().apiName());
        o.put("osVersion", d.osBuild() == null ? d.version() : "10.0." + d.osBuild() + "." + (1000 + d.index() % 3000));
        o.put("osArchitecture", "x64");
        o.put("softwareVendor", p.vendor());
        o.put("softwareName", p.name());
        o.put("softwareVersion", r.version());
        o.put("cveId", r.cve().id());
        if (status == null) {
            o.put("cvssScore", r.cve().cvssV3());
        }
        o.put("vulnerabilitySeverityLevel", r.cve().severity());
        String kb = fixingKb(t, r);
        if (kb != null) {
            o.put("recommendedSecurityUpdate", monthName(r.cve().updatedOn()) + " Security Updates");
            o.put("recommendedSecurityUpdateId", kb);
            o.put("recommendedSecurityUpdateUrl", "https://support.microsoft.com/help/" + kb);
        } else {
            o.putNull("recommendedSecurityUpdate");
            o.putNull("recommendedSecurityUpdateId");
            o.putNull("recommendedSecurityUpdateUrl");
        }
        ArrayNode disk = o.putArray("diskPaths");
        ArrayNode reg = o.putArray("registryPaths");
        if (d.platform().windows()) {
            disk.add("C:\\Program Files\\" + p.vendor() + "\\" + p.name() + "\\" + p.name() + ".exe");
            reg.add("HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\" + p.name());
        } else {
            disk.add("/usr/lib/" + p.name());
        }
        o.put("lastSeenTimestamp", Times.export(lastSeen));
        o.put("firstSeenTimestamp", Times.export(r.firstSeen()));
        o.put("exploitabilityLevel", r.cve().exploitabilityLevel());
        o.put("recommendationReference", "va-_-" + p.vendor() + "-_-" + p.name());
        if (status == null) {
            o.put(
                    "securityUpdateAvailable",
                    kb != null || Hash.unit(t.seed(), 131, r.cve().index()) < 0.8);
        } else {
            o.put("status", status);
            o.put("eventTimestamp", Times.millis(event));
        }
        return o;
    }

    private static String monthName(Instant t) {
        var z = t.atZone(java.time.ZoneOffset.UTC);
        return z.getMonth().getDisplayName(java.time.format.TextStyle.FULL, java.util.Locale.ENGLISH) + " "
                + z.getYear();
    }

    /** A row of the software inventory export (section 6.6). */
    static ObjectNode exportSoftware(Device d, InstalledSoftware s, int weaknesses) {
        ObjectNode o = Call.JSON.createObjectNode();
        o.put("deviceId", d.id());
        o.put("rbacGroupName", d.rbacGroupName() == null ? "Unassigned" : d.rbacGroupName());
        o.put("deviceName", d.computerDnsName());
        o.put("osPlatform", d.platform().apiName());
        o.put("softwareVendor", s.product().vendor());
        o.put("softwareName", s.product().name());
        o.put("softwareVersion", s.version());
        o.put("numberOfWeaknesses", weaknesses);
        o.putArray("diskPaths");
        o.putArray("registryPaths");
        o.put(
                "softwareFirstSeenTimestamp",
                Times.export(s.firstSeen().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
        o.put("endOfSupportStatus", s.product().endOfSupportStatus());
        if ("None".equals(s.product().endOfSupportStatus())) {
            o.putNull("endOfSupportDate");
        } else {
            o.put("endOfSupportDate", "2026-10-14T00:00:00+00:00");
        }
        return o;
    }

    /** A software entity (section 7.2). */
    static ObjectNode software(Product p, long weaknesses, long exposed, boolean publicExploit, boolean activeAlert) {
        ObjectNode o = Call.JSON.createObjectNode();
        o.put("id", p.id());
        o.put("name", p.name());
        o.put("vendor", p.vendor());
        o.put("weaknesses", weaknesses);
        o.put("publicExploit", publicExploit);
        o.put("activeAlert", activeAlert);
        o.put("exposedMachines", exposed);
        o.put("impactScore", Math.round(weaknesses * 0.0137 * 100000) / 100000.0);
        return o;
    }
}
