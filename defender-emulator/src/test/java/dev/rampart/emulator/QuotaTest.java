package dev.rampart.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rampart.emulator.quota.Quotas;
import org.junit.jupiter.api.Test;

class QuotaTest {
    @Test
    void scaledQuotaShouldThrottleTheCallOverTheLimitAndRecover() throws InterruptedException {
        // scaled:10 keeps the 100-per-minute count but makes the window six seconds (room for a slow machine)
        try (DefenderEmulator e =
                DefenderEmulator.builder().devices(5).quotas("scaled:10").start()) {
            SandboxHttp http = new SandboxHttp(e);
            String token = http.token(SandboxHttp.DEFENDER_SCOPE);
            int ok = 0;
            SandboxHttp.Response throttled = null;
            for (int i = 0; i < 101 && throttled == null; i++) {
                var r = http.get("/api/machines?$top=1", token);
                if (r.status() == 429) {
                    throttled = r;
                } else {
                    ok++;
                }
            }
            assertThat(ok).isEqualTo(100);
            assertThat(throttled).isNotNull();
            assertThat(Integer.parseInt(throttled.header("Retry-After"))).isPositive();
            JsonNode err = throttled.json().get("error");
            assertThat(err.get("code").asText()).isEqualTo("429");
            assertThat(err.get("message").asText())
                    .startsWith("API calls quota exceeded! Maximum allowed 100 per ")
                    .contains("for the key Destination+TenantID+AppID");
            assertThat(e.requests().throttled()).isEqualTo(1);
            // another endpoint has its own quota
            assertThat(http.get("/api/alerts?$top=1", token).status()).isEqualTo(200);
            Thread.sleep(6100);
            assertThat(http.get("/api/machines?$top=1", token).status()).isEqualTo(200);
        }
    }

    @Test
    void fileExportShouldAllowFiveCallsPerMinute() {
        try (DefenderEmulator e =
                DefenderEmulator.builder().devices(5).quotas("real").start()) {
            SandboxHttp http = new SandboxHttp(e);
            for (int i = 0; i < 5; i++) {
                assertThat(http.get("/api/machines/SoftwareVulnerabilitiesExport")
                                .status())
                        .isEqualTo(200);
            }
            var r = http.get("/api/machines/SoftwareVulnerabilitiesExport");
            assertThat(r.status()).isEqualTo(429);
            assertThat(r.json().at("/error/message").asText()).contains("Maximum allowed 5 per 00:01:00");
        }
    }

    @Test
    void quotasOffShouldNeverThrottle() {
        try (DefenderEmulator e =
                DefenderEmulator.builder().devices(5).quotas("off").start()) {
            SandboxHttp http = new SandboxHttp(e);
            for (int i = 0; i < 8; i++) {
                assertThat(http.get("/api/machines/SoftwareVulnerabilitiesExport")
                                .status())
                        .isEqualTo(200);
            }
        }
    }

    @Test
    void badQuotaModeShouldBeRefused() {
        assertThatThrownBy(() -> Quotas.parse("fast")).hasMessageContaining("real, off or scaled:N");
        assertThatThrownBy(() -> Quotas.parse("scaled:0")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Quotas.parse("scaled:60").mode()).isEqualTo("scaled:60");
    }
}
