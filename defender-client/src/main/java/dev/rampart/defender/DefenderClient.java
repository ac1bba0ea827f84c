package dev.rampart.defender;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rampart.defender.error.ActionPendingException;
import dev.rampart.defender.error.DecodeException;
import dev.rampart.defender.error.DefenderException;
import dev.rampart.defender.http.CallStats;
import dev.rampart.defender.http.HttpPipeline;
import dev.rampart.defender.http.HttpPipeline.Auth;
import dev.rampart.defender.http.RateLimiter;
import dev.rampart.defender.http.RateLimiter.Quota;
import dev.rampart.defender.http.RetryPolicy;
import dev.rampart.defender.http.Transport;
import dev.rampart.defender.model.Alert;
import dev.rampart.defender.model.DirectoryGroup;
import dev.rampart.defender.model.DirectoryObject;
import dev.rampart.defender.model.DirectoryUser;
import dev.rampart.defender.model.ExportVulnerability;
import dev.rampart.defender.model.HuntingResult;
import dev.rampart.defender.model.LogonUser;
import dev.rampart.defender.model.Machine;
import dev.rampart.defender.model.MachineAction;
import dev.rampart.defender.model.MachineVulnerability;
import dev.rampart.defender.model.Organization;
import dev.rampart.defender.model.Software;
import dev.rampart.defender.model.SoftwareInventoryRow;
import dev.rampart.defender.model.Vulnerability;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;

/**
 * A typed client for Microsoft Defender for Endpoint, Entra ID and Microsoft Graph, for one tenant and one app
 * registration. Immutable and thread-safe; build it with {@link DefenderClientBuilder}. Lists are lazy
 * {@link PagedIterable}s; errors are unchecked {@link DefenderException}s. Read-only towards Defender except the
 * machine actions (isolate, release, antivirus scan).
 */
public final class DefenderClient {
    static final ObjectMapper JSON = new ObjectMapper();

    // Quotas: REFERENCE.md section 16. Undocumented ones are budgeted at 100/min and 1,500/h, as section 16 advises.
    static final Quota STANDARD = new Quota(100, 1500);
    static final Quota MACHINE_VULNERABILITIES = new Quota(50, 1500);
    static final Quota EXPORT_JSON = new Quota(30, 1000);
    static final Quota EXPORT_FILES = new Quota(5, 20);
    static final Quota HUNTING = new Quota(45, 1500);

    /**
     * How many items each next {@code $skip} page re-reads from the end of the previous one: devices that move up the
     * list between two pages (because earlier ones left it) are read instead of silently skipped, at the cost of 1 % of
     * a 10,000-item page.
     */
    static final int SKIP_OVERLAP = 100;

    static final List<String> MACHINE_READ = List.of("Machine.Read.All", "Machine.ReadWrite.All");
    static final List<String> VULNERABILITY_READ = List.of("Vulnerability.Read.All");
    static final List<String> SOFTWARE_READ = List.of("Software.Read.All");
    static final List<String> ALERT_READ = List.of("Alert.Read.All", "Alert.ReadWrite.All");
    static final List<String> USER_READ = List.of("User.Read.All");
    static final List<String> HUNTING_LEGACY = List.of("AdvancedQuery.Read.All");
    static final List<String> GRAPH_HUNTING = List.of("ThreatHunting.Read.All");
    static final List<String> GRAPH_ORGANIZATION = List.of("Organization.Read.All", "Directory.Read.All");
    static final List<String> GRAPH_USERS = List.of("User.Read.All", "Directory.Read.All");
    static final List<String> GRAPH_GROUPS = List.of("GroupMember.Read.All", "Group.Read.All", "Directory.Read.All");

    private final String tenantId;
    private final String clientId;
    private final Cloud cloud;
    private final URI api;
    private final URI graph;
    private final HttpPipeline pipeline;
    private final RetryPolicy retry;
    private final RateLimiter.Sleeper sleeper;

    DefenderClient(
            String tenantId,
            String clientId,
            Cloud cloud,
            URI api,
            URI graph,
            HttpPipeline pipeline,
            RetryPolicy retry,
            RateLimiter.Sleeper sleeper) {
        this.tenantId = tenantId;
        this.clientId = clientId;
        this.cloud = cloud;
        this.api = api;
        this.graph = graph;
        this.pipeline = pipeline;
        this.retry = retry;
        this.sleeper = sleeper;
    }

    public String tenantId() {
        return tenantId;
    }

    public String clientId() {
        return clientId;
    }

    public Cloud cloud() {
        return cloud;
    }

    /** Calls, retries, throttle waits and bytes since the client was built; subtract two snapshots for one run. */
    public CallStats stats() {
        return pipeline.stats();
    }

    HttpPipeline pipeline() {
        return pipeline;
    }

    // ------------------------------------------------------------------ URLs and plumbing

    URI api(String pathAndQuery) {
        return URI.create(api + pathAndQuery);
    }

    URI graph(String pathAndQuery) {
        return URI.create(graph + pathAndQuery);
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private <T> PagedIterable<T> list(
            URI uri,
            String endpoint,
            Quota quota,
            Auth auth,
            List<String> roles,
            Function<JsonNode, T> mapper,
            Function<T, String> key) {
        // Defender's lists page with $skip (a key is given for them): read each next page with an overlap
        int overlap = key != null && auth == Auth.DEFENDER ? SKIP_OVERLAP : 0;
        return new PagedIterable<>(
                pipeline,
                HttpPipeline.Call.get(uri, endpoint, quota, auth, roles),
                mapper,
                key,
                retry.maxRetries(),
                overlap);
    }

    JsonNode getJson(URI uri, String endpoint, Quota quota, Auth auth, List<String> roles) {
        return json(HttpPipeline.Call.get(uri, endpoint, quota, auth, roles));
    }

    JsonNode json(HttpPipeline.Call call) {
        for (int attempt = 0; ; attempt++) {
            try (Transport.Response r = pipeline.execute(call)) {
                return JSON.readTree(r.body());
            } catch (IOException e) {
                if (attempt >= retry.maxRetries()) {
                    throw new DecodeException(
                            "the answer of " + call.endpoint() + " could not be decoded: " + e.getMessage(),
                            200,
                            null,
                            call.method(),
                            HttpPipeline.redact(call.uri()),
                            e);
                }
            }
        }
    }

    private JsonNode post(URI uri, String endpoint, Quota quota, Auth auth, List<String> roles, JsonNode body) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return json(new HttpPipeline.Call("POST", uri, endpoint, quota, auth, bytes, roles));
    }

    // ------------------------------------------------------------------ machines

    /** All machines, 10,000 a page ({@code $skip} paging, repeats across pages dropped). */
    public PagedIterable<Machine> listMachines() {
        return listMachines(null);
    }

    /** Machines matching an OData filter, e.g. {@code healthStatus ne 'Inactive'}. */
    public PagedIterable<Machine> listMachines(String filter) {
        String q = filter == null ? "" : "?$filter=" + enc(filter);
        return list(
                api("/api/machines" + q),
                "machines",
                STANDARD,
                Auth.DEFENDER,
                MACHINE_READ,
                Machine::from,
                Machine::id);
    }

    public Machine getMachine(String idOrName) {
        return Machine.from(
                getJson(api("/api/machines/" + enc(idOrName)), "machine", STANDARD, Auth.DEFENDER, MACHINE_READ));
    }

    public List<LogonUser> listLogonUsers(String machineId) {
        List<LogonUser> out = new ArrayList<>();
        list(
                        api("/api/machines/" + enc(machineId) + "/logonusers"),
                        "logonusers",
                        STANDARD,
                        Auth.DEFENDER,
                        USER_READ,
                        LogonUser::from,
                        null)
                .forEach(out::add);
        return out;
    }

    // ------------------------------------------------------------------ vulnerabilities and software

    /** The CVE catalog of the organization, 8,000 a page. */
    public PagedIterable<Vulnerability> listVulnerabilities() {
        return list(
                api("/api/vulnerabilities"),
                "vulnerabilities",
                STANDARD,
                Auth.DEFENDER,
                VULNERABILITY_READ,
                Vulnerability::from,
                Vulnerability::id);
    }

    /** Device x CVE x product rows, 10,000 a page; at scale prefer the exports. */
    public PagedIterable<MachineVulnerability> listMachineVulnerabilities() {
        return list(
                api("/api/vulnerabilities/machinesVulnerabilities"),
                "machinesvulnerabilities",
                STANDARD,
                Auth.DEFENDER,
                VULNERABILITY_READ,
                MachineVulnerability::from,
                MachineVulnerability::id);
    }

    /** The full software vulnerabilities export, paged with {@code $skiptoken} (pageSize 1 to 200,000). */
    public PagedIterable<ExportVulnerability> exportVulnerabilities(int pageSize) {
        return list(
                api("/api/machines/SoftwareVulnerabilitiesByMachine?pageSize=" + pageSize(pageSize)),
                "SoftwareVulnerabilitiesByMachine",
                EXPORT_JSON,
                Auth.DEFENDER,
                VULNERABILITY_READ,
                ExportVulnerability::from,
                null);
    }

    /** The delta export since a time at most 14 days back: rows with status New, Fixed or Updated. */
    public PagedIterable<ExportVulnerability> exportVulnerabilityChanges(Instant since, int pageSize) {
        return list(
                api("/api/machines/SoftwareVulnerabilityChangesByMachine?pageSize=" + pageSize(pageSize) + "&sinceTime="
                        + enc(DateTimeFormatter.ISO_INSTANT.format(since))),
                "SoftwareVulnerabilityChangesByMachine",
                EXPORT_JSON,
                Auth.DEFENDER,
                VULNERABILITY_READ,
                ExportVulnerability::from,
                null);
    }

    /** The software inventory export, paged with {@code $skiptoken}. */
    public PagedIterable<SoftwareInventoryRow> exportSoftwareInventory(int pageSize) {
        return list(
                api("/api/machines/SoftwareInventoryByMachine?pageSize=" + pageSize(pageSize)),
                "SoftwareInventoryByMachine",
                EXPORT_JSON,
                Auth.DEFENDER,
                SOFTWARE_READ,
                SoftwareInventoryRow::from,
                null);
    }

    private static int pageSize(int n) {
        if (n < 1 || n > 200_000) {
            throw new IllegalArgumentException("pageSize must be between 1 and 200,000");
        }
        return n;
    }

    public PagedIterable<Software> listSoftware() {
        return list(
                api("/api/software"), "software", STANDARD, Auth.DEFENDER, SOFTWARE_READ, Software::from, Software::id);
    }

    /**
     * The software vulnerabilities export through files: asks for the export, then streams each gzip JSON-lines file in
     * turn, one row in memory at a time. When a download URL has expired, asks for a new export and carries on with the
     * same file.
     */
    public Iterable<ExportVulnerability> exportVulnerabilityFiles() {
        return () -> new ExportFileIterator<>(
                "SoftwareVulnerabilitiesExport", VULNERABILITY_READ, ExportVulnerability::from);
    }

    /** The software inventory export through files. */
    public Iterable<SoftwareInventoryRow> exportSoftwareInventoryFiles() {
        return () -> new ExportFileIterator<>("SoftwareInventoryExport", SOFTWARE_READ, SoftwareInventoryRow::from);
    }

    /** The download URLs of a fresh file export. */
    List<String> exportFiles(String export, List<String> roles) {
        JsonNode body = getJson(
                api("/api/machines/" + export + "?sasValidHours=6"), export, EXPORT_FILES, Auth.DEFENDER, roles);
        List<String> urls = new ArrayList<>();
        body.path("exportFiles").forEach(u -> urls.add(u.asText()));
        if (!body.has("exportFiles")) {
            throw new DecodeException("the export answer has no exportFiles", 200, null, "GET", export, null);
        }
        return urls;
    }

    private final class ExportFileIterator<T> extends Lookahead<T> {
        private final String export;
        private final List<String> roles;
        private final Function<JsonNode, T> mapper;
        private List<String> urls;
        private int file;
        private BufferedReader reader;
        private Transport.Response response;

        ExportFileIterator(String export, List<String> roles, Function<JsonNode, T> mapper) {
            this.export = export;
            this.roles = roles;
            this.mapper = mapper;
        }

        @Override
        protected T compute() {
            while (true) {
                try {
                    if (reader == null && !open()) {
                        return null;
                    }
                    String line = reader.readLine();
                    if (line == null) {
                        closeFile();
                        file++;
                        continue;
                    }
                    if (!line.isBlank()) {
                        return mapper.apply(JSON.readTree(line));
                    }
                } catch (IOException e) {
                    closeFile();
                    throw new DecodeException(
                            "export file " + (file + 1) + " of " + export + " could not be read: " + e.getMessage(),
                            200,
                            null,
                            "GET",
                            export,
                            e);
                }
            }
        }

        private boolean open() {
            if (urls == null) {
                urls = exportFiles(export, roles);
            }
            if (file >= urls.size()) {
                return false;
            }
            HttpPipeline.Call call =
                    HttpPipeline.Call.get(URI.create(urls.get(file)), "exportfile", Quota.NONE, Auth.NONE, roles);
            try {
                response = pipeline.execute(call);
            } catch (DefenderException e) {
                if (e.status() != 403) {
                    throw e;
                }
                // the download URL expired (Azure answers 403 AuthenticationFailed): ask for a new export
                urls = exportFiles(export, roles);
                if (file >= urls.size()) {
                    return false;
                }
                response = pipeline.execute(
                        HttpPipeline.Call.get(URI.create(urls.get(file)), "exportfile", Quota.NONE, Auth.NONE, roles));
            }
            try {
                reader = new BufferedReader(
                        new InputStreamReader(new GZIPInputStream(response.body(), 64 * 1024), StandardCharsets.UTF_8));
            } catch (IOException e) {
                closeFile();
                throw new DecodeException(
                        "export file " + (file + 1) + " of " + export + " is not gzip", 200, null, "GET", export, e);
            }
            return true;
        }

        private void closeFile() {
            try {
                if (response != null) {
                    response.close();
                }
            } catch (IOException e) {
                // closing a finished download: nothing to recover
            }
            reader = null;
            response = null;
        }
    }

    // ------------------------------------------------------------------ alerts

    /** Alerts last updated at or after {@code since} (all when null), optionally with evidence. */
    public PagedIterable<Alert> listAlerts(Instant since, boolean withEvidence) {
        StringBuilder q = new StringBuilder();
        if (since != null) {
            q.append("$filter=").append(enc("lastUpdateTime ge " + DateTimeFormatter.ISO_INSTANT.format(since)));
        }
        if (withEvidence) {
            q.append(q.length() == 0 ? "" : "&").append("$expand=evidence");
        }
        return list(
                api("/api/alerts" + (q.length() == 0 ? "" : "?" + q)),
                "alerts",
                STANDARD,
                Auth.DEFENDER,
                ALERT_READ,
                Alert::from,
                Alert::id);
    }

    // ------------------------------------------------------------------ machine actions

    public enum IsolationType {
        FULL("Full"),
        SELECTIVE("Selective");

        final String api;

        IsolationType(String api) {
            this.api = api;
        }
    }

    public enum ScanType {
        QUICK("Quick"),
        FULL("Full");

        final String api;

        ScanType(String api) {
            this.api = api;
        }
    }

    private static String requireComment(String comment) {
        if (comment == null || comment.isBlank()) {
            throw new IllegalArgumentException("a comment (the reason for the action) is required");
        }
        return comment;
    }

    public MachineAction isolate(String machineId, IsolationType type, String comment) {
        ObjectNode body =
                JSON.createObjectNode().put("Comment", requireComment(comment)).put("IsolationType", type.api);
        return action(machineId, "isolate", "Isolate", List.of("Machine.Isolate"), body);
    }

    public MachineAction unisolate(String machineId, String comment) {
        ObjectNode body = JSON.createObjectNode().put("Comment", requireComment(comment));
        return action(machineId, "unisolate", "Unisolate", List.of("Machine.Isolate"), body);
    }

    public MachineAction runAntivirusScan(String machineId, ScanType type, String comment) {
        ObjectNode body =
                JSON.createObjectNode().put("Comment", requireComment(comment)).put("ScanType", type.api);
        return action(machineId, "runAntiVirusScan", "RunAntiVirusScan", List.of("Machine.Scan"), body);
    }

    private MachineAction action(String machineId, String path, String type, List<String> roles, JsonNode body) {
        try {
            return MachineAction.from(post(
                    api("/api/machines/" + enc(machineId) + "/" + path), path, STANDARD, Auth.DEFENDER, roles, body));
        } catch (ActionPendingException e) {
            String pending = null;
            for (MachineAction a : listMachineActions("machineId eq '" + machineId + "' and type eq '" + type + "'")) {
                if (a.isPending()) {
                    pending = a.id();
                }
            }
            throw new ActionPendingException(
                    "A " + type + " action is already pending for machine " + machineId
                            + (pending == null ? "" : " (action " + pending + "): follow it rather than asking again"),
                    pending,
                    e.requestId(),
                    e.method(),
                    e.url(),
                    e.errorMessage());
        }
    }

    public MachineAction getMachineAction(String id) {
        return MachineAction.from(
                getJson(api("/api/machineactions/" + enc(id)), "machineaction", STANDARD, Auth.DEFENDER, MACHINE_READ));
    }

    /** Machine actions, optionally filtered (e.g. {@code machineId eq '...' and status eq 'Pending'}). */
    public PagedIterable<MachineAction> listMachineActions(String filter) {
        String q = filter == null ? "" : "?$filter=" + enc(filter);
        return list(
                api("/api/machineactions" + q),
                "machineactions",
                STANDARD,
                Auth.DEFENDER,
                MACHINE_READ,
                MachineAction::from,
                MachineAction::id);
    }

    /**
     * Follows an action until it ends (Succeeded, Failed, TimeOut or Cancelled) or the timeout passes; returns its last
     * state either way.
     */
    public MachineAction awaitAction(String id, Duration pollInterval, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            MachineAction a = getMachineAction(id);
            if (a.isCompleted() || System.nanoTime() >= deadline) {
                return a;
            }
            try {
                sleeper.sleep(pollInterval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return a;
            }
        }
    }

    // ------------------------------------------------------------------ hunting

    /**
     * Runs an advanced hunting query through Graph's {@code security/runHuntingQuery}, or, when the app lacks Graph's
     * ThreatHunting.Read.All, through Defender's legacy {@code advancedqueries/run} (being retired).
     */
    public HuntingResult hunt(String kql) {
        try {
            return huntGraph(kql);
        } catch (dev.rampart.defender.error.PermissionException e) {
            return huntLegacy(kql);
        }
    }

    /** Graph's {@code security/runHuntingQuery} only. */
    public HuntingResult huntGraph(String kql) {
        ObjectNode body = JSON.createObjectNode().put("Query", kql);
        return HuntingResult.from(post(
                graph("/security/runHuntingQuery"), "runHuntingQuery", Quota.NONE, Auth.GRAPH, GRAPH_HUNTING, body));
    }

    /** The legacy Defender advanced hunting API only (being retired from January 2026). */
    public HuntingResult huntLegacy(String kql) {
        ObjectNode body = JSON.createObjectNode().put("Query", kql);
        return HuntingResult.from(
                post(api("/api/advancedqueries/run"), "advancedqueries", HUNTING, Auth.DEFENDER, HUNTING_LEGACY, body));
    }

    // ------------------------------------------------------------------ Graph

    public Organization organization() {
        JsonNode body = getJson(graph("/organization"), "organization", Quota.NONE, Auth.GRAPH, GRAPH_ORGANIZATION);
        JsonNode first = body.path("value").path(0);
        if (!first.isObject()) {
            throw new DecodeException(
                    "Graph returned no organization", 200, null, "GET", graph + "/organization", null);
        }
        return Organization.from(first);
    }

    static final String USER_SELECT = "id,userPrincipalName,displayName,givenName,surname,mail,accountEnabled,userType,"
            + "onPremisesSamAccountName,onPremisesDomainName,onPremisesSecurityIdentifier,onPremisesSyncEnabled,"
            + "department,jobTitle,employeeId";

    /** Directory users, 999 a page, with the properties identity mapping needs. */
    public PagedIterable<DirectoryUser> listUsers() {
        return list(
                graph("/users?$top=999&$select=" + USER_SELECT),
                "users",
                Quota.NONE,
                Auth.GRAPH,
                GRAPH_USERS,
                DirectoryUser::from,
                DirectoryUser::id);
    }

    public PagedIterable<DirectoryGroup> listGroups() {
        return list(
                graph("/groups?$top=999"),
                "groups",
                Quota.NONE,
                Auth.GRAPH,
                GRAPH_GROUPS,
                DirectoryGroup::from,
                DirectoryGroup::id);
    }

    /** Every member of a group, nested groups flattened (Graph {@code transitiveMembers}). */
    public PagedIterable<DirectoryObject> listTransitiveMembers(String groupId) {
        return list(
                graph("/groups/" + enc(groupId) + "/transitiveMembers?$top=999"),
                "transitiveMembers",
                Quota.NONE,
                Auth.GRAPH,
                GRAPH_GROUPS,
                DirectoryObject::from,
                DirectoryObject::id);
    }

    // ------------------------------------------------------------------ verify

    /** Checks the credentials and every data set with one cheap call each (F2). Never throws for a failed check. */
    public VerifyResult verify() {
        return new Verifier(this, pipeline).verify();
    }
}
