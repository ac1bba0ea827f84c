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
