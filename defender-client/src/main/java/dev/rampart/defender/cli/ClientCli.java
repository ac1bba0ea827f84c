package dev.rampart.defender.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rampart.defender.Cloud;
import dev.rampart.defender.Credential;
import dev.rampart.defender.DefenderClient;
import dev.rampart.defender.DefenderClientBuilder;
import dev.rampart.defender.PagedIterable;
import dev.rampart.defender.VerifyResult;
import dev.rampart.defender.error.AuthenticationException;
import dev.rampart.defender.error.DefenderException;
import dev.rampart.defender.http.CallStats;
import dev.rampart.defender.model.HuntingResult;
import dev.rampart.defender.model.Machine;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code rampart verify} and {@code rampart pull}: what Defender returns, from the command line. Secrets are never
 * taken as arguments: {@code --secret-env NAME} or {@code --secret-file PATH}, or a certificate file.
 *
 * <pre>
 * rampart verify --tenant T --client C --secret-env VAR [--cloud global|us|...|gcc-high|dod | --sandbox URL] [--json]
 * rampart pull machines|vulnerabilities|machine-vulnerabilities|software|alerts|logon-users|users|groups
 *              [same options] [--via paged|export-json|export-files|hunting] [--since ISO] [--page-size N] [--limit N]
 * </pre>
 */
public final class ClientCli {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> DATA_SETS = List.of(
            "machines",
            "vulnerabilities",
            "machine-vulnerabilities",
            "software",
            "alerts",
            "logon-users",
            "users",
            "groups");

    private ClientCli() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, System::getenv));
    }

    /** Runs a command; returns the exit code. {@code env} reads environment variables (replaceable in tests). */
    public static int run(String[] args, PrintStream out, PrintStream err, Function<String, String> env) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("help")) {
            usage(out);
            return 0;
        }
        String command = args[0];
        Map<String, String> opts;
        String dataSet = null;
        try {
            int from = 1;
            if (command.equals("pull")) {
                if (args.length < 2 || !DATA_SETS.contains(args[1])) {
                    throw new IllegalArgumentException("pull what? one of " + String.join(", ", DATA_SETS));
                }
                dataSet = args[1];
                from = 2;
            } else if (!command.equals("verify")) {
                throw new IllegalArgumentException("unknown command '" + command + "'");
            }
            opts = options(args, from);
        } catch (IllegalArgumentException e) {
            err.println("rampart: " + e.getMessage());
            usage(err);
            return 2;
        }
        DefenderClient client;
        try {
            client = client(opts, env);
        } catch (IllegalArgumentException e) {
            err.println("rampart " + command + ": " + e.getMessage());
            return 2;
        }
        try {
            return command.equals("verify")
                    ? verify(client, opts.containsKey("json"), out)
                    : pull(client, dataSet, opts, out, err);
        } catch (AuthenticationException e) {
            err.println("rampart " + command + ": " + e.sentence());
            return 1;
        } catch (DefenderException e) {
            err.println("rampart " + command + ": " + e.getMessage());
            return 1;
        } catch (IllegalArgumentException e) {
            err.println("rampart " + command + ": " + e.getMessage());
            return 2;
        }
    }

    private static final List<String> FLAGS = List.of("json");
    private static final List<String> VALUED = List.of(
            "tenant",
            "client",
            "secret-env",
            "secret-file",
            "cert-file",
            "cert-password-env",
            "cloud",
            "sandbox",
            "via",
            "since",
            "page-size",
            "limit",
            "defender-scope");

    static Map<String, String> options(String[] args, int from) {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "'");
            }
            String name = a.substring(2);
            if (name.equals("secret") || name.equals("client-secret")) {
                throw new IllegalArgumentException("secrets are not taken on the command line (they would land in"
                        + " shell history and process lists): use --secret-env NAME or --secret-file PATH");
            }
            if (FLAGS.contains(name)) {
                opts.put(name, "true");
            } else if (VALUED.contains(name)) {
                if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                    throw new IllegalArgumentException(a + " needs a value");
                }
                opts.put(name, args[++i]);
            } else {
                throw new IllegalArgumentException("unknown option '" + a + "'");
            }
        }
        for (String required : List.of("tenant", "client")) {
            if (!opts.containsKey(required)) {
                throw new IllegalArgumentException("--" + required + " is required");
            }
        }
        return opts;
    }

    static DefenderClient client(Map<String, String> opts, Function<String, String> env) {
        DefenderClientBuilder b = new DefenderClientBuilder()
                .tenantId(opts.get("tenant"))
                .clientId(opts.get("client"))
                .credential(credential(opts, env))
                .component("Cli");
        if (opts.containsKey("cloud")) {
            b.cloud(Cloud.parse(opts.get("cloud")));
        }
        if (opts.containsKey("sandbox")) {
            b.sandbox(URI.create(opts.get("sandbox")));
        }
        if (opts.containsKey("defender-scope")) {
            b.defenderScope(opts.get("defender-scope"));
        }
        return b.build();
    }

    private static Credential credential(Map<String, String> opts, Function<String, String> env) {
        if (opts.containsKey("secret-env")) {
            String v = env.apply(opts.get("secret-env"));
            if (v == null || v.isBlank()) {
                throw new IllegalArgumentException(
                        "the environment variable " + opts.get("secret-env") + " is not set");
            }
            return Credential.secret(v.trim());
        }
        if (opts.containsKey("secret-file")) {
            try {
                return Credential.secret(Files.readString(Path.of(opts.get("secret-file")), StandardCharsets.UTF_8)
                        .trim());
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        "cannot read the secret file " + opts.get("secret-file") + ": " + e.getMessage());
            }
        }
        if (opts.containsKey("cert-file")) {
            Path p = Path.of(opts.get("cert-file"));
            String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".pfx") || name.endsWith(".p12")) {
                String pw = opts.containsKey("cert-password-env") ? env.apply(opts.get("cert-password-env")) : "";
                return Credential.pkcs12(p, (pw == null ? "" : pw).toCharArray());
            }
            return Credential.pem(p);
        }
        throw new IllegalArgumentException(
                "give a credential: --secret-env NAME, --secret-file PATH or --cert-file PATH");
    }

    // ------------------------------------------------------------------ verify

    static int verify(DefenderClient client, boolean json, PrintStream out) {
        VerifyResult r = client.verify();
        if (json) {
            out.println(r.toJson().toString());
        } else {
            print(r, out);
        }
        if (!r.signedIn()) {
            return 1;
        }
        return r.permissionMissing() ? 2 : r.allOk() ? 0 : 1;
    }

    private static void print(VerifyResult r, PrintStream out) {
        for (var t : List.of(Map.entry("Defender", r.defenderToken()), Map.entry("Graph", r.graphToken()))) {
            VerifyResult.TokenFacts f = t.getValue();
            if (f.ok()) {
                out.printf(
                        Locale.ROOT,
                        "%-8s token: tenant %s, expires %s, roles %s%n",
                        t.getKey(),
                        f.tenantId(),
                        f.expiresOn(),
                        f.roles().isEmpty() ? "(none)" : String.join(", ", f.roles()));
            } else {
                out.printf(Locale.ROOT, "%-8s token: NONE: %s%n", t.getKey(), f.error());
            }
        }
        for (VerifyResult.Check c : r.checks()) {
            String mark =
                    switch (c.status()) {
                        case OK -> "ok     ";
                        case MISSING_PERMISSION -> "MISSING";
                        case ERROR -> "ERROR  ";
                    };
            out.printf(
                    Locale.ROOT,
                    "%s %-20s %s%s%n",
                    mark,
                    c.dataSet(),
                    c.message(),
                    c.guide() == null ? "" : " (see " + c.guide() + ")");
        }
    }

    // ------------------------------------------------------------------ pull

    static int pull(DefenderClient client, String dataSet, Map<String, String> opts, PrintStream out, PrintStream err) {
        String via = opts.getOrDefault("via", "paged");
        int pageSize = Integer.parseInt(opts.getOrDefault("page-size", "50000"));
        long limit = Long.parseLong(opts.getOrDefault("limit", "0"));
        Instant since = opts.containsKey("since") ? Instant.parse(opts.get("since")) : null;
        CallStats.Snapshot before = client.stats().snapshot();
        long started = System.nanoTime();
        long[] items = {0};
        long[] pages = {0};
        long[] duplicates = {0, 0, 0}; // repeats dropped, items recovered by the overlap, possible gaps
        Function<Object, Boolean> emit = item -> {
            out.println(((ObjectNode) raw(item)).toString());
            items[0]++;
            return limit == 0 || items[0] < limit;
        };
        switch (dataSet + "|" + via) {
            case "machines|paged" -> pages(client.listMachines(), emit, pages, duplicates);
            case "vulnerabilities|paged" -> pages(client.listVulnerabilities(), emit, pages, duplicates);
            case "machine-vulnerabilities|paged" -> pages(client.listMachineVulnerabilities(), emit, pages, duplicates);
            case "machine-vulnerabilities|export-json" -> pages(
                    since == null
                            ? client.exportVulnerabilities(pageSize)
                            : client.exportVulnerabilityChanges(since, pageSize),
                    emit,
                    pages,
                    duplicates);
            case "machine-vulnerabilities|export-files" -> each(client.exportVulnerabilityFiles(), emit);
            case "software|paged" -> pages(client.listSoftware(), emit, pages, duplicates);
            case "software|export-json" -> pages(client.exportSoftwareInventory(pageSize), emit, pages, duplicates);
            case "software|export-files" -> each(client.exportSoftwareInventoryFiles(), emit);
            case "alerts|paged" -> pages(client.listAlerts(since, true), emit, pages, duplicates);
            case "logon-users|paged" -> {
                for (Machine m : client.listMachines("onboardingStatus eq 'Onboarded'")) {
                    for (var u : client.listLogonUsers(m.id())) {
                        ObjectNode row = u.raw();
                        row.put("machineId", m.id());
                        if (!emit.apply(row)) {
                            break;
                        }
                    }
                    if (limit > 0 && items[0] >= limit) {
                        break;
                    }
                }
            }
            case "logon-users|hunting" -> {
                HuntingResult h = client.hunt("DeviceInfo | where Timestamp > ago(7d) | summarize arg_max(Timestamp, *)"
                        + " by DeviceId | project DeviceId, DeviceName, LoggedOnUsers");
                each(logonRows(h), emit);
            }
            case "users|paged" -> pages(client.listUsers(), emit, pages, duplicates);
            case "groups|paged" -> pages(client.listGroups(), emit, pages, duplicates);
            default -> throw new IllegalArgumentException("'" + dataSet + "' cannot be pulled --via " + via);
        }
        out.flush();
        CallStats.Snapshot s = client.stats().snapshot().minus(before);
        err.printf(
                Locale.ROOT,
                "pulled %d %s in %s: %d pages, %d duplicates dropped, %d recovered, %d possible gaps, %d calls, %d retries,"
                        + " %d throttled (429), %d limiter waits, %.1f s waited, %d bytes%n",
                items[0],
                dataSet,
                Duration.ofNanos(System.nanoTime() - started).toMillis() / 1000.0 + " s",
                pages[0],
                duplicates[0],
                duplicates[1],
                duplicates[2],
                s.calls(),
                s.retries(),
                s.throttled(),
                s.limiterWaits(),
                s.waited().toMillis() / 1000.0,
                s.bytes());
        return 0;
    }

    /** One row per (device, user) from DeviceInfo's LoggedOnUsers, a JSON array held in a string. */
    static List<ObjectNode> logonRows(HuntingResult h) {
        List<ObjectNode> rows = new java.util.ArrayList<>();
        for (int i = 0; i < h.rowCount(); i++) {
            String users = h.text(i, "LoggedOnUsers");
            if (users == null || users.isBlank()) {
                continue;
            }
            com.fasterxml.jackson.databind.JsonNode list;
            try {
                list = JSON.readTree(users);
            } catch (IOException e) {
                throw new IllegalArgumentException("LoggedOnUsers of device " + h.text(i, "DeviceId") + " is not JSON");
            }
            for (com.fasterxml.jackson.databind.JsonNode u : list) {
                ObjectNode row = JSON.createObjectNode();
                row.put("machineId", h.text(i, "DeviceId"));
                row.put("deviceName", h.text(i, "DeviceName"));
                row.put("accountName", u.path("UserName").asText(null));
                row.put("accountDomain", u.path("DomainName").asText(null));
                row.put("accountSid", u.path("Sid").asText(null));
                rows.add(row);
            }
        }
        return rows;
    }

    private static Object raw(Object item) {
        if (item instanceof ObjectNode n) {
            return n;
        }
        try {
            return item.getClass().getMethod("raw").invoke(item);
        } catch (ReflectiveOperationException e) {
            return JSON.valueToTree(item);
        }
    }

    /** Streams the items (one in memory at a time, whatever the page size) and records pages and repeats dropped. */
    private static <T> void pages(
            PagedIterable<T> list, Function<Object, Boolean> emit, long[] pages, long[] duplicates) {
        PagedIterable.Items<T> items = list.iterator();
        try {
            while (items.hasNext()) {
                if (!emit.apply(items.next())) {
                    return;
                }
            }
        } finally {
            pages[0] = items.pages();
            duplicates[0] = items.duplicates();
            duplicates[1] = items.recovered();
            duplicates[2] = items.possibleGaps();
        }
    }

    private static <T> void each(Iterable<T> items, Function<Object, Boolean> emit) {
        for (T item : items) {
            if (!emit.apply(item)) {
                return;
            }
        }
    }

    private static void usage(PrintStream s) {
        s.println(
                "usage: rampart verify --tenant T --client C (--secret-env VAR | --secret-file PATH | --cert-file PATH)");
        s.println(
                "                      [--cloud global|us|eu|uk|au|swa|ina|aea|gcc|gcc-high|dod | --sandbox URL] [--json]");
        s.println("       rampart pull " + String.join("|", DATA_SETS));
        s.println("                      [same options] [--via paged|export-json|export-files|hunting] [--since ISO]");
        s.println("                      [--page-size N] [--limit N]");
        s.println("Exit codes (verify): 0 all data sets reachable, 2 a permission is missing, 1 no token or an error.");
    }
}
