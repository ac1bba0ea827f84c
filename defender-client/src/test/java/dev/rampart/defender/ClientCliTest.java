package dev.rampart.defender;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rampart.defender.cli.ClientCli;
import dev.rampart.emulator.DefenderEmulator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ClientCliTest {
    static DefenderEmulator emulator;

    @BeforeAll
    static void start() {
        emulator = Sandboxes.emulator(60);
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> env = Map.of("SANDBOX_SECRET", emulator.clientSecret());
        int code = ClientCli.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                env::get);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String[] with(String... head) {
        List<String> all = new java.util.ArrayList<>(List.of(head));
        all.addAll(List.of(
                "--tenant",
                emulator.tenantId(),
                "--client",
                emulator.clientId(),
                "--secret-env",
                "SANDBOX_SECRET",
                "--sandbox",
                emulator.baseUrl()));
        return all.toArray(String[]::new);
    }

    @Test
    void verifyJsonShouldListEveryCheckAndExitZero() throws Exception {
        String[] args = with("verify");
        String[] json = java.util.Arrays.copyOf(args, args.length + 1);
        json[args.length] = "--json";
        Run r = run(json);
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode body = new ObjectMapper().readTree(r.out());
        assertThat(body.get("checks")).hasSize(9);
        JsonNode first = body.at("/checks/0");
        assertThat(first.get("dataSet").asText()).isEqualTo("machines");
        assertThat(first.get("status").asText()).isEqualTo("ok");
        assertThat(first.get("permission").asText()).isEqualTo("Machine.Read.All");
        assertThat(body.at("/token/tenantId").asText()).isEqualTo(emulator.tenantId());
        assertThat(r.out()).doesNotContain(emulator.clientSecret());
    }

    @Test
    void verifyShouldExitTwoWhenAPermissionIsMissing() {
        Sandboxes.control(emulator, "POST", "/app", "{\"defenderRoles\":[\"Machine.Read.All\"]}");
        try {
            Run r = run(with("verify"));
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.out()).contains("MISSING").contains("vulnerabilities");
            assertThat(r.out()).contains("(see docs/setup-entra.md#grant-vulnerabilityreadall)");
        } finally {
            Sandboxes.control(
                    emulator,
                    "POST",
                    "/app",
                    "{\"defenderRoles\":"
                            + new ObjectMapper().valueToTree(dev.rampart.emulator.entra.AppRegistration.DEFENDER_ROLES)
                            + "}");
        }
    }

    @Test
    void verifyShouldExitOneWithTheSentenceWhenNoTokenCanBeHad() {
        String[] args = with("verify");
        args[4] = "11111111-2222-3333-4444-555555555555"; // the client id
        Run r = run(args);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("No application with client ID");
    }

    @Test
    void pullShouldPrintOneJsonObjectPerLineAndASummary() throws Exception {
        Run r = run(with("pull", "machines"));
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(60);
        assertThat(new ObjectMapper().readTree(lines.get(0)).get("id").asText()).hasSize(40);
        assertThat(r.err()).startsWith("pulled 60 machines").contains("1 pages").contains("calls");
    }

    @Test
    void pullShouldOfferTheThreeRoutesForMachineVulnerabilities() {
        long paged = run(with("pull", "machine-vulnerabilities", "--via", "paged"))
                .out()
                .lines()
                .count();
        long json = run(with("pull", "machine-vulnerabilities", "--via", "export-json", "--page-size", "500"))
                .out()
                .lines()
                .count();
        long files = run(with("pull", "machine-vulnerabilities", "--via", "export-files"))
                .out()
                .lines()
                .count();
        assertThat(paged).isPositive().isEqualTo(json).isEqualTo(files);
    }

    /**
     * The round trip: for every data set and route, each item the sandbox serves (read here over plain HTTP, as a
     * client that knows nothing of Rampart would) comes out of {@code rampart pull} with every field and value, in the
     * casing it was sent, the export files' {@code OSPlatform}, {@code RbacGroupId}, {@code IsOnboarded} and {@code
     * CveBatchTitle} included.
     */
    @Test
    void pullShouldPrintEveryFieldTheSandboxServes() throws Exception {
        String defender = token("https://api.securitycenter.microsoft.com/.default");
        String graph = token("https://graph.microsoft.com/.default");
        Map<String, List<JsonNode>> served = new java.util.LinkedHashMap<>();
        served.put("machines paged", all("/api/machines", defender));
        served.put("vulnerabilities paged", all("/api/vulnerabilities", defender));
        served.put("machine-vulnerabilities paged", all("/api/vulnerabilities/machinesVulnerabilities", defender));
        served.put(
                "machine-vulnerabilities export-json",
                all("/api/machines/SoftwareVulnerabilitiesByMachine?pageSize=200000", defender));
        served.put("machine-vulnerabilities export-files", files("SoftwareVulnerabilitiesExport", defender));
        served.put("software paged", all("/api/software", defender));
        served.put("software export-json", all("/api/machines/SoftwareInventoryByMachine?pageSize=200000", defender));
        served.put("software export-files", files("SoftwareInventoryExport", defender));
        served.put("alerts paged", all("/api/alerts?$expand=evidence", defender));
        // the client asks Graph for the user properties identity mapping needs: the sandbox serves those
        served.put("users paged", all("/v1.0/users?$top=999&$select=" + DefenderClient.USER_SELECT, graph));
        served.put("groups paged", all("/v1.0/groups?$top=999", graph));
        ObjectMapper json = new ObjectMapper();
        for (var e : served.entrySet()) {
            String[] what = e.getKey().split(" ");
            Run r = run(with("pull", what[0], "--via", what[1]));
            assertThat(r.code()).as(e.getKey() + ": " + r.err()).isZero();
            Map<String, JsonNode> pulled = new java.util.HashMap<>();
            for (String line : r.out().lines().toList()) {
                JsonNode item = json.readTree(line);
                pulled.put(identity(item), item);
            }
            assertThat(e.getValue()).as(e.getKey()).isNotEmpty();
            assertThat(pulled).as(e.getKey()).hasSize(e.getValue().size());
            for (JsonNode item : e.getValue()) {
                JsonNode out = pulled.get(identity(item));
                assertThat(out).as("%s: %s pulled", e.getKey(), identity(item)).isNotNull();
                item.fieldNames().forEachRemaining(f -> {
                    if (!f.startsWith("@odata")) {
                        assertThat(out.get(f))
                                .as("%s: %s of %s", e.getKey(), f, identity(item))
                                .isEqualTo(item.get(f));
                    }
                });
            }
        }
        JsonNode fileRow = served.get("machine-vulnerabilities export-files").get(0);
        assertThat(fileRow.has("OSPlatform") && fileRow.has("RbacGroupId") && fileRow.has("CveBatchTitle"))
                .as("the export files' own keys were compared")
                .isTrue();
    }

    private static String identity(JsonNode item) {
        for (String id : List.of("id", "Id")) {
            if (item.hasNonNull(id)) {
                return item.get(id).asText();
            }
        }
        StringBuilder key = new StringBuilder();
        for (String f : List.of("deviceId", "softwareVendor", "softwareName", "softwareVersion")) {
            JsonNode v = item.has(f) ? item.get(f) : item.get(Character.toUpperCase(f.charAt(0)) + f.substring(1));
            key.append(v == null ? "" : v.asText()).append('|');
        }
        return key.toString();
    }

    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newHttpClient();

    private static String token(String scope) throws Exception {
        String form = "grant_type=client_credentials&client_id=" + emulator.clientId() + "&client_secret="
                + java.net.URLEncoder.encode(emulator.clientSecret(), StandardCharsets.UTF_8) + "&scope="
                + java.net.URLEncoder.encode(scope, StandardCharsets.UTF_8);
        var r = HTTP.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                emulator.baseUrl() + "/" + emulator.tenantId() + "/oauth2/v2.0/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        return new ObjectMapper().readTree(r.body()).get("access_token").asText();
    }

    private static byte[] get(String url, String token) throws Exception {
        var b = java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        (url.startsWith("http") ? url : emulator.baseUrl() + url).replace(" ", "%20")))
                .GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        var r = HTTP.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).as(url).isEqualTo(200);
        return r.body();
    }

    private static List<JsonNode> all(String first, String token) throws Exception {
        List<JsonNode> items = new java.util.ArrayList<>();
        for (String url = first; url != null; ) {
            JsonNode page = new ObjectMapper().readTree(get(url, token));
            page.get("value").forEach(items::add);
            url = page.has("@odata.nextLink") ? page.get("@odata.nextLink").asText() : null;
        }
        return items;
    }

    private static List<JsonNode> files(String export, String token) throws Exception {
        List<JsonNode> rows = new java.util.ArrayList<>();
        JsonNode answer = new ObjectMapper().readTree(get("/api/machines/" + export, token));
        for (JsonNode url : answer.get("exportFiles")) {
            try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(
                    new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(get(url.asText(), null))),
                    StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (!line.isBlank()) {
                        rows.add(new ObjectMapper().readTree(line));
                    }
                }
            }
        }
        return rows;
    }

    @Test
    void secretsAreRefusedOnTheCommandLine() {
        Run r = run("verify", "--tenant", "t", "--client", "c", "--secret", "x");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("secrets are not taken on the command line");
        assertThat(run("pull", "everything").code()).isEqualTo(2);
    }

    @Test
    void logonUsersThroughHuntingShouldGiveOneRowPerDeviceAndUser() throws Exception {
        Run r = run(with("pull", "logon-users", "--via", "hunting"));
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        JsonNode first = new ObjectMapper().readTree(lines.get(0));
        assertThat(first.get("machineId").asText()).hasSize(40);
        assertThat(first.get("accountSid").asText()).startsWith("S-1-5-21-");
        long devices = lines.stream()
                .map(l -> l.substring(0, l.indexOf(',')))
                .distinct()
                .count();
        assertThat(lines.size()).isGreaterThan((int) devices);
    }
}
