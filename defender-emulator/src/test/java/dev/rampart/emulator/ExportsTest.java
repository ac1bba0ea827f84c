package dev.rampart.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ExportsTest {
    static final Instant START = Instant.parse("2026-03-02T06:00:00Z");
    DefenderEmulator emulator;
    SandboxHttp http;

    @BeforeEach
    void start() {
        emulator = DefenderEmulator.builder()
                .devices(400)
                .vulnerabilitiesPerDevice(12)
                .quotas("off")
                .start(START)
                .start();
        http = new SandboxHttp(emulator);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    List<JsonNode> all(String first) {
        return http.all(first);
    }

    static String key(JsonNode row) {
        return field(row, "deviceId") + "|" + field(row, "softwareVendor") + "|" + field(row, "softwareName") + "|"
                + field(row, "softwareVersion") + "|" + field(row, "cveId");
    }

    static String field(JsonNode row, String camel) {
        JsonNode v = row.get(camel);
        if (v == null) {
            v = row.get(Character.toUpperCase(camel.charAt(0)) + camel.substring(1));
        }
        return v == null || v.isNull() ? null : v.asText();
    }

    Set<String> keys(List<JsonNode> rows) {
        Set<String> out = new HashSet<>();
        rows.forEach(
                r -> assertThat(out.add(key(r))).as("row repeated: " + key(r)).isTrue());
        return out;
    }

    @Test
    void jsonExportShouldPageWithSkiptokenWithoutLosingOrRepeatingRows() {
        var first = http.get("/api/machines/SoftwareVulnerabilitiesByMachine?pageSize=500")
                .json();
        assertThat(first.get("@odata.context").asText())
                .endsWith("#Collection(microsoft.windowsDefenderATP.api.AssetVulnerability)");
        assertThat(first.get("value")).hasSize(500);
        assertThat(first.get("@odata.nextLink").asText()).contains("$skiptoken=");
        List<JsonNode> paged = all("/api/machines/SoftwareVulnerabilitiesByMachine?pageSize=500");
        List<JsonNode> single = all("/api/machines/SoftwareVulnerabilitiesByMachine?pageSize=200000");
        assertThat(keys(paged)).isEqualTo(keys(single));
        assertThat(single.size()).isGreaterThan(1000);
        JsonNode row = single.get(0);
        assertThat(row.get("firstSeenTimestamp").asText())
                .matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(\\.\\d+)?");
        assertThat(row.get("exploitabilityLevel").asText())
                .isIn("NoExploit", "ExploitIsPublic", "ExploitIsVerified", "ExploitIsInKit");
        assertThat(row.get("cvssScore").isNumber()).isTrue();
    }

    @Test
    void pagingShouldStayOnItsSnapshotWhileTheClockMoves() {
        var first = http.get("/api/machines/SoftwareVulnerabilitiesByMachine?pageSize=700")
                .json();
        List<JsonNode> rows = new ArrayList<>();
        first.get("value").forEach(rows::add);
        emulator.advance(Duration.ofDays(3));
        rows.addAll(all(first.get("@odata.nextLink").asText()));
        try (DefenderEmulator twin = DefenderEmulator.builder()
                .devices(400)
                .vulnerabilitiesPerDevice(12)
                .quotas("off")
                .start(START)
                .start()) {
            List<JsonNode> expected = new ArrayList<>();
            SandboxHttp t = new SandboxHttp(twin);
            String url = "/api/machines/SoftwareVulnerabilitiesByMachine?pageSize=200000";
            t.get(url).json().get("value").forEach(expected::add);
            assertThat(keys(rows)).isEqualTo(keys(expected));
        }
    }

    @Test
    void topShouldReturnOnePageWithoutNextLink() {
        JsonNode body = http.get("/api/machines/SoftwareVulnerabilitiesByMachine?$top=10")
                .json();
        assertThat(body.get("value")).hasSize(10);
        assertThat(body.has("@odata.nextLink")).isFalse();
        assertThat(http.get("/api/machines/SoftwareVulnerabilitiesByMachine?pageSize=200001")
                        .status())
                .isEqualTo(400);
    }

    List<JsonNode> download(String url) throws IOException {
        var r = http.get(url, null);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        List<JsonNode> rows = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(new ByteArrayInputStream(r.bytes())), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isBlank()) {
                    rows.add(SandboxHttp.JSON.readTree(line));
                }
            }
        }
        return rows;
    }

    @Test
    void fileExportShouldServeGzipJsonLinesWithTheSameRowsAsTheJsonExport() throws IOException {
        JsonNode files = http.get("/api/machines/SoftwareVulnerabilitiesExport?sasValidHours=2")
                .json();
        assertThat(files.get("@odata.context").asText())
                .endsWith("#microsoft.windowsDefenderATP.api.ExportFilesResponse");
        assertThat(files.get("generatedTime").asText()).isEqualTo("2026-03-02T06:00:00Z");
        String url = files.get("exportFiles").get(0).asText();
        assertThat(url)
                .contains("/VaExport/json/OrgId=" + emulator.tenantId() + "/part-00000-")
                .contains("&sig=")
                .contains("&se=");
        List<JsonNode> fileRows = download(url);
        assertThat(fileRows.get(0).has("DeviceId"))
                .as("file keys are PascalCase")
                .isTrue();
        List<JsonNode> jsonRows = all("/api/machines/SoftwareVulnerabilitiesByMachine?pageSize=200000");
        assertThat(keys(fileRows)).isEqualTo(keys(jsonRows));
    }

    @Test
    void downloadUrlShouldExpireAfterItsValidity() throws IOException {
        String url = http.get("/api/machines/SoftwareVulnerabilitiesExport")
                .json()
                .get("exportFiles")
                .get(0)
                .asText();
        assertThat(download(url)).isNotEmpty();
        emulator.advance(Duration.ofMinutes(61));
        var r = http.get(url, null);
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.text()).contains("<Code>AuthenticationFailed</Code>");
    }

    @Test
    void tamperedOrExpiredByFaultUrlsShouldBeRefused() {
        String url = http.get("/api/machines/SoftwareVulnerabilitiesExport")
                .json()
                .get("exportFiles")
                .get(0)
                .asText();
        assertThat(http.get(url.replace("part-00000", "part-00001"), null).status())
                .isEqualTo(403);
        http.control("POST", "/faults", "{\"pathPattern\":\"/tvm-export/*\",\"kind\":\"expire-urls\",\"count\":1}");
        assertThat(http.get(url, null).status()).isEqualTo(403);
        String fresh = http.get("/api/machines/SoftwareVulnerabilitiesExport")
                .json()
                .get("exportFiles")
                .get(0)
                .asText();
        assertThat(http.get(fresh, null).status()).isEqualTo(200);
    }

    @Test
    void softwareInventoryExportShouldCountWeaknesses() {
        List<JsonNode> rows = all("/api/machines/SoftwareInventoryByMachine?pageSize=100000");
        assertThat(rows).isNotEmpty();
        assertThat(rows).anyMatch(r -> r.get("numberOfWeaknesses").asInt() > 0);
        assertThat(rows.get(0).fieldNames())
                .toIterable()
                .contains("softwareFirstSeenTimestamp", "endOfSupportStatus", "endOfSupportDate");
    }

    @Test
    void deltaExportShouldNeedARecentSinceTime() {
        var missing = http.get("/api/machines/SoftwareVulnerabilityChangesByMachine");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().at("/error/code").asText()).isEqualTo("MissingRequiredParameter");
        var old = http.get("/api/machines/SoftwareVulnerabilityChangesByMachine?sinceTime=2026-02-01T00:00:00Z");
        assertThat(old.status()).isEqualTo(400);
        assertThat(old.json().at("/error/message").asText()).contains("14 days");
    }

    @Test
    void deltaExportShouldReportExactlyTheChangesBetweenTwoFullExports() {
        Set<String> before = keys(all("/api/machines/SoftwareVulnerabilitiesByMachine?pageSize=200000"));
        emulator.advance(Duration.ofDays(2));
        Set<String> after = keys(all("/api/machines/SoftwareVulnerabilitiesByMachine?pageSize=200000"));
        List<JsonNode> delta =
                all("/api/machines/SoftwareVulnerabilityChangesByMachine?sinceTime=2026-03-02T06:00:00Z&pageSize=1000");
        assertThat(delta.get(0).has("eventTimestamp")).isTrue();
        Set<String> news = new HashSet<>();
        Set<String> fixed = new HashSet<>();
        Set<String> updated = new HashSet<>();
        for (JsonNode row : delta) {
            switch (row.get("status").asText()) {
                case "New" -> news.add(key(row));
                case "Fixed" -> fixed.add(key(row));
                case "Updated" -> updated.add(key(row));
                default -> throw new AssertionError(row.toString());
            }
        }
        assertThat(updated).allMatch(k -> after.contains(k) || fixed.contains(k));
        Set<String> appeared = new HashSet<>(after);
        appeared.removeAll(before);
        Set<String> gone = new HashSet<>(before);
        gone.removeAll(after);
        Set<String> newAndStillThere = new HashSet<>(news);
        newAndStillThere.removeAll(fixed);
        Set<String> fixedAndNotNew = new HashSet<>(fixed);
        fixedAndNotNew.removeAll(news);
        assertThat(appeared).isNotEmpty();
        assertThat(gone).isNotEmpty();
        assertThat(newAndStillThere).isEqualTo(appeared);
        assertThat(fixedAndNotNew).isEqualTo(gone);
    }

    @Test
    void controlChangesShouldShowInTheExportsAndTheDelta() {
        JsonNode row = http.get("/api/machines/SoftwareVulnerabilitiesByMachine?$top=1")
                .json()
                .get("value")
                .get(0);
        String device = row.get("deviceId").asText();
        String cve = row.get("cveId").asText();
        emulator.advance(Duration.ofMinutes(5));
        var fix = http.control(
                "POST", "/machines/" + device + "/vulnerabilities", "{\"cveId\":\"" + cve + "\",\"action\":\"fix\"}");
        assertThat(fix.status()).isEqualTo(200);
        Set<String> after = keys(all("/api/machines/SoftwareVulnerabilitiesByMachine?pageSize=200000"));
        assertThat(after).doesNotContain(key(row));
        List<JsonNode> delta =
                all("/api/machines/SoftwareVulnerabilityChangesByMachine?sinceTime=2026-03-02T06:00:00Z");
        assertThat(delta)
                .anyMatch(
                        r -> key(r).equals(key(row)) && r.get("status").asText().equals("Fixed"));
        emulator.advance(Duration.ofMinutes(5));
        http.control(
                "POST", "/machines/" + device + "/vulnerabilities", "{\"cveId\":\"" + cve + "\",\"action\":\"add\"}");
        assertThat(keys(all("/api/machines/SoftwareVulnerabilitiesByMachine?pageSize=200000")))
                .contains(key(row));
        var unknown = http.control(
                "POST", "/machines/" + device + "/vulnerabilities", "{\"cveId\":\"CVE-1999-0001\",\"action\":\"fix\"}");
        assertThat(unknown.status()).isEqualTo(400);
    }

    @Test
    void machinesVulnerabilitiesShouldPageWithSkipAndMatchTheExport() {
        try (DefenderEmulator big = DefenderEmulator.builder()
                .devices(600)
                .vulnerabilitiesPerDevice(60)
                .quotas("off")
                .start(START)
                .start()) {
            SandboxHttp h = new SandboxHttp(big);
            List<JsonNode> rows = h.all("/api/vulnerabilities/machinesVulnerabilities");
            assertThat(rows.size()).isGreaterThan(20_000);
            Set<String> paged = new HashSet<>();
            for (JsonNode r : rows) {
                assertThat(paged.add(r.get("machineId").asText() + "|"
                                + r.get("productVendor").asText() + "|"
                                + r.get("productName").asText() + "|"
                                + r.get("productVersion").asText() + "|"
                                + r.get("cveId").asText()))
                        .isTrue();
            }
            assertThat(paged).isEqualTo(keys(h.all("/api/machines/SoftwareVulnerabilitiesByMachine?pageSize=200000")));
            // a client that starts its next page a little early (to catch drift) gets the same rows
            h.get("/api/vulnerabilities/machinesVulnerabilities");
            JsonNode early = h.get("/api/vulnerabilities/machinesVulnerabilities?$skip=9900")
                    .json()
                    .get("value");
            assertThat(early.get(0)).isEqualTo(rows.get(9_900));
            assertThat(early.get(9_999)).isEqualTo(rows.get(19_899));
            // a page asked for out of order is still right: it is computed afresh
            JsonNode third = h.get("/api/vulnerabilities/machinesVulnerabilities?$skip=20000")
                    .json()
                    .get("value")
                    .get(0);
            assertThat(third).isEqualTo(rows.get(20_000));
        }
    }
}
