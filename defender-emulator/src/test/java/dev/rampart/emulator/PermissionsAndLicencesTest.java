package dev.rampart.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PermissionsAndLicencesTest {
    DefenderEmulator emulator;
    SandboxHttp http;

    @BeforeEach
    void start() {
        emulator = DefenderEmulator.builder()
                .devices(30)
                .quotas("off")
                .start(Instant.parse("2026-03-02T06:00:00Z"))
                .start();
        http = new SandboxHttp(emulator);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void missingTokenShouldBe401Unauthorized() {
        var r = http.get("/api/machines", null);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().at("/error/code").asText()).isEqualTo("Unauthorized");
    }

    @Test
    void graphTokenShouldNotOpenTheDefenderApi() {
        var r = http.get("/api/machines", http.token(SandboxHttp.GRAPH_SCOPE));
        assertThat(r.status()).isEqualTo(401);
        var g = http.get(emulator.graphUrl() + "/users", http.token(SandboxHttp.DEFENDER_SCOPE));
        assertThat(g.status()).isEqualTo(401);
        assertThat(g.json().at("/error/code").asText()).isEqualTo("InvalidAuthenticationToken");
        assertThat(g.json().at("/error/innerError/request-id").asText()).isNotBlank();
    }

    @Test
    void missingRoleShouldNameTheRolesTheEndpointAccepts() {
        http.control("POST", "/app", "{\"defenderRoles\":[\"Machine.Read.All\"]}");
        assertThat(http.get("/api/machines?$top=1").status()).isEqualTo(200);
        var alerts = http.get("/api/alerts?$top=1");
        assertThat(alerts.status()).isEqualTo(403);
        assertThat(alerts.json().at("/error/code").asText()).isEqualTo("Forbidden");
        assertThat(alerts.json().at("/error/message").asText())
                .startsWith("Missing application roles. API required roles: Alert.Read.All, Alert.ReadWrite.All");
        var vulns = http.get("/api/machines/SoftwareVulnerabilitiesByMachine?$top=1");
        assertThat(vulns.status()).isEqualTo(403);
        assertThat(vulns.json().at("/error/message").asText()).contains("Vulnerability.Read.All");
        var isolate = http.post("/api/machines/" + emulator.tenant().machineId(0) + "/isolate", "{\"Comment\":\"x\"}");
        assertThat(isolate.status()).isEqualTo(403);
        assertThat(isolate.json().at("/error/message").asText()).contains("Machine.Isolate");
    }

    @Test
    void graphWithoutPermissionShouldBeAuthorizationRequestDenied() {
        http.control("POST", "/app", "{\"graphRoles\":[\"Organization.Read.All\"]}");
        assertThat(http.get("/v1.0/organization").status()).isEqualTo(200);
        var users = http.get("/v1.0/users");
        assertThat(users.status()).isEqualTo(403);
        assertThat(users.json().at("/error/code").asText()).isEqualTo("Authorization_RequestDenied");
    }

    @Test
    void tenantWithoutVulnerabilityManagementShouldRefuseOnlyTvmEndpoints() {
        http.control("POST", "/tenant", "{\"tvmLicence\":false}");
        assertThat(http.get("/api/machines?$top=1").status()).isEqualTo(200);
        var r = http.get("/api/vulnerabilities");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().at("/error/message").asText())
                .isEqualTo("Unauthorized request - reason of failure: No Tvm license");
        assertThat(http.get("/api/machines/SoftwareInventoryByMachine").status())
                .isEqualTo(401);
    }

    @Test
    void tenantWithoutDefenderShouldRefuseEveryDefenderCall() {
        http.control("POST", "/tenant", "{\"defenderLicence\":false}");
        var r = http.get("/api/machines");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().at("/error/message").asText())
                .isEqualTo("Unauthorized request - Account is not provisioned.");
        assertThat(http.get("/v1.0/organization").status())
                .as("Graph does not depend on Defender")
                .isEqualTo(200);
    }

    @Test
    void expiredTokenShouldBeRefused() throws InterruptedException {
        try (DefenderEmulator shortLived = DefenderEmulator.builder()
                .devices(5)
                .quotas("off")
                .tokenLifetime(Duration.ofSeconds(1))
                .start()) {
            SandboxHttp h = new SandboxHttp(shortLived);
            String token = h.token(SandboxHttp.DEFENDER_SCOPE);
            assertThat(h.get("/api/machines", token).status()).isEqualTo(200);
            Thread.sleep(2100); // a 1-second token may last up to 2 s: JWT expiry is rounded up to the second
            var r = h.get("/api/machines", token);
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.json().at("/error/message").asText()).contains("expired");
        }
    }

    @Test
    void tokenFromAnotherEmulatorShouldBeRefused() {
        try (DefenderEmulator other =
                DefenderEmulator.builder().devices(5).seed(99).quotas("off").start()) {
            String foreign = new SandboxHttp(other).token(SandboxHttp.DEFENDER_SCOPE);
            assertThat(http.get("/api/machines", foreign).status()).isEqualTo(401);
        }
    }
}
