package dev.rampart.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.databind.node.ObjectNode;

/**
 * Property-style: every API endpoint of the route table, fed hostile values in each parameter and body field it takes
 * (NUL and other control characters, long strings, wrong types, forged cursors, unknown parameters), answers a 4xx
 * problem document that names no class, database or table; so do requests the servlet container refuses itself.
 */
class HostileInputIT {
    private final TestServer server = TestServer.get();

    /** What no answer may contain: a stack frame, a Java or database class, the database's own words. */
    private static final Pattern LEAK =
            Pattern.compile("(?i)(exception|org\\.postgresql|java\\.|jakarta\\.|springframework|psql|sqlstate|staging|"
                    + "\\bcopy\\b|relation \"|\\bat [a-z]+\\.[a-z]+)");

    private static final String SEP = "\u001f";

    private static String b64(String raw) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** Hostile values for any parameter. */
    private static final List<String> STRINGS =
            List.of("\u0000", "a\u0000b", "\u0001\u0002", "line\nbreak", "\u001b[31mred", "x".repeat(5000));

    /** Forged cursors: not base64, wrong shape, wrong types, NUL inside. */
    private static final List<String> CURSORS = List.of(
            "!!!not-base64!!!",
            b64("just one part"),
            b64("name" + SEP + "a" + SEP + "1" + SEP + "extra"),
            b64("-id" + SEP + "not-a-number" + SEP + "1"),
            b64("cvss" + SEP + "0x1p3" + SEP + "1"),
            b64("openedAt" + SEP + "yesterday" + SEP + "1"),
            b64("name" + SEP + "a\u0000" + SEP + "1"),
            b64("-createdAt" + SEP + "2026-13-45 99:99:99+00" + SEP + "1"),
            b64("999999999999999999999999"));

    record Case(String route, String what, String method, String path, String body) {}

    @Test
    void everyEndpointShouldAnswerHostileInputWithA4xxProblemThatLeaksNothing() {
        String project = TestServer.unique("hostile-");
        String token = server.adminToken(project);
        TestServer.Imported imported = server.imported(project, token, "hostile");
        long connector = imported.connector();
        long runId = imported.run();
        long asset = server.jdbc
                .sql("select min(id) from asset where project_id = ?")
                .param(server.project(project))
                .query(Long.class)
                .single();
        Map<String, String> values = new LinkedHashMap<>();
        values.put("project", project);
        values.put("id", String.valueOf(connector));
        values.put("runId", String.valueOf(runId));
        values.put("assetId", String.valueOf(asset));
        values.put("cveId", "CVE-2020-0001");
        values.put(
                "userId",
                String.valueOf(server.user(TestServer.unique("h-"), false).id()));
        values.put("tokenId", "999999999");
        values.put("kind", "findings");

        List<Case> cases = new ArrayList<>();
        for (Routes.Route r : Routes.of(server.context).all()) {
            if (!r.rampart() || !r.pattern().startsWith("/api/")) {
                continue;
            }
            String path = r.path(values);
            cases.add(new Case(
                    r.toString(),
                    "unknown parameter",
                    r.method(),
                    path + "?zzUnknown=1",
                    r.writes() && r.takesBody() ? "{}" : null));
            for (MethodParameter p : r.handler().getMethodParameters()) {
                RequestParam rp = p.getParameterAnnotation(RequestParam.class);
                if (rp != null && !Map.class.isAssignableFrom(p.getParameterType())) {
                    String name = rp.name().isEmpty()
                            ? (rp.value().isEmpty() ? p.getParameterName() : rp.value())
                            : rp.name();
                    List<String> bad = new ArrayList<>(STRINGS);
                    if (p.getParameterType() != String.class) {
                        bad.add("not-a-" + p.getParameterType().getSimpleName());
                    }
                    if (name.equals("cursor")) {
                        bad.addAll(CURSORS);
                    }
                    for (String v : bad) {
                        cases.add(new Case(
                                r.toString(),
                                name + "=" + describe(v),
                                r.method(),
                                path + "?" + name + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8),
                                r.writes() && r.takesBody() ? "{}" : null));
                    }
                }
                if (p.hasParameterAnnotation(RequestBody.class)) {
                    for (Map.Entry<String, String> body :
                            bodies(p.getParameterType()).entrySet()) {
                        cases.add(new Case(r.toString(), "body " + body.getKey(), r.method(), path, body.getValue()));
                    }
                }
            }
        }
        // a list's filters given as meta.<key>
        String assets = "/api/v1/projects/" + project + "/assets";
        for (String v : STRINGS) {
            cases.add(new Case(
                    "GET assets",
                    "meta value " + describe(v),
                    "GET",
                    assets + "?meta.osPlatform=" + URLEncoder.encode(v, StandardCharsets.UTF_8),
                    null));
            cases.add(new Case(
                    "GET assets",
                    "meta key " + describe(v),
                    "GET",
                    assets + "?meta." + URLEncoder.encode(v, StandardCharsets.UTF_8) + "=x",
                    null));
        }

        List<String> problems = new ArrayList<>();
        for (Case c : cases) {
            var response = server.call(c.method(), c.path(), token, c.body());
            String where = c.route() + " with " + c.what() + ": ";
            if (response.status() < 400 || response.status() >= 500) {
                problems.add(where + response.status() + " " + cut(response.body()));
            } else if (!response.contentType().startsWith("application/problem+json")) {
                problems.add(where + "answered " + response.contentType());
            } else if (LEAK.matcher(response.body()).find()) {
                problems.add(where + "leaks " + cut(response.body()));
            }
        }
        assertThat(cases.size()).isGreaterThan(400);
        assertThat(problems).isEmpty();

        // A pushed record with a NUL in a metadata key is a bad record, counted and reported like any other; the
        // answer quotes no database error.
        var pushed = server.call(
                "POST",
                "/api/v1/projects/" + project + "/imports",
                token,
                "{\"source\":\"fuzz\",\"assets\":[{\"id\":\"a1\",\"name\":\"n\",\"metadata\":{\"k\\u0000\":\"v\"}},"
                        + "{\"id\":\"a2\",\"name\":\"fine\"}]}");
        assertThat(pushed.status()).as(pushed.body()).isEqualTo(201);
        assertThat(pushed.json().get("badRecords").get("assets").asInt()).isEqualTo(1);
        assertThat(pushed.json().get("assetsAdded").asInt()).isEqualTo(1);
        assertThat(pushed.body()).doesNotContainPattern(LEAK.pattern());
    }

    @Test
    void percentAndUnderscoreShouldMatchThemselvesInEverySearch() {
        String project = TestServer.unique("like-");
        String token = server.adminToken(project);
        server.imported(project, token, "like");
        Map<String, List<String>> searched = Map.of(
                "assets", List.of("name", "hostname", "fqdn"),
                "vulnerabilities", List.of("cveId", "name"),
                "software", List.of("name", "vendor"));
        for (String list : searched.keySet()) {
            String base = "/api/v1/projects/" + project + "/" + list + "?limit=1000&q=";
            assertThat(server.call("GET", base + "%25", token, null)
                            .json()
                            .get("items")
                            .size())
                    .as(list + " q=%")
                    .isZero();
            var all = server.call("GET", base.replace("&q=", ""), token, null)
                    .json()
                    .get("items");
            var underscore = server.call("GET", base + "_", token, null).json().get("items");
            assertThat(all.size()).as(list).isPositive();
            for (var item : underscore) {
                assertThat(searched.get(list).stream().map(f -> item.path(f).asString("")))
                        .as(list + " q=_: " + item)
                        .anyMatch(v -> v.contains("_"));
            }
            assertThat(underscore.size()).as(list).isLessThan(all.size());
        }
    }

    @Test
    void pagesShouldAnswerHostileInputWithTheErrorPage() throws Exception {
        String project = TestServer.unique("hostile-pages-");
        String token = server.adminToken(project);
        Map<String, String> values = Map.of("project", project, "id", "1", "assetId", "1", "cveId", "CVE-2020-0001");
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Routes.Route r : Routes.of(server.context).all()) {
            if (!r.rampart() || r.pattern().startsWith("/api/") || r.pattern().equals("/login")) {
                continue;
            }
            for (String v : List.of("\u0000", "a\u0001b", "x".repeat(5000))) {
                String enc = URLEncoder.encode(v, StandardCharsets.UTF_8);
                HttpRequest.Builder b = HttpRequest.newBuilder(
                                URI.create(server.baseUrl + r.path(values) + (r.writes() ? "" : "?q=" + enc)))
                        .header("Accept", "text/html")
                        .header("Authorization", "Bearer " + token)
                        .timeout(Duration.ofSeconds(30));
                if (r.writes()) {
                    b.header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString("name=" + enc + "&username=" + enc));
                }
                HttpResponse<String> page = server.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                checked++;
                boolean longValue = v.length() > 100;
                if (longValue && r.writes()) {
                    continue; // a long form field is the form's own business (it says so next to the field)
                }
                if (page.statusCode() != 400
                        || !page.body().contains("id=\"error-sentence\"")
                        || LEAK.matcher(page.body()).find()) {
                    problems.add(r + " with " + describe(v) + ": " + page.statusCode() + " " + cut(page.body()));
                }
            }
        }
        assertThat(checked).isGreaterThan(40);
        assertThat(problems).isEmpty();
    }

    /** Bodies with one hostile value each, in every field of the request record (and of the records it holds). */
    private static Map<String, String> bodies(Class<?> type) {
        Map<String, String> out = new LinkedHashMap<>();
        if (!type.isRecord()) {
            for (String v : STRINGS) {
                out.put("as a JSON string " + describe(v), TestServer.JSON.writeValueAsString(v));
            }
            return out;
        }
        for (var component : type.getRecordComponents()) {
            Class<?> t = component.getType();
            String field = component.getName();
            if (t == String.class) {
                for (String v : STRINGS) {
                    ObjectNode o = TestServer.JSON.createObjectNode();
                    o.put(field, v);
                    out.put(field + "=" + describe(v), o.toString());
                }
                out.put(field + " as an object", "{\"" + field + "\": {\"a\": 1}}");
            } else if (t == Boolean.class || t == Integer.class || t == java.time.OffsetDateTime.class) {
                out.put(field + " of the wrong type", "{\"" + field + "\": \"not-a-" + t.getSimpleName() + "\"}");
            } else if (t.isRecord()) {
                for (Map.Entry<String, String> inner : bodies(t).entrySet()) {
                    out.put(field + "." + inner.getKey(), "{\"" + field + "\": " + inner.getValue() + "}");
                }
            } else if (tools.jackson.databind.JsonNode.class.isAssignableFrom(t)) {
                out.put(field + " as a NUL string", "{\"" + field + "\": \"\\u0000\"}");
                out.put(
                        field + " with a NUL inside",
                        "{\"" + field + "\": {\"kind\": \"tags\", \"values\": [\"a\\u0000\"]}}");
            }
        }
        return out;
    }

    private static String describe(String v) {
        if (v.length() > 40) {
            return v.length() + " characters";
        }
        StringBuilder b = new StringBuilder();
        v.chars().forEach(c -> b.append(c < 0x20 ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return b.toString();
    }

    private static String cut(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    @Test
    void requestsTheContainerRefusesShouldBeProblemsToo() throws Exception {
        String token = server.adminToken(TestServer.unique("container-"));
        List<String> problems = new ArrayList<>();
        Map<String, HttpRequest> requests = new LinkedHashMap<>();
        URI me = URI.create(server.baseUrl + "/api/v1/me");
        requests.put(
                "an over-long address",
                HttpRequest.newBuilder(URI.create(server.baseUrl + "/api/v1/me?q=" + "a".repeat(20_000)))
                        .build());
        requests.put(
                "an over-long header",
                HttpRequest.newBuilder(me).header("X-Long", "a".repeat(20_000)).build());
        requests.put(
                "an encoded NUL in the path",
                HttpRequest.newBuilder(URI.create(server.baseUrl + "/api/v1/projects/demo%00/assets"))
                        .header("Authorization", "Bearer " + token)
                        .build());
        requests.put(
                "TRACE",
                HttpRequest.newBuilder(me)
                        .method("TRACE", HttpRequest.BodyPublishers.noBody())
                        .build());
        requests.put(
                "an unknown method",
                HttpRequest.newBuilder(me)
                        .method("FOO", HttpRequest.BodyPublishers.noBody())
                        .build());
        requests.put(
                "an encoded line break in the path",
                HttpRequest.newBuilder(URI.create(server.baseUrl + "/api/v1/projects/a%0Ab/assets"))
                        .header("Authorization", "Bearer " + token)
                        .build());
        for (Map.Entry<String, HttpRequest> e : requests.entrySet()) {
            HttpResponse<String> r;
            try {
                r = server.http.send(e.getValue(), HttpResponse.BodyHandlers.ofString());
            } catch (java.io.IOException io) {
                problems.add(e.getKey() + ": " + io);
                continue;
            }
            String type = r.headers().firstValue("Content-Type").orElse("");
            if (r.statusCode() < 400 || r.statusCode() >= 500) {
                problems.add(e.getKey() + ": " + r.statusCode());
            } else if (!type.startsWith("application/problem+json")) {
                problems.add(e.getKey() + ": " + r.statusCode() + " " + type + " " + cut(r.body()));
            } else {
                var p = TestServer.JSON.readTree(r.body());
                if (p.path("status").asInt() != r.statusCode() || !p.hasNonNull("type") || !p.hasNonNull("detail")) {
                    problems.add(e.getKey() + ": incomplete " + r.body());
                }
                if (LEAK.matcher(r.body()).find()) {
                    problems.add(e.getKey() + ": leaks " + r.body());
                }
            }
        }
        assertThat(problems).isEmpty();
        // a browser gets a page with a sentence instead
        HttpResponse<String> page = server.http.send(
                HttpRequest.newBuilder(URI.create(server.baseUrl + "/projects/a%00b"))
                        .header("Accept", "text/html")
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(400);
        assertThat(page.body()).contains("id=\"error-sentence\"").doesNotContain("Tomcat");
    }
}
