package dev.rampart.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rampart.emulator.junit.EmulatorExtension;
import dev.rampart.emulator.junit.Sandbox;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EmulatorExtension.class)
@Sandbox(devices = 400)
class HuntingApiTest {
    private final DefenderEmulator emulator;
    private final SandboxHttp http;

    HuntingApiTest(DefenderEmulator emulator) {
        this.emulator = emulator;
        this.http = new SandboxHttp(emulator);
    }

    @Test
    void latestLoggedOnUsersPerDeviceShouldCoverEveryOnboardedDevice() throws Exception {
        var r = http.post(
                "/api/advancedqueries/run",
                "{\"Query\":\"DeviceInfo | where Timestamp > ago(30d)"
                        + " | summarize arg_max(Timestamp, *) by DeviceId | project DeviceId, DeviceName, LoggedOnUsers\"}");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        JsonNode body = r.json();
        assertThat(body.get("Schema").get(2).get("Name").asText()).isEqualTo("LoggedOnUsers");
        assertThat(body.get("Schema").get(2).get("Type").asText()).isEqualTo("String");
        JsonNode first = body.get("Results").get(0);
        JsonNode users = SandboxHttp.JSON.readTree(first.get("LoggedOnUsers").asText());
        assertThat(users.get(0).has("UserName") && users.get(0).has("Sid")).isTrue();
        Set<String> ids = new HashSet<>();
        body.get("Results").forEach(x -> ids.add(x.get("DeviceId").asText()));
        // hunting keeps 30 days: devices silent for longer are not in DeviceInfo any more
        java.time.Instant window = emulator.clock().instant().minus(java.time.Duration.ofDays(30));
        JsonNode recent = http.get("/api/machines?$filter=onboardingStatus eq 'Onboarded' and lastSeen gt " + window)
                .json();
        Set<String> expected = new HashSet<>();
        recent.get("value").forEach(m -> expected.add(m.get("id").asText()));
        assertThat(ids).isEqualTo(expected);
    }

    private JsonNode hunt(String kql) {
        var r = http.post(
                "/api/advancedqueries/run",
                SandboxHttp.JSON.createObjectNode().put("Query", kql).toString());
        assertThat(r.status()).as(kql + ": " + r.text()).isEqualTo(200);
        return r.json();
    }

    private static java.util.List<String> columns(JsonNode body) {
        java.util.List<String> out = new java.util.ArrayList<>();
        body.get("Schema")
                .forEach(c ->
                        out.add(c.get("Name").asText() + ":" + c.get("Type").asText()));
        return out;
    }

    /**
     * The tables people start hunting with besides DeviceInfo, each with Microsoft's documented columns and types and
     * rows that agree with the rest of the sandbox: the vulnerability table with the export, the inventory with the
     * installed software, logons with the logged-on users, adapters with the machines' addresses.
     */
    @Test
    void theOtherTablesPeopleStartWithShouldAnswerWithTheirDocumentedColumns() throws Exception {
        JsonNode vulns = hunt("DeviceTvmSoftwareVulnerabilities | where VulnerabilitySeverityLevel == 'Critical'"
                + " | project DeviceId, CveId, SoftwareName, CveTags");
        assertThat(columns(vulns))
                .containsExactly("DeviceId:String", "CveId:String", "SoftwareName:String", "CveTags:Object");
        assertThat(vulns.get("Results")).isNotEmpty();
        JsonNode v = vulns.get("Results").get(0);
        assertThat(v.get("CveTags").isArray()).isTrue();
        long exported = http.all("/api/machines/SoftwareVulnerabilitiesByMachine?pageSize=200000").stream()
                .filter(r -> r.get("vulnerabilitySeverityLevel").asText().equals("Critical"))
                .filter(r -> r.get("deviceId").asText().equals(v.get("DeviceId").asText()))
                .filter(r -> r.get("cveId").asText().equals(v.get("CveId").asText()))
                .count();
        assertThat(exported).as("the export has the same finding").isPositive();
        assertThat(hunt("DeviceTvmSoftwareVulnerabilities | count")
                        .at("/Results/0/Count")
                        .asLong())
                .as("every open vulnerability of every onboarded device, as the export")
                .isEqualTo(http.all("/api/machines/SoftwareVulnerabilitiesByMachine?pageSize=200000")
                        .size());

        JsonNode inventory = hunt("DeviceTvmSoftwareInventory | take 50");
        assertThat(columns(inventory))
                .containsExactly(
                        "DeviceId:String",
                        "DeviceName:String",
                        "OSPlatform:String",
                        "OSVersion:String",
                        "OSArchitecture:String",
                        "SoftwareVendor:String",
                        "SoftwareName:String",
                        "SoftwareVersion:String",
                        "EndOfSupportStatus:String",
                        "EndOfSupportDate:DateTime",
                        "ProductCodeCpe:String");
        inventory.get("Results").forEach(r -> assertThat(r.get("ProductCodeCpe").asText())
                .matches("not available|cpe:2\\.3:a:[^:]+:[^:]+:[^:]+(:\\*){7}"));

        JsonNode logons = hunt("DeviceLogonEvents | where ActionType == 'LogonSuccess'"
                + " | summarize count() by AccountName, LogonType");
        assertThat(logons.get("Results")).isNotEmpty();
        Set<String> types = new HashSet<>();
        logons.get("Results").forEach(r -> types.add(r.get("LogonType").asText()));
        assertThat(types).contains("Interactive", "RemoteInteractive");
        JsonNode logonSchema = hunt("DeviceLogonEvents | take 1");
        assertThat(columns(logonSchema))
                .hasSize(49)
                .contains("RemotePort:Int32", "IsLocalAdmin:Boolean", "LogonId:Int64");

        JsonNode adapters = hunt("DeviceNetworkInfo | summarize arg_max(Timestamp, *) by DeviceId, MacAddress"
                + " | project DeviceId, MacAddress, NetworkAdapterType, IPAddresses");
        assertThat(adapters.get("Results")).isNotEmpty();
        for (JsonNode a : adapters.get("Results")) {
            assertThat(a.get("MacAddress").asText()).matches("([0-9A-F]{2}-){5}[0-9A-F]{2}");
            JsonNode ips = SandboxHttp.JSON.readTree(a.get("IPAddresses").asText());
            assertThat(ips.get(0).has("IPAddress") && ips.get(0).has("AddressType"))
                    .isTrue();
            assertThat(a.get("NetworkAdapterType").asText()).isIn("Ethernet", "Wireless80211", "Unknown");
            String machineMac = http
                    .get("/api/machines/" + a.get("DeviceId").asText())
                    .json()
                    .get("ipAddresses")
                    .findValuesAsText("macAddress")
                    .stream()
                    .filter(m -> m != null
                            && m.replace("-", "")
                                    .equals(a.get("MacAddress").asText().replace("-", "")))
                    .findFirst()
                    .orElse(null);
            assertThat(machineMac)
                    .as("the adapter's MAC is one of the machine's")
                    .isNotNull();
        }
        assertThat(columns(hunt("DeviceNetworkInfo | take 1"))).hasSize(18);

        var unknown = http.post("/api/advancedqueries/run", "{\"Query\":\"DeviceProcessEvents | take 1\"}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().at("/error/message").asText())
                .contains("Failed to resolve table or column expression named 'DeviceProcessEvents'");
    }

    @Test
    void unsupportedQueriesShouldBeBadRequestWithAReason() {
        var r = http.post(
                "/api/advancedqueries/run", "{\"Query\":\"DeviceInfo | join (DeviceLogonEvents) on DeviceId\"}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().at("/error/code").asText()).isEqualTo("BadRequest");
        assertThat(r.json().at("/error/message").asText()).contains("join");
        var table = http.post("/api/advancedqueries/run", "{\"Query\":\"DeviceProcessEvents | take 1\"}");
        assertThat(table.json().at("/error/message").asText()).contains("DeviceProcessEvents");
        var casing = http.post("/api/advancedqueries/run", "{\"query\":\"DeviceInfo | take 1\"}");
        assertThat(casing.json().at("/error/code").asText()).isEqualTo("MissingRequiredParameter");
    }

    @Test
    void huntingNeedsItsOwnPermission() {
        http.control("POST", "/app", "{\"defenderRoles\":[\"Machine.Read.All\"]}");
        try {
            var r = http.post("/api/advancedqueries/run", "{\"Query\":\"DeviceInfo | take 1\"}");
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.json().at("/error/message").asText()).contains("AdvancedQuery.Read.All");
        } finally {
            http.control(
                    "POST",
                    "/app",
                    "{\"defenderRoles\":"
                            + SandboxHttp.JSON.valueToTree(dev.rampart.emulator.entra.AppRegistration.DEFENDER_ROLES)
                            + "}");
        }
    }
}
