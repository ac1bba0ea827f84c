package dev.rampart.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import dev.rampart.app.security.Role;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * No secret leaves: a whole flow (create a connector, verify, run, break the secret, verify and run again, read
 * everything back, export) with every log line at debug level and every response kept; none holds the client secret,
 * the wrong secret, or an API token (but the one response that issues a token).
 */
class SecretLeakIT {
    private final TestServer server = TestServer.get();

    @Test
    void noSecretOrTokenShouldAppearInLogsResponsesOrTheAuditLog() throws Exception {
        LoggerContext logs = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = logs.getLogger(Logger.ROOT_LOGGER_NAME);
        Logger rampart = logs.getLogger("dev.rampart");
        Level rootBefore = root.getLevel();
        Level rampartBefore = rampart.getLevel();
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.setContext(logs);
        captured.start();
        root.addAppender(captured);
        root.setLevel(Level.INFO);
        rampart.setLevel(Level.DEBUG);
        server.responses.clear();
        String good = server.sandbox.clientSecret();
        String wrong = "Wr0ng~" + TestServer.unique("secret");
        String project = TestServer.unique("leak-");
        String token = server.adminToken(project);
        String viewer = server.token(project, Role.VIEWER);
        String issued;
        try {
            String base = "/api/v1/projects/" + project;
            var created = server.call("POST", base + "/connectors", token, server.connectorBody("leaky", good));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            String c = base + "/connectors/" + created.json().get("id").asLong();
            var verified = server.call("POST", c + "/verify", token, null);
            assertThat(verified.status()).isEqualTo(200);
            var run = server.call("POST", c + "/runs", token, null);
            assertThat(server.awaitRun(project, run.json().get("id").asLong(), token)
                            .get("state")
                            .asString())
                    .isEqualTo("succeeded");

            var update = server.call("PUT", c, token, server.connectorBody("leaky", wrong));
            assertThat(update.status()).as(update.body()).isEqualTo(200);
            var badVerify = server.call("POST", c + "/verify", token, null);
            assertThat(badVerify.body()).contains("\"ok\":false");
            var badRun = server.call("POST", c + "/runs", token, null);
            var failed = server.awaitRun(project, badRun.json().get("id").asLong(), token);
            assertThat(failed.get("state").asString()).isEqualTo("failed");
            assertThat(failed.get("error").asString()).isNotBlank();

            int before = server.responses.size();
            String expires = java.time.Instant.now().plusSeconds(7200).toString();
            var tokenResponse = server.call(
                    "POST",
                    base + "/tokens",
                    token,
                    "{\"name\":\"ci\",\"role\":\"viewer\",\"expiresAt\":\"" + expires + "\"}");
            assertThat(tokenResponse.status()).as(tokenResponse.body()).isEqualTo(201);
            issued = tokenResponse.json().get("token").asString();
            server.responses.remove(before); // the one place a token may appear: its creation

            for (String path : List.of(
                    base + "/connectors",
                    c,
                    c + "/runs",
                    base + "/runs",
                    base + "/assets",
                    base + "/findings",
                    base + "/events",
                    base + "/alerts",
                    base + "/audit",
                    base + "/tokens",
                    "/api/v1/me",
                    "/api/v1/projects",
                    "/api/v1/audit",
                    base + "/exports/findings?format=ocsf",
                    base + "/exports/assets?format=csv",
                    "/actuator/prometheus")) {
                var r = server.call("GET", path, token, null);
                assertThat(r.status()).as(path + ": " + r.body()).isEqualTo(200);
            }
            assertThat(server.call("GET", base + "/connectors", viewer, null).status())
                    .isEqualTo(200);
            assertThat(server.call("GET", base + "/connectors", issued, null).status())
                    .isEqualTo(200);
            assertThat(server.call("GET", base + "/assets", "rmp_not-a-token", null)
                            .status())
                    .isEqualTo(401);
        } finally {
            root.detachAppender(captured);
            root.setLevel(rootBefore);
            rampart.setLevel(rampartBefore);
        }
        List<String> lines = new ArrayList<>();
        for (ILoggingEvent e : captured.list) {
            lines.add(e.getFormattedMessage() + " " + e.getMDCPropertyMap());
            for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                lines.add(t.getClassName() + ": " + t.getMessage());
            }
        }
        assertThat(lines).as("log lines").hasSizeGreaterThan(10);
        List<String> secrets = List.of(good, wrong, token, viewer, issued);
        for (String s : secrets) {
            assertThat(lines).as("logs").noneMatch(l -> l.contains(s));
            assertThat(server.responses).as("responses").noneMatch(r -> r.contains(s));
        }
        String audit = String.join(
                "\n",
                server.jdbc
                        .sql("select concat_ws(' ', actor, action, target, details::text)" + " from audit_log")
                        .query(String.class)
                        .list());
        String runs = String.join(
                "\n",
                server.jdbc
                        .sql("select concat_ws(' ', counts::text, error) from sync_run")
                        .query(String.class)
                        .list());
        byte[] stored = server.jdbc
                .sql("select secret_ciphertext from connector c join project p on p.id ="
                        + " c.project_id where p.key = ?")
                .param(project)
                .query(byte[].class)
                .single();
        for (String s : secrets) {
            assertThat(audit).doesNotContain(s);
            assertThat(runs).doesNotContain(s);
        }
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain(wrong);
        assertThat(audit).contains("connector.create", "connector.update", "connector.verify", "run.start");
    }
}
