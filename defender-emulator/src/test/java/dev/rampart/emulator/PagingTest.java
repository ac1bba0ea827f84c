package dev.rampart.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Server-driven paging needs more than one full page: 10,000 machines per page. */
class PagingTest {
    static DefenderEmulator emulator;
    static SandboxHttp http;

    @BeforeAll
    static void start() {
        emulator = DefenderEmulator.builder()
                .devices(12_500)
                .vulnerabilitiesPerDevice(2)
                .quotas("off")
                .start(Instant.parse("2026-03-02T06:00:00Z"))
                .start();
        http = new SandboxHttp(emulator);
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @Test
    void listShouldFollowNextLinkWithSkipUntilAbsent() {
        JsonNode page1 = http.get("/api/machines").json();
        assertThat(page1.get("value")).hasSize(10_000);
        assertThat(page1.get("@odata.nextLink").asText()).isEqualTo(emulator.baseUrl() + "/api/machines?$skip=10000");
        JsonNode page2 = http.get(page1.get("@odata.nextLink").asText()).json();
        assertThat(page2.get("value")).hasSize(2_500);
        assertThat(page2.has("@odata.nextLink")).isFalse();
        Set<String> ids = new HashSet<>();
        page1.get("value").forEach(m -> ids.add(m.get("id").asText()));
        page2.get("value").forEach(m -> ids.add(m.get("id").asText()));
        assertThat(ids).hasSize(12_500);
    }

    @Test
    void nextLinkShouldKeepTheFilter() {
        JsonNode page1 = http.get("/api/machines?$filter=onboardingStatus%20eq%20'Onboarded'")
                .json();
        String next = page1.get("@odata.nextLink").asText();
        assertThat(next).contains("$filter=onboardingStatus%20eq%20'Onboarded'").endsWith("$skip=10000");
        JsonNode page2 = http.get(next).json();
        assertThat(page2.get("value"))
                .allMatch(m -> m.get("onboardingStatus").asText().equals("Onboarded"));
    }

    @Test
    void repeatItemsFaultShouldMakeTheNextPageRepeatTheLastItems() {
        JsonNode page1 = http.get("/api/machines").json();
        http.control(
                "POST",
                "/faults",
                "{\"pathPattern\":\"/api/machines\",\"kind\":\"repeat-items\",\"items\":3,\"count\":1}");
        JsonNode page2 = http.get(page1.get("@odata.nextLink").asText()).json();
        http.control("DELETE", "/faults", null);
        assertThat(page2.get("value").get(0).get("id"))
                .isEqualTo(page1.get("value").get(9_997).get("id"));
    }

    @Test
    void skipItemsFaultShouldMakeTheNextPageDropItems() {
        JsonNode page1 = http.get("/api/machines").json();
        JsonNode clean = http.get(page1.get("@odata.nextLink").asText()).json();
        http.control("POST", "/faults", "{\"pathPattern\":\"/api/machines\",\"kind\":\"skip-items\",\"items\":2}");
        JsonNode skipped = http.get(page1.get("@odata.nextLink").asText()).json();
        http.control("DELETE", "/faults", null);
        assertThat(skipped.get("value").get(0).get("id"))
                .isEqualTo(clean.get("value").get(2).get("id"));
    }
}
