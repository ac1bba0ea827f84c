package dev.rampart.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.app.security.Role;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Risk through the REST API: assets carry their risk (level, score, inferred, contributors), sort by it and filter on
 * its level and on sensor flags; a criticality set by an analyst weighs the score at once and is in the history; the
 * summary counts what the inventory holds; findings sort by exploitability.
 */
class RiskApiIT {
    private final TestServer server = TestServer.get();

    @Test
    void assetsShouldSortAndFilterByRiskAndExplainIt() {
        String project = TestServer.unique("risk-");
        String admin = server.adminToken(project);
        server.imported(project, admin, "risk");
        String base = "/api/v1/projects/" + project;

        // sorted by risk, highest first, over pages: never rising, none lost
        List<Double> scores = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = server.call(
                            "GET",
                            base + "/assets?sort=-risk&limit=7" + (cursor == null ? "" : "&cursor=" + cursor),
                            admin,
                            null)
                    .json();
            for (JsonNode a : page.get("items")) {
                scores.add(a.get("risk").get("score").asDouble());
                assertThat(a.get("risk").get("level").asString())
                        .isEqualTo(server.jdbc
                                .sql("select level from asset_risk where asset_id = ?")
                                .param(a.get("id").asLong())
                                .query(String.class)
                                .single());
                assertThat(a.get("risk").get("contributors").isArray()).isTrue();
                assertThat(a.has("isolated")).isTrue();
                assertThat(a.get("sensorFlags").isArray()).isTrue();
            }
            cursor = page.get("nextCursor").isNull()
                    ? null
                    : page.get("nextCursor").asString();
        } while (cursor != null);
        assertThat(scores).hasSize(60).isSortedAccordingTo(java.util.Comparator.reverseOrder());

        JsonNode high = server.call("GET", base + "/assets?risk=High,Critical&limit=1000", admin, null)
                .json()
                .get("items");
        long expected = server.jdbc
                .sql("select count(*) from asset_risk where project_id = ? and level in ('High', 'Critical')")
                .param(server.project(project))
                .query(Long.class)
                .single();
        assertThat(high.size()).isEqualTo((int) expected).isPositive();
        for (JsonNode a : high) {
            assertThat(a.get("risk").get("level").asString()).isIn("High", "Critical");
        }
        assertThat(server.call("GET", base + "/assets?risk=Severe", admin, null).status())
                .isEqualTo(400);
        JsonNode unhealthy = server.call("GET", base + "/assets?sensorFlag=unhealthy&limit=1000", admin, null)
                .json()
                .get("items");
        for (JsonNode a : unhealthy) {
            assertThat(a.get("healthStatus").asString()).isNotEqualTo("Active");
        }
        assertThat(server.call("GET", base + "/assets?sensorFlag=purple", admin, null)
                        .status())
                .isEqualTo(400);

        // the summary counts what the inventory holds
        JsonNode summary = server.call("GET", base + "/risk", admin, null).json();
        long critical = server.jdbc
                .sql(
                        "select count(*) from asset a join asset_risk r on r.asset_id = a.id where a.project_id = ? and a.active"
                                + " and r.level = 'Critical'")
                .param(server.project(project))
                .query(Long.class)
                .single();
        assertThat(summary.get("levels").get("Critical").asLong()).isEqualTo(critical);
        assertThat(summary.get("top").size()).isEqualTo(10);
        assertThat(summary.get("top").get(0).get("score").asDouble()).isEqualTo(scores.get(0));
        assertThat(summary.get("remediations").get("closes").asLong())
                .isLessThanOrEqualTo(summary.get("remediations").get("of").asLong());
    }

    @Test
    void aCriticalitySetByAnAnalystShouldWeighTheScoreAtOnce() {
        String project = TestServer.unique("crit-");
        String admin = server.adminToken(project);
        server.imported(project, admin, "crit");
        String base = "/api/v1/projects/" + project;
        JsonNode asset = server.call("GET", base + "/assets?sort=-risk&limit=1", admin, null)
                .json()
                .get("items")
                .get(0);
        long id = asset.get("id").asLong();
        double before = asset.get("risk").get("score").asDouble();
        JsonNode topBefore =
                server.call("GET", base + "/risk", admin, null).json().get("top");
        assertThat(topBefore.get(0).get("id").asLong()).isEqualTo(id);
        assertThat(topBefore.get(0).get("score").asDouble()).isEqualTo(before);
        String analyst = server.token(project, Role.ANALYST);
        var set = server.call("PUT", base + "/assets/" + id + "/criticality", analyst, "{\"criticality\": \"low\"}");
        assertThat(set.status()).as(set.body()).isEqualTo(200);
        // the summary follows at once (it is cached until risk is recomputed, and this recomputed it)
        JsonNode topAfter =
                server.call("GET", base + "/risk", admin, null).json().get("top");
        List<Double> scoresShown = new java.util.ArrayList<>();
        for (JsonNode t : topAfter) {
            if (t.get("id").asLong() == id) {
                scoresShown.add(t.get("score").asDouble());
            }
        }
        assertThat(scoresShown).doesNotContain(before);
        assertThat(topAfter.get(0).get("score").asDouble()).isLessThanOrEqualTo(before);
        assertThat(set.json().get("criticality").asString()).isEqualTo("low");
        String deviceValue = server.jdbc
                .sql("select coalesce(metadata->>'deviceValue', 'Normal') from asset where id = ?")
                .param(id)
                .query(String.class)
                .single();
        double factorBefore =
                switch (deviceValue) {
                    case "High" -> 1.2;
                    case "Low" -> 0.8;
                    default -> 1.0;
                };
        assertThat(set.json().get("score").asDouble())
                .isCloseTo(before / factorBefore * 0.8, org.assertj.core.data.Offset.offset(0.2));
        assertThat(set.json().get("contributors").toString()).contains("criticality low (set in Rampart)");
        assertThat(server.call("PUT", base + "/assets/" + id + "/criticality", analyst, "{\"criticality\": \"huge\"}")
                        .status())
                .isEqualTo(400);
        assertThat(server.call(
                                "PUT",
                                base + "/assets/" + id + "/criticality",
                                server.token(project, Role.VIEWER),
                                "{\"criticality\": \"high\"}")
                        .status())
                .isEqualTo(403);
        JsonNode history = server.call("GET", base + "/assets/" + id + "/risk-history", admin, null)
                .json()
                .get("items");
        String oldLevel = asset.get("risk").get("level").asString();
        String newLevel = set.json().get("level").asString();
        assertThat(newLevel)
                .isEqualTo(dev.rampart.app.risk.RiskModel.Level.of(
                                set.json().get("score").asDouble())
                        .label());
        // the baseline, and a row for the change when the level moved
        assertThat(history.size()).isEqualTo(newLevel.equals(oldLevel) ? 1 : 2);
        assertThat(history.get(history.size() - 1).get("level").asString()).isEqualTo(newLevel);
        assertThat(server.jdbc
                        .sql("select count(*) from audit_log where action = 'asset.criticality' and target = ?")
                        .param("asset " + id)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        // and back to Defender's word
        var cleared = server.call("PUT", base + "/assets/" + id + "/criticality", analyst, "{\"criticality\": null}");
        assertThat(cleared.json().get("score").asDouble()).isEqualTo(before);
    }

    @Test
    void findingsShouldSortByExploitabilityThenCvss() {
        String project = TestServer.unique("exploit-");
        String admin = server.adminToken(project);
        server.imported(project, admin, "exploit");
        JsonNode items = server.call(
                        "GET",
                        "/api/v1/projects/" + project + "/findings?state=open&sort=-exploitability&limit=1000",
                        admin,
                        null)
                .json()
                .get("items");
        List<String> ranks = List.of("ExploitIsVerified", "ExploitIsInKit", "ExploitIsPublic");
        double last = Double.MAX_VALUE;
        for (JsonNode f : items) {
            String x = f.get("exploitability").asString("");
            int rank = ranks.contains(x) ? 3 - ranks.indexOf(x) : 0;
            double key = rank * 100 + f.path("cvss").asDouble(0);
            assertThat(key).isLessThanOrEqualTo(last);
            last = key;
        }
        assertThat(items.get(0).get("exploitability").asString()).isEqualTo("ExploitIsVerified");
    }
}
