package dev.rampart.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.app.security.Role;
import dev.rampart.emulator.DefenderEmulator;
import dev.rampart.emulator.entra.AppRegistration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The hunting console's API (F19) against a sandbox of its own: KQL through Graph, through Defender's legacy API when
 * Graph's permission is missing, Defender's refusals and quota as sentences, every run audited; saved hunts shared or
 * private, changed only by their owner or an admin.
 */
class HuntingIT {
    private static final TestServer server = TestServer.get();
    static DefenderEmulator sandbox;
    static String project;
    static String admin;
    static String analyst;
    static String otherAnalyst;
    static String viewer;
    static String run;

    private static final String QUERY =
            "DeviceInfo | summarize arg_max(Timestamp, *) by DeviceId | project DeviceId, DeviceName, OSPlatform"
                    + " | take 5";

    @BeforeAll
    static void connect() {
        sandbox = DefenderEmulator.builder()
                .devices(20)
                .seed(5)
                .quotas("off")
                .start(Instant.parse("2026-06-01T08:00:00Z"))
                .start();
        project = TestServer.unique("hunting-");
        admin = server.adminToken(project);
        analyst = server.token(project, Role.ANALYST);
        otherAnalyst = server.token(project, Role.ANALYST);
        viewer = server.token(project, Role.VIEWER);
        var body = (tools.jackson.databind.node.ObjectNode)
                TestServer.JSON.readTree(server.connectorBody("hunt", sandbox.clientSecret()));
        body.put("tenantId", sandbox.tenantId());
        body.put("clientId", sandbox.clientId());
        body.put("sandbox", sandbox.baseUrl());
        var created = server.call("POST", "/api/v1/projects/" + project + "/connectors", admin, body.toString());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        run = "/api/v1/projects/" + project + "/hunting/run";
    }

    @AfterAll
    static void stop() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @AfterEach
    void restore() {
        sandbox.faults().clear();
        sandbox.app().graphRoles(new LinkedHashSet<>(AppRegistration.GRAPH_ROLES));
        sandbox.app().defenderRoles(new LinkedHashSet<>(AppRegistration.DEFENDER_ROLES));
    }

    private static String body(String kql) {
        return TestServer.JSON.createObjectNode().put("query", kql).toString();
    }

    private static List<String> names(JsonNode schema) {
        List<String> out = new ArrayList<>();
        schema.forEach(c -> out.add(c.get("name").asString()));
        return out;
    }

    private static long audited(String outcome) {
        return server.jdbc
                .sql("select count(*) from audit_log where project_id = ? and action = 'hunting.run'"
                        + " and outcome = ? and details->>'query' = ? and details->>'rows' = '5'"
                        + " and details->>'connector' = 'hunt' and details->>'via' = 'graph'")
                .params(server.project(project), outcome, QUERY)
                .query(Long.class)
                .single();
    }

    @Test
    void anAnalystShouldRunKqlThroughGraphAndGetTheSchemaAndRows() {
        long before = audited("success");
        var r = server.call("POST", run, analyst, body(QUERY));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode a = r.json();
        assertThat(names(a.get("schema"))).containsExactly("DeviceId", "DeviceName", "OSPlatform");
        assertThat(a.get("results")).hasSize(5);
        Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < sandbox.tenant().deviceCount(); i++) {
            ids.add(sandbox.tenant().machineId(i));
        }
        a.get("results")
                .forEach(row -> assertThat(ids).contains(row.get("DeviceId").asString()));
        assertThat(a.get("via").asString()).isEqualTo("graph");
        assertThat(a.get("connector").asString()).isEqualTo("hunt");
        assertThat(a.get("truncated").asBoolean()).isFalse();
        assertThat(audited("success")).as("the run is audited with its query").isEqualTo(before + 1);

        var csv = server.call("POST", run + "?format=csv", analyst, body(QUERY));
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.contentType()).startsWith("text/csv");
        List<String> lines = csv.body().lines().toList();
        assertThat(lines.get(0)).isEqualTo("DeviceId,DeviceName,OSPlatform");
        assertThat(lines).hasSize(6);
        assertThat(lines.get(1)).startsWith(a.at("/results/0/DeviceId").asString() + ",");
    }

    @Test
    void onlyAnalystsAndAdminsShouldRunQueries() {
        assertThat(server.call("POST", run, viewer, body(QUERY)).status()).isEqualTo(403);
        assertThat(server.call("POST", run, server.token(project, Role.RESPONDER), body(QUERY))
                        .status())
                .isEqualTo(403);
        assertThat(server.call("POST", run, admin, body(QUERY)).status()).isEqualTo(200);
    }

    @Test
    void defendersRefusalShouldComeBackWithDefendersWords() {
        var r = server.call("POST", run, analyst, body("DeviceInfo | join (DeviceLogonEvents) on DeviceId"));
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().get("type").asString()).endsWith("/problems/hunting-refused");
        assertThat(r.json().get("detail").asString()).startsWith("Defender refused the query: ");
        assertThat(r.json().get("defenderMessage").asString()).isNotBlank();
        assertThat(r.json().get("detail").asString())
                .contains(r.json().get("defenderMessage").asString());

        var empty = server.call("POST", run, analyst, body("  "));
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.json().at("/errors/0/field").asString()).isEqualTo("query");
        assertThat(server.jdbc
                        .sql("select count(*) from audit_log where project_id = ? and action = 'hunting.run'"
                                + " and outcome = 'failure' and details->>'error' like 'Defender refused the query: %'")
                        .param(server.project(project))
                        .query(Long.class)
                        .single())
                .isPositive();
    }

    @Test
    void withoutGraphsPermissionTheQueryShouldGoThroughDefendersApiAndWithNeitherSaySo() {
        Set<String> graph = new LinkedHashSet<>(AppRegistration.GRAPH_ROLES);
        graph.remove("ThreatHunting.Read.All");
        sandbox.app().graphRoles(graph);
        var r = server.call("POST", run, analyst, body(QUERY));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("via").asString()).isEqualTo("defender");
        assertThat(names(r.json().get("schema"))).containsExactly("DeviceId", "DeviceName", "OSPlatform");

        Set<String> defender = new LinkedHashSet<>(AppRegistration.DEFENDER_ROLES);
        defender.remove("AdvancedQuery.Read.All");
        sandbox.app().defenderRoles(defender);
        var none = server.call("POST", run, analyst, body(QUERY));
        assertThat(none.status()).as(none.body()).isEqualTo(502);
        assertThat(none.json().get("type").asString()).endsWith("/problems/defender-permission-missing");
        assertThat(none.json().get("detail").asString()).contains("ThreatHunting.Read.All");
    }

    @Test
    void aUsedUpQuotaShouldBeASentenceWithTheWait() {
        sandbox.addFault(dev.rampart.emulator.fault.FaultRule.fromJson(new com.fasterxml.jackson.databind.ObjectMapper()
                .createObjectNode()
                .put("pathPattern", "/v1.0/security/runHuntingQuery")
                .put("kind", "status")
                .put("status", 429)
                .put("retryAfter", 1)
                .put("count", 20)));
        var r = server.call("POST", run, analyst, body(QUERY));
        assertThat(r.status()).as(r.body()).isEqualTo(429);
        assertThat(r.json().get("type").asString()).endsWith("/problems/hunting-quota");
        assertThat(r.json().get("detail").asString())
                .startsWith("Defender's hunting quota is used up")
                .contains("try again in 1 seconds");
    }

    @Test
    void savedHuntsShouldBeSharedOrPrivateAndChangedOnlyByTheirOwnerOrAnAdmin() {
        String hunts = "/api/v1/projects/" + project + "/hunts";
        var shared =
                server.call("POST", hunts, analyst, "{\"name\": \"Windows devices\", \"query\": \"" + QUERY + "\"}");
        assertThat(shared.status()).as(shared.body()).isEqualTo(201);
        long id = shared.json().get("id").asLong();
        assertThat(shared.json().get("shared").asBoolean()).isTrue();
        var mine = server.call(
                "POST",
                hunts,
                analyst,
                "{\"name\": \"my draft\", \"query\": \"DeviceInfo | take 1\", \"shared\": false}");
        assertThat(mine.status()).isEqualTo(201);
        long draft = mine.json().get("id").asLong();

        assertThat(server.call("POST", hunts, analyst, "{\"name\": \"Windows devices\", \"query\": \"x\"}")
                        .status())
                .as("names are unique in a project")
                .isEqualTo(409);
        assertThat(server.call("POST", hunts, viewer, "{\"name\": \"v\", \"query\": \"x\"}")
                        .status())
                .isEqualTo(403);
        var bad = server.call("POST", hunts, analyst, "{\"name\": \"\", \"query\": \"\"}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("errors")).hasSize(2);

        List<String> seenByViewer = new ArrayList<>();
        server.call("GET", hunts, viewer, null)
                .json()
                .get("items")
                .forEach(h -> seenByViewer.add(h.get("name").asString()));
        assertThat(seenByViewer).contains("Windows devices").doesNotContain("my draft");
        assertThat(server.call("GET", hunts + "/" + draft, otherAnalyst, null).status())
                .as("a private hunt is its owner's alone")
                .isEqualTo(404);

        var ran = server.call("POST", hunts + "/" + id + "/run", viewer, null);
        assertThat(ran.status()).as("running is an analyst's").isEqualTo(403);
        ran = server.call("POST", hunts + "/" + id + "/run", otherAnalyst, null);
        assertThat(ran.status()).as(ran.body()).isEqualTo(200);
        assertThat(ran.json().get("results")).hasSize(5);

        assertThat(server.call(
                                "PUT",
                                hunts + "/" + id,
                                otherAnalyst,
                                "{\"name\": \"renamed\", \"query\": \"DeviceInfo | take 2\"}")
                        .status())
                .isEqualTo(403);
        var renamed = server.call(
                "PUT", hunts + "/" + id, analyst, "{\"name\": \"renamed\", \"query\": \"DeviceInfo | take 2\"}");
        assertThat(renamed.status()).as(renamed.body()).isEqualTo(200);
        assertThat(renamed.json().get("name").asString()).isEqualTo("renamed");
        assertThat(server.call("DELETE", hunts + "/" + id, admin, null).status())
                .isEqualTo(204);
        assertThat(server.call("GET", hunts + "/" + id, analyst, null).status()).isEqualTo(404);
        assertThat(server.jdbc
                        .sql("select count(*) from audit_log where project_id = ? and action like 'hunt.%'")
                        .param(server.project(project))
                        .query(Long.class)
                        .single())
                .isEqualTo(4);
    }
}
