package dev.rampart.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.app.database.TestDatabase;
import dev.rampart.app.security.ApiTokens;
import dev.rampart.app.security.Role;
import dev.rampart.app.security.Users;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two server processes on one database: a session or token in use on one node loses what the account lost through the
 * other, at once, both ways. The second node runs as it would behind a TLS proxy ({@code forward-headers-strategy}),
 * with a small sign-in throttle, which shows the Secure cookie, per-address lock-out and throttling as a deployment
 * sees them.
 */
class TwoNodeAuthorityIT {
    private static final String PASSWORD = "correct horse battery staple";
    private static final TestServer a = TestServer.get();
    private static Process process;
    private static String b;
    private static Path home;

    @BeforeAll
    static void startNodeB() throws Exception {
        int port = Processes.freePort();
        home = Files.createTempDirectory("rampart-node-b");
        process = Processes.rampart(
                        Map.of(),
                        "serve",
                        "--db=" + TestDatabase.url(),
                        "--port=" + port,
                        "--rampart.home=" + home,
                        "--rampart.node=node-b-" + ProcessHandle.current().pid(),
                        "--rampart.scheduler.enabled=false",
                        "--server.forward-headers-strategy=native",
                        "--rampart.sign-in.attempts-per-minute=5",
                        "--rampart.connectors.allow-sandbox-urls=true")
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("log").toFile())
                .start();
        b = "http://127.0.0.1:" + port;
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            try {
                if (http.send(
                                        HttpRequest.newBuilder(URI.create(b + "/actuator/health/readiness"))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200) {
                    return;
                }
            } catch (java.io.IOException e) {
                // not up yet
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("node B did not start: " + Files.readString(home.resolve("log")));
            }
            Thread.sleep(250);
        }
    }

    @AfterAll
    static void stopNodeB() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static TestServer.Response call(String base, String method, String path, String token, String json) {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        r.method(
                method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            r.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> x = a.http.send(r.build(), HttpResponse.BodyHandlers.ofString());
            return new TestServer.Response(
                    x.statusCode(), x.headers().firstValue("Content-Type").orElse(""), x.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aChangeThroughOneNodeShouldTakeEffectOnTheOtherAtOnceBothWays() {
        String project = TestServer.unique("nodes-");
        Users users = a.context.getBean(Users.class);
        Users.User u = a.user(TestServer.unique("roamer-"), true);
        users.setMembership(u.id(), a.project(project), Role.ADMIN);
        String token = a.context
                .getBean(ApiTokens.class)
                .issue(
                        u.id(),
                        a.project(project),
                        Role.ADMIN,
                        "t",
                        Instant.now().plus(Duration.ofDays(1)))
                .value();
        BrowserSession onB = BrowserSession.signIn(b, null, u.username(), PASSWORD);
        BrowserSession onA = BrowserSession.signIn(a, u.username(), PASSWORD);
        assertThat(onB).isNotNull();
        assertThat(onA).isNotNull();
        assertThat(onB.api("GET", "/api/v1/users", null).status()).isEqualTo(200);
        assertThat(call(b, "GET", "/api/v1/users", token, null).status()).isEqualTo(200);

        // demoted through node A: node B's session and the token on node B lose the server administration
        String rootA = a.adminToken(project);
        a.call("PUT", "/api/v1/users/" + u.id(), rootA, "{\"admin\": false}");
        assertThat(onB.api("GET", "/api/v1/users", null).status()).isEqualTo(403);
        assertThat(onB.api("GET", "/api/v1/me", null).json().get("admin").asBoolean())
                .isFalse();
        assertThat(call(b, "GET", "/api/v1/users", token, null).status()).isEqualTo(403);

        // made a viewer through node B: node A's session and token are a viewer's
        String rootB = a.adminToken(project); // tokens are the database's: any node takes them
        assertThat(call(b, "PUT", "/api/v1/projects/" + project + "/members/" + u.id(), rootB, "{\"role\":\"viewer\"}")
                        .status())
                .isEqualTo(200);
        assertThat(onA.api("GET", "/api/v1/projects/" + project + "/members", null)
                        .status())
                .isEqualTo(403);
        assertThat(a.call("GET", "/api/v1/projects/" + project + "/members", token, null)
                        .status())
                .isEqualTo(403);
        assertThat(a.call("GET", "/api/v1/projects/" + project + "/assets", token, null)
                        .status())
                .isEqualTo(200);

        // disabled through node B: both sessions end, the token stops, on both nodes
        call(b, "PUT", "/api/v1/users/" + u.id(), rootB, "{\"enabled\": false}");
        assertThat(onA.api("GET", "/api/v1/me", null).status()).isEqualTo(401);
        assertThat(onB.api("GET", "/api/v1/me", null).status()).isEqualTo(401);
        assertThat(a.call("GET", "/api/v1/me", token, null).status()).isEqualTo(401);
        assertThat(call(b, "GET", "/api/v1/me", token, null).status()).isEqualTo(401);
    }

    @Test
    void aServerWithoutOutboundConfigurationShouldRefuseLoopbackAndPrivateAddresses() {
        String project = TestServer.unique("strict-");
        String root = a.adminToken(project);
        String sandboxByName = a.sandbox.baseUrl().replace("127.0.0.1", "localhost");
        for (String url : java.util.List.of("https://127.0.0.1:5432", "https://[::1]:6379", sandboxByName)) {
            var body = (tools.jackson.databind.node.ObjectNode)
                    TestServer.JSON.readTree(a.connectorBody("strict" + url.length(), a.sandbox.clientSecret()));
            body.remove("sandbox");
            body.put(url.contains("localhost") ? "sandbox" : "baseUrl", url);
            TestServer.Response r =
                    call(b, "POST", "/api/v1/projects/" + project + "/connectors", root, body.toString());
            if (url.contains("localhost")) {
                // a name passes as text; every call to it is refused, since it resolves to loopback
                assertThat(r.status()).as(r.body()).isEqualTo(201);
                TestServer.Response verify = call(
                        b,
                        "POST",
                        "/api/v1/projects/" + project + "/connectors/"
                                + r.json().get("id").asLong() + "/verify",
                        root,
                        null);
                assertThat(verify.body()).contains("resolves to a loopback address");
            } else {
                assertThat(r.status()).as(url).isEqualTo(400);
                assertThat(r.json().get("errors").get(0).get("message").asString())
                        .isEqualTo("is a loopback address, which this server does not call");
            }
        }
    }

    /** A form sign-in on node B as from a client behind its proxy; the Location answered. */
    private static String signInAs(String forwardedFor, String user, String password) throws Exception {
        HttpClient http = HttpClient.newBuilder()
                .cookieHandler(new java.net.CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        HttpResponse<String> form = http.send(
                HttpRequest.newBuilder(URI.create(b + "/login"))
                        .header("X-Forwarded-For", forwardedFor)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(form.body());
        assertThat(m.find()).isTrue();
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(b + "/login"))
                        .header("X-Forwarded-For", forwardedFor)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("username=" + user + "&password="
                                + URLEncoder.encode(password, StandardCharsets.UTF_8) + "&_csrf="
                                + URLEncoder.encode(m.group(1), StandardCharsets.UTF_8)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return r.headers().firstValue("Location").orElse("");
    }

    @Test
    void behindAProxyTheClientsAddressShouldBeTheOneThrottledAndLockedOut() throws Exception {
        Users.User u = a.user(TestServer.unique("proxied-"), false);
        for (int i = 0; i < Users.MAX_FAILURES; i++) {
            assertThat(signInAs("203.0.113.50", u.username(), "guess " + i)).isEqualTo("/login?error");
        }
        // that address made five attempts this minute: the sixth is refused before any password is checked
        assertThat(signInAs("203.0.113.50", u.username(), PASSWORD)).isEqualTo("/login?throttled");
        assertThat(a.jdbc.sql("select count(*) from audit_log where action = 'user.sign-in' and remote_addr ="
                                + " '203.0.113.50' and details->>'reason' = 'too many sign-in attempts from this"
                                + " address'")
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        // the account is locked for that address only; from another one, its owner signs in
        assertThat(a.jdbc.sql("select locked_until is not null from sign_in_failure where user_id = ? and remote_addr"
                                + " = '203.0.113.50'")
                        .param(u.id())
                        .query(Boolean.class)
                        .single())
                .isTrue();
        assertThat(signInAs("198.51.100.20", u.username(), PASSWORD)).isEqualTo("/");
    }

    @Test
    void overHttpsTheSessionCookieShouldBeSecure() throws Exception {
        HttpResponse<String> r = a.http.send(
                HttpRequest.newBuilder(URI.create(b + "/login"))
                        .header("X-Forwarded-Proto", "https")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        String cookie = r.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("JSESSIONID="))
                .findFirst()
                .orElseThrow();
        assertThat(cookie).contains("Secure").contains("HttpOnly").contains("SameSite=Lax");
        assertThat(r.headers().firstValue("Strict-Transport-Security")).isPresent();
    }
}
