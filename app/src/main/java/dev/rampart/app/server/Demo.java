package dev.rampart.app.server;

import dev.rampart.app.connector.ConnectorService;
import dev.rampart.app.connector.Connectors;
import dev.rampart.app.project.Projects;
import dev.rampart.app.security.ApiTokens;
import dev.rampart.app.security.Role;
import dev.rampart.app.security.Users;
import dev.rampart.app.sync.RunService;
import dev.rampart.app.sync.RunSummary;
import dev.rampart.app.sync.SyncEngine;
import dev.rampart.emulator.DefenderEmulator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code rampart demo}: a sandbox tenant, the server on its embedded PostgreSQL, a demo project with an admin and an
 * API token, a connector pointed at the sandbox, and the first import, waited for. Then one line
 * {@code RAMPART_DEMO {...}} on stdout with url, user, password, apiToken and project, and the server keeps running.
 * The demo's data directory ({@code $RAMPART_HOME/demo}) is made afresh each time.
 */
public final class Demo {
    public static final String PROJECT = "demo";
    public static final String USER = "admin";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * Options: {@code --devices N} (default 2000), {@code --port P} (default 8080; 0 picks a free one), {@code --address
     * A} (default 127.0.0.1: the demo is for this machine).
     */
    public record Options(int devices, int port, Path home, String database, String address) {}

    public static ConfigurableApplicationContext run(Options o, PrintStream out) {
        long t0 = System.nanoTime();
        Path home = o.home().resolve("demo");
        wipe(home);
        DefenderEmulator sandbox = DefenderEmulator.builder()
                .devices(o.devices())
                .seed(7)
                .quotas("off")
                .host("127.0.0.1")
                .port(0)
                .start();
        List<String> args = new ArrayList<>(List.of(
                "--rampart.home=" + home,
                "--server.port=" + o.port(),
                "--rampart.connectors.allow-sandbox-urls=true",
                // The built-in sandbox listens on the loopback interface; nothing else private is called.
                "--rampart.outbound.allowed-networks=127.0.0.0/8,::1/128",
                "--rampart.node=demo"));
        if (o.database() != null) {
            args.add("--rampart.database.url=" + o.database());
        }
        if (o.address() != null) {
            args.add("--server.address=" + o.address());
        }
        ConfigurableApplicationContext ctx = RampartServer.start(args.toArray(String[]::new));
        ctx.addApplicationListener(e -> {
            if (e instanceof org.springframework.context.event.ContextClosedEvent) {
                sandbox.close();
            }
        });
        try {
            String password = randomSecret(18);
            Users users = ctx.getBean(Users.class);
            Users.User admin = users.create(USER, "Demo administrator", password, true);
            long projectId = new Projects(ctx.getBean(javax.sql.DataSource.class)).ensure(PROJECT);
            users.setMembership(admin.id(), projectId, Role.ADMIN);
            ApiTokens.Issued token = ctx.getBean(ApiTokens.class)
                    .issue(
                            admin.id(),
                            projectId,
                            Role.ADMIN,
                            "demo",
                            Instant.now().plus(Duration.ofDays(30)));
            ConnectorService connectors = ctx.getBean(ConnectorService.class);
            ConnectorService.ConnectorView connector = connectors.create(
                    PROJECT,
                    new ConnectorService.ConnectorRequest(
                            "sandbox",
                            "The built-in sandbox tenant (" + o.devices() + " devices)",
                            sandbox.tenantId(),
                            sandbox.clientId(),
                            new ConnectorService.CredentialInput(
                                    sandbox.clientSecret(),
                                    null,
                                    null,
                                    java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC)
                                            .plusDays(180)),
                            null,
                            null,
                            sandbox.baseUrl(),
                            null,
                            null,
                            true,
                            ConnectorService.Schedule.hourly()),
                    ConnectorService.Editor.SERVER);
            ctx.publishEvent(new dev.rampart.app.connector.ConnectorChanged(connector.id()));
            RunSummary first = ctx.getBean(RunService.class)
                    .runHere(ctx.getBean(Connectors.class).find(connector.id()), SyncEngine.Mode.FULL, "demo", USER);
            if (!first.succeeded()) {
                throw new IllegalStateException("the demo's first import failed: " + first.error());
            }
            int port = ctx.getEnvironment().getProperty("local.server.port", Integer.class, o.port());
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("url", "http://localhost:" + port);
            line.put("user", USER);
            line.put("password", password);
            line.put("apiToken", token.value());
            line.put("project", PROJECT);
            line.put("connectorId", connector.id());
            line.put("sandbox", sandbox.baseUrl());
            var jdbc = org.springframework.jdbc.core.simple.JdbcClient.create(ctx.getBean(javax.sql.DataSource.class));
            line.put(
                    "assets",
                    jdbc.sql("select count(*) from asset where project_id = ?")
                            .param(projectId)
                            .query(Long.class)
                            .single());
            line.put(
                    "openFindings",
                    jdbc.sql("select count(*) from finding where project_id = ? and state = 'open'")
                            .param(projectId)
                            .query(Long.class)
                            .single());
            line.put("runId", first.runId());
            line.put("secondsToPopulated", Math.round((System.nanoTime() - t0) / 1e8) / 10.0);
            line.put("openApi", "http://localhost:" + port + "/v3/api-docs");
            out.println("RAMPART_DEMO " + JSON.writeValueAsString(line));
            out.flush();
            return ctx;
        } catch (RuntimeException e) {
            ctx.close();
            throw e;
        }
    }

    static String randomSecret(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static void wipe(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not clear the demo's data directory " + dir, e);
        }
    }
}
