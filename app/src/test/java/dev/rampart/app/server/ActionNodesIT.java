package dev.rampart.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.app.database.TestDatabase;
import dev.rampart.app.security.Role;
import dev.rampart.emulator.DefenderEmulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Response actions across nodes and from the command line: two servers follow an action once between them (one
 * Defender call per recorded poll), an action outlives the node that requested it, the CLI requests, waits for and
 * reads actions through a server's API, and a bulk scan makes one action per device.
 */
class ActionNodesIT {
    private static final TestServer a = TestServer.get();
    private static DefenderEmulator sandbox;
    private static String project;
    private static String admin;
    private static String responder;
    private static Process nodeB;
    private static String b;

    @BeforeAll
    static void start() throws Exception {
        sandbox = DefenderEmulator.builder()
                .devices(20)
                .seed(13)
                .quotas("off")
                .vulnerabilitiesPerDevice(3)
                .start(Instant.parse("2026-06-01T08:00:00Z"))
                .start();
        project = TestServer.unique("nodes-actions-");
        admin = a.adminToken(project);
        responder = a.token(project, Role.RESPONDER);
        var body = (tools.jackson.databind.node.ObjectNode)
                TestServer.JSON.readTree(a.connectorBody("nodes", sandbox.clientSecret()));
        body.put("tenantId", sandbox.tenantId());
        body.put("clientId", sandbox.clientId());
        body.put("sandbox", sandbox.baseUrl());
        var created = a.call("POST", "/api/v1/projects/" + project + "/connectors", admin, body.toString());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        a.awaitRun(project, a.startRun(project, created.json().get("id").asLong(), admin), admin);

        int port = Processes.freePort();
        Path home = Files.createTempDirectory("rampart-actions-b");
        nodeB = Processes.rampart(
                        Map.of(),
                        "serve",
                        "--db=" + TestDatabase.url(),
                        "--port=" + port,
                        "--rampart.home=" + home,
                        // the same master key as the first node: a cluster reads the same credentials
                        "--rampart.master-key-file=" + a.home.resolve("master.key"),
                        "--rampart.node=actions-b-" + ProcessHandle.current().pid(),
                        "--rampart.scheduler.enabled=false",
                        "--rampart.connectors.allow-sandbox-urls=true",
                        "--rampart.outbound.allowed-networks=127.0.0.0/8",
                        "--rampart.actions.poll-seconds=1")
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("log").toFile())
                .start();
        b = "http://127.0.0.1:" + port;
        HttpClient http = HttpClient.newHttpClient();
        ActionsIT.await(Duration.ofSeconds(90), () -> {
            try {
                return http.send(
                                        HttpRequest.newBuilder(URI.create(b + "/actuator/health/readiness"))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200;
            } catch (Exception e) {
                return false;
            }
        });
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (nodeB != null && nodeB.isAlive()) {
            nodeB.destroy();
            nodeB.waitFor(20, TimeUnit.SECONDS);
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    private static List<Long> windowsDevices() {
        return a.jdbc.sql(
                        """
                        select id from asset where project_id = ? and active and health_status = 'Active'
                           and metadata->>'onboardingStatus' = 'Onboarded' and os_platform like 'Windows1%'
                         order by id
                        """)
                .param(a.project(project))
                .query(Long.class)
                .list();
    }

    private static TestServer.Response callB(String method, String path, String token, String json) {
        try {
            HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(b + path))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .method(
                            method,
                            json == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(json));
            HttpResponse<String> x = a.http.send(r.build(), HttpResponse.BodyHandlers.ofString());
            return new TestServer.Response(x.statusCode(), "", x.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> row(long id) {
        return a.jdbc.sql("select status, polls, defender_action_id from machine_action where id = ?")
                .param(id)
                .query()
                .singleRow();
    }

    @Test
    void twoNodesShouldFollowAnActionOnceBetweenThemAndOutliveTheNodeThatAskedForIt() throws Exception {
        List<Long> devices = windowsDevices();
        var asked = callB(
                "POST",
                "/api/v1/projects/" + project + "/assets/" + devices.get(0) + "/actions",
                responder,
                "{\"type\": \"isolate\", \"reason\": \"asked on node B\"}");
        assertThat(asked.status()).as(asked.body()).isEqualTo(202);
        long id = asked.json().get("id").asLong();
        String defenderId = (String) row(id).get("defender_action_id");
        // both nodes follow it while the sandbox's clock stands still: several polls, one Defender call each
        ActionsIT.await(Duration.ofSeconds(30), () -> ((Number) row(id).get("polls")).intValue() >= 4);
        int polls = ((Number) row(id).get("polls")).intValue();
        long calls = sandbox.requests().count("GET", "/api/machineactions/" + defenderId);
        assertThat(calls).isBetween((long) polls, (long) polls + 1); // a poll may be between its call and its row

        // the node that asked goes away; the other sees the action to its end
        nodeB.destroyForcibly();
        nodeB.waitFor(20, TimeUnit.SECONDS);
        sandbox.advance(Duration.ofMinutes(5));
        ActionsIT.await(Duration.ofSeconds(40), () -> "Succeeded".equals(row(id).get("status")));
        assertThat(a.jdbc.sql("select isolated from asset where id = ?")
                        .param(devices.get(0))
                        .query(Boolean.class)
                        .single())
                .isTrue();
        assertThat(sandbox.requests().count("GET", "/api/machineactions/" + defenderId))
                .isEqualTo(((Number) row(id).get("polls")).longValue());
    }

    private static Process cli(String token, String... args) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of("action"));
        all.addAll(List.of(args));
        all.addAll(List.of("--server", a.baseUrl, "--project", project));
        return Processes.rampart(Map.of("RAMPART_TOKEN", token), all.toArray(String[]::new))
                .start();
    }

    private static String text(java.io.InputStream in) throws java.io.IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void theCommandLineShouldRequestWaitForAndReadActionsThroughTheServer() throws Exception {
        long device = windowsDevices().get(1);
        Process scan =
                cli(responder, "scan", "--asset", String.valueOf(device), "--reason", "from the shell", "--wait");
        // the scan waits for Defender; move Defender's clock on once it is asked
        ActionsIT.await(
                Duration.ofSeconds(60),
                () -> a.jdbc.sql("select count(*) from machine_action where asset_id = ? and type = 'scan'")
                                .param(device)
                                .query(Long.class)
                                .single()
                        == 1);
        sandbox.advance(Duration.ofMinutes(15));
        assertThat(scan.waitFor(90, TimeUnit.SECONDS)).isTrue();
        String printed = text(scan.getInputStream());
        assertThat(scan.exitValue()).as(printed + text(scan.getErrorStream())).isZero();
        JsonNode action =
                TestServer.JSON.readTree(printed.lines().reduce((x, y) -> y).orElseThrow());
        assertThat(action.get("status").asString()).isEqualTo("Succeeded");
        assertThat(action.get("reason").asString()).isEqualTo("from the shell");

        Process status = cli(responder, "status", "--id", action.get("id").asString());
        assertThat(status.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(status.exitValue()).isZero();
        assertThat(text(status.getInputStream())).contains("\"status\":\"Succeeded\"");

        // a viewer's token: refused by the server, said on stderr, exit 1
        Process refused =
                cli(a.token(project, Role.VIEWER), "isolate", "--asset", String.valueOf(device), "--reason", "x");
        assertThat(refused.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(refused.exitValue()).isEqualTo(1);
        assertThat(text(refused.getErrorStream())).contains("rampart: 403");
        // no reason: a wrong command line, exit 2, nothing sent
        Process noReason = cli(responder, "isolate", "--asset", String.valueOf(device));
        assertThat(noReason.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(noReason.exitValue()).isEqualTo(2);
        assertThat(text(noReason.getErrorStream())).contains("--reason is required");
    }

    @Test
    void aBulkScanShouldMakeOneActionPerDeviceAndReportEachRefusal() {
        List<Long> devices = windowsDevices();
        long mac = a.jdbc.sql("select id from asset where project_id = ? and active and os_platform = 'macOS'"
                        + " and metadata->>'onboardingStatus' = 'Onboarded' order by id limit 1")
                .param(a.project(project))
                .query(Long.class)
                .single();
        var r = a.call(
                "POST",
                "/api/v1/projects/" + project + "/actions/scan",
                responder,
                "{\"assetIds\": [" + devices.get(2) + ", " + devices.get(3) + ", " + mac + "], \"scanType\": \"Quick\","
                        + " \"reason\": \"sweep after the phishing wave\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        JsonNode items = r.json().get("items");
        assertThat(items).hasSize(3);
        assertThat(items.get(0).get("action").get("status").asString()).isEqualTo("Pending");
        assertThat(items.get(1).get("action").get("status").asString()).isEqualTo("Pending");
        assertThat(items.get(2).get("problem").get("type").asString()).isEqualTo("/problems/action-refused");
        assertThat(a.jdbc.sql("select count(*) from audit_log where action = 'action.scan' and details->>'reason' = ?")
                        .param("sweep after the phishing wave")
                        .query(Long.class)
                        .single())
                .isEqualTo(3);
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 26; i++) {
            many.append(i == 0 ? "" : ",").append(i + 1);
        }
        assertThat(a.call(
                                "POST",
                                "/api/v1/projects/" + project + "/actions/scan",
                                responder,
                                "{\"assetIds\": [" + many + "], \"reason\": \"too many\"}")
                        .status())
                .isEqualTo(400);
    }
}
