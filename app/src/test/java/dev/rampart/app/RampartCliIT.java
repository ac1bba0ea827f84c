package dev.rampart.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rampart.app.database.TestDatabase;
import dev.rampart.emulator.DefenderEmulator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: sync prints one summary object, export prints the documented keys, errors are sentences. */
class RampartCliIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static DefenderEmulator emulator;

    @TempDir
    Path dir;

    @BeforeAll
    static void sandbox() {
        emulator = DefenderEmulator.builder()
                .devices(40)
                .seed(9)
                .quotas("off")
                .vulnerabilitiesPerDevice(8)
                .start(Instant.parse("2026-03-02T06:00:00Z"))
                .start();
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    record Result(int code, String out, String err) {}

    private Result rampart(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new Rampart(
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8),
                        env)
                .run(args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static org.springframework.jdbc.core.simple.JdbcClient server(String url) {
        return org.springframework.jdbc.core.simple.JdbcClient.create(
                TestDatabase.get().dataSource());
    }

    private Path connectorFile(String project, String extra) throws Exception {
        Path file = dir.resolve(project + ".json");
        Files.writeString(
                file,
                """
                {"project": "%s", "name": "acme-prod", "tenantId": "%s", "clientId": "%s", "secretEnv": "MDE_SECRET",
                 "sandbox": "%s", "scope": {"kind": "all"}%s}
                """
                        .formatted(project, emulator.tenantId(), emulator.clientId(), emulator.baseUrl(), extra));
        return file;
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("MDE_SECRET", emulator.clientSecret());
        env.put("RAMPART_HOME", dir.resolve("home").toString());
        return env;
    }

    @Test
    void syncShouldPrintTheRunSummaryAndExportShouldPrintTheDocumentedKeys() throws Exception {
        String db = TestDatabase.url();
        Path file = connectorFile("cli-" + ProcessHandle.current().pid(), "");

        Result sync = rampart(env(), "sync", "--connector-file", file.toString(), "--db", db, "--full");

        assertThat(sync.code()).as(sync.err()).isZero();
        JsonNode summary = JSON.readTree(sync.out());
        for (String key : List.of(
                "assets",
                "findingsOpened",
                "findingsFixed",
                "findingsReopened",
                "findingsArchived",
                "assetsDeactivated",
                "assetsReactivated",
                "apiCalls",
                "throttleWaits",
                "durationMs")) {
            assertThat(summary.has(key)).as(key + " in " + summary).isTrue();
        }
        assertThat(summary.path("assets").asInt()).isEqualTo(40);
        assertThat(sync.out().strip().lines()).hasSize(1);
        assertThat(sync.out() + sync.err()).doesNotContain(emulator.clientSecret());

        String project = "cli-" + ProcessHandle.current().pid();
        Result findings = rampart(env(), "export", "findings", "--db", db, "--format", "jsonl", "--project", project);
        assertThat(findings.code()).as(findings.err()).isZero();
        List<String> lines = findings.out().lines().toList();
        assertThat(lines).hasSize(summary.path("findingsOpened").asInt());
        JsonNode first = JSON.readTree(lines.get(0));
        for (String key : List.of(
                "defenderMachineId", "cveId", "productName", "productVersion", "state", "firstSeen", "fixedAt")) {
            assertThat(first.has(key)).as(key + " in " + first).isTrue();
        }

        // risk recomputed on demand: every asset, nothing changed since the run, so nothing raised or lowered
        Result risk = rampart(env(), "risk", "--project", project, "--db", db);
        assertThat(risk.code()).as(risk.err()).isZero();
        JsonNode recomputed = JSON.readTree(risk.out());
        assertThat(recomputed.path("riskComputed").asInt()).isEqualTo(40);
        assertThat(recomputed.path("riskRaised").asInt()
                        + recomputed.path("riskLowered").asInt())
                .isZero();
        assertThat(recomputed.path("project").asText()).isEqualTo(project);
        Result noProject = rampart(env(), "risk", "--project", "no-such-project", "--db", db);
        assertThat(noProject.code()).isEqualTo(1);
        assertThat(noProject.err()).contains("no project 'no-such-project'");
        assertThat(rampart(env(), "risk", "--db", db).code()).isEqualTo(2);

        // a query prints one JSON object per row, keyed by its columns; a bad one exits 2 saying where
        Result query = rampart(
                env(),
                "query",
                "--project",
                project,
                "--db",
                db,
                "FIND Device THAT HAS Finding WITH state = 'open' RETURN Device.name, COUNT(Finding)");
        assertThat(query.code()).as(query.err()).isZero();
        List<JsonNode> rows = new java.util.ArrayList<>();
        for (String line : query.out().lines().toList()) {
            rows.add(JSON.readTree(line));
        }
        assertThat(rows).isNotEmpty();
        assertThat(rows.stream().mapToInt(r -> r.path("count(Finding)").asInt()).sum())
                .isEqualTo(summary.path("findingsOpened").asInt());
        assertThat(rows.get(0).fieldNames()).toIterable().containsExactly("Device.name", "count(Finding)");
        Result bad = rampart(env(), "query", "--project", project, "--db", db, "FIND Device WHERE active = true");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err())
                .contains("unexpected 'WHERE' at line 1, column 13")
                .contains("WITH");
        assertThat(bad.out()).isEmpty();
        Result cut = rampart(env(), "query", "--project", project, "--db", db, "--max-rows", "3", "FIND Device");
        assertThat(cut.out().lines()).hasSize(3);
        assertThat(cut.err()).contains("cut at 3 rows");
        // saved queries: listed and run by name, as the operator who sees them all
        long projectId = server(db)
                .sql("select id from project where key = ?")
                .param(project)
                .query(Long.class)
                .single();
        server(db)
                .sql("insert into saved_query (project_id, name, query, owner, shared)"
                        + " values (?, 'Per platform', 'FIND Device RETURN Device.osPlatform, COUNT(Device)', 'ann',"
                        + " false)")
                .param(projectId)
                .update();
        Result listed = rampart(env(), "query", "--project", project, "--db", db, "--list");
        assertThat(listed.code()).as(listed.err()).isZero();
        JsonNode savedOne = JSON.readTree(listed.out().lines().findFirst().orElseThrow());
        assertThat(savedOne.path("name").asText()).isEqualTo("Per platform");
        assertThat(savedOne.path("owner").asText()).isEqualTo("ann");
        assertThat(savedOne.path("shared").asBoolean()).isFalse();
        Result bySaved = rampart(env(), "query", "--project", project, "--db", db, "--saved", "Per platform");
        assertThat(bySaved.code()).as(bySaved.err()).isZero();
        int devices = 0;
        for (String line : bySaved.out().lines().toList()) {
            devices += JSON.readTree(line).path("count(Device)").asInt();
        }
        assertThat(devices).isEqualTo(40);
        Result unknown = rampart(env(), "query", "--project", project, "--db", db, "--saved", "Nope");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("no saved query named 'Nope'");
        assertThat(rampart(env(), "query", "--project", project, "--db", db, "--list", "FIND Device")
                        .code())
                .isEqualTo(2);

        Result assets = rampart(env(), "export", "assets", "--db", db, "--project", project);
        JsonNode asset = JSON.readTree(assets.out().lines().findFirst().orElseThrow());
        for (String key : List.of("defenderMachineId", "name", "active", "healthStatus", "sources")) {
            assertThat(asset.has(key)).as(key + " in " + asset).isTrue();
        }
        assertThat(asset.path("sources").get(0).path("name").asText()).isEqualTo("defender:acme-prod");

        Result events = rampart(env(), "export", "events", "--db", db, "--project", project);
        JsonNode event = JSON.readTree(events.out().lines().findFirst().orElseThrow());
        for (String key : List.of("type", "runId", "at", "assetId", "defenderMachineId")) {
            assertThat(event.has(key)).as(key + " in " + event).isTrue();
        }

        Result csv = rampart(env(), "export", "findings", "--db", db, "--format", "csv", "--project", project);
        assertThat(csv.out().lines().findFirst().orElseThrow()).startsWith("project,id,defenderMachineId,");
        assertThat(csv.out().lines().count()).isEqualTo(lines.size() + 1);
    }

    @Test
    void syncWithoutDbShouldUseTheEmbeddedPostgresInRampartHomeAndKeepItsData() throws Exception {
        Path file = connectorFile("embedded", "");

        Result first = rampart(env(), "sync", "--connector-file", file.toString());
        Result second = rampart(env(), "sync", "--connector-file", file.toString(), "--incremental");

        assertThat(first.code()).as(first.err()).isZero();
        assertThat(second.code()).as(second.err()).isZero();
        assertThat(JSON.readTree(second.out()).path("assetsAdded").asInt())
                .as("the data survived")
                .isZero();
        assertThat(dir.resolve("home/postgres/PG_VERSION")).exists();
    }

    @Test
    void wrongSecretShouldFailTheRunWithASentenceAndExitNonZero() throws Exception {
        String db = TestDatabase.url();
        Path file = connectorFile("cli-wrong-" + ProcessHandle.current().pid(), "");
        Map<String, String> env = env();
        env.put("MDE_SECRET", "not-the-secret-123");

        Result r = rampart(env, "sync", "--connector-file", file.toString(), "--db", db);

        assertThat(r.code()).isEqualTo(1);
        JsonNode summary = JSON.readTree(r.out());
        assertThat(summary.path("state").asText()).isEqualTo("failed");
        assertThat(summary.path("errorKind").asText()).isEqualTo("terminal");
        assertThat(summary.path("error").asText()).containsIgnoringCase("secret");
        assertThat(r.out() + r.err()).doesNotContain("not-the-secret-123");
    }

    @Test
    void badConnectorFileShouldNameEveryProblemAndExitTwo() throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"project\": \"Acme!\", \"name\": \"x\", \"tenantid\": \"t\", \"secret\": \"s\"}");

        Result r = rampart(env(), "sync", "--connector-file", file.toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err())
                .contains("unknown keys [tenantid, secret]")
                .contains("tenantId is required")
                .contains("clientId is required")
                .contains("project must be")
                .contains("give exactly one of secretEnv");
    }

    @Test
    void unknownCommandAndMissingOptionsShouldBeUsageErrors() {
        assertThat(rampart(env(), "frobnicate").code()).isEqualTo(2);
        Result r = rampart(env(), "sync");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--connector-file is required");
        assertThat(rampart(env(), "export", "widgets").err()).contains("assets, findings or events");
    }

    @Test
    void importAndPreviewShouldWorkFromTheCommandLine() throws Exception {
        String db = TestDatabase.url();
        Path push = dir.resolve("push.json");
        Files.writeString(
                push,
                """
                {"source": "scanner", "assets": [{"id": "p-1", "name": "printer-1",
                  "findings": [{"cveId": "CVE-2099-0002", "severity": "High"}]}]}
                """);
        String project = "cli-push-" + ProcessHandle.current().pid();

        Result imported = rampart(env(), "import", "--project", project, "--file", push.toString(), "--db", db);

        assertThat(imported.code()).as(imported.err()).isZero();
        JsonNode summary = JSON.readTree(imported.out());
        assertThat(summary.path("assetsAdded").asInt()).isEqualTo(1);
        assertThat(summary.path("findingsOpened").asInt()).isEqualTo(1);

        Result preview = rampart(
                env(),
                "preview",
                "--connector-file",
                connectorFile("cli-preview", "").toString(),
                "--limit",
                "5");
        assertThat(preview.code()).as(preview.err()).isZero();
        JsonNode p = JSON.readTree(preview.out());
        assertThat(p.path("devices").asInt()).isEqualTo(40);
        assertThat(p.path("matchedDevices")).hasSize(5);
        assertThat(p.path("matchedDevicesTruncated").asBoolean()).isTrue();
    }

    @Test
    void administrationCommandsShouldManageUsersMembershipsAndTokensWithoutAServer() throws Exception {
        String db = dev.rampart.app.database.TestDatabase.url();
        String name = "cli-admin-" + ProcessHandle.current().pid();
        String project = "cli-admin-" + ProcessHandle.current().pid();
        Map<String, String> env = env();
        env.put("RAMPART_PASSWORD", "a long enough passphrase");
        Result add = rampart(env, "user", "add", "--name", name, "--admin", "--db", db);
        assertThat(add.code()).as(add.err()).isZero();
        assertThat(add.out()).contains(name + " created").doesNotContain("passphrase");
        assertThat(rampart(env, "user", "add", "--name", "x" + name, "--db", db).code())
                .isZero();
        assertThat(rampart(
                                env,
                                "member",
                                "set",
                                "--user",
                                "x" + name,
                                "--project",
                                project,
                                "--role",
                                "analyst",
                                "--db",
                                db)
                        .code())
                .isZero();
        Result stronger = rampart(
                env, "token", "create", "--user", "x" + name, "--project", project, "--role", "admin", "--db", db);
        assertThat(stronger.code()).isEqualTo(1);
        assertThat(stronger.err()).contains("stronger");
        Result token = rampart(
                env,
                "token",
                "create",
                "--user",
                name,
                "--project",
                project,
                "--role",
                "viewer",
                "--name",
                "ci",
                "--days",
                "7",
                "--db",
                db);
        assertThat(token.code()).as(token.err()).isZero();
        String value = token.out().strip();
        assertThat(value).startsWith("rmp_");
        Result list = rampart(env, "token", "list", "--project", project, "--db", db);
        assertThat(list.out()).contains("ci").contains(value.substring(0, 10)).doesNotContain(value);
        var tokens = new dev.rampart.app.security.ApiTokens(
                dev.rampart.app.database.TestDatabase.get().dataSource(), java.time.Clock.systemUTC());
        assertThat(tokens.authenticate(value)).isPresent();
        String id = list.out()
                .lines()
                .filter(l -> l.contains("\tci\t"))
                .findFirst()
                .orElseThrow()
                .split("\t")[0];
        assertThat(rampart(env, "token", "revoke", "--id", id, "--db", db).code())
                .isZero();
        assertThat(tokens.authenticate(value)).isEmpty();
        env.remove("RAMPART_PASSWORD");
        Result weak = rampart(
                env,
                "user",
                "passwd",
                "--name",
                name,
                "--password-file",
                Files.writeString(dir.resolve("pw"), "short").toString(),
                "--db",
                db);
        assertThat(weak.code()).isNotZero();
        assertThat(weak.err()).contains("at least");
    }

    @Test
    void jsonLogsShouldPutOneJsonObjectPerLineWithTheRunInTheMdc() throws Exception {
        Path file = connectorFile("json-logs-" + ProcessHandle.current().pid(), "");
        ProcessBuilder pb = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        "dev.rampart.app.Rampart",
                        "sync",
                        "--connector-file",
                        file.toString(),
                        "--db",
                        dev.rampart.app.database.TestDatabase.url())
                .redirectError(dir.resolve("json.err").toFile())
                .redirectOutput(dir.resolve("json.out").toFile());
        pb.environment().putAll(env());
        pb.environment().put("RAMPART_LOG_FORMAT", "json");
        pb.environment().put("RAMPART_LOG_LEVEL", "INFO");
        assertThat(pb.start().waitFor()).isZero();
        var lines = Files.readAllLines(dir.resolve("json.err"));
        assertThat(lines).isNotEmpty();
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        boolean runLine = false;
        for (String line : lines) {
            var node = json.readTree(line);
            assertThat(node.has("level")).as(line).isTrue();
            assertThat(node.has("formattedMessage")).as(line).isTrue();
            runLine |= node.path("mdc").has("run");
        }
        assertThat(runLine).isTrue();
        assertThat(String.join("\n", lines)).doesNotContain(emulator.clientSecret());
    }
}
