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
import dev.rampart.emulator.tenant.Platform;
import dev.rampart.emulator.tenant.SyntheticTenant;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Advanced hunting over the {@code DeviceInfo} table (REFERENCE.md section 11): the legacy Defender
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
        return query.execute(rows(now), now);
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

    /** DeviceInfo rows, rendered lazily device by device. */
    Iterator<ObjectNode> rows(Instant now) {
        return new Lookahead<>() {
            int device;
            int report = REPORTS_PER_DEVICE;
            Device current;
            ObjectNode machine;

            @Override
            protected ObjectNode compute() {
                while (true) {
                    if (report >= REPORTS_PER_DEVICE) {
                        if (device >= tenant.deviceCount()) {
                            return null;
                        }
                        current = tenant.device(device, now);
                        // one rendering per device serves its report rows: the fields taken from it (network, Entra
                        // join, exposure, value, tags) are those of its current state
                        machine = current.onboarded() ? Entities.machine(tenant, device, now) : null;
                        device++;
                        report = current.onboarded() ? 0 : REPORTS_PER_DEVICE;
                        continue;
                    }
                    Instant at = current.lastSeen().minus(Duration.ofDays(report++));
                    if (!at.isBefore(current.firstSeen()) && !at.isAfter(now)) {
                        return row(current, machine, at);
                    }
                }
            }
        };
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
        o.put("ReportId", (long) i * 1000 + at.getEpochSecond() % 1000);
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
