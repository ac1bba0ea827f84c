package dev.rampart.emulator.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rampart.emulator.DefenderEmulator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.zip.GZIPInputStream;

/**
 * Measures the emulator: start time, machines per second over {@code /api/machines}, rows per second from the JSON
 * export and from an export file, and the peak heap, all in one JVM (client and server). Responses are read with
 * Jackson's streaming parser, so the client side holds no page in memory.
 *
 * <pre>
 * rampart emulator-bench [--devices 200000] [--vulns-per-device 66] [--max-export-rows 0 (all)] [--paging-only]
 * </pre>
 *
 * Prints one JSON line of results. Run it with a small heap ({@code -Xmx512m}) to check that memory stays bounded.
 */
public final class EmulatorBench {
    private static final JsonFactory JSON = new JsonFactory();

    private EmulatorBench() {}

    public static void main(String[] args) throws Exception {
        int devices = 200_000;
        double vulns = 66;
        long maxExportRows = 0;
        boolean pagingOnly = false;
        for (int i = 0; i < args.length; i += 2) {
            if (args[i].equals("--paging-only")) {
                pagingOnly = true;
                i--;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            switch (args[i]) {
                case "--devices" -> devices = Integer.parseInt(args[i + 1]);
                case "--vulns-per-device" -> vulns = Double.parseDouble(args[i + 1]);
                case "--max-export-rows" -> maxExportRows = Long.parseLong(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        ObjectNode result = run(devices, vulns, maxExportRows, pagingOnly);
        System.out.println(result);
    }

    static ObjectNode run(int devices, double vulns, long maxExportRows, boolean pagingOnly) throws Exception {
        ObjectNode out = new ObjectMapper().createObjectNode();
        out.put("devices", devices);
        out.put("maxHeapMb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        long[] maxUsed = {0};
        Thread sampler = new Thread(
                () -> {
                    Runtime rt = Runtime.getRuntime();
                    while (!Thread.currentThread().isInterrupted()) {
                        maxUsed[0] = Math.max(maxUsed[0], rt.totalMemory() - rt.freeMemory());
                        try {
                            Thread.sleep(20);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
        long t0 = System.nanoTime();
        try (DefenderEmulator e = DefenderEmulator.builder()
                .devices(devices)
                .vulnerabilitiesPerDevice(vulns)
                .quotas("off")
                .start(Instant.parse("2026-03-02T06:00:00Z"))
                .start()) {
            out.put("startMs", (System.nanoTime() - t0) / 1_000_000);
            HttpClient http =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String token = token(http, e);

            long t1 = System.nanoTime();
            long machines = 0;
            int pages = 0;
            String url = e.apiUrl() + "/api/machines";
            while (url != null) {
                Page p = page(http, url, token, Long.MAX_VALUE);
                machines += p.items;
                pages++;
                url = p.next;
            }
            double secs = (System.nanoTime() - t1) / 1e9;
            out.put("machines", machines);
            out.put("machinePages", pages);
            out.put("machinesPerSecond", Math.round(machines / secs));

            long t2 = System.nanoTime();
            long rows = 0;
            url = e.apiUrl() + "/api/machines/SoftwareVulnerabilitiesByMachine?pageSize=200000";
            while (url != null && (maxExportRows == 0 || rows < maxExportRows)) {
                Page p = page(http, url, token, maxExportRows == 0 ? Long.MAX_VALUE : maxExportRows - rows);
                rows += p.items;
                url = p.next;
            }
            secs = (System.nanoTime() - t2) / 1e9;
            out.put("exportRows", rows);
            out.put("exportRowsPerSecond", Math.round(rows / secs));

            if (!pagingOnly) {
                unpaged(http, e, token, out);
            }

            long t3 = System.nanoTime();
            String files = get(http, e.apiUrl() + "/api/machines/SoftwareVulnerabilitiesExport", token);
            String first =
                    new ObjectMapper().readTree(files).get("exportFiles").get(0).asText();
            long fileRows = 0;
            HttpResponse<InputStream> r = http.send(
                    HttpRequest.newBuilder(URI.create(first)).build(), HttpResponse.BodyHandlers.ofInputStream());
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(new GZIPInputStream(r.body()), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null && (maxExportRows == 0 || fileRows < maxExportRows)) {
                    if (!line.isEmpty()) {
                        fileRows++;
                    }
                }
            }
            secs = (System.nanoTime() - t3) / 1e9;
            out.put("fileRows", fileRows);
            out.put("fileRowsPerSecond", Math.round(fileRows / secs));
        }
        sampler.interrupt();
        // the most heap ever in use (live and garbage) at a 20 ms sampling rate: it never exceeded -Xmx
        out.put("maxUsedHeapMb", maxUsed[0] / (1024 * 1024));
        long peakOld = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getName().contains("Old")) {
                peakOld = Math.max(peakOld, pool.getPeakUsage().getUsed());
            }
        }
        // what survived young collections at the worst moment: the long-lived working set
        out.put("peakOldGenMb", peakOld / (1024 * 1024));
        return out;
    }

    /** The endpoints that are not paged by device: alerts, the CVE catalog (a tenant-wide scan) and hunting. */
    private static void unpaged(HttpClient http, DefenderEmulator e, String token, ObjectNode out)
            throws IOException, InterruptedException {
        long t4 = System.nanoTime();
        long alerts = 0;
        String url = e.apiUrl() + "/api/alerts";
        while (url != null) {
            Page p = page(http, url, token, Long.MAX_VALUE);
            alerts += p.items;
            url = p.next;
        }
        out.put("alerts", alerts);
        out.put("alertsMs", (System.nanoTime() - t4) / 1_000_000);

        long t5 = System.nanoTime();
        Page cves = page(http, e.apiUrl() + "/api/vulnerabilities", token, Long.MAX_VALUE);
        out.put("cves", cves.items);
        out.put("cveCatalogMs", (System.nanoTime() - t5) / 1_000_000);

        long t6 = System.nanoTime();
        String hunting = post(
                http,
                e.apiUrl() + "/api/advancedqueries/run",
                token,
                "{\"Query\":\"DeviceInfo | where Timestamp > ago(7d) | summarize arg_max(Timestamp, *) by DeviceId"
                        + " | project DeviceId, LoggedOnUsers\"}");
        out.put(
                "huntingRows",
                new ObjectMapper().readTree(hunting).path("Results").size());
        out.put("huntingMs", (System.nanoTime() - t6) / 1_000_000);
    }

    private record Page(long items, String next) {}

    /** Counts the items of one page by streaming; stops reading after {@code limit} items. */
    private static Page page(HttpClient http, String url, String token, long limit)
            throws IOException, InterruptedException {
        HttpResponse<InputStream> r = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", "Bearer " + token)
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 200) {
            throw new IOException(url + " answered " + r.statusCode() + ": "
                    + new String(r.body().readAllBytes(), StandardCharsets.UTF_8));
        }
        long items = 0;
        String next = null;
        try (InputStream body = r.body();
                JsonParser p = JSON.createParser(body)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals("value")) {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        p.skipChildren();
                        if (++items >= limit) {
                            return new Page(items, null);
                        }
                    }
                } else if (name.equals("@odata.nextLink")) {
                    next = p.getText();
                } else {
                    p.skipChildren();
                }
            }
        }
        return new Page(items, next);
    }

    private static String token(HttpClient http, DefenderEmulator e) throws IOException, InterruptedException {
        String form = "grant_type=client_credentials&client_id=" + e.clientId() + "&client_secret="
                + URLEncoder.encode(e.clientSecret(), StandardCharsets.UTF_8) + "&scope="
                + URLEncoder.encode("https://api.securitycenter.microsoft.com/.default", StandardCharsets.UTF_8);
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(e.loginUrl() + "/" + e.tenantId() + "/oauth2/v2.0/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return new ObjectMapper().readTree(r.body()).get("access_token").asText();
    }

    private static String post(HttpClient http, String url, String token, String json)
            throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(url + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    private static String get(HttpClient http, String url, String token) throws IOException, InterruptedException {
        return http.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .header("Authorization", "Bearer " + token)
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }
}
