package dev.rampart.defender.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Parses every entity recorded from a real tenant (shared/mde-api/samples/recorded) with the model its URL calls for,
 * and checks that nothing is lost: {@code raw()} equals the recorded item, and every typed field equals the JSON field
 * of the same name, converted independently of {@link Json}.
 */
class RecordedSamplesParseTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final Pattern MACHINES = Pattern.compile("(?i)/api(/v1\\.0)?/machines/?");
    private static final Pattern MACHINE = Pattern.compile("(?i)/api(/v1\\.0)?/machines/[^/]+/?");
    private static final Pattern MACHINE_VULNERABILITIES =
            Pattern.compile("(?i)/api(/v1\\.0)?/machines/[^/]+/vulnerabilities/?");
    private static final Pattern ORGANIZATION = Pattern.compile("(?i)/(v1\\.0|beta)/organization/?");
    private static final Pattern USERS = Pattern.compile("(?i)/(v1\\.0|beta)/users/?");

    static Path samples() {
        String configured = System.getenv("RAMPART_SAMPLES") != null
                ? System.getenv("RAMPART_SAMPLES")
                : System.getProperty("rampart.samples");
        List<Path> candidates = configured != null
                ? List.of(Path.of(configured))
                : List.of(Path.of("../../shared/mde-api/samples"), Path.of("/work/shared/mde-api/samples"));
        for (Path candidate : candidates) {
            if (Files.isDirectory(candidate.resolve("recorded"))) {
                return candidate;
            }
        }
        String message = "recorded samples not found at " + candidates + " (set -Drampart.samples=...)";
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError(message);
        }
        assumeTrue(false, message);
        return null;
    }

    @TestFactory
    Stream<DynamicTest> everyRecordedEntityShouldParseWithoutLosingAField() throws IOException {
        Path recorded = samples().resolve("recorded");
        return recordedFiles(recorded).stream()
                .map(file -> DynamicTest.dynamicTest(
                        recorded.relativize(file).toString(), () -> checkFile(MAPPER.readTree(file.toFile()))));
    }

    @Test
    void recordedSamplesShouldCoverEveryModelTheyContain() throws IOException {
        Map<String, Integer> counts = new TreeMap<>();
        for (Path file : recordedFiles(samples().resolve("recorded"))) {
            JsonNode recording = MAPPER.readTree(file.toFile());
            Function<JsonNode, Record> parser = parserFor(url(recording));
            assertThat(parser).as("a model for %s", url(recording)).isNotNull();
            for (JsonNode item : items(recording.get("body"))) {
                counts.merge(parser.apply(item).getClass().getSimpleName(), 1, Integer::sum);
            }
        }
        assertThat(counts)
                .containsOnlyKeys("Machine", "Vulnerability", "Organization", "DirectoryUser")
                .allSatisfy((model, count) -> assertThat(count).isPositive());
    }

    private static List<Path> recordedFiles(Path recorded) throws IOException {
        try (Stream<Path> files = Files.walk(recorded)) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
    }

    private static void checkFile(JsonNode recording) {
        URI url = url(recording);
        JsonNode body = recording.get("body");
        Function<JsonNode, Record> parser = parserFor(url);
        assertThat(parser).as("no model for %s", url).isNotNull();
        List<JsonNode> items = items(body);
        if (body.has("@odata.count")) {
            assertThat(items).hasSize(body.get("@odata.count").asInt());
        }
        for (JsonNode item : items) {
            Record model = parser.apply(item);
            assertThat(raw(model)).as("raw() of an item of %s", url).isEqualTo(item);
            int typed = assertTypedFieldsMatch(model, item, model.getClass().getSimpleName());
            assertThat(typed).as("typed fields read from %s", url).isGreaterThan(1);
            checkSpecifics(model, item);
        }
    }

    private static void checkSpecifics(Record model, JsonNode item) {
        if (model instanceof Machine m) {
            assertThat(m.id()).isEqualTo(item.get("id").textValue()).hasSize(40);
            assertThat(m.computerDnsName())
                    .isEqualTo(item.get("computerDnsName").textValue());
            assertThat(m.rbacGroupId()).isEqualTo(item.get("rbacGroupId").longValue());
            assertThat(m.lastSeen())
                    .isEqualTo(Instant.parse(item.get("lastSeen").textValue()));
            assertThat(m.ipAddresses()).hasSize(item.get("ipAddresses").size());
            assertThat(m.hostName() + (m.dnsDomain() == null ? "" : "." + m.dnsDomain()))
                    .isEqualTo(m.computerDnsName());
        } else if (model instanceof Vulnerability v) {
            assertThat(v.id()).isEqualTo(item.get("id").textValue()).startsWith("CVE-");
            assertThat(v.cvssV3()).isEqualTo(item.get("cvssV3").doubleValue());
            assertThat(v.severity()).isIn("Low", "Medium", "High", "Critical");
        } else if (model instanceof Organization o) {
            assertThat(o.id()).isEqualTo(item.get("id").textValue());
            assertThat(o.verifiedDomains()).hasSize(item.get("verifiedDomains").size());
            assertThat(o.defaultDomain()).isNotBlank();
        } else if (model instanceof DirectoryUser u) {
            assertThat(u.id()).isEqualTo(item.get("id").textValue());
            assertThat(u.userPrincipalName())
                    .isEqualTo(item.get("userPrincipalName").textValue());
        }
    }

    /**
     * Compares every record component (except {@code raw}) with the JSON field of the same name; returns how many
     * components had a JSON counterpart. A component without one must be null or empty.
     */
    private static int assertTypedFieldsMatch(Record model, JsonNode item, String path) {
        int matched = 0;
        for (RecordComponent component : model.getClass().getRecordComponents()) {
            if (component.getName().equals("raw")) {
                continue;
            }
            Object value = read(model, component);
            String where = path + "." + component.getName();
            JsonNode json = item.get(component.getName());
            if (json == null) {
                boolean nullOrEmpty = value == null || value instanceof List<?> list && list.isEmpty();
                assertThat(nullOrEmpty)
                        .as("%s is absent in the JSON but set to %s", where, value)
                        .isTrue();
                continue;
            }
            matched++;
            assertValueMatches(value, json, component.getGenericType(), where);
        }
        return matched;
    }

    private static void assertValueMatches(Object value, JsonNode json, Type type, String where) {
        if (type instanceof ParameterizedType list && list.getRawType() == List.class) {
            List<?> items = (List<?>) value;
            if (json.isNull()) {
                assertThat(items).as(where).isEmpty();
                return;
            }
            assertThat(items).as(where).hasSize(json.size());
            Type itemType = list.getActualTypeArguments()[0];
            for (int i = 0; i < items.size(); i++) {
                assertValueMatches(items.get(i), json.get(i), itemType, where + "[" + i + "]");
            }
            return;
        }
        if (json.isNull()) {
            assertThat(value).as(where).isNull();
            return;
        }
        if (type == String.class) {
            assertThat(value).as(where).isEqualTo(json.asText());
        } else if (type == Long.class) {
            assertThat(value).as(where).isEqualTo(json.longValue());
        } else if (type == Integer.class) {
            assertThat(value).as(where).isEqualTo(json.intValue());
        } else if (type == Double.class) {
            assertThat(value).as(where).isEqualTo(json.doubleValue());
        } else if (type == Boolean.class) {
            assertThat(value).as(where).isEqualTo(json.booleanValue());
        } else if (type == Instant.class) {
            assertThat(value)
                    .as(where)
                    .isEqualTo(OffsetDateTime.parse(json.textValue()).toInstant());
        } else if (value instanceof Record nested) {
            assertThat(raw(nested)).as(where + ".raw()").isEqualTo(json);
            assertTypedFieldsMatch(nested, json, where);
        } else {
            throw new AssertionError(where + ": no comparison for " + type);
        }
    }

    /** {@code raw()} through its accessor (the copy callers get), not the record's field. */
    private static JsonNode raw(Record model) {
        for (RecordComponent component : model.getClass().getRecordComponents()) {
            if (component.getName().equals("raw")) {
                return (JsonNode) read(model, component);
            }
        }
        throw new AssertionError(model.getClass() + " has no raw()");
    }

    private static Object read(Record model, RecordComponent component) {
        try {
            return component.getAccessor().invoke(model);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot read " + component, e);
        }
    }

    private static URI url(JsonNode recording) {
        return URI.create(recording.get("_request").get("url").textValue());
    }

    private static List<JsonNode> items(JsonNode body) {
        List<JsonNode> items = new ArrayList<>();
        if (body.has("value") && body.get("value").isArray()) {
            body.get("value").forEach(items::add);
        } else if (body.isObject() && body.has("id")) {
            items.add(body);
        }
        return items;
    }

    private static Function<JsonNode, Record> parserFor(URI url) {
        String path = url.getPath();
        if (url.getHost().toLowerCase().startsWith("graph.")) {
            if (ORGANIZATION.matcher(path).matches()) {
                return Organization::from;
            }
            if (USERS.matcher(path).matches()) {
                return DirectoryUser::from;
            }
            return null;
        }
        if (MACHINE_VULNERABILITIES.matcher(path).matches()) {
            return Vulnerability::from;
        }
        if (MACHINES.matcher(path).matches() || MACHINE.matcher(path).matches()) {
            return Machine::from;
        }
        return null;
    }
}
