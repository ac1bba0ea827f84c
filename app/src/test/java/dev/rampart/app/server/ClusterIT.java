package dev.rampart.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.app.database.TestDatabase;
import dev.rampart.app.project.Projects;
import dev.rampart.app.security.ApiTokens;
import dev.rampart.app.security.Role;
import dev.rampart.app.security.Users;
import dev.rampart.emulator.DefenderEmulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Two server processes on one PostgreSQL: each scheduled tick runs once, whichever node takes it; and when the node
 * running an import is killed, the other notices (the scheduler's cluster check-in) and runs it again, after marking the
 * dead run failed.
 */
class ClusterIT {
    private final DataSource ds = TestDatabase.get().dataSource();
    private final JdbcClient jdbc = JdbcClient.create(ds);
    private final List<Process> nodes = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private DefenderEmulator sandbox;

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : nodes) {
            p.destroy();
        }
        for (Process p : nodes) {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    private void startNodes() throws Exception {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        String masterKey = Base64.getEncoder().encodeToString(key);
        for (String name : List.of("node-a", "node-b")) {
            int port = Processes.freePort();
            Path home = Files.createTempDirectory("rampart-" + name);
            Process p = Processes.rampart(
                            Map.of("RAMPART_MASTER_KEY", masterKey),
                            "serve",
                            "--db=" + TestDatabase.url(),
                            "--port=" + port,
                            "--rampart.home=" + home,
                            "--rampart.node=" + name + "-"
                                    + ProcessHandle.current().pid(),
                            "--rampart.scheduler.cluster=cluster-it-"
                                    + ProcessHandle.current().pid(),
                            "--rampart.scheduler.checkin-interval-ms=1000",
                            "--rampart.scheduler.reconcile-seconds=2",
                            "--rampart.connectors.allow-sandbox-urls=true",
                            "--rampart.outbound.allowed-networks=127.0.0.0/8")
                    .redirectErrorStream(true)
                    .redirectOutput(home.resolve("log").toFile())
                    .start();
            nodes.add(p);
            ports.add(port);
        }
        HttpClient http = HttpClient.newHttpClient();
        for (int port : ports) {
            await(Duration.ofSeconds(90), () -> {
                try {
                    return http.send(
                                            HttpRequest.newBuilder(URI.create(
                                                            "http://127.0.0.1:" + port + "/actuator/health/readiness"))
                                                    .build(),
                                            HttpResponse.BodyHandlers.ofString())
                                    .statusCode()
                            == 200;
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    private static void await(Duration d, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + d.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not done within " + d);
            }
            Thread.sleep(250);
        }
    }

    private String token(String project) {
        Users users = new Users(ds, Clock.systemUTC());
        Users.User u = users.create(TestServer.unique("cluster-"), null, "correct horse battery staple", false);
        long p = new Projects(ds).ensure(project);
        users.setMembership(u.id(), p, Role.ADMIN);
        return new ApiTokens(ds, Clock.systemUTC())
                .issue(u.id(), p, Role.ADMIN, "cluster", Instant.now().plus(Duration.ofHours(1)))
                .value();
    }

    private long createConnector(int port, String project, String token, String name, Instant at) throws Exception {
        var o = TestServer.JSON.createObjectNode();
        o.put("name", name);
        o.put("tenantId", sandbox.tenantId());
        o.put("clientId", sandbox.clientId());
        o.putObject("credential").put("secret", sandbox.clientSecret());
        o.put("sandbox", sandbox.baseUrl());
        o.putObject("schedule").put("kind", "once").put("at", at.toString());
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(
                                        "http://127.0.0.1:" + port + "/api/v1/projects/" + project + "/connectors"))
                                .header("Authorization", "Bearer " + token)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(o.toString()))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return TestServer.JSON.readTree(r.body()).get("id").asLong();
    }

    private long finishedRuns(long connector, String state) {
        return jdbc.sql("select count(*) from sync_run where connector_id = ? and state = ?")
                .params(connector, state)
                .query(Long.class)
                .single();
    }

    @Test
    void eachScheduledTickShouldRunOnceAndAKilledNodesRunShouldBeRecoveredByTheOther() throws Exception {
        sandbox = DefenderEmulator.builder().devices(40).seed(3).quotas("off").start();
        startNodes();
        String project = TestServer.unique("cluster-");
        String token = token(project);
        Instant at = Instant.now().plusSeconds(6);
        List<Long> connectors = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            connectors.add(createConnector(ports.get(i % 2), project, token, "tick" + i, at));
        }
        await(Duration.ofSeconds(60), () -> connectors.stream().allMatch(c -> finishedRuns(c, "succeeded") == 1));
        Thread.sleep(4000); // time for a second node to (wrongly) run a tick again
        for (long c : connectors) {
            assertThat(jdbc.sql("select count(*) from sync_run where connector_id = ?")
                            .param(c)
                            .query(Long.class)
                            .single())
                    .as("runs of connector " + c)
                    .isEqualTo(1);
        }

        // A slow import (its device list takes 20 s), killed with its node halfway.
        sandbox.addFault(TestServer.delay("/api/machines*", 20_000));
        long slow = createConnector(
                ports.get(0), project, token, "slow", Instant.now().plusSeconds(3));
        await(
                Duration.ofSeconds(30),
                () -> jdbc.sql("select count(*) from sync_run where connector_id = ? and state =" + " 'running'")
                                .param(slow)
                                .query(Long.class)
                                .single()
                        == 1);
        String node = jdbc.sql("select node from sync_run where connector_id = ?")
                .param(slow)
                .query(String.class)
                .single();
        int victim = node.startsWith("node-a") ? 0 : 1;
        nodes.get(victim).destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        await(Duration.ofSeconds(90), () -> finishedRuns(slow, "succeeded") == 1);
        record Run(String state, String trigger, String node, String error) {}
        List<Run> runs = jdbc.sql("select state, trigger, node, error from sync_run where connector_id = ? order by id")
                .param(slow)
                .query((rs, n) -> new Run(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)))
                .list();
        assertThat(runs).hasSize(2);
        assertThat(runs.get(0).state()).isEqualTo("failed");
        assertThat(runs.get(0).error()).startsWith("abandoned");
        assertThat(runs.get(1).trigger()).isEqualTo("recovery");
        assertThat(runs.get(1).node()).isNotEqualTo(node);
    }
}
