package dev.rampart.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rampart.emulator.junit.EmulatorExtension;
import dev.rampart.emulator.junit.Sandbox;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EmulatorExtension.class)
@Sandbox(devices = 300, quotas = "off")
class MachinesApiTest {
    private final DefenderEmulator emulator;
    private final SandboxHttp http;

    MachinesApiTest(DefenderEmulator emulator) {
        this.emulator = emulator;
        this.http = new SandboxHttp(emulator);
    }

    @Test
    void listShouldUseTheODataEnvelopeAndHeaders() {
        var r = http.get("/api/machines?$top=5");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type"))
                .isEqualTo("application/json; odata.metadata=minimal; odata.streaming=true; charset=utf-8");
        assertThat(r.header("OData-Version")).isEqualTo("4.0");
        JsonNode body = r.json();
        assertThat(body.get("@odata.context").asText()).isEqualTo(emulator.baseUrl() + "/api/$metadata#Machines");
        assertThat(body.get("value")).hasSize(5);
        assertThat(body.has("@odata.nextLink"))
                .as("client-driven $top pages carry no nextLink")
                .isFalse();
    }

    @Test
    void machineShouldCarryEveryDocumentedFieldWithRealTypes() {
        JsonNode m = http.get("/api/machines?$top=1").json().get("value").get(0);
        assertThat(m.get("id").asText()).matches("[0-9a-f]{40}");
        assertThat(m.get("rbacGroupId").isNumber())
                .as("rbacGroupId is a number in real traffic")
                .isTrue();
        assertThat(m.get("machineTags").isArray()).isTrue();
        assertThat(m.get("ipAddresses").get(0).fieldNames())
                .toIterable()
                .containsExactly("ipAddress", "macAddress", "type", "operationalStatus");
        assertThat(m.fieldNames())
                .toIterable()
                .contains(
                        "mergedIntoMachineId",
                        "isPotentialDuplication",
                        "isExcluded",
                        "exclusionReason",
                        "computerDnsName",
                        "firstSeen",
                        "lastSeen",
                        "osPlatform",
                        "osVersion",
                        "osProcessor",
                        "version",
                        "lastIpAddress",
                        "lastExternalIpAddress",
                        "agentVersion",
                        "osBuild",
                        "healthStatus",
                        "deviceValue",
                        "rbacGroupName",
                        "riskScore",
                        "exposureLevel",
                        "isAadJoined",
                        "aadDeviceId",
                        "onboardingStatus",
                        "osArchitecture",
                        "managedBy",
                        "managedByStatus",
                        "vmMetadata");
        assertThat(m.get("lastSeen").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,7})?Z");
    }

    @Test
    void skipAndTopShouldWalkTheWholeListWithoutGapsOrRepeats() {
        Set<String> ids = new HashSet<>();
        for (int skip = 0; skip < 300; skip += 70) {
            for (JsonNode m :
                    http.get("/api/machines?$top=70&$skip=" + skip).json().get("value")) {
                assertThat(ids.add(m.get("id").asText())).isTrue();
            }
        }
        assertThat(ids).hasSize(300);
        assertThat(http.get("/api/machines?$top=70&$skip=300").json().get("value"))
                .isEmpty();
    }

    @Test
    void topOverTheCapShouldBeRefused() {
        var r = http.get("/api/machines?$top=10001");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().at("/error/code").asText()).isEqualTo("ODataError");
        assertThat(r.json().at("/error/message").asText()).contains("10000");
    }

    @Test
    void filterShouldSelectByEnumTagGroupAndDate() {
        List<JsonNode> inactive = list("/api/machines?$filter=healthStatus eq 'Inactive'");
        assertThat(inactive)
                .isNotEmpty()
                .allMatch(m -> m.get("healthStatus").asText().equals("Inactive"));
        List<JsonNode> finance = list("/api/machines?$filter=machineTags/any(tag: tag eq 'Finance')");
        assertThat(finance)
                .isNotEmpty()
                .allMatch(m -> m.get("machineTags").toString().contains("\"Finance\""));
        List<JsonNode> group = list("/api/machines?$filter=rbacGroupId eq 103");
        assertThat(group).isNotEmpty().allMatch(m -> m.get("rbacGroupId").asInt() == 103);
        List<JsonNode> recent = list("/api/machines?$filter=lastSeen gt 2026-03-01Z and osPlatform eq 'Windows11'");
        assertThat(recent)
                .isNotEmpty()
                .allMatch(m -> m.get("osPlatform").asText().equals("Windows11"));
        int all = list("/api/machines").size();
        int notInactive =
                list("/api/machines?$filter=healthStatus ne 'Inactive'").size();
        assertThat(notInactive + inactive.size()).isEqualTo(all);
    }

    @Test
    void badFiltersShouldBeODataErrors() {
        var notFilterable = http.get("/api/machines?$filter=firstSeen gt 2026-01-01Z");
        assertThat(notFilterable.status()).isEqualTo(400);
        assertThat(notFilterable.json().at("/error/code").asText()).isEqualTo("ODataError");
        assertThat(notFilterable.json().at("/error/message").asText()).contains("firstSeen");
        var syntax = http.get("/api/machines?$filter=healthStatus eq");
        assertThat(syntax.status()).isEqualTo(400);
        assertThat(syntax.json().at("/error/code").asText()).isEqualTo("ODataError");
    }

    @Test
    void getShouldFindAMachineByIdOrComputerName() {
        JsonNode first = http.get("/api/machines?$top=1").json().get("value").get(0);
        var byId = http.get("/api/machines/" + first.get("id").asText());
        assertThat(byId.status()).isEqualTo(200);
        assertThat(byId.json().get("@odata.context").asText()).endsWith("/api/$metadata#Machines/$entity");
        assertThat(byId.json().get("computerDnsName")).isEqualTo(first.get("computerDnsName"));
        var byName = http.get("/api/machines/" + first.get("computerDnsName").asText());
        assertThat(byName.json().get("id")).isEqualTo(first.get("id"));
        assertThat(http.get("/api/v1.0/machines/" + first.get("id").asText()).status())
                .isEqualTo(200);
        assertThat(http.get("/api/Machines/" + first.get("id").asText()).status())
                .as("paths are case-insensitive")
                .isEqualTo(200);
    }

    @Test
    void unknownMachineShouldBeResourceNotFound() {
        var r = http.get("/api/machines/0000000000000000000000000000000000000000");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().at("/error/code").asText()).isEqualTo("ResourceNotFound");
        assertThat(r.json().at("/error/message").asText())
                .isEqualTo("Machine 0000000000000000000000000000000000000000 was not found");
        assertThat(r.json().at("/error/target").asText()).isNotBlank();
    }

    @Test
    void findByTagShouldMatchExactlyOrByPrefix() {
        List<JsonNode> exact = new ArrayList<>();
        http.get("/api/machines/findbytag?tag=Finance&useStartsWithFilter=false")
                .json()
                .get("value")
                .forEach(exact::add);
        assertThat(exact)
                .isNotEmpty()
                .allMatch(m -> m.get("machineTags").toString().contains("\"Finance\""));
        assertThat(http.get("/api/machines/findbytag?tag=Fin&useStartsWithFilter=true")
                        .json()
                        .get("value"))
                .hasSize(exact.size());
        assertThat(http.get("/api/machines/findbytag?tag=Fin&useStartsWithFilter=false")
                        .json()
                        .get("value"))
                .isEmpty();
    }

    @Test
    void logonUsersShouldBeDomainAccounts() {
        JsonNode m = onboarded();
        JsonNode users = http.get("/api/machines/" + m.get("id").asText() + "/logonusers")
                .json();
        assertThat(users.get("@odata.context").asText()).endsWith("#Users");
        JsonNode u = users.get("value").get(0);
        assertThat(u.get("id").asText())
                .isEqualTo("contoso\\" + u.get("accountName").asText());
        assertThat(u.get("accountSid").asText()).startsWith("S-1-5-21-");
        assertThat(u.get("isDomainAdmin").isBoolean()).isTrue();
    }

    @Test
    void perMachineVulnerabilitiesShouldCountAndTypeEachItem() {
        JsonNode m = onboarded();
        JsonNode v = http.get("/api/machines/" + m.get("id").asText() + "/vulnerabilities")
                .json();
        assertThat(v.get("@odata.count").asInt()).isEqualTo(v.get("value").size());
        if (v.get("value").size() > 0) {
            assertThat(v.get("value").get(0).get("@odata.type").asText())
                    .isEqualTo("#microsoft.windowsDefenderATP.api.PublicVulnerabilityDto");
        }
    }

    @Test
    void emptyTenantShouldAnswerTheDocumented404() {
        try (DefenderEmulator empty =
                DefenderEmulator.builder().devices(0).quotas("off").start()) {
            var r = new SandboxHttp(empty).get("/api/machines");
            assertThat(r.status()).isEqualTo(404);
        }
    }

    private JsonNode onboarded() {
        return list("/api/machines?$filter=onboardingStatus eq 'Onboarded' and healthStatus eq 'Active'")
                .get(0);
    }

    private List<JsonNode> list(String path) {
        return http.all(path);
    }
}
