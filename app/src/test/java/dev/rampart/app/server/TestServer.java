package dev.rampart.app.server;

import dev.rampart.app.database.TestDatabase;
import dev.rampart.app.project.Projects;
import dev.rampart.app.security.ApiTokens;
import dev.rampart.app.security.Role;
import dev.rampart.app.security.Users;
import dev.rampart.emulator.DefenderEmulator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One Rampart server for the server tests of this JVM: started once, on the shared test database, on a free port,
 * with sandbox URLs allowed; and one sandbox tenant. Every response the tests get is kept ({@link #responses}) so a test
 * can search them.
 */
final class TestServer {
    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static TestServer instance;
    /** The one directory this server accepts file references in ({@code rampart.credentials.*}). */
    static final java.nio.file.Path SECRETS = secrets();

    final ConfigurableApplicationContext context;
    /** The server's data directory (its master key file is there, for other nodes of the same cluster). */
    final Path home;

    final String baseUrl;
    final DefenderEmulator sandbox;
    final DataSource dataSource;
    final JdbcClient jdbc;
    final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final List<String> responses = Collections.synchronizedList(new ArrayList<>());

    private TestServer() throws IOException {
        home = Files.createTempDirectory("rampart-server-test");
        sandbox = DefenderEmulator.builder()
                .devices(60)
                .seed(5)
                .quotas("off")
                .vulnerabilitiesPerDevice(6)
                .start(Instant.parse("2026-06-01T08:00:00Z"))
                .start();
        context = RampartServer.start(
                "--server.port=0",
                "--rampart.home=" + home,
                "--rampart.database.url=" + TestDatabase.url(),
                "--rampart.connectors.allow-sandbox-urls=true",
                "--rampart.outbound.allowed-networks=127.0.0.0/8,::1/128",
                "--rampart.credentials.reference-directories=" + SECRETS,
                "--rampart.actions.poll-seconds=1",
                "--rampart.node=test-" + ProcessHandle.current().pid(),
                // scheduled runs of other servers the tests start on this database are theirs, not this one's
                "--rampart.scheduler.cluster=test-" + ProcessHandle.current().pid(),
                "--rampart.metrics.refresh-seconds=1",
                "--rampart.api.max-body-bytes=65536",
                "--rampart.api.max-import-bytes=1048576");
        baseUrl = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
        dataSource = context.getBean(DataSource.class);
        jdbc = JdbcClient.create(dataSource);
    }

    private static java.nio.file.Path secrets() {
        try {
            return Files.createTempDirectory("rampart-secrets");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static synchronized TestServer get() {
        if (instance == null) {
            try {
                instance = new TestServer();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return instance;
    }

    static String unique(String prefix) {
        return prefix + ProcessHandle.current().pid() + "x" + NAMES.incrementAndGet();
    }

    /** A user with this role in the project (created when needed); {@code admin} makes a server administrator. */
    Users.User user(String name, boolean admin) {
        Users users = context.getBean(Users.class);
        return users.find(name).orElseGet(() -> users.create(name, null, "correct horse battery staple", admin));
    }

    long project(String key) {
        return new Projects(dataSource).ensure(key);
    }

    /** A token of a new user holding {@code role} in {@code project}. */
    String token(String project, Role role) {
        Users.User u = user(unique(role.key() + "-"), false);
        long p = project(project);
        context.getBean(Users.class).setMembership(u.id(), p, role);
        return context.getBean(ApiTokens.class)
                .issue(u.id(), p, role, "test", Instant.now().plus(Duration.ofDays(1)))
                .value();
    }

    /** A token of a server administrator, bound to {@code project} as its admin. */
    String adminToken(String project) {
        Users.User u = user(unique("root-"), true);
        return context.getBean(ApiTokens.class)
                .issue(
                        u.id(),
                        project(project),
                        Role.ADMIN,
                        "test",
                        Instant.now().plus(Duration.ofDays(1)))
                .value();
    }

    record Response(int status, String contentType, String body) {
        JsonNode json() {
            return JSON.readTree(body);
        }
    }

    Response call(String method, String path, String token, String body) {
        return call(method, path, token, body, "application/json");
    }

    Response call(String method, String path, String token, String body, String contentType) {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(60));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", contentType);
            b.method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            responses.add(r.headers().map() + "\n" + r.body());
            return new Response(
                    r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A connector request body pointed at the sandbox, with this secret. */
    String connectorBody(String name, String secret) {
        var o = JSON.createObjectNode();
        o.put("name", name);
        o.put("tenantId", sandbox.tenantId());
        o.put("clientId", sandbox.clientId());
        o.putObject("credential").put("secret", secret);
        o.put("sandbox", sandbox.baseUrl());
        o.putObject("schedule").put("kind", "manual");
        return o.toString();
    }

    /** A connector to the sandbox and its first run, finished. */
    record Imported(long connector, long run) {}

    /** Creates a connector to the sandbox in the project and waits for its first run. */
    Imported imported(String project, String token, String name) {
        Response created = call(
                "POST",
                "/api/v1/projects/" + project + "/connectors",
                token,
                connectorBody(name, sandbox.clientSecret()));
        if (created.status() != 201) {
            throw new AssertionError("could not create connector " + name + ": " + created.body());
        }
        long connector = created.json().get("id").asLong();
        long run = startRun(project, connector, token);
        awaitRun(project, run, token);
        return new Imported(connector, run);
    }

    /** Starts a run of a connector through the API and returns its id. */
    long startRun(String project, long connectorId, String token) {
        Response r = call("POST", "/api/v1/projects/" + project + "/connectors/" + connectorId + "/runs", token, null);
        if (r.status() != 202 || !r.json().has("id")) {
            throw new AssertionError("the run did not start: " + r.status() + " " + r.body());
        }
        return r.json().get("id").asLong();
    }

    /** Slows the sandbox's next answer on a path, so that a run can be seen (or killed) while it goes. */
    static dev.rampart.emulator.fault.FaultRule delay(String pathPattern, long ms) {
        return dev.rampart.emulator.fault.FaultRule.fromJson(new com.fasterxml.jackson.databind.ObjectMapper()
                .createObjectNode()
                .put("pathPattern", pathPattern)
                .put("kind", "delay")
                .put("delayMs", ms)
                .put("count", 1));
    }

    /** Waits until a run is no longer running and returns it. */
    JsonNode awaitRun(String project, long runId, String token) {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            Response r = call("GET", "/api/v1/projects/" + project + "/runs/" + runId, token, null);
            JsonNode run = r.json();
            if (!"running".equals(run.path("state").asString())) {
                return run;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("run " + runId + " did not finish in 120 s");
    }
}
