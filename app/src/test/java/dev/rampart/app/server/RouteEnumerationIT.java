package dev.rampart.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.app.security.ApiTokens;
import dev.rampart.app.security.Permission;
import dev.rampart.app.security.Role;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Lists every HTTP route the application serves and proves, for each, that an unauthenticated caller and every role
 * without the route's permission are refused, and that the roles with it get through.
 */
class RouteEnumerationIT {
    private final TestServer server = TestServer.get();

    /** A caller: its token (null: anonymous), its role in the project (null: none), server admin or not. */
    record Who(String name, String token, Role role, boolean serverAdmin) {
        boolean allowed(Permission p) {
            return switch (p) {
                case PUBLIC -> true;
                case AUTHENTICATED -> token != null;
                case SERVER_ADMIN -> serverAdmin;
                default -> role != null && role.allows(p);
            };
        }
    }

    @Test
    void everyRouteShouldRefuseCallersWithoutItsPermissionAndAdmitThoseWithIt() {
        String project = TestServer.unique("routes-");
        String other = TestServer.unique("elsewhere-");
        List<Who> callers = new ArrayList<>();
        callers.add(new Who("anonymous", null, null, false));
        for (Role r : Role.values()) {
            callers.add(new Who(r.key(), server.token(project, r), r, false));
        }
        callers.add(new Who("admin of another project", server.token(other, Role.ADMIN), null, false));
        callers.add(new Who("server admin", server.adminToken(project), Role.ADMIN, true));

        String admin = server.adminToken(project);
        TestServer.Imported imported = server.imported(project, admin, "routes");
        long connector = imported.connector();
        long runId = imported.run();
        long asset = server.jdbc
                .sql("select min(id) from asset where project_id = ?")
                .param(server.project(project))
                .query(Long.class)
                .single();
        var victim = server.user(TestServer.unique("victim-"), false);
        long victimToken = server.context
                .getBean(ApiTokens.class)
                .issue(
                        victim.id(),
                        server.project(project),
                        Role.VIEWER,
                        "victim",
                        Instant.now().plus(Duration.ofDays(1)))
                .token()
                .id();
        Map<String, String> values = new LinkedHashMap<>();
        values.put("project", project);
        values.put("id", String.valueOf(connector));
        values.put("runId", String.valueOf(runId));
        values.put("assetId", String.valueOf(asset));
        values.put("cveId", "CVE-2020-0001");
        values.put("userId", String.valueOf(victim.id()));
        values.put("tokenId", String.valueOf(victimToken));
        values.put("kind", "findings");

        Routes routes = Routes.of(server.context);
        assertThat(routes.all())
                .extracting(Routes.Route::toString)
                .contains(
                        "GET /api/v1/projects",
                        "POST /api/v1/projects/{project}/connectors",
                        "GET /api/v1/projects/{project}/assets",
                        "GET /api/v1/projects/{project}/exports/{kind}",
                        "GET /actuator/prometheus",
                        "GET /v3/api-docs");
        List<String> problems = new ArrayList<>();
        for (Routes.Route r : routes.all()) {
            Permission p = r.permission();
            if (p == null) {
                problems.add(r + " states no permission");
                continue;
            }
            // Deletions last among the callers that may make them, so that the others still find what they refer to.
            for (Who who : callers) {
                String body = r.writes() && r.takesBody() ? "{}" : null;
                var response = server.call(r.method(), r.path(values), who.token(), body);
                int s = response.status();
                if (who.allowed(p)) {
                    if (s == 401 || s == 403) {
                        problems.add(r + " refused " + who.name() + " (" + s + "), which has " + p);
                    }
                } else {
                    // Pages send an anonymous browser to the sign-in form; the API answers 401.
                    boolean page = !r.pattern().startsWith("/api/")
                            && !r.pattern().startsWith("/actuator")
                            && !r.pattern().startsWith("/v3/");
                    int expected = who.token() == null ? (page ? 302 : 401) : 403;
                    if (s != expected) {
                        problems.add(r + " answered " + who.name() + " with " + s + " instead of " + expected
                                + " (needs " + p + ")");
                    } else if (s != 302 && !page && !response.contentType().startsWith("application/problem+json")) {
                        problems.add(r + " refused " + who.name() + " without a problem document");
                    } else if (s != 302
                            && page
                            && !(response.contentType().startsWith("text/html")
                                    && response.body().contains("id=\"error-sentence\""))) {
                        // A page's refusal is the error page with a sentence, not the API's problem JSON.
                        problems.add(r + " refused " + who.name() + " without the error page");
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(routes.all().stream().filter(Routes.Route::rampart).count()).isGreaterThan(35);
    }
}
