package dev.rampart.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EmulatorMainTest {
    @Test
    void firstLineShouldBeTheConnectionFactsAsJson() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        EmulatorMain.Started s = EmulatorMain.start(
                new String[] {"emulator", "--port", "0", "--devices", "50", "--seed", "3", "--quotas", "scaled:10"},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        try (DefenderEmulator e = s.emulator()) {
            assertThat(s.code()).isZero();
            String first =
                    out.toString(StandardCharsets.UTF_8).lines().findFirst().orElseThrow();
            JsonNode facts = SandboxHttp.JSON.readTree(first);
            for (String k :
                    new String[] {"tenantId", "clientId", "clientSecret", "loginUrl", "apiUrl", "graphUrl", "controlUrl"
                    }) {
                assertThat(facts.hasNonNull(k)).as(k).isTrue();
            }
            assertThat(facts.get("quotas").asText()).isEqualTo("scaled:10");
            assertThat(facts.get("devices").asInt()).isEqualTo(50);
            assertThat(facts.get("apiUrl").asText()).startsWith("http://127.0.0.1:");
            var control = new SandboxHttp(e).control("GET", "", null);
            assertThat(control.json().get("tenantId").asText())
                    .isEqualTo(facts.get("tenantId").asText());
        }
    }

    @Test
    void badOptionsShouldExitWithTwoAndUsage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        EmulatorMain.Started s = EmulatorMain.start(
                new String[] {"emulator", "--quotas", "fast"},
                new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(s.code()).isEqualTo(2);
        assertThat(s.emulator()).isNull();
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("quotas must be real, off or scaled:N")
                .contains("usage:");
        assertThat(EmulatorMain.start(
                                new String[] {"frobnicate"},
                                new PrintStream(new ByteArrayOutputStream()),
                                new PrintStream(new ByteArrayOutputStream()))
                        .code())
                .isEqualTo(2);
    }
}
