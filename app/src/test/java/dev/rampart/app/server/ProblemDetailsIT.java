package dev.rampart.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Every write endpoint answers malformed, oversized and unknown input with an RFC 9457 problem: a stable type, a
 * title, the status, and a sentence; validation problems name their fields.
 */
class ProblemDetailsIT {
    private final TestServer server = TestServer.get();

    @Test
    void everyWriteEndpointShouldAnswerBadInputWithProblemDetails() {
        String project = TestServer.unique("problems-");
        String token = server.adminToken(project);
        var created = server.call(
                "POST",
                "/api/v1/projects/" + project + "/connectors",
                token,
                server.connectorBody("problems", "s3cret-value"));
        assertThat(created.status()).isEqualTo(201);
        Map<String, String> values = Map.of(
                "project",
                project,
                "id",
                created.json().get("id").asString(),
                "userId",
                String.valueOf(server.user(TestServer.unique("p-"), false).id()),
                "runId",
                "999999999",
                "tokenId",
                "999999999");
        List<String> problems = new ArrayList<>();
        String big = "{\"name\":\"" + "x".repeat(1_100_000) + "\"}";
        int checked = 0;
        for (Routes.Route r : Routes.of(server.context).all()) {
            if (!r.rampart() || !r.writes()) {
                continue;
            }
            checked++;
            String path = r.path(values);
            check(problems, r, "oversized", server.call(r.method(), path, token, big), 413, "body-too-large");
            if (r.takesBody()) {
                boolean imports = path.endsWith("/imports");
                check(
                        problems,
                        r,
                        "malformed",
                        server.call(r.method(), path, token, "{\"name\": \"x\", "),
                        imports ? 422 : 400,
                        imports ? "import-refused" : "malformed-json");
                var unknown = server.call(r.method(), path, token, "{\"zzUnknownField\": 1}");
                check(problems, r, "unknown field", unknown, imports ? 422 : 400, null);
                if (!imports && !unknown.body().contains("zzUnknownField")) {
                    problems.add(r + " did not name the unknown field: " + unknown.body());
                }
            }
        }
        assertThat(checked).isGreaterThan(12);
        assertThat(problems).isEmpty();

        var invalid = server.call(
                "POST",
                "/api/v1/projects/" + project + "/connectors",
                token,
                "{\"name\":\"\",\"tenantId\":\"nope\",\"clientId\":\"nope\",\"schedule\":{\"kind\":\"weekly\"}}");
        assertThat(invalid.status()).isEqualTo(400);
        JsonNode errors = invalid.json().get("errors");
        List<String> fields = new ArrayList<>();
        errors.forEach(e -> fields.add(e.get("field").asString()));
        assertThat(fields).contains("name", "tenantId", "clientId", "credential", "schedule.kind");
        assertThat(invalid.json().get("type").asString()).isEqualTo("/problems/validation-failed");

        var unknownRoute = server.call("GET", "/api/v1/projects/" + project + "/nothing-here", token, null);
        assertThat(unknownRoute.status()).isEqualTo(404);
        assertThat(unknownRoute.contentType()).startsWith("application/problem+json");
        var badSort = server.call("GET", "/api/v1/projects/" + project + "/assets?sort=colour", token, null);
        assertThat(badSort.status()).isEqualTo(400);
        assertThat(badSort.body()).contains("\"field\":\"sort\"");
    }

    private static void check(
            List<String> problems, Routes.Route r, String what, TestServer.Response response, int status, String slug) {
        if (response.status() != status) {
            problems.add(r + " " + what + ": " + response.status() + " instead of " + status + ": " + response.body());
            return;
        }
        if (!response.contentType().startsWith("application/problem+json")) {
            problems.add(r + " " + what + ": content type " + response.contentType());
            return;
        }
        JsonNode p = response.json();
        if (!p.hasNonNull("type")
                || !p.hasNonNull("title")
                || p.path("status").asInt() != status
                || !p.hasNonNull("detail")) {
            problems.add(r + " " + what + ": incomplete problem " + response.body());
        } else if (slug != null && !p.get("type").asString().equals("/problems/" + slug)) {
            problems.add(r + " " + what + ": type " + p.get("type") + " instead of " + slug);
        }
    }
}
