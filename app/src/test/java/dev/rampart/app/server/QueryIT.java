package dev.rampart.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.app.query.QueryService;
import dev.rampart.app.security.Role;
import dev.rampart.app.web.ApiProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * The query language through the API on a hand-made inventory whose answers are known: the ten examples of
 * docs/queries.md, errors with their position, CSV, row and time limits, injection through every literal position,
 * and saved queries with their owners.
 */
class QueryIT {
    private static final TestServer server = TestServer.get();
    static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    static String project;
    static long projectId;
    static String viewer;
    static Instant ws17LastSeen = NOW.minus(Duration.ofDays(45));

    /**
     * Six devices: two Linux web servers (web-01 with open exploitable openssl and log4j findings, web-02 with its
     * openssl finding fixed), two Windows workstations with Chrome (ws-ceo high-value with a high alert; ws-17 silent
     * for 45 days, its sensor inactive, its Chrome finding reopened once), a printer no Defender sensor sees, and a
     * retired database server with log4j still open.
     */
    @BeforeAll
    static void inventory() {
        project = TestServer.unique("queries-");
        projectId = server.project(project);
        viewer = server.token(project, Role.VIEWER);
        var jdbc = server.jdbc;
        long connector = jdbc.sql(
                        "insert into connector (project_id, name, tenant_id, client_id) values (?, 'prod',"
                                + " '11111111-1111-1111-1111-111111111111', '22222222-2222-2222-2222-222222222222') returning id")
                .param(projectId)
                .query(Long.class)
                .single();
        long defender = jdbc.sql("insert into source (project_id, name, kind, connector_id)"
                        + " values (?, 'defender:prod', 'defender', ?) returning id")
                .params(projectId, connector)
                .query(Long.class)
                .single();
        long scanner = jdbc.sql(
                        "insert into source (project_id, name, kind) values (?, 'scanner', 'push') returning id")
                .param(projectId)
                .query(Long.class)
                .single();
        long web01 = asset("web-01", "Linux", true, "high", "High", "Critical", 92, defender, "Active", days(1));
        long web02 = asset("web-02", "Linux", true, null, "Normal", "High", 70, defender, "Active", days(2));
        long wsCeo =
                asset("ws-ceo", "Windows11", true, "critical", "High", "Critical", 88, defender, "Active", days(0));
        long ws17 = asset("ws-17", "Windows11", true, null, "Normal", "Medium", 40, defender, "Inactive", days(45));
        asset("printer-3", null, true, null, null, "Low", 12, scanner, null, days(3));
        long oldDb = asset("old-db", "Linux", false, null, "Normal", "None", 0, defender, "Inactive", days(90));

        vulnerability("CVE-2024-0001", "Critical", 9.8, true, false, 0.61);
        vulnerability("CVE-2024-0002", "High", 8.8, false, false, 0.12);
        vulnerability("CVE-2021-44228", "Critical", 10.0, true, true, 0.97);

        long log4jOnWeb01 = 0;
        finding(web01, defender, "CVE-2024-0001", "openssl", "openssl", "3.0.1", "ExploitIsVerified", "open", 0);
        log4jOnWeb01 =
                finding(web01, defender, "CVE-2021-44228", "apache", "log4j", "2.14.1", "ExploitIsVerified", "open", 0);
        finding(web02, defender, "CVE-2024-0001", "openssl", "openssl", "3.0.13", "ExploitIsVerified", "fixed", 0);
        finding(wsCeo, defender, "CVE-2024-0002", "google", "chrome", "120.0", "ExploitIsPublic", "open", 0);
        finding(ws17, defender, "CVE-2024-0002", "google", "chrome", "119.0", "ExploitIsPublic", "open", 1);
        finding(oldDb, defender, "CVE-2021-44228", "apache", "log4j", "2.14.0", "ExploitIsVerified", "open", 0);

        software("openssl", "openssl", web01, web02);
        software("apache", "log4j", web01, oldDb);
        software("google", "chrome", wsCeo, ws17);

        alert(defender, "da-1", wsCeo, "Suspicious PowerShell", "High", "New");
        alert(defender, "da-2", web01, "Port scan", "High", "Resolved");
        alert(defender, "da-3", ws17, "Unwanted software", "Medium", "New");

        long ticket = jdbc.sql("insert into ticket (project_id, asset_id, title, state) values (?, ?, 'Patch log4j',"
                        + " 'open') returning id")
                .params(projectId, web01)
                .query(Long.class)
                .single();
        jdbc.sql("insert into ticket_finding values (?, ?)")
                .params(ticket, log4jOnWeb01)
                .update();
    }

    private static Timestamp days(int ago) {
        return Timestamp.from(NOW.minus(Duration.ofDays(ago)));
    }

    private static long asset(
            String name,
            String os,
            boolean active,
            String criticality,
            String deviceValue,
            String risk,
            double score,
            long source,
            String health,
            Timestamp lastSeen) {
        var jdbc = server.jdbc;
        long id = jdbc.sql("insert into asset (project_id, name, hostname, os_platform, active, criticality, metadata,"
                        + " first_seen) values (?, ?, ?, ?, ?, ?, ?::jsonb, ?) returning id")
                .params(
                        projectId,
                        name,
                        name,
                        os,
                        active,
                        criticality,
                        deviceValue == null ? "{}" : "{\"deviceValue\": \"" + deviceValue + "\"}",
                        days(400))
                .query(Long.class)
                .single();
        jdbc.sql("insert into asset_source (asset_id, source_id, external_id, active, health_status, first_seen,"
                        + " last_seen) values (?, ?, ?, ?, ?, ?, ?)")
                .params(id, source, "m-" + name, active, health, days(400), lastSeen)
                .update();
        jdbc.sql("insert into asset_risk (asset_id, project_id, level, score, exposure, alert, computed_at, active)"
                        + " values (?, ?, ?, ?, 0, 0, now(), ?)")
                .params(id, projectId, risk, score, active)
                .update();
        return id;
    }

    private static void vulnerability(
            String cve, String severity, double cvss, boolean verified, boolean inKit, double epss) {
        server.jdbc
                .sql("insert into vulnerability (project_id, cve_id, severity, cvss_v3, public_exploit,"
                        + " exploit_verified, exploit_in_kit, epss) values (?, ?, ?, ?, true, ?, ?, ?)")
                .params(projectId, cve, severity, cvss, verified, inKit, epss)
                .update();
    }

    private static long finding(
            long asset,
            long source,
            String cve,
            String vendor,
            String product,
            String version,
            String exploitability,
            String state,
            int reopened) {
        return server.jdbc
                .sql("insert into finding (project_id, asset_id, source_id, cve_id, product_vendor, product_name,"
                        + " product_version, severity, exploitability, state, opened_at, fixed_at, times_reopened)"
                        + " values (?, ?, ?, ?, ?, ?, ?, 'High', ?, ?, now(), ?, ?) returning id")
                .params(
                        projectId,
                        asset,
                        source,
                        cve,
                        vendor,
                        product,
                        version,
                        exploitability,
                        state,
                        state.equals("fixed") ? days(1) : null,
                        reopened)
                .query(Long.class)
                .single();
    }

    private static void software(String vendor, String name, long... assets) {
        String key = vendor + "-_-" + name;
        server.jdbc
                .sql("insert into software (project_id, software_key, vendor, name, assets) values (?, ?, ?, ?, ?)")
                .params(projectId, key, vendor, name, assets.length)
                .update();
        for (long a : assets) {
            long source = server.jdbc
                    .sql("select source_id from asset_source where asset_id = ?")
                    .param(a)
                    .query(Long.class)
                    .single();
            server.jdbc
                    .sql(
                            "insert into asset_software (asset_id, source_id, software_key, version) values (?, ?, ?, '1')")
                    .params(a, source, key)
                    .update();
        }
    }

    private static void alert(long source, String id, long asset, String title, String severity, String status) {
        server.jdbc
                .sql("insert into alert (project_id, source_id, alert_id, asset_id, title, severity, status)"
                        + " values (?, ?, ?, ?, ?, ?, ?)")
                .params(projectId, source, id, asset, title, severity, status)
                .update();
    }

    static TestServer.Response run(String token, String query) {
        return server.call(
                "POST",
                "/api/v1/projects/" + project + "/queries/run",
                token,
                "{\"query\": "
                        + tools.jackson.databind.json.JsonMapper.builder()
                                .build()
                                .writeValueAsString(query) + "}");
    }

    /** The answer's rows as lists of text ("null" for an empty value). */
    static List<List<String>> rows(TestServer.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<List<String>> out = new ArrayList<>();
        for (JsonNode row : r.json().get("rows")) {
            List<String> cells = new ArrayList<>();
            row.forEach(v -> cells.add(v.isNull() ? "null" : v.asString()));
            out.add(cells);
        }
        return out;
    }

    static List<String> row(String... cells) {
        return Arrays.asList(cells);
    }

    /** The answer each example of docs/queries.md must give on this inventory, in the guide's order. */
    static final List<List<List<String>>> EXPECTED = List.of(
            List.of(row("web-01", "CVE-2024-0001"), row("web-01", "CVE-2021-44228")),
            List.of(row("web-01", "2.14.1")),
            List.of(row("ws-17", ws17LastSeen.toString())),
            List.of(row("printer-3", "Low")),
            List.of(row("chrome", "2"), row("log4j", "1"), row("openssl", "1")),
            List.of(row("Suspicious PowerShell", "ws-ceo")),
            List.of(row("Linux", "2"), row("Windows11", "2"), row("null", "1")),
            List.of(row("ws-ceo"), row("ws-17")),
            List.of(row("CVE-2021-44228", "2"), row("CVE-2024-0001", "1")),
            List.of(row("ws-17", ws17LastSeen.toString())));

    @Test
    void everyExampleOfTheGuideShouldGiveItsAnswer() throws Exception {
        String guide = Files.readString(Path.of("..", "docs", "queries.md"));
        Matcher m = Pattern.compile("```query\\n(.*?)```", Pattern.DOTALL).matcher(guide);
        List<String> examples = new ArrayList<>();
        while (m.find()) {
            examples.add(m.group(1));
        }
        assertThat(examples).hasSize(EXPECTED.size());
        for (int i = 0; i < examples.size(); i++) {
            assertThat(rows(run(viewer, examples.get(i))))
                    .as("example " + (i + 1) + ":\n" + examples.get(i))
                    .isEqualTo(EXPECTED.get(i));
        }
    }

    @Test
    void anAnswerShouldNameItsColumnsAndTypes() {
        var r = run(
                viewer,
                "FIND Device WITH name = 'ws-17' RETURN Device.name, Device.riskScore, Device.active,"
                        + " Device.lastSeen, COUNT(*)");
        assertThat(r.json().get("columns").toString())
                .isEqualTo("[\"Device.name\",\"Device.riskScore\",\"Device.active\",\"Device.lastSeen\",\"count\"]");
        assertThat(r.json().get("types").toString()).isEqualTo("[\"TEXT\",\"NUMBER\",\"BOOLEAN\",\"TIME\",\"NUMBER\"]");
        JsonNode row = r.json().get("rows").get(0);
        assertThat(row.get(1).asDouble()).isEqualTo(40.0);
        assertThat(row.get(2).isBoolean()).isTrue();
        assertThat(row.get(3).asString()).isEqualTo(ws17LastSeen.toString());
        assertThat(row.get(4).asLong()).isEqualTo(1);
        assertThat(r.json().get("truncated").asBoolean()).isFalse();
    }

    @Test
    void aBadQueryShouldBeAProblemThatSaysWhereAndWhatWasExpected() {
        var r = run(viewer, "FIND Device\nWITH riskLevel = 'Severe'");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("type").asString()).endsWith("/problems/query-invalid");
        assertThat(r.json().get("position").asInt()).isEqualTo(29);
        assertThat(r.json().get("line").asInt()).isEqualTo(2);
        assertThat(r.json().get("column").asInt()).isEqualTo(18);
        assertThat(r.json().get("expected").toString())
                .isEqualTo("[\"None\",\"Low\",\"Medium\",\"High\",\"Critical\"]");
        assertThat(r.json().get("detail").asString())
                .contains("riskLevel is one of None, Low, Medium, High or Critical");

        var empty = run(viewer, "");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.json().get("expected").toString()).isEqualTo("[\"FIND\"]");
    }

    @Test
    void csvShouldCarryTheSameRows() {
        var r = server.call(
                "POST",
                "/api/v1/projects/" + project + "/queries/run?format=csv",
                viewer,
                "{\"query\": \"FIND Device WITH name LIKE 'WEB-*' RETURN Device.name, Device.riskLevel\"}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("text/csv");
        assertThat(r.body()).isEqualTo("Device.name,Device.riskLevel\r\nweb-01,Critical\r\nweb-02,High\r\n");
    }

    /** Text that would end or widen the statement if it were spliced in, in every place a query takes a value. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "FIND Device WITH name = '''; delete from asset; --'",
                "FIND Device WITH name = 'x'' or ''1''=''1'",
                "FIND Device WITH name IN ('a', '''); delete from asset; --')",
                "FIND Device WITH name LIKE '*''; delete from asset; --*'",
                "FIND Device WITH fqdn NOT LIKE 'x''; delete from asset; --' AND name = 'none'",
                "FIND Device THAT HAS Finding WITH cveId = 'CVE'' union select password_hash from app_user --'",
                "FIND Device WITH lastSeen > '2026-01-01''; delete from asset; --'",
            })
    void injectedTextShouldMatchNothingAndChangeNothing(String query) {
        long before = assets();
        var r = run(viewer, query);
        assertThat(r.status()).as(r.body()).isIn(200, 400);
        if (r.status() == 200) {
            assertThat(r.json().get("rows").size()).isZero();
        } else {
            assertThat(r.json().get("type").asString()).endsWith("/problems/query-invalid");
        }
        assertThat(assets()).isEqualTo(before).isEqualTo(6);
    }

    private static long assets() {
        return server.jdbc
                .sql("select count(*) from asset where project_id = ?")
                .param(projectId)
                .query(Long.class)
                .single();
    }

    @Test
    void aQueryShouldSeeOnlyItsOwnProject() {
        String other = TestServer.unique("other-queries-");
        String stranger = server.token(other, Role.ADMIN);
        var r = server.call(
                "POST",
                "/api/v1/projects/" + other + "/queries/run",
                stranger,
                "{\"query\": \"FIND Device WITH name = 'web-01'\"}");
        assertThat(rows(r)).isEmpty();
        var refused = server.call(
                "POST", "/api/v1/projects/" + project + "/queries/run", stranger, "{\"query\": \"FIND Device\"}");
        assertThat(refused.status()).isEqualTo(403);
    }

    @Test
    void theServersRowLimitShouldCutTheAnswerAndSaySo() {
        QueryService small = new QueryService(server.dataSource, null, 2, Duration.ofSeconds(5), Clock.systemUTC());
        QueryService.Answer cut = small.run(projectId, "FIND Device");
        assertThat(cut.rows()).hasSize(2);
        assertThat(cut.truncated()).isTrue();
        QueryService.Answer asked = small.run(projectId, "FIND Device LIMIT 2");
        assertThat(asked.truncated()).isFalse();
        QueryService.Answer fits = small.run(projectId, "FIND Device WITH active = false");
        assertThat(fits.rows()).hasSize(1);
        assertThat(fits.truncated()).isFalse();
    }

    @Test
    void aQueryThatOutrunsTheTimeoutShouldBeStoppedAndSaySo() {
        // 3,000 findings of one CVE on one device: pairing each with every other through the CVE is 9 million rows
        long p = server.project(TestServer.unique("costly-"));
        long source = server.jdbc
                .sql("insert into source (project_id, name, kind) values (?, 'scanner', 'push') returning id")
                .param(p)
                .query(Long.class)
                .single();
        long asset = server.jdbc
                .sql("insert into asset (project_id, name) values (?, 'busy') returning id")
                .param(p)
                .query(Long.class)
                .single();
        server.jdbc
                .sql("insert into vulnerability (project_id, cve_id) values (?, 'CVE-2024-9999')")
                .param(p)
                .update();
        server.jdbc
                .sql("insert into finding (project_id, asset_id, source_id, cve_id, product_version, state, opened_at)"
                        + " select ?, ?, ?, 'CVE-2024-9999', g::text, 'open', now() from generate_series(1, 3000) g")
                .params(p, asset, source)
                .update();
        String pairs = "FIND Finding AS a THAT IS Vulnerability THAT IS Finding AS b RETURN a.productVersion, COUNT(b)";
        QueryService patient = new QueryService(server.dataSource, null, 10, Duration.ofMinutes(1), Clock.systemUTC());
        QueryService.Answer all = patient.run(p, pairs);
        assertThat(all.rows()).hasSize(10).allMatch(r -> r.get(1).equals(3000L));
        assertThat(all.truncated()).isTrue();

        QueryService hasty = new QueryService(server.dataSource, null, 10, Duration.ofMillis(20), Clock.systemUTC());
        try {
            hasty.run(p, pairs);
            throw new AssertionError("a 20 ms timeout did not stop the query");
        } catch (ApiProblem e) {
            assertThat(e.slug()).isEqualTo("query-too-costly");
            assertThat(e.getMessage()).contains("longer than the server's limit of 20 ms");
        }
    }

    @Test
    void savedQueriesShouldBeSharedOrPrivateAndChangedOnlyByTheirOwner() {
        String base = "/api/v1/projects/" + project + "/queries";
        String other = server.token(project, Role.VIEWER);
        String admin = server.token(project, Role.ADMIN);
        var shared = server.call(
                "POST",
                base,
                viewer,
                "{\"name\": \"Stale devices\", \"query\": \"FIND Device WITH active = true AND lastSeen <"
                        + " NOW - 30 DAYS RETURN Device.name\"}");
        assertThat(shared.status()).as(shared.body()).isEqualTo(201);
        long sharedId = shared.json().get("id").asLong();
        var mine =
                server.call("POST", base, viewer, "{\"name\": \"Mine\", \"query\": \"FIND Alert\", \"shared\": false}");
        long mineId = mine.json().get("id").asLong();

        List<String> seenByOther = new ArrayList<>();
        server.call("GET", base, other, null)
                .json()
                .get("items")
                .forEach(i -> seenByOther.add(i.get("name").asString()));
        assertThat(seenByOther).contains("Stale devices").doesNotContain("Mine");
        assertThat(server.call("GET", base + "/" + mineId, other, null).status())
                .isEqualTo(404);

        assertThat(rows(server.call("POST", base + "/" + sharedId + "/run", other, null)))
                .isEqualTo(List.of(row("ws-17")));

        var invalid = server.call("POST", base, viewer, "{\"name\": \"Broken\", \"query\": \"FIND Devise\"}");
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.body()).contains("no entity class 'Devise'");
        var taken = server.call("POST", base, other, "{\"name\": \"Stale devices\", \"query\": \"FIND Device\"}");
        assertThat(taken.status()).isEqualTo(409);

        String change = "{\"name\": \"Stale devices\", \"query\": \"FIND Device WITH active = true AND lastSeen"
                + " < NOW - 60 DAYS\"}";
        assertThat(server.call("PUT", base + "/" + sharedId, other, change).status())
                .isEqualTo(403);
        assertThat(server.call("PUT", base + "/" + sharedId, viewer, change).status())
                .isEqualTo(200);
        assertThat(rows(server.call("POST", base + "/" + sharedId + "/run", other, null)))
                .isEmpty();
        assertThat(server.call("DELETE", base + "/" + sharedId, admin, null).status())
                .isEqualTo(204);
        assertThat(server.call("GET", base + "/" + sharedId, viewer, null).status())
                .isEqualTo(404);
        assertThat(server.jdbc
                        .sql("select action from audit_log where target = ? order by id")
                        .param("query " + sharedId)
                        .query(String.class)
                        .list())
                .containsExactly("query.create", "query.update", "query.delete");
    }
}
