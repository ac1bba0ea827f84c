package dev.rampart.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.app.security.Role;
import dev.rampart.emulator.DefenderEmulator;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Response actions (F18) against a sandbox of their own, its clock frozen and moved by the test: each action requested
 * with a reason, audited with Defender's answer, followed until it ends; "already pending", a missing permission, a
 * device Defender does not manage, throttling while following.
 */
class ActionsIT {
    private static final TestServer server = TestServer.get();
    static DefenderEmulator sandbox;
    static String project;
    static String admin;
    static String responder;

    @BeforeAll
    static void importTenant() {
        sandbox = DefenderEmulator.builder()
                .devices(30)
                .seed(9)
                .quotas("off")
                .vulnerabilitiesPerDevice(4)
                .start(Instant.parse("2026-06-01T08:00:00Z"))
                .start();
        project = TestServer.unique("actions-");
        admin = server.adminToken(project);
        responder = server.token(project, Role.RESPONDER);
        var body = (tools.jackson.databind.node.ObjectNode)
                TestServer.JSON.readTree(server.connectorBody("actions", sandbox.clientSecret()));
        body.put("tenantId", sandbox.tenantId());
        body.put("clientId", sandbox.clientId());
        body.put("sandbox", sandbox.baseUrl());
        var created = server.call("POST", "/api/v1/projects/" + project + "/connectors", admin, body.toString());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        long run = server.startRun(project, created.json().get("id").asLong(), admin);
        assertThat(server.awaitRun(project, run, admin).get("state").asString()).isEqualTo("succeeded");
    }

    @AfterAll
    static void stop() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    private static final Set<Long> used = new HashSet<>();

    /** A Windows device onboarded and active in Defender, not used by another test of this class. */
    static long windowsDevice() {
        for (long id : server.jdbc
                .sql(
                        """
                        select id from asset where project_id = ? and active and health_status = 'Active'
                           and metadata->>'onboardingStatus' = 'Onboarded' and os_platform like 'Windows1%'
                         order by id
                        """)
                .param(server.project(project))
                .query(Long.class)
                .list()) {
            if (used.add(id)) {
                return id;
            }
        }
        throw new AssertionError("no Windows device left in the sandbox");
    }

    static String path(long asset) {
        return "/api/v1/projects/" + project + "/assets/" + asset + "/actions";
    }

    static JsonNode action(long id) {
        return server.call("GET", "/api/v1/projects/" + project + "/actions/" + id, admin, null)
                .json();
    }

    static void await(Duration d, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + d.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not done within " + d);
            }
            Thread.sleep(200);
        }
    }

    @Test
    void anIsolationShouldBeSentAuditedAndFollowedUntilItEnds() throws Exception {
        long asset = windowsDevice();
        var r = server.call(
                "POST",
                path(asset),
                responder,
                "{\"type\": \"isolate\", \"isolationType\": \"Selective\","
                        + " \"reason\": \"ticket 4711: beaconing to a known C2\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        JsonNode a = r.json();
        assertThat(a.get("type").asString()).isEqualTo("isolate");
        assertThat(a.get("status").asString()).isEqualTo("Pending");
        assertThat(a.get("reason").asString()).isEqualTo("ticket 4711: beaconing to a known C2");
        assertThat(a.get("assetId").asLong()).isEqualTo(asset);
        assertThat(a.get("requestedBy").asString()).contains("(token ");
        String defenderId = a.get("defenderActionId").asString();
        assertThat(defenderId).hasSize(36);
        // Defender got the reason as the comment, with who asked in Rampart
        var defender = new dev.rampart.defender.DefenderClientBuilder()
                .tenantId(sandbox.tenantId())
                .clientId(sandbox.clientId())
                .credential(dev.rampart.defender.Credential.secret(sandbox.clientSecret()))
                .sandbox(java.net.URI.create(sandbox.baseUrl()))
                .build();
        var sent = defender.getMachineAction(defenderId);
        assertThat(sent.requestorComment())
                .startsWith("ticket 4711: beaconing to a known C2 (requested in Rampart by responder-");
        assertThat(sent.scope()).isEqualTo("Selective");
        Map<String, Object> audited = server.jdbc
                .sql("select outcome, details::text as details from audit_log where action = 'action.isolate'"
                        + " and target = ? order by id desc limit 1")
                .param("asset " + asset)
                .query()
                .singleRow();
        assertThat(audited.get("outcome")).isEqualTo("success");
        assertThat(audited.get("details").toString())
                .contains("\"reason\": \"ticket 4711: beaconing to a known C2\"")
                .contains("\"defenderActionId\": \"" + defenderId + "\"")
                .contains("\"isolationType\": \"Selective\"");

        // the sandbox's clock stands still: the action stays pending while Rampart asks
        long id = a.get("id").asLong();
        Thread.sleep(2500);
        assertThat(action(id).get("status").asString()).isEqualTo("Pending");
        sandbox.advance(Duration.ofMinutes(5));
        await(Duration.ofSeconds(30), () -> action(id).get("status").asString().equals("Succeeded"));
        assertThat(server.call("GET", "/api/v1/projects/" + project + "/assets/" + asset, admin, null)
                        .json()
                        .get("isolated")
                        .asBoolean())
                .isTrue();
        assertThat(server.call("GET", "/api/v1/projects/" + project + "/assets?isolated=true", admin, null)
                        .json()
                        .get("items"))
                .anySatisfy(x -> assertThat(x.get("id").asLong()).isEqualTo(asset));
        assertThat(server.jdbc
                        .sql("select count(*) from change_event where type = 'action.succeeded' and asset_id = ?")
                        .param(asset)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);

        // released: no longer isolated
        var release = server.call("POST", path(asset), responder, "{\"type\": \"release\", \"reason\": \"cleaned\"}");
        assertThat(release.status()).isEqualTo(202);
        sandbox.advance(Duration.ofMinutes(5));
        long releaseId = release.json().get("id").asLong();
        await(
                Duration.ofSeconds(30),
                () -> action(releaseId).get("status").asString().equals("Succeeded"));
        assertThat(server.jdbc
                        .sql("select isolated from asset where id = ?")
                        .param(asset)
                        .query(Boolean.class)
                        .single())
                .isFalse();
        // the list filters by asset and status
        JsonNode list = server.call(
                        "GET",
                        "/api/v1/projects/" + project + "/actions?assetId=" + asset + "&status=Succeeded",
                        admin,
                        null)
                .json()
                .get("items");
        assertThat(list).hasSize(2);
        assertThat(list.get(0).get("type").asString()).isEqualTo("release");
    }

    @Test
    void aSecondIsolationWhileOneIsPendingShouldBeExplained() {
        long asset = windowsDevice();
        String body = "{\"type\": \"isolate\", \"reason\": \"twice\"}";
        assertThat(server.call("POST", path(asset), responder, body).status()).isEqualTo(202);
        var again = server.call("POST", path(asset), responder, body);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("type").asString()).isEqualTo("/problems/action-pending");
        assertThat(again.json().get("detail").asString())
                .startsWith("Defender is still carrying out an isolation of this device (Defender action ")
                .endsWith("wait for it to end; the actions list follows it");
        assertThat(again.json().get("action").get("status").asString()).isEqualTo("Refused");
    }

    @Test
    void aMissingPermissionShouldNameItAndTheGuidesStep() {
        long asset = windowsDevice();
        Set<String> roles = new HashSet<>(sandbox.app().defenderRoles());
        sandbox.app()
                .defenderRoles(Set.copyOf(
                        roles.stream().filter(x -> !x.equals("Machine.Scan")).toList()));
        try {
            var r = server.call(
                    "POST",
                    path(asset),
                    responder,
                    "{\"type\": \"scan\", \"scanType\": \"Full\"," + " \"reason\": \"suspicious file\"}");
            assertThat(r.status()).as(r.body()).isEqualTo(502);
            assertThat(r.json().get("type").asString()).isEqualTo("/problems/defender-permission-missing");
            assertThat(r.json().get("permission").asString()).isEqualTo("Machine.Scan");
            assertThat(r.json().get("guide").asString()).isEqualTo("docs/setup-entra.md#grant-machinescan");
        } finally {
            sandbox.app().defenderRoles(roles);
        }
    }

    @Test
    void aDeviceDefenderDoesNotManageShouldBeRefusedWithASentence() {
        // only another source knows it
        var pushed = server.call(
                "POST",
                "/api/v1/projects/" + project + "/imports",
                admin,
                "{\"source\": \"cmdb\", \"assets\": [{\"id\": \"c1\", \"name\": \"kiosk-1\"}]}");
        assertThat(pushed.status()).as(pushed.body()).isEqualTo(201);
        long kiosk = server.jdbc
                .sql("select id from asset where project_id = ? and name = 'kiosk-1'")
                .param(server.project(project))
                .query(Long.class)
                .single();
        var r = server.call("POST", path(kiosk), responder, "{\"type\": \"scan\", \"reason\": \"check\"}");
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json().get("detail").asString())
                .isEqualTo("Rampart knows this device only from other sources: actions go through Defender, which"
                        + " does not report it");
        // a reason is required, and Defender's words for what it refuses are passed on
        assertThat(server.call("POST", path(windowsDevice()), responder, "{\"type\": \"scan\"}")
                        .json()
                        .get("errors")
                        .get(0)
                        .get("field")
                        .asString())
                .isEqualTo("reason");
        long mac = server.jdbc
                .sql("select id from asset where project_id = ? and active and os_platform = 'macOS'"
                        + " and metadata->>'onboardingStatus' = 'Onboarded' order by id limit 1")
                .param(server.project(project))
                .query(Long.class)
                .single();
        var scan = server.call("POST", path(mac), responder, "{\"type\": \"scan\", \"reason\": \"check\"}");
        assertThat(scan.status()).isEqualTo(409);
        assertThat(scan.json().get("type").asString()).isEqualTo("/problems/action-refused");
        assertThat(scan.json().get("detail").asString()).contains("is not supported for the OS platform macOS");
        // a viewer may read actions but not request one
        assertThat(server.call(
                                "POST",
                                path(mac),
                                server.token(project, Role.VIEWER),
                                "{\"type\": \"scan\"," + " \"reason\": \"x\"}")
                        .status())
                .isEqualTo(403);
    }

    @Test
    void throttlingWhileFollowingShouldBackOffAndStillSeeTheEnd() throws Exception {
        long asset = windowsDevice();
        var r = server.call("POST", path(asset), responder, "{\"type\": \"scan\", \"reason\": \"throttled\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        long id = r.json().get("id").asLong();
        sandbox.addFault(dev.rampart.emulator.fault.FaultRule.fromJson(new com.fasterxml.jackson.databind.ObjectMapper()
                .createObjectNode()
                .put("pathPattern", "/api/machineactions/*")
                .put("kind", "status")
                .put("status", 429)
                .put("retryAfter", 1)
                .put("count", 12)));
        sandbox.advance(Duration.ofMinutes(10));
        await(Duration.ofSeconds(60), () -> action(id).get("status").asString().equals("Succeeded"));
        int polls = server.jdbc
                .sql("select polls from machine_action where id = ?")
                .param(id)
                .query(Integer.class)
                .single();
        assertThat(polls).isGreaterThan(1);
    }
}
