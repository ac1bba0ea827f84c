package dev.rampart.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.app.query.QueryService;
import dev.rampart.app.security.Role;
import dev.rampart.app.web.ApiProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
    static HandMadeInventory inventory;
    static String project;
    static long projectId;
    static String viewer;
    static Instant ws17LastSeen = HandMadeInventory.WS17_LAST_SEEN;

    @BeforeAll
    static void inventory() {
        inventory = HandMadeInventory.create(server);
        project = inventory.project;
        projectId = inventory.projectId;
        viewer = server.token(project, Role.VIEWER);
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
        try {
            String pairs =
                    "FIND Finding AS a THAT IS Vulnerability THAT IS Finding AS b RETURN a.productVersion, COUNT(b)";
            QueryService patient =
                    new QueryService(server.dataSource, null, 10, Duration.ofMinutes(1), Clock.systemUTC());
            QueryService.Answer all = patient.run(p, pairs);
            assertThat(all.rows()).hasSize(10).allMatch(r -> r.get(1).equals(3000L));
            assertThat(all.truncated()).isTrue();

            QueryService hasty =
                    new QueryService(server.dataSource, null, 10, Duration.ofMillis(20), Clock.systemUTC());
            try {
                hasty.run(p, pairs);
                throw new AssertionError("a 20 ms timeout did not stop the query");
            } catch (ApiProblem e) {
                assertThat(e.slug()).isEqualTo("query-too-costly");
                assertThat(e.getMessage()).contains("longer than the server's limit of 20 ms");
            }
        } finally {
            // an asset without risk would be scored by any later risk backfill in this database
            server.jdbc.sql("delete from project where id = ?").param(p).update();
        }
    }

    private static TestServer.Response assets(String params) {
        return server.call("GET", "/api/v1/projects/" + project + "/assets?limit=100&" + params, viewer, null);
    }

    private static List<String> names(TestServer.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        r.json().get("items").forEach(a -> out.add(a.get("name").asString()));
        return out;
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A query drives the asset list as one more filter, with the list's own filters, sorting and paging. */
    @Test
    void theAssetListShouldTakeAQueryAsAFilter() {
        String exploitable = enc("FIND Device THAT HAS Finding WITH exploitVerified = true AND state = 'open'");
        assertThat(names(assets("sort=name&query=" + exploitable))).containsExactly("old-db", "web-01");
        assertThat(names(assets("active=true&query=" + exploitable))).containsExactly("web-01");
        assertThat(names(
                        assets("sort=name&query=" + enc("FIND Device WITH active = true THAT NOT PROTECTS HostAgent"))))
                .containsExactly("printer-3");
        assertThat(names(assets("sort=-risk&query=" + enc("find device with name like 'ws-*'"))))
                .containsExactly("ws-ceo", "ws-17");
        assertThat(names(assets("query=" + enc("FIND Device WITH name = '''; delete from asset; --'"))))
                .isEmpty();

        var other = assets("query=" + enc("FIND Finding WITH state = 'open'"));
        assertThat(other.status()).isEqualTo(400);
        assertThat(other.json().get("type").asString()).endsWith("/problems/query-invalid");
        assertThat(other.json().get("detail").asString()).contains("this list takes FIND Device");
        var returning = assets("query=" + enc("FIND Device RETURN Device.name"));
        assertThat(returning.status()).isEqualTo(400);
        assertThat(returning.json().get("position").asInt()).isEqualTo(12);
        assertThat(returning.json().get("detail").asString()).contains("leave out RETURN, ORDER BY and LIMIT");
        assertThat(assets("query=" + enc("FIND Device WITH"))
                        .json()
                        .get("position")
                        .asInt())
                .isEqualTo(16);
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
