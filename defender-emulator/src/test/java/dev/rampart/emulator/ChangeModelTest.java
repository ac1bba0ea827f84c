package dev.rampart.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ChangeModelTest {
    static final Instant START = Instant.parse("2026-03-02T06:00:00Z");
    DefenderEmulator emulator;
    SandboxHttp http;

    @BeforeEach
    void start() {
        emulator = DefenderEmulator.builder()
                .devices(2000)
                .vulnerabilitiesPerDevice(5)
                .quotas("off")
                .start(START)
                .start();
        http = new SandboxHttp(emulator);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    Map<String, JsonNode> machines(String query) {
        JsonNode v = http.get("/api/machines" + query).json().get("value");
        return StreamSupport.stream(v.spliterator(), false)
                .collect(Collectors.toMap(m -> m.get("id").asText(), m -> m));
    }

    @Test
    void advancingTheClockShouldTurnSomeDevicesInactiveAndBringSomeBack() {
        Map<String, JsonNode> before = machines("?$filter=onboardingStatus eq 'Onboarded'");
        var r = http.control("POST", "/clock/advance", "{\"days\":21}");
        assertThat(r.json().get("now").asText()).isEqualTo("2026-03-23T06:00:00Z");
        Map<String, JsonNode> after = machines("?$filter=onboardingStatus eq 'Onboarded'");
        long wentInactive = before.keySet().stream()
                .filter(id -> !before.get(id).get("healthStatus").asText().equals("Inactive")
                        && after.get(id).get("healthStatus").asText().equals("Inactive"))
                .count();
        long cameBack = before.keySet().stream()
                .filter(id -> before.get(id).get("healthStatus").asText().equals("Inactive")
                        && !after.get(id).get("healthStatus").asText().equals("Inactive"))
                .count();
        assertThat(wentInactive).as("devices that went inactive").isBetween(10L, 200L);
        assertThat(cameBack).as("devices that came back").isPositive();
    }

    @Test
    void lastSeenFilterShouldReturnExactlyTheDevicesThatReportedSince() {
        Instant mark = emulator.clock().instant();
        emulator.advance(Duration.ofHours(12));
        Map<String, JsonNode> all = machines("");
        Map<String, JsonNode> recent = machines("?$filter=lastSeen gt " + mark);
        Map<String, Boolean> expected = new HashMap<>();
        all.forEach((id, m) ->
                expected.put(id, Instant.parse(m.get("lastSeen").asText()).isAfter(mark)));
        assertThat(recent.keySet())
                .isEqualTo(expected.entrySet().stream()
                        .filter(Map.Entry::getValue)
                        .map(Map.Entry::getKey)
                        .collect(Collectors.toSet()));
        assertThat(recent).isNotEmpty().hasSizeLessThan(all.size());
    }

    @Test
    void sensorsShouldUpdateAsReleasesShip() {
        long distinctBefore = machines("?$filter=osPlatform eq 'Windows11'").values().stream()
                .map(m -> m.get("agentVersion").asText())
                .distinct()
                .count();
        assertThat(distinctBefore)
                .as("a minority lags behind the newest sensor")
                .isGreaterThan(1);
        String newestBefore = newest();
        emulator.advance(Duration.ofDays(45));
        assertThat(newest()).isNotEqualTo(newestBefore);
    }

    private String newest() {
        return machines("?$filter=osPlatform eq 'Windows11' and healthStatus eq 'Active'").values().stream()
                .map(m -> m.get("agentVersion").asText())
                .max((a, b) ->
                        Integer.compare(Integer.parseInt(a.split("\\.")[1]), Integer.parseInt(b.split("\\.")[1])))
                .orElseThrow();
    }

    @Test
    void alertsShouldBeIncrementalOnLastUpdateTime() {
        List<JsonNode> initial = alerts("");
        assertThat(initial).isNotEmpty();
        assertThat(initial.stream()
                        .map(a -> a.get("severity").asText())
                        .distinct()
                        .count())
                .isGreaterThan(2);
        assertThat(initial.stream()
                        .map(a -> a.get("status").asText())
                        .distinct()
                        .count())
                .isEqualTo(3);
        Instant mark = emulator.clock().instant();
        emulator.advance(Duration.ofDays(2));
        List<JsonNode> all = alerts("");
        List<JsonNode> changed = alerts("?$filter=lastUpdateTime gt " + mark);
        List<String> expected = all.stream()
                .filter(a -> Instant.parse(a.get("lastUpdateTime").asText()).isAfter(mark))
                .map(a -> a.get("id").asText())
                .toList();
        assertThat(changed.stream().map(a -> a.get("id").asText()).toList()).isEqualTo(expected);
        assertThat(changed)
                .anyMatch(
                        a -> Instant.parse(a.get("alertCreationTime").asText()).isAfter(mark));
        assertThat(changed)
                .anyMatch(
                        a -> !Instant.parse(a.get("alertCreationTime").asText()).isAfter(mark));
        JsonNode one = changed.get(0);
        assertThat(http.get("/api/alerts/" + one.get("id").asText()).json().get("id"))
                .isEqualTo(one.get("id"));
    }

    @Test
    void alertEvidenceShouldOnlyComeWithExpand() {
        JsonNode plain = http.get("/api/alerts?$top=1").json().get("value").get(0);
        assertThat(plain.get("evidence")).isEmpty();
        JsonNode expanded = http.get("/api/alerts?$top=1&$expand=evidence")
                .json()
                .get("value")
                .get(0);
        assertThat(expanded.get("evidence")).isNotEmpty();
        assertThat(expanded.get("evidence").get(0).get("entityType").asText()).isIn("File", "Process", "User");
        assertThat(http.get("/api/alerts?$expand=machine").status()).isEqualTo(400);
    }

    @Test
    void controlOverrideShouldChangeTheMachineAndItsFilters() {
        String id = machines("?$top=1&$filter=healthStatus eq 'Active'")
                .keySet()
                .iterator()
                .next();
        var r = http.control(
                "POST", "/machines/" + id, "{\"healthStatus\":\"Inactive\",\"machineTags\":[\"Quarantine\"]}");
        assertThat(r.status()).isEqualTo(200);
        JsonNode m = http.get("/api/machines/" + id).json();
        assertThat(m.get("healthStatus").asText()).isEqualTo("Inactive");
        assertThat(machines("?$filter=machineTags/any(t: t eq 'Quarantine')")).containsOnlyKeys(id);
        assertThat(http.control("POST", "/machines/nope", "{\"healthStatus\":\"Inactive\"}")
                        .status())
                .isEqualTo(404);
        assertThat(http.control("POST", "/machines/" + id, "{}").status()).isEqualTo(400);
    }

    private List<JsonNode> alerts(String query) {
        JsonNode v = http.get("/api/alerts" + query).json().get("value");
        return StreamSupport.stream(v.spliterator(), false).toList();
    }
}
