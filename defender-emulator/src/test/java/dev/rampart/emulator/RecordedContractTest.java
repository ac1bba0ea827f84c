package dev.rampart.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays every request recorded from a real tenant (shared/mde-api/samples/recorded) against the emulator and checks
 * that the answers have the same envelope, field names, JSON types and null patterns. Ids in recorded paths belong to
 * another tenant, so they are swapped for ids of the sandbox.
 */
class RecordedContractTest {
    /** Fields that real traffic shows non-null but the reference documents as nullable (REFERENCE.md 4.4, 8.2). */
    private static final Set<String> NULLABLE = Set.of(
            "agentVersion",
            "aadDeviceId",
            "rbacGroupName",
            "vmMetadata",
            "osBuild",
            "isAadJoined",
            "osVersion",
            "exclusionReason",
            "macAddress",
            "firstDetected");

    /**
     * Fields the recordings always show but current real records often leave out, so the sandbox leaves them out of
     * most records: {@code defenderAvStatus} is absent from current real machine records.
     */
    private static final Set<String> OPTIONAL = Set.of("defenderAvStatus");

    static DefenderEmulator emulator;
    static SandboxHttp http;

    @BeforeAll
    static void start() {
        emulator = DefenderEmulator.builder()
                .devices(60)
                .quotas("off")
                .start(Instant.parse("2026-03-02T06:00:00Z"))
                .start();
        http = new SandboxHttp(emulator);
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    /**
     * The recorded samples: {@code RAMPART_SAMPLES} (which {@code .ci/run} sets), else {@code -Drampart.samples} (the
     * build sets it to {@code shared/mde-api/samples} beside the clone). In CI their absence fails the build instead
     * of skipping.
     */
    static Path samples() {
        String configured = System.getenv("RAMPART_SAMPLES") != null
                ? System.getenv("RAMPART_SAMPLES")
                : System.getProperty("rampart.samples");
        Path p = configured != null ? Path.of(configured) : Path.of("../../shared/mde-api/samples");
        if (!Files.isDirectory(p.resolve("recorded"))) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(
                        "recorded samples not found at " + p.toAbsolutePath() + " (shared/ must be beside the clone)");
            }
            assumeTrue(false, "recorded samples not found at " + p.toAbsolutePath());
        }
        return p;
    }

    @TestFactory
    Stream<DynamicTest> everyRecordedResponseShouldHaveTheEmulatorsShape() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(samples().resolve("recorded"))) {
            files = s.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThan(20);
        return files.stream()
                .map(f -> DynamicTest.dynamicTest(samples().relativize(f).toString(), () -> replay(f)));
    }

    private void replay(Path file) throws IOException {
        JsonNode recorded = SandboxHttp.JSON.readTree(file.toFile());
        URI url = URI.create(recorded.at("/_request/url").asText());
        String path = sandboxPath(url);
        if (path == null) {
            return; // the token call: shapes are covered by EntraTokenTest
        }
        SandboxHttp.Response r = http.get(path);
        assertThat(r.status())
                .as("status of " + path)
                .isEqualTo(recorded.get("_status").asInt());
        compare(recorded.get("body"), r.json(), "$");
    }

    /** The recorded request's path on the sandbox, with the real tenant's ids swapped for sandbox ones. */
    private String sandboxPath(URI url) {
        String host = url.getHost();
        String path = url.getRawPath();
        String query = url.getRawQuery();
        if (host.startsWith("login.")) {
            return null;
        }
        if (host.startsWith("graph.")) {
            // one recording sent the property list without "$select=": the service answered with the defaults
            return path.startsWith("/v1.0/users") ? "/v1.0/users" : path;
        }
        String[] parts = path.split("/");
        if (parts.length >= 4 && parts[2].equals("machines")) {
            parts[3] = parts.length == 5
                    ? deviceWithVulnerabilities()
                    : emulator.tenant().machineId(0);
        }
        return String.join("/", parts) + (query == null ? "" : "?" + query.replace("%24", "$"));
    }

    private String deviceWithVulnerabilities() {
        for (int i = 0; i < emulator.tenant().deviceCount(); i++) {
            int[] n = {0};
            emulator.tenant().vulnerabilities(i, emulator.clock().instant(), row -> n[0]++);
            if (n[0] > 0) {
                return emulator.tenant().machineId(i);
            }
        }
        throw new AssertionError("no device with vulnerabilities");
    }

    private void compare(JsonNode recorded, JsonNode emulated, String where) {
        if (recorded.isObject()) {
            assertThat(emulated.isObject()).as(where + " is an object").isTrue();
            Set<String> rk = keys(recorded);
            Set<String> ek = keys(emulated);
            rk.remove("@odata.nextLink");
            ek.remove("@odata.nextLink");
            rk.removeIf(k -> OPTIONAL.contains(k) && !ek.contains(k));
            assertThat(ek).as("fields of " + where).isEqualTo(rk);
            if (recorded.has("@odata.context")) {
                assertThat(suffix(emulated.get("@odata.context").asText()))
                        .as(where + " @odata.context")
                        .isEqualTo(suffix(recorded.get("@odata.context").asText()));
            }
            for (String k : rk) {
                if (k.equals("value") && recorded.get(k).isArray()) {
                    compareItems(recorded.get(k), emulated.get(k), where + ".value[]");
                } else if (!k.startsWith("@odata")) {
                    compareField(k, List.of(recorded.get(k)), List.of(emulated.get(k)), where);
                }
            }
        }
    }

    private void compareItems(JsonNode recorded, JsonNode emulated, String where) {
        if (recorded.isEmpty()) {
            return;
        }
        assertThat(emulated).as(where + " has items to compare").isNotEmpty();
        List<JsonNode> r = new ArrayList<>();
        recorded.forEach(r::add);
        List<JsonNode> e = new ArrayList<>();
        emulated.forEach(e::add);
        compareObjects(r, e, where);
    }

    private void compareObjects(List<JsonNode> recorded, List<JsonNode> emulated, String where) {
        Set<String> rk = new TreeSet<>();
        recorded.forEach(n -> rk.addAll(keys(n)));
        Set<String> ek = new TreeSet<>();
        emulated.forEach(n -> ek.addAll(keys(n)));
        rk.stream().filter(OPTIONAL::contains).forEach(ek::add);
        assertThat(ek).as("fields of " + where).isEqualTo(rk);
        for (String k : rk) {
            List<JsonNode> rv = recorded.stream().map(n -> n.path(k)).toList();
            List<JsonNode> ev = emulated.stream()
                    .map(n -> n.path(k))
                    .filter(v -> !(v.isMissingNode() && OPTIONAL.contains(k)))
                    .toList();
            compareField(k, rv, ev, where);
        }
    }

    private void compareField(String field, List<JsonNode> recorded, List<JsonNode> emulated, String where) {
        Set<JsonNodeType> rt = types(recorded);
        Set<JsonNodeType> et = types(emulated);
        Set<JsonNodeType> allowed = new TreeSet<>(rt);
        if (rt.equals(Set.of(JsonNodeType.NULL))) {
            return; // the recording never showed a value: nothing to compare against
        }
        if (NULLABLE.contains(field)) {
            allowed.add(JsonNodeType.NULL);
        }
        assertThat(allowed)
                .as(where + "." + field + " types: recorded " + rt + ", emulated " + et)
                .containsAll(et);
        List<JsonNode> ro = new ArrayList<>();
        List<JsonNode> eo = new ArrayList<>();
        recorded.forEach(n -> collectElements(n, ro));
        emulated.forEach(n -> collectElements(n, eo));
        if (!ro.isEmpty() && !eo.isEmpty() && ro.get(0).isObject()) {
            compareObjects(ro, eo.stream().filter(JsonNode::isObject).toList(), where + "." + field);
        }
    }

    private static void collectElements(JsonNode n, List<JsonNode> out) {
        if (n.isArray()) {
            n.forEach(out::add);
        } else if (n.isObject()) {
            out.add(n);
        }
    }

    private static Set<JsonNodeType> types(List<JsonNode> values) {
        Set<JsonNodeType> t = new TreeSet<>();
        values.forEach(v -> t.add(v.isMissingNode() ? JsonNodeType.NULL : v.getNodeType()));
        return t;
    }

    private static Set<String> keys(JsonNode n) {
        Set<String> k = new TreeSet<>();
        n.fieldNames().forEachRemaining(k::add);
        return k;
    }

    private static String suffix(String context) {
        int i = context.indexOf("/$metadata");
        return context.substring(i);
    }

    @org.junit.jupiter.api.Test
    void machineActionsShouldCarryEveryFieldOfTheShapedMocks() throws IOException {
        Map<String, String> mocks = new TreeMap<>(Map.of(
                "test_isolate_machine.json.resp", "/isolate",
                "test_unisolate_machine.json.resp", "/unisolate",
                "test_run_antivirus_scan.json.resp", "/runAntiVirusScan"));
        int device = -1;
        for (int i = 0; i < emulator.tenant().deviceCount() && device < 0; i++) {
            var d = emulator.tenant().device(i, emulator.clock().instant());
            if (d.active() && d.onboarded() && d.platform().windows()) {
                device = i;
            }
        }
        for (var m : mocks.entrySet()) {
            JsonNode mock = SandboxHttp.JSON.readTree(
                    samples().resolve("mock-responses").resolve(m.getKey()).toFile());
            var r = http.post(
                    "/api/machines/" + emulator.tenant().machineId(device) + m.getValue(),
                    "{\"Comment\":\"contract\",\"ScanType\":\"Quick\",\"IsolationType\":\"Full\"}");
            assertThat(r.status()).as(r.text()).isEqualTo(201);
            assertThat(keys(r.json())).as(m.getKey()).containsAll(keys(mock));
            for (String k : keys(mock)) {
                if (!mock.get(k).isNull() && !r.json().get(k).isNull()) {
                    assertThat(r.json().get(k).getNodeType())
                            .as(m.getKey() + " " + k)
                            .isEqualTo(mock.get(k).getNodeType());
                }
            }
        }
    }
}
