package dev.rampart.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.app.security.Role;
import dev.rampart.app.security.Users;
import dev.rampart.emulator.DefenderEmulator;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.web.util.HtmlUtils;

/**
 * F29 on the pages: a missing permission on the verify page links to its step of the setup guide, which the server
 * serves with an anchor per step; the scope form keeps or leaves out inactive devices (F3).
 */
class SetupGuideIT {
    private final TestServer server = TestServer.get();

    @Test
    void aMissingPermissionShouldLinkToItsStepOfTheGuide() {
        DefenderEmulator own = DefenderEmulator.builder()
                .devices(8)
                .seed(31)
                .quotas("off")
                .start(Instant.parse("2026-06-01T08:00:00Z"))
                .start();
        try {
            Set<String> roles = new HashSet<>(own.app().defenderRoles());
            roles.remove("Alert.Read.All");
            own.app().defenderRoles(roles);
            String project = TestServer.unique("guide-");
            String root = server.adminToken(project);
            var body = (tools.jackson.databind.node.ObjectNode)
                    TestServer.JSON.readTree(server.connectorBody("guide", own.clientSecret()));
            body.put("tenantId", own.tenantId()).put("clientId", own.clientId()).put("sandbox", own.baseUrl());
            long id = server.call("POST", "/api/v1/projects/" + project + "/connectors", root, body.toString())
                    .json()
                    .get("id")
                    .asLong();
            Users.User editor = server.user(TestServer.unique("editor-"), false);
            server.context
                    .getBean(Users.class)
                    .setMembership(editor.id(), server.project(project), Role.CONNECTOR_EDITOR);
            BrowserSession s = BrowserSession.signIn(server, editor.username(), "correct horse battery staple");
            String base = "/projects/" + project + "/connectors/" + id;
            s.get(base);
            TestServer.Response verified = s.post(base + "/verify", Map.of());
            String page = HtmlUtils.htmlUnescape(verified.body());
            assertThat(page)
                    .containsPattern("<a class=\"guide-link\"\\s+href=\"/help/setup-entra#grant-alertreadall\">How to"
                            + " grant Alert.Read.All</a>");
            TestServer.Response guide = s.get("/help/setup-entra#grant-alertreadall");
            assertThat(guide.status()).isEqualTo(200);
            assertThat(guide.body())
                    .contains("<h3 id=\"grant-alertreadall\">Grant Alert.Read.All</h3>")
                    .contains("<h3 id=\"grant-machineisolate\">Grant Machine.Isolate</h3>");

            // the scope form: leave inactive devices out, and the preview and the saved scope say so
            TestServer.Response preview = s.post(base + "/preview", Map.of("kind", "all", "inactive", "exclude"));
            assertThat(preview.body()).contains("name=\"inactive\" value=\"exclude\"");
            TestServer.Response saved =
                    s.post(base + "/scope", Map.of("kind", "all", "inactive", "exclude", "schedule", "manual"));
            assertThat(saved.status()).isEqualTo(200);
            assertThat(server.call("GET", "/api/v1/projects/" + project + "/connectors/" + id, root, null)
                            .json()
                            .get("scope")
                            .get("includeInactive")
                            .asBoolean())
                    .isFalse();
            // a one-time run at a time that is not one: a sentence, not an error page
            TestServer.Response bad =
                    s.post(base + "/scope", Map.of("kind", "all", "schedule", "once", "at", "next tuesday"));
            assertThat(HtmlUtils.htmlUnescape(bad.body()))
                    .contains("The time of the one-time run is not a date and time.");
        } finally {
            own.close();
        }
    }
}
