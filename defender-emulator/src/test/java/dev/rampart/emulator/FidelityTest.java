package dev.rampart.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sandbox answers as Defender and Graph do, down to the details real data shows and the earlier sandbox got wrong:
 * export key casing and extra columns, timestamp digits, enum spellings, Linux loopback interfaces, the rarity of
 * {@code defenderAvStatus}, {@code @odata.count}, the exposure score, every {@code DeviceInfo} column, Graph's group
 * properties and query-string rules. One test per fact; each names what real data says.
 */
class FidelityTest {
    static DefenderEmulator emulator;
    static SandboxHttp http;

    @BeforeAll
    static void start() {
        emulator = DefenderEmulator.builder()
                .devices(400)
                .vulnerabilitiesPerDevice(12)
                .quotas("off")
                .start(Instant.parse("2026-03-02T06:00:00Z"))
                .clockSpeed(0)
                .start();
        http = new SandboxHttp(emulator);
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    private static List<JsonNode> machines() {
        return http.all("/api/machines");
    }

    private static List<JsonNode> exportFile() throws IOException {
        String url = http.get("/api/machines/SoftwareVulnerabilitiesExport")
                .json()
                .get("exportFiles")
                .get(0)
                .asText();
        var r = http.get(url, null);
        assertThat(r.status()).isEqualTo(200);
        List<JsonNode> rows = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(new ByteArrayInputStream(r.bytes())), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (!line.isBlank()) {
                    rows.add(SandboxHttp.JSON.readTree(line));
                }
            }
        }
        assertThat(rows).hasSizeGreaterThan(1000);
        return rows;
    }

    // ------------------------------------------------------------------ exports

    /** A real export row's id: {@code {deviceId}_{vendor}_{name}_{version}_{cve}}, from the row's fields in any casing. */
    private static String realExportId(JsonNode row) {
        return String.join(
                "_",
                List.of("deviceId", "softwareVendor", "softwareName", "softwareVersion", "cveId").stream()
                        .map(f -> ExportsTest.field(row, f))
                        .toList());
    }

    @Test
    void exportFilesShouldSpellKeysAsRealFilesDoAndCarryTheirExtraColumns() throws IOException {
        for (JsonNode row : exportFile()) {
            assertThat(row.has("OSPlatform") && row.has("OSVersion") && row.has("OSArchitecture"))
                    .as("capital OS: %s", row)
                    .isTrue();
            assertThat(row.has("OsPlatform") || row.has("OsVersion") || row.has("OsArchitecture"))
                    .isFalse();
            assertThat(row.get("RbacGroupId").isIntegralNumber())
                    .as("RbacGroupId is a number")
                    .isTrue();
            assertThat(row.get("IsOnboarded").isBoolean()).isTrue();
            assertThat(row.has("CveBatchTitle") && row.has("CveBatchUrl")).isTrue();
            assertThat(row.get("Id").asText()).isEqualTo(realExportId(row));
        }
    }

    @Test
    void theJsonExportShouldCarryRbacGroupIdAndIsOnboardedAndTheRealId() {
        JsonNode page = http.get("/api/machines/SoftwareVulnerabilitiesByMachine?$top=500")
                .json()
                .get("value");
        Map<String, JsonNode> byId = new HashMap<>();
        machines().forEach(m -> byId.put(m.get("id").asText(), m));
        for (JsonNode row : page) {
            JsonNode machine = byId.get(row.get("deviceId").asText());
            assertThat(row.get("rbacGroupId").isIntegralNumber()).isTrue();
            assertThat(row.get("rbacGroupId").asLong())
                    .isEqualTo(machine.get("rbacGroupId").asLong());
            assertThat(row.get("isOnboarded").asBoolean())
                    .isEqualTo(machine.get("onboardingStatus").asText().equals("Onboarded"));
            assertThat(row.get("id").asText()).isEqualTo(realExportId(row));
        }
    }

    @Test
    void exportTimestampsShouldHaveNoFractionOrExactlySevenDigits() throws IOException {
        Pattern real = Pattern.compile("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(\\.\\d{7})?");
        Set<Boolean> withFraction = new TreeSet<>();
        List<JsonNode> rows = new ArrayList<>(exportFile());
        rows.addAll(http.get("/api/machines/SoftwareVulnerabilitiesByMachine?$top=2000")
                .json()
                .findParents("lastSeenTimestamp"));
        for (JsonNode row : rows) {
            for (String key :
                    List.of("LastSeenTimestamp", "FirstSeenTimestamp", "lastSeenTimestamp", "firstSeenTimestamp")) {
                if (row.hasNonNull(key)) {
                    String t = row.get(key).asText();
                    assertThat(t).as(key).matches(real);
                    withFraction.add(t.contains("."));
                }
            }
        }
        assertThat(withFraction).containsExactly(false, true);
    }

    // ------------------------------------------------------------------ API timestamps

    @Test
    void apiTimestampsShouldCarryTheMixOfFractionWidthsRealTrafficShows() {
        Pattern odata = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.(\\d+))?Z");
        Map<Integer, Integer> widths = new TreeMap<>();
        for (JsonNode m : machines()) {
            for (String key : List.of("firstSeen", "lastSeen")) {
                Matcher t = odata.matcher(m.get(key).asText());
                assertThat(t.matches()).as(m.get(key).asText()).isTrue();
                widths.merge(t.group(1) == null ? 0 : t.group(1).length(), 1, Integer::sum);
            }
        }
        assertThat(widths.keySet()).contains(7, 6, 3, 2);
        assertThat(widths.keySet()).allMatch(w -> w <= 7);
    }

    // ------------------------------------------------------------------ machines

    @Test
    void enumValuesShouldBeSpelledAsRealRecordsSpellThem() {
        Set<String> managedBy = new TreeSet<>();
        Set<String> nicTypes = new TreeSet<>();
        for (JsonNode m : machines()) {
            managedBy.add(m.get("managedBy").asText());
            m.get("ipAddresses").forEach(ip -> nicTypes.add(ip.get("type").asText()));
        }
        assertThat(managedBy).contains("MicrosoftDefenderForEndpoint", "Intune").doesNotContain("MicrosoftSense");
        assertThat(nicTypes).contains("IEEE80211", "53", "Ethernet", "Other").doesNotContain("Wireless80211");

        Set<String> exploitTypes = new TreeSet<>();
        Set<String> supportability = new TreeSet<>();
        for (JsonNode v : http.all("/api/vulnerabilities")) {
            v.get("exploitTypes").forEach(t -> exploitTypes.add(t.asText()));
            supportability.add(v.get("cveSupportability").asText());
        }
        assertThat(exploitTypes)
                .contains("Dos", "PrivilegeEscalation")
                .doesNotContain("Denial of service", "Local privilege escalation");
        assertThat(supportability).contains("", "Supported");
    }

    @Test
    void linuxMachinesShouldReportTheirLoopbackInterfaces() {
        int linux = 0;
        for (JsonNode m : machines()) {
            if (!Set.of("Linux", "Ubuntu", "RedHatEnterpriseLinux")
                    .contains(m.get("osPlatform").asText())) {
                continue;
            }
            linux++;
            Map<String, JsonNode> byAddress = new HashMap<>();
            m.get("ipAddresses").forEach(ip -> byAddress.put(ip.get("ipAddress").asText(), ip));
            for (String loopback : List.of("127.0.0.1", "::1")) {
                JsonNode ip = byAddress.get(loopback);
                assertThat(ip).as("%s on %s", loopback, m.get("id")).isNotNull();
                assertThat(ip.get("macAddress").asText()).isEqualTo("000000000000");
                assertThat(ip.get("type").asText()).isEqualTo("Other");
            }
        }
        assertThat(linux).isPositive();
    }

    @Test
    void defenderAvStatusShouldBeRareAsInCurrentRealRecords() {
        List<JsonNode> all = machines();
        long with = all.stream().filter(m -> m.has("defenderAvStatus")).count();
        assertThat(with).isPositive().isLessThan(all.size() / 4);
    }

    @Test
    void machinesVulnerabilitiesShouldCountWhenAskedTo() {
        List<JsonNode> all = http.all("/api/vulnerabilities/machinesVulnerabilities");
        JsonNode counted = http.get("/api/vulnerabilities/machinesVulnerabilities?$count=true&$top=5")
                .json();
        assertThat(counted.get("@odata.count").asLong()).isEqualTo(all.size());
        assertThat(counted.get("value")).hasSize(5);
        String first = all.get(0).get("machineId").asText();
        long onFirst = all.stream()
                .filter(r -> r.get("machineId").asText().equals(first))
                .count();
        assertThat(http.get("/api/vulnerabilities/machinesVulnerabilities?$count=true&$filter=machineId eq '" + first
                                + "'")
                        .json()
                        .get("@odata.count")
                        .asLong())
                .isEqualTo(onFirst);
        assertThat(http.get("/api/vulnerabilities/machinesVulnerabilities?$top=5")
                        .json()
                        .has("@odata.count"))
                .isFalse();
        assertThat(http.get("/api/vulnerabilities/machinesVulnerabilities?$count=maybe")
                        .status())
                .isEqualTo(400);
    }

    // ------------------------------------------------------------------ exposure score

    @Test
    void theExposureScoreShouldBeServedForTheOrganizationAndPerDeviceGroup() {
        var r = http.get("/api/exposureScore");
        assertThat(r.status()).isEqualTo(200);
        JsonNode score = r.json();
        assertThat(score.get("@odata.context").asText())
                .isEqualTo(emulator.baseUrl() + "/api/$metadata#ExposureScore/$entity");
        assertThat(score.get("time").asText()).startsWith("2026-03-02T06:00:00");
        assertThat(score.get("score").asDouble()).isBetween(1.0, 100.0);
        assertThat(score.properties()).extracting(Map.Entry::getKey).containsExactly("@odata.context", "time", "score");

        JsonNode groups = http.get("/api/exposureScore/ByMachineGroups").json();
        assertThat(groups.get("@odata.context").asText()).endsWith("/api/$metadata#ExposureScore");
        Set<String> names = new TreeSet<>();
        for (JsonNode g : groups.get("value")) {
            assertThat(g.get("score").asDouble()).isBetween(0.0, 100.0);
            assertThat(g.get("rbacGroupId").isIntegralNumber()).isTrue();
            names.add(g.get("rbacGroupName").asText());
        }
        assertThat(names).contains("Workstations-EU", "Servers-Prod", "Unassigned");
    }

    // ------------------------------------------------------------------ hunting

    @Test
    void deviceInfoShouldServeEveryDocumentedColumn() {
        JsonNode body = http.post(
                        "/api/advancedqueries/run",
                        "{\"Query\":\"DeviceInfo | summarize arg_max(Timestamp, *) by DeviceId\"}")
                .json();
        List<String> columns = new ArrayList<>();
        body.get("Schema").forEach(c -> columns.add(c.get("Name").asText()));
        assertThat(columns)
                .hasSize(51)
                .contains(
                        "Model",
                        "Vendor",
                        "JoinType",
                        "MergedDeviceIds",
                        "IsInternetFacing",
                        "HardwareUuid",
                        "RegistryDeviceTag",
                        "OSVersionInfo",
                        "CloudPlatforms",
                        "AzureVmId",
                        "MitigationStatus",
                        "DlpInfo");
        Set<String> joinTypes = new TreeSet<>();
        int internetFacingNull = 0;
        int azure = 0;
        for (JsonNode row : body.get("Results")) {
            assertThat(row.size()).isEqualTo(51);
            joinTypes.add(row.get("JoinType").asText());
            internetFacingNull += row.get("IsInternetFacing").isNull() ? 1 : 0;
            if (row.get("CloudPlatforms").asText().contains("Azure")) {
                azure++;
                assertThat(row.get("Model").asText()).isEqualTo("Virtual Machine");
                assertThat(row.get("AzureVmId").asText()).matches("[0-9a-f-]{36}");
                assertThat(row.get("AzureResourceId").asText()).startsWith("/subscriptions/");
            }
            if (row.get("OSPlatform").asText().equals("Windows11")) {
                assertThat(row.get("OSVersionInfo").asText()).matches("2[234]H2");
                assertThat(row.get("Vendor").asText()).isNotEmpty();
            }
        }
        assertThat(joinTypes).contains("AAD Joined", "Hybrid Azure AD Join", "Domain Joined");
        assertThat(internetFacingNull).isPositive();
        assertThat(azure).isPositive();
    }

    // ------------------------------------------------------------------ Graph

    @Test
    void groupsShouldCarryTheV1PropertiesGraphReturnsByDefault() {
        JsonNode g = http.get("/v1.0/groups?$top=1").json().get("value").get(0);
        assertThat(g.fieldNames())
                .toIterable()
                .contains(
                        "securityIdentifier",
                        "proxyAddresses",
                        "renewedDateTime",
                        "expirationDateTime",
                        "isAssignableToRole",
                        "membershipRuleProcessingState",
                        "resourceProvisioningOptions",
                        "resourceBehaviorOptions",
                        "preferredDataLocation",
                        "preferredLanguage",
                        "theme",
                        "onPremisesProvisioningErrors");
        assertThat(g.get("proxyAddresses").isArray()).isTrue();
        assertThat(g.get("onPremisesProvisioningErrors").isArray()).isTrue();
        assertThat(g.get("renewedDateTime").asText())
                .isEqualTo(g.get("createdDateTime").asText());
        assertThat(g.get("securityIdentifier").asText()).matches("S-1-12-1-\\d+-\\d+-\\d+-\\d+");
        assertThat(dev.rampart.emulator.graph.GraphApi.securityIdentifier("01020304-0506-0708-090a-0b0c0d0e0f10"))
                .isEqualTo("S-1-12-1-16909060-117966086-202050057-269422093");
        JsonNode selected =
                http.get("/v1.0/groups?$select=id,securityIdentifier").json();
        assertThat(selected.get("@odata.context").asText()).endsWith("#groups(id,securityIdentifier)");
        assertThat(selected.get("value").get(0).fieldNames()).toIterable().containsExactly("id", "securityIdentifier");
    }

    @Test
    void graphShouldRefuseUnknownSelectAndBadFiltersButIgnoreOtherParameters() {
        var select = http.get("/v1.0/users?$select=displayName,favouriteColour");
        assertThat(select.status()).isEqualTo(400);
        assertThat(select.json().at("/error/code").asText()).isEqualTo("BadRequest");
        assertThat(select.json().at("/error/message").asText())
                .contains("Could not find a property named 'favouriteColour' on type 'microsoft.graph.user'.");
        assertThat(select.json().at("/error/innerError/request-id").asText()).isNotEmpty();

        var filter = http.get("/v1.0/users?$filter=displayName eq");
        assertThat(filter.status()).isEqualTo(400);
        assertThat(filter.json().at("/error/code").asText()).isEqualTo("BadRequest");
        assertThat(filter.json().at("/error/message").asText()).isEqualTo("Invalid filter clause");
        var unknown = http.get("/v1.0/groups?$filter=colour eq 'red'");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().at("/error/message").asText())
                .isEqualTo("Could not find a property named 'colour' on type 'microsoft.graph.group'.");

        JsonNode plain = http.get("/v1.0/users?$top=5").json();
        JsonNode bare =
                http.get("/v1.0/users?$top=5&businessPhones,displayName").json();
        assertThat(bare.get("value")).isEqualTo(plain.get("value"));

        JsonNode first = http.get("/v1.0/users").json().get("value").get(0);
        JsonNode filtered = http.get("/v1.0/users?$filter=userPrincipalName eq '"
                        + first.get("userPrincipalName").asText() + "'")
                .json();
        assertThat(filtered.get("value")).hasSize(1);
        assertThat(filtered.get("value").get(0).get("id")).isEqualTo(first.get("id"));
    }

    @Test
    void nextLinksShouldBeAbsoluteOnTheSchemeAndHostTheClientCalledThroughAProxy() {
        String token = http.token(SandboxHttp.GRAPH_SCOPE);
        var direct = http.get("/v1.0/users?$top=2").json();
        assertThat(direct.get("@odata.nextLink").asText()).startsWith(emulator.baseUrl() + "/v1.0/users?");
        var proxied = http.send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/v1.0/users?$top=2"))
                .header("Authorization", "Bearer " + token)
                .header("X-Forwarded-Proto", "https")
                .header("X-Forwarded-Host", "graph.example.test:8443")
                .GET());
        assertThat(proxied.json().get("@odata.nextLink").asText())
                .startsWith("https://graph.example.test:8443/v1.0/users?$top=2&$skiptoken=");
        assertThat(proxied.json().get("@odata.context").asText())
                .isEqualTo("https://graph.example.test:8443/v1.0/$metadata#users");
    }
}
