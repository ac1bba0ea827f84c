package dev.rampart.app;

import dev.rampart.app.connector.Connector;
import dev.rampart.app.connector.ConnectorSpec;
import dev.rampart.app.connector.Connectors;
import dev.rampart.app.connector.ScopePreview;
import dev.rampart.app.database.Database;
import dev.rampart.app.export.Exporter;
import dev.rampart.app.sync.PushImport;
import dev.rampart.app.sync.RunSummary;
import dev.rampart.app.sync.SyncEngine;
import dev.rampart.app.sync.SyncFailedException;
import dev.rampart.defender.DefenderClient;
import dev.rampart.defender.error.DefenderException;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The command line of the app module. Every command works without a server, on the configured PostgreSQL
 * ({@code --db}) or the embedded one in {@code $RAMPART_HOME} (default {@code ~/.rampart}).
 *
 * <pre>
 * rampart sync --connector-file connector.json [--db JDBC_URL] [--full|--incremental]
 * rampart export assets|findings|events [--db JDBC_URL] [--format jsonl|csv] [--project KEY]
 * rampart export graph --project KEY [--db JDBC_URL] [--format json|graphml|neo4j]
 * rampart preview --connector-file connector.json
 * rampart import --project KEY --file import.json [--db JDBC_URL]
 * rampart action isolate|release|scan --project KEY --asset ID --reason R [--wait] [--server URL]
 * rampart risk --project KEY [--db JDBC_URL]
 * rampart query --project KEY [--db JDBC_URL] [--max-rows N] "FIND ..." | --saved NAME | --list
 * </pre>
 *
 * Exit codes: 0 done, 1 the run failed (its summary says why), 2 the command line or a file is wrong.
 */
public final class Rampart {
    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;

    Rampart(PrintStream out, PrintStream err, Map<String, String> env) {
        this.out = out;
        this.err = err;
        this.env = env;
    }

    public static void main(String[] args) {
        if ("json".equalsIgnoreCase(System.getenv("RAMPART_LOG_FORMAT"))) {
            System.setProperty("logback.configurationFile", "logback-json.xml");
        }
        if (args.length > 0 && (args[0].equals("serve") || args[0].equals("demo"))) {
            if (new Rampart(System.out, System.err, System.getenv()).server(args) != 0) {
                System.exit(2);
            }
            return; // the server's threads keep the process alive
        }
        int code = new Rampart(System.out, System.err, System.getenv()).run(args);
        System.out.flush();
        System.exit(code);
    }

    int run(String[] args) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("help")) {
            usage();
            return args.length == 0 ? 2 : 0;
        }
        try {
            return switch (args[0]) {
                case "sync" -> sync(options(args, 1, Set.of("connector-file", "db"), Set.of("full", "incremental")));
                case "export" -> export(args);
                case "preview" -> preview(options(args, 1, Set.of("connector-file", "limit"), Set.of()));
                case "import" -> importPush(options(args, 1, Set.of("project", "file", "db"), Set.of()));
                case "user", "member", "token", "key" -> admin(args);
                case "action" -> action(args);
                case "risk" -> risk(options(args, 1, Set.of("project", "db"), Set.of()));
                case "query" -> query(args);
                default -> {
                    err.println("rampart: unknown command '" + args[0] + "'");
                    usage();
                    yield 2;
                }
            };
        } catch (ConnectorSpec.InvalidConnectorException e) {
            err.println("rampart: " + e.getMessage());
            return 2;
        } catch (UsageException e) {
            err.println("rampart: " + e.getMessage());
            return 2;
        } catch (SyncFailedException e) {
            err.println("rampart: " + e.getMessage());
            return 1;
        } catch (DefenderException | IllegalArgumentException | IllegalStateException e) {
            err.println("rampart: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            err.println("rampart: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return 1;
        }
    }

    private static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    private static Map<String, String> options(String[] args, int from, Set<String> valued, Set<String> flags) {
        Map<String, String> o = new HashMap<>();
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new UsageException("unexpected argument '" + a + "'");
            }
            String name = a.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flags.contains(name)) {
                o.put(name, "true");
            } else if (valued.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new UsageException("--" + name + " needs a value");
                    }
                    value = args[++i];
                }
                o.put(name, value);
            } else {
                throw new UsageException("unknown option --" + name);
            }
        }
        return o;
    }

    private Path home() {
        String h = env.get("RAMPART_HOME");
        return h == null || h.isBlank() ? Path.of(System.getProperty("user.home"), ".rampart") : Path.of(h);
    }

    private Database database(String url) {
        return Database.open(url, home());
    }

    /** {@code serve} and {@code demo}: start the server and return; 2 on a bad command line. */
    int server(String[] args) {
        try {
            if (args[0].equals("serve")) {
                List<String> boot = new ArrayList<>();
                for (int i = 1; i < args.length; i++) {
                    String a = args[i];
                    if (a.equals("--db") && i + 1 < args.length) {
                        boot.add("--rampart.database.url=" + args[++i]);
                    } else if (a.startsWith("--db=")) {
                        boot.add("--rampart.database.url=" + a.substring(5));
                    } else if (a.equals("--port") && i + 1 < args.length) {
                        boot.add("--server.port=" + args[++i]);
                    } else if (a.startsWith("--port=")) {
                        boot.add("--server.port=" + a.substring(7));
                    } else if (a.equals("--address") && i + 1 < args.length) {
                        boot.add("--server.address=" + args[++i]);
                    } else if (a.startsWith("--address=")) {
                        boot.add("--server.address=" + a.substring(10));
                    } else if (a.startsWith("--") && a.contains("=")) {
                        boot.add(a); // any Spring Boot or rampart.* setting
                    } else {
                        throw new UsageException("unexpected argument '" + a + "' (serve [--port P] [--address A]"
                                + " [--db URL] [--setting=value ...])");
                    }
                }
                dev.rampart.app.server.RampartServer.start(boot.toArray(String[]::new));
                return 0;
            }
            Map<String, String> o = options(args, 1, Set.of("devices", "port", "db", "address"), Set.of());
            dev.rampart.app.server.Demo.run(
                    new dev.rampart.app.server.Demo.Options(
                            Integer.parseInt(o.getOrDefault("devices", "2000")),
                            Integer.parseInt(o.getOrDefault("port", "8080")),
                            home(),
                            o.get("db"),
                            o.get("address")),
                    out);
            return 0;
        } catch (UsageException | NumberFormatException e) {
            err.println("rampart: " + e.getMessage());
            return 2;
        }
    }

    private int admin(String[] args) throws Exception {
        String what = args[0] + " " + (args.length > 1 ? args[1] : "");
        Map<String, String> o = options(
                args,
                Math.min(2, args.length),
                Set.of("db", "user", "project", "role", "name", "days", "password-file", "display-name", "id"),
                Set.of("admin"));
        try (Database db = database(o.get("db"))) {
            var a = new dev.rampart.app.server.AdminCommands(db, env, out);
            return switch (what.trim()) {
                case "user add" -> a.userAdd(
                        require(o, "name"), o.get("display-name"), o.containsKey("admin"), o.get("password-file"));
                case "user list" -> a.userList();
                case "user passwd" -> a.userPassword(require(o, "name"), o.get("password-file"));
                case "user unlock" -> a.userUnlock(require(o, "name"));
                case "user delete" -> a.userDelete(require(o, "name"));
                case "member set" -> a.memberSet(require(o, "user"), require(o, "project"), require(o, "role"));
                case "member remove" -> a.memberRemove(require(o, "user"), require(o, "project"));
                case "token create" -> a.tokenCreate(
                        require(o, "user"),
                        require(o, "project"),
                        require(o, "role"),
                        o.getOrDefault("name", "cli"),
                        Integer.parseInt(o.getOrDefault("days", "90")));
                case "token list" -> a.tokenList(require(o, "project"));
                case "token revoke" -> a.tokenRevoke(Long.parseLong(require(o, "id")));
                case "key rotate" -> a.keyRotate(
                        env.get("RAMPART_HOME") == null ? home() : Path.of(env.get("RAMPART_HOME")));
                default -> throw new UsageException("unknown command '" + what.trim() + "'");
            };
        }
    }

    /** {@code rampart action isolate|release|scan|status}: through a running server ({@link ActionCommand}). */
    private int action(String[] args) throws Exception {
        if (args.length < 2 || !List.of("isolate", "release", "scan", "status").contains(args[1])) {
            throw new UsageException(
                    "action what? rampart action isolate|release|scan --project P --asset ID --reason R,"
                            + " or rampart action status --project P --id N");
        }
        String verb = args[1];
        Map<String, String> o = options(
                args,
                2,
                Set.of(
                        "server",
                        "project",
                        "asset",
                        "id",
                        "reason",
                        "isolation-type",
                        "scan-type",
                        "token-file",
                        "wait-seconds"),
                Set.of("wait"));
        String token = env.get("RAMPART_TOKEN");
        if (o.containsKey("token-file")) {
            token = Files.readString(Path.of(o.get("token-file"))).trim();
        }
        if (token == null || token.isBlank()) {
            throw new UsageException("an API token is needed: set RAMPART_TOKEN, or give --token-file FILE");
        }
        String server = o.getOrDefault("server", env.getOrDefault("RAMPART_URL", "http://127.0.0.1:8080"));
        Long asset = null;
        Long id = null;
        try {
            if (verb.equals("status")) {
                id = Long.parseLong(require(o, "id"));
            } else {
                asset = Long.parseLong(require(o, "asset"));
                require(o, "reason");
            }
        } catch (NumberFormatException e) {
            throw new UsageException("--asset and --id are numbers (the asset's and the action's ids in Rampart)");
        }
        return new dev.rampart.app.action.ActionCommand(out, err)
                .run(new dev.rampart.app.action.ActionCommand.Options(
                        verb,
                        java.net.URI.create(server),
                        token,
                        require(o, "project"),
                        asset,
                        id,
                        o.get("reason"),
                        o.get("isolation-type"),
                        o.get("scan-type"),
                        o.containsKey("wait"),
                        java.time.Duration.ofSeconds(Long.parseLong(o.getOrDefault("wait-seconds", "600")))));
    }

    private int sync(Map<String, String> o) {
        String file = require(o, "connector-file");
        if (o.containsKey("full") && o.containsKey("incremental")) {
            throw new UsageException("give --full or --incremental, not both");
        }
        ConnectorSpec spec = ConnectorSpec.read(Path.of(file));
        SyncEngine.Mode mode = o.containsKey("full")
                ? SyncEngine.Mode.FULL
                : o.containsKey("incremental") ? SyncEngine.Mode.INCREMENTAL : SyncEngine.Mode.AUTO;
        try (Database db = database(o.get("db"))) {
            Connectors connectors = new Connectors(db.dataSource());
            Connector connector = connectors.save(spec);
            if (connector.enabled() != spec.enabled()) {
                connector = connectors.setEnabled(
                        connector.id(), spec.enabled(), Clock.systemUTC().instant());
            }
            if (!connector.enabled()) {
                err.println("rampart: connector '" + spec.name() + "' is disabled (\"enabled\": false): no import;"
                        + " its profiles were removed, its assets kept");
                return 1;
            }
            SyncEngine engine = new SyncEngine(
                    db.dataSource(), Clock.systemUTC(), c -> c.spec().client(env::get));
            RunSummary summary = engine.run(connector, mode);
            summary.json().put("project", spec.project());
            summary.json().put("connector", spec.name());
            summary.json().put("peakHeapMb", peakHeapMb());
            out.println(summary.json().toString());
            return summary.succeeded() ? 0 : 1;
        }
    }

    /** The sum of the heap pools' peak use: an upper bound of the process's peak heap, for benchmarks. */
    static long peakHeapMb() {
        long bytes = 0;
        for (java.lang.management.MemoryPoolMXBean pool :
                java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP && pool.getPeakUsage() != null) {
                bytes += pool.getPeakUsage().getUsed();
            }
        }
        return bytes >> 20;
    }

    private int export(String[] args) throws Exception {
        if (args.length < 2 || args[1].startsWith("--")) {
            throw new UsageException(
                    "export what? rampart export assets|findings|events|graph [--format jsonl|csv|json|graphml|neo4j]");
        }
        if (args[1].equals("graph")) {
            Map<String, String> o = options(args, 2, Set.of("db", "format", "project"), Set.of());
            String project = require(o, "project");
            dev.rampart.app.graph.GraphExport.Format format;
            try {
                format = dev.rampart.app.graph.GraphExport.format(o.getOrDefault("format", "json"));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--format " + e.getMessage());
            }
            try (Database db = database(o.get("db"))) {
                long projectId = new dev.rampart.app.project.Projects(db.dataSource()).require(project);
                OutputStream stream = new BufferedOutputStream(out, 1 << 16);
                long[] n = new dev.rampart.app.graph.GraphExport(db.dataSource()).export(projectId, format, stream);
                stream.flush();
                err.println("exported " + n[0] + " entities and " + n[1] + " relationships");
                return 0;
            }
        }
        Exporter.Kind kind = Exporter.kind(args[1]);
        Map<String, String> o = options(args, 2, Set.of("db", "format", "project"), Set.of());
        Exporter.Format format = Exporter.format(o.getOrDefault("format", "jsonl"));
        try (Database db = database(o.get("db"))) {
            OutputStream stream = new BufferedOutputStream(out, 1 << 16);
            long n = new Exporter(db.dataSource()).export(kind, format, o.get("project"), stream);
            stream.flush();
            err.println("exported " + n + " " + args[1]);
            return 0;
        }
    }

    private int preview(Map<String, String> o) {
        ConnectorSpec spec = ConnectorSpec.read(Path.of(require(o, "connector-file")));
        int limit = Integer.parseInt(o.getOrDefault("limit", "1000"));
        DefenderClient client = spec.client(env::get);
        out.println(ScopePreview.preview(client, spec.scope(), limit).toPrettyString());
        return 0;
    }

    private int importPush(Map<String, String> o) throws Exception {
        String project = require(o, "project");
        Path file = Path.of(require(o, "file"));
        try (Database db = database(o.get("db"));
                InputStream in = Files.newInputStream(file)) {
            RunSummary summary = new PushImport(db.dataSource(), Clock.systemUTC()).run(project, in);
            out.println(summary.json().toString());
            return summary.succeeded() ? 0 : 1;
        }
    }

    /**
     * {@code rampart risk}: recomputes the risk of every asset of a project, as a run does for the assets it changes
     * (after an upgrade of the model, or to time it: scripts/risk-bench.sh), and prints what it did.
     */
    private int risk(Map<String, String> o) throws Exception {
        String project = require(o, "project");
        try (Database db = database(o.get("db"))) {
            long projectId = new dev.rampart.app.project.Projects(db.dataSource()).require(project);
            long t0 = System.nanoTime();
            dev.rampart.app.risk.RiskService.Update u =
                    dev.rampart.app.database.Transactions.run(db.dataSource(), tx -> {
                        dev.rampart.app.project.Projects.lockForChange(tx, projectId);
                        return dev.rampart.app.risk.RiskService.update(
                                tx,
                                projectId,
                                null,
                                java.time.Instant.now(),
                                dev.rampart.app.risk.RiskService.Scope.ALL);
                    });
            var json = tools.jackson.databind.json.JsonMapper.builder().build().createObjectNode();
            json.put("project", project);
            json.put("riskComputed", u.computed());
            json.put("riskRaised", u.raised());
            json.put("riskLowered", u.lowered());
            json.put("durationMs", (System.nanoTime() - t0) / 1_000_000);
            out.println(json);
            return 0;
        }
    }

    private static String require(Map<String, String> o, String name) {
        String v = o.get(name);
        if (v == null || v.isBlank()) {
            throw new UsageException("--" + name + " is required");
        }
        return v;
    }

    /**
     * {@code query}: runs a query in the project and prints one JSON object per row (keys: the column names). A query
     * that is not valid exits 2 with where and what was expected; one cut at the row limit says so on stderr.
     */
    private int query(String[] args) throws Exception {
        List<String> options = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (int i = 1; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                options.add(args[i]);
                if (!args[i].contains("=") && !args[i].equals("--list") && i + 1 < args.length) {
                    options.add(args[++i]);
                }
            } else {
                text.append(text.length() == 0 ? "" : " ").append(args[i]);
            }
        }
        Map<String, String> o = options(
                options.toArray(String[]::new), 0, Set.of("project", "db", "max-rows", "saved"), Set.of("list"));
        String project = require(o, "project");
        boolean list = o.containsKey("list");
        String saved = o.get("saved");
        if ((text.length() > 0 ? 1 : 0) + (list ? 1 : 0) + (saved != null ? 1 : 0) != 1) {
            throw new UsageException("query takes one of: the query as its argument (e.g. \"FIND Device WITH active ="
                    + " true\"), --saved NAME, or --list");
        }
        int maxRows;
        try {
            maxRows = Integer.parseInt(o.getOrDefault("max-rows", "100000"));
        } catch (NumberFormatException e) {
            throw new UsageException("--max-rows takes a number");
        }
        try (Database db = database(o.get("db"))) {
            long projectId = new dev.rampart.app.project.Projects(db.dataSource()).require(project);
            var service = new dev.rampart.app.query.QueryService(
                    db.dataSource(), null, maxRows, java.time.Duration.ofMinutes(5), Clock.systemUTC());
            var json = tools.jackson.databind.json.JsonMapper.builder().build();
            List<dev.rampart.app.security.SavedTexts.Saved> all =
                    list || saved != null ? service.saved().all(projectId) : List.of();
            if (list) {
                for (var q : all) {
                    out.println(json.writeValueAsString(q));
                }
                return 0;
            }
            String queryText = text.toString();
            if (saved != null) {
                queryText = all.stream()
                        .filter(q -> q.name().equals(saved))
                        .findFirst()
                        .orElseThrow(() -> new UsageException(
                                "the project has no saved query named '" + saved + "' (--list shows them)"))
                        .query();
            }
            dev.rampart.app.query.QueryService.Answer answer;
            try {
                answer = service.run(projectId, queryText);
            } catch (dev.rampart.app.web.ApiProblem e) {
                err.println("rampart: " + e.getMessage());
                return "query-invalid".equals(e.slug()) ? 2 : 1;
            }
            for (List<Object> row : answer.rows()) {
                var line = json.createObjectNode();
                for (int i = 0; i < row.size(); i++) {
                    line.set(answer.columns().get(i).name(), json.valueToTree(row.get(i)));
                }
                out.println(json.writeValueAsString(line));
            }
            if (answer.truncated()) {
                err.println("rampart: the answer was cut at " + maxRows + " rows (--max-rows)");
            }
            return 0;
        }
    }

    private void usage() {
        List<String> lines = new ArrayList<>();
        lines.add("usage: rampart sync --connector-file connector.json [--db JDBC_URL] [--full|--incremental]");
        lines.add("       rampart export assets|findings|events [--db JDBC_URL] [--format jsonl|csv] [--project KEY]");
        lines.add("       rampart export graph --project KEY [--db JDBC_URL] [--format json|graphml|neo4j]");
        lines.add("       rampart preview --connector-file connector.json [--limit N]");
        lines.add("       rampart import --project KEY --file import.json [--db JDBC_URL]");
        lines.add("       rampart serve [--port P] [--address A] [--db JDBC_URL] [--rampart.setting=value ...]");
        lines.add("       rampart demo [--devices N] [--port P] [--address A]");
        lines.add("       rampart user add|passwd|unlock|delete --name NAME [--admin] [--password-file F]; user list");
        lines.add(
                "       rampart member set --user NAME --project KEY --role ROLE; member remove --user NAME --project KEY");
        lines.add("       rampart token create --user NAME --project KEY --role ROLE [--name N] [--days D];"
                + " token list --project KEY; token revoke --id ID");
        lines.add("       rampart key rotate");
        lines.add(
                "       rampart action isolate|release|scan --project KEY --asset ID --reason R [--isolation-type"
                        + " Full|Selective] [--scan-type Quick|Full] [--wait] [--server URL]; action status --project KEY --id N");
        lines.add("       rampart risk --project KEY [--db JDBC_URL]   (recomputes every asset's risk)");
        lines.add(
                "       rampart query --project KEY [--db JDBC_URL] [--max-rows N] \"FIND ...\" | --saved NAME | --list"
                        + "   (JSON lines; docs/queries.md)");
        lines.add("       (actions go through a running server: RAMPART_URL, default http://127.0.0.1:8080, and an API"
                + " token in RAMPART_TOKEN or --token-file)");
        lines.add("Without --db: the embedded PostgreSQL in $RAMPART_HOME (default ~/.rampart). See docs/sync.md.");
        lines.forEach(err::println);
    }
}
