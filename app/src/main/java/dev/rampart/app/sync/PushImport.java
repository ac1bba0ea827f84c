package dev.rampart.app.sync;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.rampart.app.connector.ConnectorOptions;
import dev.rampart.app.database.CopyWriter;
import dev.rampart.app.profile.Profiles;
import dev.rampart.app.project.Projects;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The push import (F13): another scanner sends its assets and their findings as JSON; they go through the same
 * staging and apply step as a Defender run. Assets match existing ones by Defender id, AAD device id, FQDN, or IP
 * with MAC, so a device both report is one asset with two sources. A listed asset's findings are its complete list
 * from that source (missing ones close as fixed); with {@code "complete": true} the asset list is complete too, and a
 * source's asset that is not listed is no longer reported by it. The body is read as a stream, one asset in memory.
 *
 * <pre>
 * {"source": "qualys", "complete": false, "assets": [
 *   {"id": "q-1", "name": "ws-01", "fqdn": "ws-01.corp.example", "aadDeviceId": "...", "defenderMachineId": "...",
 *    "ips": [{"ip": "10.0.0.5", "mac": "00-1A-2B-3C-4D-5E"}], "osPlatform": "Windows11", "osVersion": "22H2",
 *    "active": true, "lastSeen": "2026-03-01T10:00:00Z", "metadata": {"owner": "it"},
 *    "findings": [{"cveId": "CVE-2024-1234", "productVendor": "microsoft", "productName": "edge",
 *                  "productVersion": "120.0", "severity": "High", "cvss": 7.5}]}]}
 * </pre>
 */
public final class PushImport {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SOURCE = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Set<String> ASSET_KEYS = Set.of(
            "id",
            "name",
            "hostname",
            "fqdn",
            "defenderMachineId",
            "aadDeviceId",
            "ips",
            "osPlatform",
            "osVersion",
            "active",
            "healthStatus",
            "firstSeen",
            "lastSeen",
            "metadata",
            "findings");
    private static final Set<String> FINDING_KEYS = Set.of(
            "cveId",
            "productVendor",
            "productName",
            "productVersion",
            "severity",
            "cvss",
            "exploitability",
            "recommendedUpdate",
            "fixingKb",
            "firstSeen",
            "lastSeen");

    private final DataSource dataSource;
    private final JdbcClient jdbc;
    private final Clock clock;
    private final SyncEngine engine;

    public PushImport(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.jdbc = JdbcClient.create(dataSource);
        this.clock = clock;
        this.engine = new SyncEngine(dataSource, clock, c -> {
            throw new IllegalStateException("a push import reads no Defender tenant");
        });
    }

    /** Imports one push body into a project (created when missing); returns the run summary. */
    public RunSummary run(String projectKey, InputStream body) {
        long projectId = new Projects(dataSource).ensure(projectKey);
        Instant at = clock.instant();
        long runId = jdbc.sql(
                        """
                        insert into sync_run (project_id, source_name, kind, state, started_at)
                        values (?, 'push', 'push', 'running', ?) returning id
                        """)
                .params(projectId, Timestamp.from(at))
                .query(Long.class)
                .single();
        SyncEngine.RunProgress progress = new SyncEngine.RunProgress(jdbc, runId);
        BadRecords bad = new BadRecords();
        long started = System.nanoTime();
        try (Connection staging = dataSource.getConnection();
                Connection findingStaging = dataSource.getConnection()) {
            progress.phase("reading");
            // One COPY at a time per connection: devices and their findings stream side by side on two.
            Header header = stage(body, new Staging(staging, runId), new Staging(findingStaging, runId), bad, progress);
            bad.check(ConnectorOptions.DEFAULTS);
            long sourceId = source(projectId, header.source());
            jdbc.sql("update sync_run set source_name = ? where id = ?")
                    .params(header.source(), runId)
                    .update();
            progress.phase("applying");
            RunContext ctx = new RunContext(
                    runId,
                    projectId,
                    sourceId,
                    null,
                    at,
                    false,
                    header.complete(),
                    0,
                    RunContext.Findings.FULL,
                    false,
                    "none",
                    false,
                    false);
            return new RunSummary(engine.apply(
                    ctx, tx -> Profiles.classify(tx, projectId, ctx.atTimestamp()), progress, bad, null, started));
        } catch (RuntimeException | SQLException | IOException e) {
            SyncFailedException failure = e instanceof IOException io
                    ? new SyncFailedException(
                            SyncFailedException.Kind.TERMINAL, "the import is not valid JSON: " + io.getMessage(), io)
                    : SyncEngine.classify(e);
            return new RunSummary(engine.fail(runId, progress.summary(bad, null, started), failure));
        } finally {
            engine.discardStaged(runId);
        }
    }

    private long source(long projectId, String name) {
        jdbc.sql("insert into source (project_id, name, kind) values (?, ?, 'push') on conflict do nothing")
                .params(projectId, name)
                .update();
        return jdbc.sql("select id from source where project_id = ? and name = ? and kind = 'push'")
                .params(projectId, name)
                .query(Long.class)
                .optional()
                .orElseThrow(() -> new SyncFailedException(
                        SyncFailedException.Kind.TERMINAL,
                        "'" + name + "' is a connector's source; a push import needs a name of its own"));
    }

    private record Header(String source, boolean complete) {}

    private Header stage(InputStream body, Staging staging, Staging findingStaging, BadRecords bad, Progress progress)
            throws IOException, SQLException {
        String source = null;
        boolean complete = false;
        long assets = 0;
        try (JsonParser p = JSON.createParser(body);
                CopyWriter machines = staging.open(Staging.MACHINES, Staging.MACHINE_COLUMNS);
                CopyWriter findings = findingStaging.open(Staging.FINDINGS, Staging.FINDING_COLUMNS)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw invalid("the import must be a JSON object with source and assets");
            }
            Set<String> ids = new HashSet<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "source" -> {
                        source = p.getValueAsString();
                        if (source == null || !SOURCE.matcher(source).matches()) {
                            throw invalid("source must be 1 to 64 lower-case letters, digits, '.', '_' or '-'");
                        }
                    }
                    case "complete" -> {
                        if (!t.isBoolean()) {
                            throw invalid("complete must be true or false");
                        }
                        complete = p.getBooleanValue();
                    }
                    case "assets" -> {
                        if (t != JsonToken.START_ARRAY) {
                            throw invalid("assets must be an array");
                        }
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            JsonNode a = JSON.readTree(p);
                            if (asset(a, ids, staging.runId(), machines, findings, bad)) {
                                if (++assets % 10_000 == 0) {
                                    progress.count("assetsRead", assets);
                                }
                            }
                        }
                    }
                    default -> throw invalid("unknown key '" + field + "' (known: source, complete, assets)");
                }
            }
        }
        if (source == null) {
            throw invalid("source is required: the name of the scanner or feed, e.g. \"qualys\"");
        }
        progress.count("assetsRead", assets);
        return new Header(source, complete);
    }

    private static SyncFailedException invalid(String message) {
        return new SyncFailedException(SyncFailedException.Kind.TERMINAL, "the import is not valid: " + message);
    }

    private static boolean asset(
            JsonNode a, Set<String> ids, long runId, CopyWriter machines, CopyWriter findings, BadRecords bad)
            throws SQLException {
        String id = text(a, "id");
        List<String> problems = new ArrayList<>();
        if (!a.isObject()) {
            bad.bad("assets", null, "an asset must be an object");
            return false;
        }
        a.fieldNames().forEachRemaining(k -> {
            if (!ASSET_KEYS.contains(k)) {
                problems.add("unknown key '" + k + "'");
            }
        });
        if (id == null) {
            problems.add("no id");
        } else if (!ids.add(id)) {
            problems.add("listed twice");
        }
        Instant firstSeen = instant(a, "firstSeen", problems);
        Instant lastSeen = instant(a, "lastSeen", problems);
        JsonNode active = a.get("active");
        if (active != null && !active.isBoolean()) {
            problems.add("active must be true or false");
        }
        JsonNode metadata = a.get("metadata");
        if (metadata != null && !metadata.isObject()) {
            problems.add("metadata must be an object");
        }
        ArrayNode addresses = JSON.createArrayNode();
        JsonNode ips = a.get("ips");
        if (ips != null) {
            if (!ips.isArray()) {
                problems.add("ips must be an array of {ip, mac}");
            } else {
                for (JsonNode ip : ips) {
                    String address = text(ip, "ip");
                    if (address == null) {
                        problems.add("an ips entry has no ip");
                    } else {
                        addresses
                                .addObject()
                                .put("ip", address)
                                .put("mac", DefenderReader.normalizeMac(text(ip, "mac")));
                    }
                }
            }
        }
        JsonNode list = a.get("findings");
        if (list != null && !list.isArray()) {
            problems.add("findings must be an array");
        }
        if (hasNul(a)) {
            problems.add("a key or value has a NUL character, which cannot be stored");
        }
        if (!problems.isEmpty()) {
            bad.bad("assets", id, String.join(", ", problems));
            return false;
        }
        bad.good("assets");
        boolean isActive = active == null || active.asBoolean();
        String fqdn = text(a, "fqdn");
        String hostname = text(a, "hostname");
        if (hostname == null && fqdn != null) {
            hostname = fqdn.contains(".") ? fqdn.substring(0, fqdn.indexOf('.')) : fqdn;
        }
        String name = text(a, "name");
        machines.row(
                runId,
                id,
                text(a, "defenderMachineId"),
                name != null ? name : fqdn != null ? fqdn : hostname != null ? hostname : id,
                hostname,
                fqdn == null ? null : fqdn.toLowerCase(Locale.ROOT),
                text(a, "aadDeviceId"),
                text(a, "osPlatform"),
                text(a, "osVersion"),
                text(a, "healthStatus") != null ? text(a, "healthStatus") : isActive ? "Active" : "Inactive",
                isActive,
                firstSeen,
                lastSeen,
                metadata == null ? JSON.createObjectNode() : metadata,
                addresses,
                true);
        if (list != null) {
            for (JsonNode f : list) {
                finding(id, f, runId, findings, bad);
            }
        }
        return true;
    }

    private static void finding(String assetId, JsonNode f, long runId, CopyWriter findings, BadRecords bad)
            throws SQLException {
        List<String> problems = new ArrayList<>();
        if (!f.isObject()) {
            bad.bad("findings", assetId, "a finding must be an object");
            return;
        }
        f.fieldNames().forEachRemaining(k -> {
            if (!FINDING_KEYS.contains(k)) {
                problems.add("unknown key '" + k + "'");
            }
        });
        String cve = text(f, "cveId");
        if (cve == null) {
            problems.add("no cveId");
        }
        JsonNode cvss = f.get("cvss");
        if (cvss != null && (!cvss.isNumber() || cvss.asDouble() < 0 || cvss.asDouble() > 10)) {
            problems.add("cvss must be a number from 0 to 10");
        }
        Instant firstSeen = instant(f, "firstSeen", problems);
        Instant lastSeen = instant(f, "lastSeen", problems);
        if (!problems.isEmpty()) {
            bad.bad("findings", assetId + "/" + cve, String.join(", ", problems));
            return;
        }
        bad.good("findings");
        findings.row(
                runId,
                assetId,
                cve,
                nz(text(f, "productVendor")),
                nz(text(f, "productName")),
                nz(text(f, "productVersion")),
                text(f, "severity"),
                cvss == null ? null : cvss.asDouble(),
                text(f, "exploitability"),
                text(f, "recommendedUpdate"),
                text(f, "fixingKb"),
                firstSeen,
                lastSeen,
                null,
                null);
    }

    /** Whether a key or a text value anywhere in the tree has a NUL character (PostgreSQL cannot store it). */
    static boolean hasNul(JsonNode n) {
        if (n.isTextual()) {
            return n.textValue().indexOf('\0') >= 0;
        }
        if (n.isObject()) {
            for (var i = n.fields(); i.hasNext(); ) {
                var e = i.next();
                if (e.getKey().indexOf('\0') >= 0 || hasNul(e.getValue())) {
                    return true;
                }
            }
        }
        if (n.isArray()) {
            for (JsonNode x : n) {
                if (hasNul(x)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String text(JsonNode n, String key) {
        JsonNode v = n == null ? null : n.get(key);
        return v == null || v.isNull() || !v.isValueNode() || v.asText().isBlank()
                ? null
                : v.asText().trim();
    }

    private static Instant instant(JsonNode n, String key, List<String> problems) {
        String s = text(n, key);
        if (s == null) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (RuntimeException e) {
            problems.add(key + " must be an ISO-8601 UTC time such as 2026-03-01T10:00:00Z");
            return null;
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
