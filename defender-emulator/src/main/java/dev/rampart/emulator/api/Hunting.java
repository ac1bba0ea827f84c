package dev.rampart.emulator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rampart.emulator.http.ApiError;
import dev.rampart.emulator.http.Call;
import dev.rampart.emulator.http.Router;
import dev.rampart.emulator.http.Router.Policy;
import dev.rampart.emulator.http.Router.Service;
import dev.rampart.emulator.hunting.HuntingQuery;
import dev.rampart.emulator.hunting.HuntingResult;
import dev.rampart.emulator.tenant.Device;
import dev.rampart.emulator.tenant.Directory;
import dev.rampart.emulator.tenant.EmulatorClock;
import dev.rampart.emulator.tenant.Hash;
import dev.rampart.emulator.tenant.InstalledSoftware;
import dev.rampart.emulator.tenant.Platform;
import dev.rampart.emulator.tenant.SyntheticTenant;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Advanced hunting over {@code DeviceInfo}, {@code DeviceTvmSoftwareVulnerabilities}, {@code
 * DeviceTvmSoftwareInventory}, {@code DeviceLogonEvents} and {@code DeviceNetworkInfo} (REFERENCE.md section 11): the legacy Defender
 * {@code POST /api/advancedqueries/run} and, through {@link #run}, Graph's {@code security/runHuntingQuery}. The
 * supported query subset is the one {@link HuntingQuery} documents. Each device reports a row at each of its last
 * three daily full reports, so {@code summarize arg_max(Timestamp, *) by DeviceId} picks its current state, including
 * {@code LoggedOnUsers} as a JSON-array string.
 */
public final class Hunting {
    private static final int REPORTS_PER_DEVICE = 3;
    private final SyntheticTenant tenant;
    private final EmulatorClock clock;

    Hunting(SyntheticTenant tenant, EmulatorClock clock) {
        this.tenant = tenant;
        this.clock = clock;
    }

    void register(Router r) {
        r.add(
                "POST",
                "/api/advancedqueries/run",
                Service.DEFENDER,
                new Policy("advancedqueries", 45, 1500, List.of("AdvancedQuery.Read.All"), false),
                this::legacy);
    }

    /** The query text from a {@code {"Query": "..."}} body (key case-sensitive, as the API's parameters are). */
    public static String queryFrom(Call call) {
        JsonNode body;
        try {
            body = Call.JSON.readTree(call.body());
        } catch (IOException e) {
            throw ApiError.badRequest("InvalidRequestBody", "The request body is not valid JSON.");
        }
        JsonNode q = body == null ? null : body.get("Query");
        if (q == null || !q.isTextual() || q.asText().isBlank()) {
            throw ApiError.badRequest(
                    "MissingRequiredParameter", "Query is a required parameter (case-sensitive: 'Query').");
        }
        return q.asText();
    }

    public HuntingResult run(String kql) {
        HuntingQuery query = HuntingQuery.parse(kql);
        Instant now = clock.instant();
        return query.execute(rows(query.table(), now), now);
    }

    /** The rows of a table, rendered lazily device by device (onboarded devices only: the others send nothing). */
    Iterator<ObjectNode> rows(String table, Instant now) {
        return switch (table) {
            case "DeviceTvmSoftwareVulnerabilities" -> perDevice(now, this::vulnerabilityRows);
            case "DeviceTvmSoftwareInventory" -> perDevice(now, this::inventoryRows);
            case "DeviceLogonEvents" -> perDevice(now, this::logonRows);
            case "DeviceNetworkInfo" -> perDevice(now, this::networkRows);
            default -> rows(now);
        };
    }

    private interface DeviceRows {
        List<ObjectNode> of(Device d, ObjectNode machine, Instant now);
    }

    private Iterator<ObjectNode> perDevice(Instant now, DeviceRows rows) {
        return new Lookahead<>() {
            int device;
            Iterator<ObjectNode> current = java.util.Collections.emptyIterator();

            @Override
            protected ObjectNode compute() {
                while (!current.hasNext()) {
                    if (device >= tenant.deviceCount()) {
                        return null;
                    }
                    int i = device++;
                    Device d = tenant.device(i, now);
                    if (d.onboarded()) {
                        current = rows.of(d, Entities.machine(tenant, i, now), now)
                                .iterator();
                    }
                }
                return current.next();
            }
        };
    }

    /** The moments of a device's last three daily full reports that fall in its life and before now. */
    private static List<Instant> reports(Device d, Instant now) {
        List<Instant> out = new ArrayList<>();
        for (int report = 0; report < REPORTS_PER_DEVICE; report++) {
            Instant at = d.lastSeen().minus(Duration.ofDays(report));
            if (!at.isBefore(d.firstSeen()) && !at.isAfter(now)) {
                out.add(at);
            }
        }
        return out;
    }

    /** {@code DeviceTvmSoftwareVulnerabilities}: a device's open vulnerabilities now, as the export has them. */
    private List<ObjectNode> vulnerabilityRows(Device d, ObjectNode machine, Instant now) {
        List<ObjectNode> out = new ArrayList<>();
        tenant.vulnerabilities(d.index(), now, row -> {
            ObjectNode e = Entities.exportVulnerability(tenant, d, row, d.lastSeen(), null, null);
            ObjectNode o = Call.JSON.createObjectNode();
            o.put("DeviceId", d.id());
            o.put("DeviceName", d.computerDnsName());
            o.put("OSPlatform", d.platform().apiName());
            o.put("OSVersion", e.path("osVersion").asText(""));
            o.put("OSArchitecture", e.path("osArchitecture").asText(""));
            o.put("SoftwareVendor", e.path("softwareVendor").asText());
            o.put("SoftwareName", e.path("softwareName").asText());
            o.put("SoftwareVersion", e.path("softwareVersion").asText());
            o.put("CveId", e.path("cveId").asText());
            o.put(
                    "VulnerabilitySeverityLevel",
                    e.path("vulnerabilitySeverityLevel").asText());
            o.put(
                    "RecommendedSecurityUpdate",
                    e.path("recommendedSecurityUpdate").asText(""));
            o.put(
                    "RecommendedSecurityUpdateId",
                    e.path("recommendedSecurityUpdateId").asText(""));
            ArrayNode tags = o.putArray("CveTags");
            if (!e.path("securityUpdateAvailable").asBoolean(true)) {
                tags.add("NoSecurityUpdate");
            }
            if (row.cve().exploitInKit() && row.cve().publishedOn().isAfter(now.minus(Duration.ofDays(30)))) {
                tags.add("ZeroDay");
            }
            out.add(o);
        });
        return out;
    }

    /** {@code DeviceTvmSoftwareInventory}: the software installed on a device now, with its CPE. */
    private List<ObjectNode> inventoryRows(Device d, ObjectNode machine, Instant now) {
        List<ObjectNode> out = new ArrayList<>();
        for (InstalledSoftware s : tenant.software(d.index())) {
            ObjectNode e = Entities.exportSoftware(d, s, 0);
            ObjectNode o = Call.JSON.createObjectNode();
            o.put("DeviceId", d.id());
            o.put("DeviceName", d.computerDnsName());
            o.put("OSPlatform", d.platform().apiName());
            o.put("OSVersion", d.version());
            o.put("OSArchitecture", machine.path("osArchitecture").asText());
            o.put("SoftwareVendor", s.product().vendor());
            o.put("SoftwareName", s.product().name());
            o.put("SoftwareVersion", s.version());
            o.put("EndOfSupportStatus", e.path("endOfSupportStatus").asText());
            o.set("EndOfSupportDate", e.get("endOfSupportDate"));
            o.put(
                    "ProductCodeCpe",
                    Hash.unit(tenant.seed(), 150, s.product().index()) < 0.1
                            ? "not available"
                            : "cpe:2.3:a:" + s.product().vendor() + ":"
                                    + s.product().name() + ":" + s.version() + ":*:*:*:*:*:*:*");
            out.add(o);
        }
        return out;
    }

    /**
     * {@code DeviceLogonEvents}: each logged-on user's logons at the device's last reports: mostly successes, some
     * failures; interactive on workstations, remote interactive on servers. Columns without a value are empty
     * strings or null, as Kusto has them.
     */
    private List<ObjectNode> logonRows(Device d, ObjectNode machine, Instant now) {
        List<ObjectNode> out = new ArrayList<>();
        long seed = tenant.seed();
        boolean server = d.platform().family() == Platform.Family.WINDOWS_SERVER
                || d.platform().family() == Platform.Family.LINUX;
        for (Instant report : reports(d, now)) {
            for (int u : tenant.logonUsers(d.index())) {
                long h = Hash.of(seed, 151, d.index(), u, report.getEpochSecond());
                boolean failed = Hash.unit(h) < 0.05;
                boolean remote = server || Hash.unit(Hash.mix(h + 1)) < 0.1;
                Instant at = report.minusSeconds(Hash.below(h >>> 11, 3600));
                ObjectNode o = Call.JSON.createObjectNode();
                o.put("Timestamp", at.toString());
                o.put("DeviceId", d.id());
                o.put("DeviceName", d.computerDnsName());
                o.put("ActionType", failed ? "LogonFailed" : "LogonSuccess");
                o.put(
                        "LogonType",
                        remote ? "RemoteInteractive" : Hash.unit(Hash.mix(h + 2)) < 0.3 ? "Unlock" : "Interactive");
                o.put("AccountDomain", "contoso");
                o.put("AccountName", Directory.sam(tenant, u));
                o.put("AccountSid", Directory.sid(tenant, u));
                o.put("Protocol", remote ? "Negotiate" : "Kerberos");
                o.put("FailureReason", failed ? "InvalidUserNameOrPassword" : "");
                o.put("IsLocalAdmin", Directory.isAdmin(tenant, u));
                o.put("LogonId", 100_000 + Hash.below(h >>> 17, 900_000_000));
                o.put("RemoteDeviceName", remote ? "ws-" + Hash.below(h >>> 19, 9000) : "");
                o.put("RemoteIP", remote ? "10.20." + Hash.below(h >>> 21, 250) + "." + Hash.below(h >>> 23, 250) : "");
                o.put("RemoteIPType", remote ? "Private" : "");
                if (remote) {
                    o.put("RemotePort", 49152 + Hash.below(h >>> 25, 16000));
                } else {
                    o.putNull("RemotePort");
                }
                o.put("InitiatingProcessAccountDomain", "nt authority");
                o.put("InitiatingProcessAccountName", "system");
                o.put("InitiatingProcessAccountSid", "S-1-5-18");
                o.put("InitiatingProcessAccountUpn", "");
                o.put("InitiatingProcessAccountObjectId", "");
                o.put("InitiatingProcessIntegrityLevel", "System");
                o.put("InitiatingProcessTokenElevation", "TokenElevationTypeDefault");
                o.put("InitiatingProcessSHA1", Hash.hex(Hash.of(seed, 152, 1), 40));
                o.put("InitiatingProcessSHA256", "");
                o.put("InitiatingProcessMD5", Hash.hex(Hash.of(seed, 153, 1), 32));
                o.put("InitiatingProcessFileName", "lsass.exe");
                o.put("InitiatingProcessFileSize", 83_256L);
                o.put("InitiatingProcessVersionInfoCompanyName", "Microsoft Corporation");
                o.put("InitiatingProcessVersionInfoProductName", "Microsoft® Windows® Operating System");
                o.put("InitiatingProcessVersionInfoProductVersion", d.version() == null ? "" : d.version());
                o.put("InitiatingProcessVersionInfoInternalFileName", "lsass.exe");
                o.put("InitiatingProcessVersionInfoOriginalFileName", "lsass.exe");
                o.put("InitiatingProcessVersionInfoFileDescription", "Local Security Authority Process");
                o.put("InitiatingProcessId", 600 + Hash.below(Hash.of(seed, 154, d.index()), 400));
                o.put("InitiatingProcessCommandLine", "lsass.exe");
                o.put(
                        "InitiatingProcessCreationTime",
                        d.lastSeen().minus(Duration.ofDays(5)).toString());
                o.put("InitiatingProcessFolderPath", "c:\\windows\\system32\\lsass.exe");
                o.put("InitiatingProcessParentId", 500 + Hash.below(Hash.of(seed, 155, d.index()), 100));
                o.put("InitiatingProcessParentFileName", "wininit.exe");
                o.put(
                        "InitiatingProcessParentCreationTime",
                        d.lastSeen().minus(Duration.ofDays(5)).toString());
                o.put("ReportId", reportId(d, at));
                o.put("AppGuardContainerId", "");
                o.put("AdditionalFields", remote ? "{\"IsLocalLogon\":false}" : "{\"IsLocalLogon\":true}");
                o.putNull("InitiatingProcessSessionId");
                o.putNull("IsInitiatingProcessRemoteSession");
                o.put("InitiatingProcessRemoteSessionDeviceName", "");
                o.put("InitiatingProcessRemoteSessionIP", "");
                o.put("InitiatingProcessUniqueId", "");
                out.add(o);
            }
        }
        return out;
    }

    /**
     * {@code DeviceNetworkInfo}: one row per adapter at each of the device's last reports, from the machine's
     * addresses (loopbacks left out). The JSON columns are strings holding JSON, as the Defender page types them;
     * their key names ({@code IPAddress}, {@code SubnetPrefix}, {@code AddressType}; {@code Name}, {@code
     * Description}, {@code IsConnectedToInternet}, {@code Category}) are the ones community queries read: Microsoft
     * describes them only in prose.
     */
    private List<ObjectNode> networkRows(Device d, ObjectNode machine, Instant now) {
        java.util.Map<String, List<String>> byMac = new java.util.LinkedHashMap<>();
        java.util.Map<String, String> types = new java.util.HashMap<>();
        for (JsonNode ip : machine.path("ipAddresses")) {
            String mac = ip.path("macAddress").asText("");
            if (mac.isEmpty() || mac.equals("000000000000")) {
                continue;
            }
            byMac.computeIfAbsent(mac, k -> new ArrayList<>())
                    .add(ip.path("ipAddress").asText());
            types.put(mac, ip.path("type").asText());
        }
        String domain = d.domain();
        String subnet = machine.path("lastIpAddress").asText("10.0.0.1");
        String gateway = subnet.substring(0, subnet.lastIndexOf('.')) + ".1";
        List<ObjectNode> out = new ArrayList<>();
        for (Instant at : reports(d, now)) {
            int adapter = 0;
            for (var e : byMac.entrySet()) {
                String type =
                        switch (types.get(e.getKey())) {
                            case "Ethernet" -> "Ethernet";
                            case "IEEE80211" -> "Wireless80211"; // .NET's enum name, as this table spells it
                            default -> "Unknown";
                        };
                ArrayNode addresses = Call.JSON.createArrayNode();
                for (String a : e.getValue()) {
                    addresses
                            .addObject()
                            .put("IPAddress", a)
                            .put("SubnetPrefix", a.contains(":") ? 64 : 24)
                            .put("AddressType", a.startsWith("fe80") ? "LinkLocal" : "Private");
                }
                ArrayNode networks = Call.JSON.createArrayNode();
                networks.addObject()
                        .put("Name", domain == null ? "Network" : domain)
                        .put("Description", domain == null ? "Network" : domain)
                        .put("IsConnectedToInternet", true)
                        .put("Category", domain == null ? "Private" : "Domain");
                String mac = e.getKey().replaceAll("(..)(?!$)", "$1-");
                ObjectNode o = Call.JSON.createObjectNode();
                o.put("Timestamp", at.toString());
                o.put("DeviceId", d.id());
                o.put("DeviceName", d.computerDnsName());
                o.put(
                        "NetworkAdapterName",
                        type.equals("Wireless80211") ? "Wi-Fi" : "Ethernet" + (adapter == 0 ? "" : " " + adapter));
                o.put("MacAddress", mac);
                o.put("NetworkAdapterType", type);
                o.put("NetworkAdapterStatus", "Up");
                o.put("TunnelType", "");
                o.put("ConnectedNetworks", networks.toString());
                o.put("DnsAddresses", "[\"" + gateway.substring(0, gateway.lastIndexOf('.')) + ".10\"]");
                o.put("IPv4Dhcp", gateway);
                o.put("IPv6Dhcp", "");
                o.put("DefaultGateways", "[\"" + gateway + "\"]");
                o.put("IPAddresses", addresses.toString());
                o.put("ReportId", reportId(d, at) + adapter);
                o.put("NetworkAdapterVendor", type.equals("Wireless80211") ? "Intel Corporation" : "Realtek");
                o.put("OnboardingStatus", d.onboardingStatus());
                o.put("NetworkAdapterDnsSuffix", domain == null ? "" : domain);
                out.add(o);
                adapter++;
            }
        }
        return out;
    }

    private void legacy(Call call) {
        HuntingResult result = run(queryFrom(call));
        ObjectNode body = Call.JSON.createObjectNode();
        body.putObject("Stats")
                .put("ExecutionTime", 0.05)
                .put("resource_usage", 0)
                .put("dataset_statistics", 0);
        ArrayNode schema = body.putArray("Schema");
        for (HuntingResult.Column c : result.schema()) {
            schema.addObject().put("Name", c.name()).put("Type", c.type());
        }
        ArrayNode results = body.putArray("Results");
        result.rows().forEach(results::add);
        call.json(200, body);
    }

    /**
     * DeviceInfo rows, rendered lazily device by device: a row at each of its last reports. One rendering per device
     * serves them all: the fields taken from it (network, Entra join, exposure, value, tags) are its current state.
     */
    Iterator<ObjectNode> rows(Instant now) {
        return perDevice(now, (d, machine, n) -> reports(d, n).stream()
                .map(at -> row(d, machine, at))
                .toList());
    }

    /** A report's id: a counter per device, unique with the device and the time, as Defender's ReportId is. */
    private static long reportId(Device d, Instant at) {
        return (long) d.index() * 1000 + at.getEpochSecond() % 1000;
    }

    private static final String[][] HARDWARE = {
        {"Dell Inc.", "Latitude 7440"},
        {"LENOVO", "21HD0044GE"},
        {"HP", "HP EliteBook 840 G10"},
        {"Dell Inc.", "OptiPlex 7010"},
        {"Microsoft Corporation", "Surface Laptop 5"}
    };

    /**
     * One {@code DeviceInfo} row: every documented column (see {@code DeviceInfoSchema}), with the values a real
     * tenant shows. String columns are never null in Kusto, so an unknown string is {@code ""}; booleans and numbers
     * may be null.
     */
    private ObjectNode row(Device d, ObjectNode machine, Instant at) {
        long seed = tenant.seed();
        int i = d.index();
        Platform.Family family = d.platform().family();
        boolean windows = d.platform().windows();
        JsonNode vm = machine.path("vmMetadata");
        boolean azure = vm.isObject();
        ObjectNode o = Call.JSON.createObjectNode();
        o.put("Timestamp", at.toString());
        o.put("DeviceId", d.id());
        o.put("DeviceName", d.computerDnsName());
        o.put("ClientVersion", d.agentVersion() == null ? "" : d.agentVersion());
        o.put("PublicIP", machine.path("lastExternalIpAddress").asText());
        o.put("OSArchitecture", machine.path("osArchitecture").asText());
        o.put("OSPlatform", d.platform().apiName());
        if (d.osBuild() == null) {
            o.putNull("OSBuild");
        } else {
            o.put("OSBuild", d.osBuild());
        }
        boolean aad = machine.path("isAadJoined").asBoolean(false);
        o.put("IsAzureADJoined", aad);
        o.put(
                "JoinType",
                !windows
                        ? ""
                        : aad
                                ? (d.domain() != null ? "Hybrid Azure AD Join" : "AAD Joined")
                                : d.domain() != null ? "Domain Joined" : "");
        o.put(
                "AadDeviceId",
                machine.path("aadDeviceId").isNull()
                        ? ""
                        : machine.path("aadDeviceId").asText());
        ArrayNode users = Call.JSON.createArrayNode();
        for (int u : tenant.logonUsers(i)) {
            users.addObject()
                    .put("UserName", Directory.sam(tenant, u))
                    .put("DomainName", "CONTOSO")
                    .put("Sid", Directory.sid(tenant, u));
        }
        o.put("LoggedOnUsers", users.toString());
        o.put("RegistryDeviceTag", Hash.unit(seed, 140, i) < 0.05 ? "Finance" : "");
        o.put("OSVersion", d.version());
        o.put("MachineGroup", d.rbacGroupName() == null ? "UnassignedGroup" : d.rbacGroupName());
        o.put("ReportId", reportId(d, at));
        o.put("OnboardingStatus", d.onboardingStatus());
        o.put("AdditionalFields", "");
        o.put("DeviceCategory", "Endpoint");
        o.put(
                "DeviceType",
                switch (family) {
                    case WINDOWS_SERVER, LINUX -> "Server";
                    case MOBILE -> "Mobile";
                    default -> "Workstation";
                });
        o.put("DeviceSubtype", "");
        String[] hardware = HARDWARE[Hash.below(Hash.of(seed, 141, i), HARDWARE.length)];
        String vendor = azure
                ? "Microsoft Corporation"
                : family == Platform.Family.MAC ? "Apple Inc." : windows ? hardware[0] : "";
        String model = azure
                ? "Virtual Machine"
                : family == Platform.Family.MAC ? "MacBookPro18,3" : windows ? hardware[1] : "";
        o.put("Model", model);
        o.put("Vendor", vendor);
        o.put("OSDistribution", family == Platform.Family.LINUX ? d.platform().apiName() : "");
        o.put("OSVersionInfo", osVersionInfo(d));
        boolean merged = Hash.unit(seed, 142, i) < 0.01;
        o.put("MergedDeviceIds", merged ? "[\"" + Hash.hex(Hash.of(seed, 143, i), 40) + "\"]" : "");
        o.put("MergedToDeviceId", "");
        double facing = Hash.unit(seed, 144, i);
        if (facing < 0.4) {
            o.putNull("IsInternetFacing"); // not evaluated for this device
        } else {
            o.put("IsInternetFacing", facing > 0.98);
        }
        o.put("SensorHealthState", d.healthStatus());
        boolean excluded = machine.path("isExcluded").asBoolean(false);
        o.put("IsExcluded", excluded);
        o.put("ExclusionReason", excluded ? machine.path("exclusionReason").asText("") : "");
        String exposure = machine.path("exposureLevel").asText();
        o.put("ExposureLevel", "None".equals(exposure) ? "" : exposure);
        o.put("AssetValue", machine.path("deviceValue").asText());
        List<String> tags = new ArrayList<>();
        machine.path("machineTags").forEach(t -> tags.add(t.asText()));
        o.put("DeviceManualTags", Call.JSON.valueToTree(tags).toString());
        o.put("DeviceDynamicTags", "[]");
        o.put("ConnectivityType", Hash.unit(seed, 145, i) < 0.3 ? "Streamlined" : "Standard");
        o.put("HostDeviceId", "");
        o.put("AzureResourceId", azure ? vm.path("resourceId").asText() : "");
        o.put("AwsResourceName", "");
        o.put("GcpFullResourceName", "");
        o.put(
                "HardwareUuid",
                family == Platform.Family.MOBILE
                        ? ""
                        : Hash.guid(Hash.of(seed, 146, i), Hash.of(seed, 147, i))
                                .toUpperCase(java.util.Locale.ROOT));
        o.put("CloudPlatforms", azure ? "[\"Azure\"]" : "");
        o.put("AzureVmId", azure ? vm.path("vmId").asText() : "");
        o.put("AzureVmSubscriptionId", azure ? vm.path("subscriptionId").asText() : "");
        o.put("IsTransient", false);
        String version = d.version() == null ? "" : d.version();
        o.put(
                "OsBuildRevision",
                windows && version.matches("\\d+\\.\\d+\\.\\d+\\.\\d+")
                        ? version.substring(version.lastIndexOf('.') + 1)
                        : "");
        o.put("MitigationStatus", "");
        o.put("Site", "");
        o.put("DiscoverySources", "[\"Microsoft Defender for Endpoint\"]");
        o.put("DeviceRoles", "");
        o.put("DlpInfo", "");
        return o;
    }

    /** The popular name of the OS version, as DeviceInfo's OSVersionInfo gives it for Windows. */
    private static String osVersionInfo(Device d) {
        Long build = d.osBuild();
        if (build == null || !d.platform().windows()) {
            return "";
        }
        if (build >= 26100) {
            return "24H2";
        }
        if (build >= 22631) {
            return "23H2";
        }
        if (build >= 22621) {
            return "22H2";
        }
        if (build >= 19045) {
            return "22H2";
        }
        return "";
    }
}
