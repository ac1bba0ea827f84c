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

    private ObjectNode row(Device d, ObjectNode machine, Instant at) {
        ObjectNode o = Call.JSON.createObjectNode();
        o.put("Timestamp", at.toString());
        o.put("DeviceId", d.id());
        o.put("DeviceName", d.computerDnsName());
        o.put("ClientVersion", d.agentVersion());
        o.put("PublicIP", machine.path("lastExternalIpAddress").asText());
        o.put("OSArchitecture", machine.path("osArchitecture").asText());
        o.put("OSPlatform", d.platform().apiName());
        if (d.osBuild() == null) {
            o.putNull("OSBuild");
        } else {
            o.put("OSBuild", d.osBuild());
        }
        o.put("OSVersion", d.version());
        o.put(
                "OSDistribution",
                d.platform().family() == dev.rampart.emulator.tenant.Platform.Family.LINUX
                        ? d.platform().apiName()
                        : "");
        o.put("IsAzureADJoined", machine.path("isAadJoined").asBoolean(false));
        o.put(
                "AadDeviceId",
                machine.path("aadDeviceId").isNull()
                        ? ""
                        : machine.path("aadDeviceId").asText());
        ArrayNode users = Call.JSON.createArrayNode();
        for (int u : tenant.logonUsers(d.index())) {
            users.addObject()
                    .put("UserName", Directory.sam(tenant, u))
                    .put("DomainName", "CONTOSO")
                    .put("Sid", Directory.sid(tenant, u));
        }
        o.put("LoggedOnUsers", users.toString());
        o.put("MachineGroup", d.rbacGroupName() == null ? "UnassignedGroup" : d.rbacGroupName());
        o.put("OnboardingStatus", d.onboardingStatus());
        o.put("DeviceCategory", "Endpoint");
        o.put(
                "DeviceType",
                switch (d.platform().family()) {
                    case WINDOWS_SERVER, LINUX -> "Server";
                    case MOBILE -> "Mobile";
                    default -> "Workstation";
                });
        o.put("SensorHealthState", d.healthStatus());
        o.put("ExposureLevel", machine.path("exposureLevel").asText());
        o.put("AssetValue", machine.path("deviceValue").asText());
        List<String> tags = new ArrayList<>();
        machine.path("machineTags").forEach(t -> tags.add(t.asText()));
        o.put("DeviceManualTags", Call.JSON.valueToTree(tags).toString());
        o.put("DeviceDynamicTags", "[]");
        o.put("IsExcluded", machine.path("isExcluded").asBoolean(false));
        o.put("ReportId", (long) d.index() * 1000 + at.getEpochSecond() % 1000);
        return o;
    }
}
