package dev.rampart.emulator.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rampart.emulator.http.ApiError;
import dev.rampart.emulator.http.Call;
import dev.rampart.emulator.http.Router;
import dev.rampart.emulator.http.Router.Policy;
import dev.rampart.emulator.http.Router.Service;
import dev.rampart.emulator.tenant.Device;
import dev.rampart.emulator.tenant.EmulatorClock;
import dev.rampart.emulator.tenant.Hash;
import dev.rampart.emulator.tenant.InstalledSoftware;
import dev.rampart.emulator.tenant.SyntheticTenant;
import dev.rampart.emulator.tenant.Times;
import dev.rampart.emulator.tenant.VulnRow;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The export assessment APIs (REFERENCE.md section 6): the paged JSON exports with {@code pageSize} and an opaque
 * base64 {@code $skiptoken} (full vulnerabilities, delta vulnerabilities, software inventory), and the file exports
 * that answer with expiring, signed download URLs to gzip JSON-lines files, served here under {@code /tvm-export}.
 *
 * <p>A paged export is a consistent snapshot: the first page fixes the snapshot time, and the skiptoken carries it, so
 * that paging through a large tenant while the clock moves neither drops nor repeats rows. Keys inside the files are
 * PascalCase as real export files spell them ({@code DeviceId}, {@code OSPlatform}, {@code RbacGroupId}, {@code
 * IsOnboarded}, and in vulnerability files {@code CveBatchTitle} and {@code CveBatchUrl}); clients must parse
 * case-insensitively.
 */
public final class Exports {
    private static final int DEFAULT_PAGE = 50_000;
    private static final int MAX_PAGE = 200_000;
    private static final int DEVICES_PER_FILE = 20_000;
    private static final DateTimeFormatter DAY =
            DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter HHMM =
            DateTimeFormatter.ofPattern("HHmm").withZone(ZoneOffset.UTC);

    private final SyntheticTenant tenant;
    private final EmulatorClock clock;
    private final byte[] key = new byte[32];
    private volatile long serial;
    private volatile long expiredUpTo = -1;

    Exports(SyntheticTenant tenant, EmulatorClock clock) {
        this.tenant = tenant;
        this.clock = clock;
        new SecureRandom().nextBytes(key);
    }

    /** Every download URL issued so far stops working (the expire-urls fault). */
    public void expireAll() {
        expiredUpTo = serial;
    }

    void register(Router r) {
        Service d = Service.DEFENDER;
        List<String> vuln = List.of("Vulnerability.Read.All");
        List<String> sw = List.of("Software.Read.All");
        r.add(
                "GET",
                "/api/machines/SoftwareVulnerabilitiesByMachine",
                d,
                new Policy("SoftwareVulnerabilitiesByMachine", 30, 1000, vuln, true),
                c -> paged(c, Kind.VULNERABILITIES));
        r.add(
                "GET",
                "/api/machines/SoftwareVulnerabilityChangesByMachine",
                d,
                new Policy("SoftwareVulnerabilityChangesByMachine", 30, 1000, vuln, true),
                c -> paged(c, Kind.CHANGES));
        r.add(
                "GET",
                "/api/machines/SoftwareInventoryByMachine",
                d,
                new Policy("SoftwareInventoryByMachine", 30, 1000, sw, true),
                c -> paged(c, Kind.SOFTWARE));
        r.add(
                "GET",
                "/api/machines/SoftwareVulnerabilitiesExport",
                d,
                new Policy("SoftwareVulnerabilitiesExport", 5, 20, vuln, true),
                c -> files(c, "VaExport"));
        r.add(
                "GET",
                "/api/machines/SoftwareInventoryExport",
                d,
                new Policy("SoftwareInventoryExport", 5, 20, sw, true),
                c -> files(c, "SoftwareInventory"));
        r.add("GET", "/tvm-export/{day}/{time}/{dataset}/json/{org}/{file}", Service.BLOB, Policy.NONE, this::download);
    }

    private enum Kind {
        VULNERABILITIES("Collection(microsoft.windowsDefenderATP.api.AssetVulnerability)"),
        CHANGES("Collection(microsoft.windowsDefenderATP.api.DeltaAssetVulnerability)"),
        SOFTWARE("Collection(microsoft.windowsDefenderATP.api.AssetSoftware)");

        final String context;

        Kind(String context) {
            this.context = context;
        }
    }

    /** Where a paged export stands: snapshot time, device and row within it, and the delta's start. */
    private record Cursor(long snapshot, int device, int row, long since) {
        String encode() {
            String json = "{\"ExportDefinition\":{\"Snapshot\":" + snapshot + ",\"Device\":" + device + ",\"Row\":"
                    + row + ",\"Since\":" + since + "}}";
            return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String token) {
            try {
                JsonNode n =
                        Call.JSON.readTree(Base64.getDecoder().decode(token)).path("ExportDefinition");
                if (!n.has("Snapshot")) {
                    throw new IllegalArgumentException();
                }
                return new Cursor(
                        n.get("Snapshot").asLong(),
                        n.get("Device").asInt(),
                        n.get("Row").asInt(),
                        n.path("Since").asLong());
            } catch (IOException | IllegalArgumentException e) {
                throw ApiError.badRequest(
                        "InvalidInput", "The $skiptoken is not valid; follow @odata.nextLink as returned.");
            }
        }
    }

    private void paged(Call call, Kind kind) {
        Integer top = ODataList.intOption(call, "$top");
        Integer pageSizeOption = ODataList.intOption(call, "pageSize");
        if (pageSizeOption != null && (pageSizeOption < 1 || pageSizeOption > MAX_PAGE)) {
            throw ApiError.badRequest("InvalidInput", "pageSize must be between 1 and " + MAX_PAGE + ".");
        }
        int pageSize = top != null ? top : pageSizeOption != null ? pageSizeOption : DEFAULT_PAGE;
        String token = call.query("$skiptoken");
        Cursor cursor;
        Instant now = clock.instant();
        if (token != null) {
            cursor = Cursor.decode(token);
        } else {
            long since = 0;
            if (kind == Kind.CHANGES) {
                since = sinceTime(call, now).toEpochMilli();
            }
            cursor = new Cursor(now.toEpochMilli(), 0, 0, since);
        }
        int startRow = Math.max(0, cursor.row() + (token != null ? call.pagingShift : 0));
        Instant snapshot = Instant.ofEpochMilli(cursor.snapshot());
        BitSet cveUpdated = null;
        long[] cveUpdatedAt = null;
        Instant from = null;
        if (kind == Kind.CHANGES) {
            from = tenant.bucketStart(tenant.bucket(Instant.ofEpochMilli(cursor.since())));
            cveUpdatedAt = new long[tenant.catalog().cves().size()];
            cveUpdated = cveUpdates(from, snapshot, cveUpdatedAt);
        }
        final Instant deltaFrom = from;
        final BitSet updated = cveUpdated;
        final long[] updatedAt = cveUpdatedAt;
        String context = call.base() + "/api/$metadata#" + kind.context;
        call.stream(200, g -> {
            g.writeStartObject();
            g.writeStringField("@odata.context", context);
            g.writeArrayFieldStart("value");
            int written = 0;
            int device = cursor.device();
            int row = startRow;
            Cursor next = null;
            outer:
            for (; device < tenant.deviceCount(); device++, row = 0) {
                List<ObjectNode> rows = rows(kind, device, snapshot, deltaFrom, updated, updatedAt);
                for (int k = row; k < rows.size(); k++) {
                    if (written == pageSize) {
                        next = new Cursor(cursor.snapshot(), device, k, cursor.since());
                        break outer;
                    }
                    Call.JSON.writeTree(g, rows.get(k));
                    written++;
                }
            }
            g.writeEndArray();
            if (next == null && written == pageSize && device < tenant.deviceCount()) {
                next = new Cursor(cursor.snapshot(), device, 0, cursor.since());
            }
            if (next != null && top == null) {
                String path = call.exchange().getRequestURI().getRawPath();
                g.writeStringField(
                        "@odata.nextLink",
                        call.base() + path + "?pagesize=" + pageSize + "&$skiptoken=" + next.encode());
            }
            g.writeEndObject();
        });
    }

    private Instant sinceTime(Call call, Instant now) {
        String s = call.query("sinceTime");
        if (s == null || s.isBlank()) {
            throw ApiError.badRequest("MissingRequiredParameter", "sinceTime is a required parameter.");
        }
        Instant since;
        try {
            since = s.length() == 10
                    ? Instant.parse(s + "T00:00:00Z")
                    : java.time.OffsetDateTime.parse(s).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            try {
                since = Instant.parse(s);
            } catch (java.time.format.DateTimeParseException e2) {
                throw ApiError.badRequest("InvalidInput", "sinceTime '" + s + "' is not an ISO 8601 date-time.");
            }
        }
        if (since.isBefore(now.minus(Duration.ofDays(14)))) {
            throw ApiError.badRequest(
                    "InvalidInput",
                    "sinceTime must be within the last 14 days; use the full export"
                            + " (SoftwareVulnerabilitiesByMachine) to start over.");
        }
        return since;
    }

    /** CVEs whose details (score, exploitability) changed between the two instants: the delta's Updated rows. */
    private BitSet cveUpdates(Instant from, Instant to, long[] at) {
        BitSet out = new BitSet();
        long b0 = tenant.bucket(from);
        long b1 = tenant.bucket(to);
        for (int c = 0; c < at.length; c++) {
            for (long b = b0; b <= b1; b++) {
                if (Hash.unit(tenant.seed(), 190, c, b) < 0.002) {
                    Instant t = tenant.bucketStart(b).plusMillis(Hash.below(Hash.of(tenant.seed(), 191, c, b), (int)
                            SyntheticTenant.BUCKET.toMillis()));
                    if (!t.isBefore(from) && !t.isAfter(to)) {
                        out.set(c);
                        at[c] = t.toEpochMilli();
                    }
                }
            }
        }
        return out;
    }

    private List<ObjectNode> rows(Kind kind, int i, Instant snapshot, Instant from, BitSet updated, long[] updatedAt) {
        List<ObjectNode> out = new ArrayList<>();
        Device d = tenant.device(i, snapshot);
        switch (kind) {
            case VULNERABILITIES -> tenant.vulnerabilities(
                    i,
                    snapshot,
                    row -> out.add(Entities.exportVulnerability(tenant, d, row, d.lastSeen(), null, null)));
            case SOFTWARE -> {
                int[] weaknesses = tenant.weaknessesByProduct(i, snapshot);
                for (InstalledSoftware s : tenant.software(i)) {
                    out.add(Entities.exportSoftware(d, s, weaknesses[s.product().index()]));
                }
            }
            case CHANGES -> {
                record Event(VulnRow row, String status, Instant at) {}
                List<Event> events = new ArrayList<>();
                tenant.vulnerabilityHistory(i, snapshot, row -> {
                    if (!row.firstSeen().isBefore(from)) {
                        events.add(new Event(row, "New", row.firstSeen()));
                    }
                    if (row.fixedAt() != null && !row.fixedAt().isBefore(from)) {
                        events.add(new Event(row, "Fixed", row.fixedAt()));
                    }
                    int c = row.cve().index();
                    if (updated.get(c)) {
                        Instant u = Instant.ofEpochMilli(updatedAt[c]);
                        if (row.firstSeen().isBefore(u)
                                && (row.fixedAt() == null || row.fixedAt().isAfter(u))) {
                            events.add(new Event(row, "Updated", u));
                        }
                    }
                });
                events.sort(Comparator.comparing(Event::at));
                for (Event e : events) {
                    Instant lastSeen = e.status().equals("Fixed") ? e.at() : d.lastSeen();
                    out.add(Entities.exportVulnerability(tenant, d, e.row(), lastSeen, e.status(), e.at()));
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ files

    private void files(Call call, String dataset) {
        Integer hours = ODataList.intOption(call, "sasValidHours");
        if (hours != null && (hours < 1 || hours > 6)) {
            throw ApiError.badRequest("InvalidInput", "sasValidHours must be between 1 and 6.");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant expiry = now.plus(Duration.ofHours(hours == null ? 1 : hours));
        long n;
        synchronized (this) {
            n = ++serial;
        }
        int parts = Math.max(1, (tenant.deviceCount() + DEVICES_PER_FILE - 1) / DEVICES_PER_FILE);
        String host =
                call.base().startsWith("https://") ? "https://tvmexportstrstgeus.blob.core.windows.net" : call.base();
        ObjectNode body = Call.JSON.createObjectNode();
        body.put("@odata.context", call.base() + "/api/$metadata#microsoft.windowsDefenderATP.api.ExportFilesResponse");
        var files = body.putArray("exportFiles");
        for (int p = 0; p < parts; p++) {
            String guid = Hash.guid(Hash.of(tenant.seed(), 195, n), Hash.of(tenant.seed(), 196, n))
                            .substring(0, 24)
                    + String.format("%012x", n);
            String path = "/tvm-export/" + DAY.format(now) + "/" + HHMM.format(now) + "/" + dataset + "/json/OrgId="
                    + tenant.tenantId() + "/part-" + String.format("%05d", p) + "-" + guid + ".c000.json.gz";
            String st = now.toString();
            String se = expiry.toString();
            files.add(host + path + "?sv=2019-12-12&st=" + enc(st) + "&se=" + enc(se) + "&sr=b&sp=r&sig="
                    + enc(sign(path, st, se)));
        }
        body.put("generatedTime", Times.seconds(now));
        call.odata(200, body);
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private String sign(String path, String st, String se) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getEncoder()
                    .encodeToString(mac.doFinal((path + "\n" + st + "\n" + se).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private void download(Call call) {
        String path = call.exchange().getRequestURI().getRawPath();
        String st = call.query("st");
        String se = call.query("se");
        String sig = call.query("sig");
        if (st == null
                || se == null
                || sig == null
                || !java.security.MessageDigest.isEqual(
                        sign(path, st, se).getBytes(StandardCharsets.UTF_8), sig.getBytes(StandardCharsets.UTF_8))) {
            throw new ApiError(
                    403,
                    "AuthenticationFailed",
                    "Server failed to authenticate the request. Make sure the value"
                            + " of Authorization header is formed correctly including the signature.");
        }
        String file = call.pathParam("file");
        long n;
        int part;
        try {
            part = Integer.parseInt(file.substring(5, 10));
            n = Long.parseLong(file.substring(11 + 24, 11 + 36), 16);
        } catch (RuntimeException e) {
            throw new ApiError(404, "BlobNotFound", "The specified blob does not exist.");
        }
        Instant expiry = Instant.parse(se);
        if (clock.instant().isAfter(expiry) || n <= expiredUpTo) {
            throw new ApiError(
                    403,
                    "AuthenticationFailed",
                    "Server failed to authenticate the request. Signed expiry" + " time [" + expiry + "] has passed.");
        }
        Instant snapshot = Instant.parse(st);
        String dataset = call.pathParam("dataset");
        Kind kind = dataset.equals("VaExport")
                ? Kind.VULNERABILITIES
                : dataset.equals("SoftwareInventory") ? Kind.SOFTWARE : null;
        int first = part * DEVICES_PER_FILE;
        if (kind == null || first >= Math.max(1, tenant.deviceCount())) {
            throw new ApiError(404, "BlobNotFound", "The specified blob does not exist.");
        }
        int last = Math.min(tenant.deviceCount(), first + DEVICES_PER_FILE);
        call.header("x-ms-blob-type", "BlockBlob");
        call.header("x-ms-version", "2019-12-12");
        call.streamRaw(200, "application/octet-stream", raw -> {
            try (GZIPOutputStream gz = new GZIPOutputStream(new BufferedOutputStream(raw, 64 * 1024), 64 * 1024);
                    JsonGenerator g = Call.JSON.getFactory().createGenerator(gz)) {
                g.setRootValueSeparator(new com.fasterxml.jackson.core.io.SerializedString("\n"));
                for (int i = first; i < last; i++) {
                    for (ObjectNode row : rows(kind, i, snapshot, null, null, null)) {
                        g.writeStartObject();
                        var fields = row.fields();
                        while (fields.hasNext()) {
                            var f = fields.next();
                            g.writeFieldName(pascal(f.getKey()));
                            Call.JSON.writeTree(g, f.getValue());
                        }
                        if (kind == Kind.VULNERABILITIES) {
                            // present in real files; what fills them is not known, so the sandbox leaves them null
                            g.writeNullField("CveBatchTitle");
                            g.writeNullField("CveBatchUrl");
                        }
                        g.writeEndObject();
                    }
                }
                g.writeRaw('\n');
            }
        });
    }

    /**
     * A JSON export key as export files spell it: PascalCase, with {@code OS} in capitals ({@code OSPlatform}, {@code
     * OSVersion}, {@code OSArchitecture}) as real files have it.
     */
    static String pascal(String camel) {
        if (camel.startsWith("os") && camel.length() > 2 && Character.isUpperCase(camel.charAt(2))) {
            return "OS" + camel.substring(2);
        }
        return camel.isEmpty() ? camel : camel.substring(0, 1).toUpperCase(Locale.ROOT) + camel.substring(1);
    }
}
