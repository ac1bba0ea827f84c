package dev.rampart.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultsTest {
    DefenderEmulator emulator;
    SandboxHttp http;

    @BeforeEach
    void start() {
        emulator = DefenderEmulator.builder().devices(50).quotas("off").start();
        http = new SandboxHttp(emulator);
        http.token(SandboxHttp.DEFENDER_SCOPE);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    void fault(String json) {
        var r = http.control("POST", "/faults", json);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
    }

    @Test
    void statusFaultShouldAnswerTheNextNMatchingRequests() {
        fault("{\"pathPattern\":\"/api/machines*\",\"kind\":\"status\",\"status\":503,\"count\":2}");
        var first = http.get("/api/machines?$top=1");
        assertThat(first.status()).isEqualTo(503);
        assertThat(first.json().at("/error/code").asText()).isEqualTo("ServiceUnavailable");
        assertThat(http.get("/api/alerts?$top=1").status())
                .as("other paths are not hit")
                .isEqualTo(200);
        assertThat(http.get("/api/machines?$top=1").status()).isEqualTo(503);
        assertThat(http.get("/api/machines?$top=1").status()).isEqualTo(200);
    }

    @Test
    void throttleFaultShouldCarryRetryAfter() {
        fault("{\"pathPattern\":\"/api/alerts\",\"kind\":\"status\",\"status\":429,\"retryAfter\":7}");
        var r = http.get("/api/alerts");
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.header("Retry-After")).isEqualTo("7");
        assertThat(r.json().at("/error/message").asText()).contains("You can send requests again in 7 seconds");
    }

    @Test
    void resetFaultShouldDropTheConnection() {
        // count 5: the JDK client silently retries a GET once when a kept-alive connection drops
        fault("{\"pathPattern\":\"/api/machines\",\"kind\":\"reset\",\"count\":5}");
        assertThatThrownBy(() -> http.get("/api/machines")).isInstanceOf(UncheckedIOException.class);
        http.control("DELETE", "/faults", null);
        assertThat(http.get("/api/machines").status()).isEqualTo(200);
    }

    @Test
    void delayFaultShouldSlowTheResponse() {
        fault("{\"pathPattern\":\"/api/machines\",\"kind\":\"delay\",\"delayMs\":400}");
        long t0 = System.nanoTime();
        assertThat(http.get("/api/machines").status()).isEqualTo(200);
        assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(400);
    }

    @Test
    void truncateFaultShouldLeaveInvalidJson() {
        fault("{\"pathPattern\":\"/api/machines\",\"kind\":\"truncate\",\"bytes\":200}");
        var r = http.get("/api/machines");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.bytes()).hasSize(200);
        assertThatThrownBy(r::json).hasCauseInstanceOf(JsonProcessingException.class);
    }

    @Test
    void revokeTokenFaultShouldInvalidateTokensIssuedSoFar() {
        fault("{\"pathPattern\":\"/api/alerts\",\"kind\":\"revoke-token\"}");
        var r = http.get("/api/alerts");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().at("/error/message").asText()).contains("revoked");
        assertThat(http.get("/api/machines").status()).isEqualTo(401);
        http.forgetTokens();
        assertThat(http.get("/api/machines").status()).isEqualTo(200);
    }

    @Test
    void probabilityFaultsShouldRepeatForTheSameSeed() {
        List<Integer> first = run();
        List<Integer> second = run();
        assertThat(first).isEqualTo(second).contains(500, 200);
    }

    private List<Integer> run() {
        http.control("DELETE", "/faults", null);
        fault("{\"pathPattern\":\"/api/*\",\"kind\":\"status\",\"status\":500,\"probability\":0.3}");
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            statuses.add(http.get("/api/machines?$top=1").status());
        }
        return statuses;
    }

    @Test
    void methodScopedFaultShouldSpareOtherMethods() {
        fault("{\"pathPattern\":\"/api/machines/*\",\"method\":\"POST\",\"kind\":\"status\",\"status\":500}");
        assertThat(http.get("/api/machines/" + emulator.tenant().machineId(0)).status())
                .isEqualTo(200);
    }

    @Test
    void badFaultRulesShouldBeRefusedWithAReason() {
        var r = http.control("POST", "/faults", "{\"pathPattern\":\"/api/*\",\"kind\":\"explode\"}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).contains("kind must be one of");
        assertThat(http.control("POST", "/faults", "{\"kind\":\"reset\"}").status())
                .isEqualTo(400);
        assertThat(http.control("POST", "/faults", "{\"pathPattern\":\"/x\",\"kind\":\"status\",\"status\":200}")
                        .status())
                .isEqualTo(400);
    }

    @Test
    void requestLogShouldCountCallsByPathAndStatus() {
        http.get("/api/machines?$top=1");
        http.get("/api/machines?$top=2");
        fault("{\"pathPattern\":\"/api/machines\",\"kind\":\"status\",\"status\":429}");
        http.get("/api/machines");
        var log = http.control("GET", "/requests", null).json();
        assertThat(log.get("throttled").asInt()).isEqualTo(1);
        assertThat(emulator.requests().count("GET", "/api/machines")).isEqualTo(3);
        assertThat(log.get("entries").toString()).contains("\"path\":\"/api/machines\",\"status\":200,\"count\":2");
        http.control("DELETE", "/requests", null);
        assertThat(emulator.requests().total()).isZero();
    }
}
