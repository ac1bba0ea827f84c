package dev.rampart.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.rampart.app.security.Role;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a connector makes the server read or call is the operator's decision: credential references only from a server
 * administrator and only in the configured places, told apart from nothing about the server's files; addresses
 * through the outbound policy in every spelling; no redirect followed.
 */
class ConnectorBoundaryIT {
    private final TestServer server = TestServer.get();

    private ObjectNode body(String name) {
        return (ObjectNode) TestServer.JSON.readTree(server.connectorBody(name, "unused"));
    }

    private ObjectNode withReference(String name, String reference) {
        ObjectNode b = body(name);
        b.putObject("credential").put("reference", reference);
        return b;
    }

    private static String message(TestServer.Response r, String field) {
        for (var e : r.json().path("errors")) {
            if (e.get("field").asString().equals(field)) {
                return e.get("message").asString();
            }
        }
        return null;
    }

    @Test
    void onlyAServerAdministratorShouldSetACredentialReferenceAndOnlyWhereTheServerAllows() throws Exception {
        String project = TestServer.unique("refs-");
        String base = "/api/v1/projects/" + project + "/connectors";
        String projectAdmin = server.token(project, Role.ADMIN);
        String editor = server.token(project, Role.CONNECTOR_EDITOR);
        String root = server.adminToken(project);

        for (String ref : List.of("file:/etc/passwd", "env:PATH", "file:" + TestServer.SECRETS + "/mde")) {
            var refused = server.call(
                    "POST",
                    base,
                    projectAdmin,
                    withReference("r" + ref.length(), ref).toString());
            assertThat(refused.status()).as(ref).isEqualTo(400);
            assertThat(message(refused, "credential.reference"))
                    .startsWith("only a server administrator may set a credential reference");
        }
        var plain = server.call("POST", base, projectAdmin, server.connectorBody("plain", "s3cret-value"));
        assertThat(plain.status()).isEqualTo(201);
        long id = plain.json().get("id").asLong();
        var switched = server.call(
                "PUT",
                base + "/" + id,
                editor,
                withReference("plain", "file:/etc/shadow").toString());
        assertThat(switched.status()).isEqualTo(400);
        assertThat(message(switched, "credential.reference")).startsWith("only a server administrator");

        // Even a server administrator only in the configured directory; the answer is the same for a path that
        // exists and one that does not.
        String passwd = message(
                server.call(
                        "POST",
                        base,
                        root,
                        withReference("x1", "file:/etc/passwd").toString()),
                "credential.reference");
        String missing = message(
                server.call(
                        "POST",
                        base,
                        root,
                        withReference("x2", "file:/no/such/file").toString()),
                "credential.reference");
        assertThat(passwd).isEqualTo(missing).isEqualTo("the file must be in " + TestServer.SECRETS);
        assertThat(message(
                        server.call(
                                "POST",
                                base,
                                root,
                                withReference("x3", "env:HOME").toString()),
                        "credential.reference"))
                .startsWith("this server accepts no environment-variable references");
        String escape = "file:" + TestServer.SECRETS + "/../../etc/passwd";
        assertThat(message(
                        server.call(
                                "POST", base, root, withReference("x4", escape).toString()),
                        "credential.reference"))
                .isEqualTo("the file must be in " + TestServer.SECRETS);

        // In the directory: set, then read only when the file is a real file inside it.
        Path file = TestServer.SECRETS.resolve(TestServer.unique("mde-"));
        var created = server.call(
                "POST", base, root, withReference("byref", "file:" + file).toString());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        long byRef = created.json().get("id").asLong();
        var notYet = server.call("POST", base + "/" + byRef + "/verify", editor, null);
        assertThat(notYet.status()).isEqualTo(400);
        String unread = notYet.json().get("detail").asString();
        assertThat(unread).contains("gives no secret");
        Files.createSymbolicLink(file, Path.of("/etc/hostname"));
        var linked = server.call("POST", base + "/" + byRef + "/verify", editor, null);
        assertThat(linked.json().get("detail").asString()).isEqualTo(unread);
        Files.delete(file);
        Files.writeString(file, server.sandbox.clientSecret() + "\n");
        var verified = server.call("POST", base + "/" + byRef + "/verify", editor, null);
        assertThat(verified.status()).as(verified.body()).isEqualTo(200);
        assertThat(verified.json().path("token").path("defender").path("ok").asBoolean())
                .isTrue();
    }

    @Test
    void connectorAddressesShouldPassTheOutboundPolicyInEverySpelling() {
        String project = TestServer.unique("addr-");
        String base = "/api/v1/projects/" + project + "/connectors";
        String root = server.adminToken(project);
        List<String> accepted = new ArrayList<>();
        // (this server allows loopback for its sandbox: TwoNodeAuthorityIT shows a default server refusing it)
        for (String url : List.of(
                "https://169.254.169.254/latest",
                "https://10.0.0.1",
                "https://0x7f000001",
                "https://2130706433",
                "https://[::ffff:169.254.169.254]",
                "https://user:pw@defender.example.com",
                "http://defender.example.com")) {
            ObjectNode b = body("custom" + accepted.size());
            b.remove("sandbox");
            b.put("baseUrl", url);
            var r = server.call("POST", base, root, b.toString());
            if (r.status() != 400 || message(r, "baseUrl") == null) {
                accepted.add(url + " -> " + r.status() + " " + r.body());
            }
        }
        // the sandbox URL is the project admin's where sandboxes are allowed, but never the metadata address
        String projectAdmin = server.token(project, Role.ADMIN);
        for (String url : List.of("http://169.254.169.254", "http://10.1.2.3:8080", "http://[fd00:ec2::254]/")) {
            ObjectNode b = body("sb" + accepted.size());
            b.put("sandbox", url);
            var r = server.call("POST", base, projectAdmin, b.toString());
            if (r.status() != 400 || message(r, "sandbox") == null) {
                accepted.add(url + " -> " + r.status() + " " + r.body());
            }
        }
        assertThat(accepted).isEmpty();
        ObjectNode ok = body("public");
        ok.remove("sandbox");
        ok.put("baseUrl", "https://defender.example.com/");
        assertThat(server.call("POST", base, root, ok.toString()).status()).isEqualTo(201);
        assertThat(server.call(
                                "POST",
                                base,
                                projectAdmin,
                                ok.put("name", "public2").toString())
                        .status())
                .isEqualTo(400);
    }

    @Test
    void aConnectorShouldNeverFollowARedirect() throws Exception {
        AtomicInteger redirected = new AtomicInteger();
        AtomicInteger elsewhere = new AtomicInteger();
        HttpServer target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        target.createContext("/", x -> {
            elsewhere.incrementAndGet();
            x.sendResponseHeaders(200, -1);
            x.close();
        });
        HttpServer redirector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String to = "http://127.0.0.1:" + target.getAddress().getPort();
        redirector.createContext("/", x -> {
            redirected.incrementAndGet();
            x.getResponseHeaders().add("Location", to + x.getRequestURI());
            x.sendResponseHeaders(307, -1);
            x.close();
        });
        target.start();
        redirector.start();
        try {
            String project = TestServer.unique("redirect-");
            String root = server.adminToken(project);
            ObjectNode b = body("redirect");
            b.put("sandbox", "http://127.0.0.1:" + redirector.getAddress().getPort());
            var created = server.call("POST", "/api/v1/projects/" + project + "/connectors", root, b.toString());
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            var verify = server.call(
                    "POST",
                    "/api/v1/projects/" + project + "/connectors/"
                            + created.json().get("id").asLong() + "/verify",
                    root,
                    null);
            assertThat(verify.json().path("token").path("defender").path("ok").asBoolean())
                    .isFalse();
            assertThat(redirected.get()).isPositive();
            assertThat(elsewhere.get()).isZero();
        } finally {
            redirector.stop(0);
            target.stop(0);
        }
    }
}
