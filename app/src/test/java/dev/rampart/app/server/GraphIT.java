package dev.rampart.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.app.security.Role;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The entity graph (F20) on the hand-made inventory: an entity's neighbours, the shortest paths between two, and the
 * three export formats read back with their own rules (JSON, GraphML through an XML parser, Neo4j's import headers).
 */
class GraphIT {
    private static final TestServer server = TestServer.get();
    static HandMadeInventory inv;
    static String viewer;
    static String web01;
    static String log4jOnWeb01;

    @BeforeAll
    static void inventory() {
        inv = HandMadeInventory.create(server);
        viewer = server.token(inv.project, Role.VIEWER);
        web01 = "Device:" + inv.web01;
        log4jOnWeb01 = "Finding:" + inv.log4jOnWeb01;
    }

    private static long one(String sql, Object... params) {
        return server.jdbc.sql(sql).params(params).query(Long.class).single();
    }

    private static JsonNode get(String path) {
        var r = server.call("GET", "/api/v1/projects/" + inv.project + path, viewer, null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static Set<String> edges(JsonNode graph) {
        Set<String> out = new HashSet<>();
        graph.get("relationships")
                .forEach(r -> out.add(r.get("from").asString() + " "
                        + r.get("verb").asString() + " " + r.get("to").asString()));
        return out;
    }

    @Test
    void aDevicesNeighboursShouldBeEverythingItIsRelatedTo() {
        JsonNode g = get("/graph/Device/" + inv.web01);
        String openssl =
                "Finding:" + one("select id from finding where asset_id = ? and cve_id = 'CVE-2024-0001'", inv.web01);
        String agent = "HostAgent:" + inv.defender + "-" + inv.web01;
        String alert = "Alert:" + one("select id from alert where source_id = ? and alert_id = 'da-2'", inv.defender);
        assertThat(edges(g))
                .containsExactlyInAnyOrder(
                        "Account:" + inv.connector + " HAS " + web01,
                        agent + " PROTECTS " + web01,
                        web01 + " HAS " + openssl,
                        web01 + " HAS " + log4jOnWeb01,
                        web01 + " INSTALLED Software:openssl-_-openssl",
                        web01 + " INSTALLED Software:apache-_-log4j",
                        alert + " TARGETS " + web01,
                        "Ticket:" + inv.ticket + " CONCERNS " + web01);
        assertThat(g.get("truncated").asBoolean()).isFalse();
        JsonNode device = g.get("entities").get(0);
        assertThat(device.get("id").asString()).isEqualTo(web01);
        assertThat(device.get("class").asString()).isEqualTo("Device");
        assertThat(device.get("type").asString()).isEqualTo("rampart_device");
        assertThat(device.get("key").asString()).isEqualTo("asset-" + inv.web01);
        assertThat(device.get("properties").get("name").asString()).isEqualTo("web-01");
        assertThat(device.get("properties").get("riskLevel").asString()).isEqualTo("Critical");
        assertThat(g.get("entities").size()).isEqualTo(9);
    }

    @Test
    void twoLevelsShouldReachTheVulnerabilitiesAndTheDevicesThatShareSoftware() {
        JsonNode g = get("/graph/Device/" + inv.web01 + "?depth=2");
        Set<String> ids = new HashSet<>();
        g.get("entities").forEach(e -> ids.add(e.get("id").asString()));
        assertThat(ids)
                .contains(
                        "Vulnerability:CVE-2021-44228",
                        "Vulnerability:CVE-2024-0001",
                        "Device:" + inv.oldDb,
                        "Device:" + inv.web02,
                        "Device:" + inv.wsCeo)
                .doesNotContain("Device:" + inv.printer3);
        assertThat(edges(g)).contains(log4jOnWeb01 + " IS Vulnerability:CVE-2021-44228");
        assertThat(server.call(
                                "GET",
                                "/api/v1/projects/" + inv.project + "/graph/Device/" + inv.web01 + "?depth=4",
                                viewer,
                                null)
                        .status())
                .isEqualTo(400);
        assertThat(server.call("GET", "/api/v1/projects/" + inv.project + "/graph/Printer/1", viewer, null)
                        .status())
                .isEqualTo(404);
        assertThat(server.call("GET", "/api/v1/projects/" + inv.project + "/graph/Device/999999999", viewer, null)
                        .status())
                .isEqualTo(404);
    }

    @Test
    void aDeviceOfAnotherProjectShouldNotBeFound() {
        String stranger = server.token(TestServer.unique("graph-other-"), Role.ADMIN);
        String other =
                server.call("GET", "/api/v1/projects", stranger, null).json().toString();
        assertThat(other).doesNotContain(inv.project);
        var r = server.call("GET", "/api/v1/projects/" + inv.project + "/graph/Device/" + inv.web01, stranger, null);
        assertThat(r.status()).isEqualTo(403);
    }

    @Test
    void pathsShouldBeTheShortestOnes() {
        JsonNode direct = get("/graph/paths?from=" + web01 + "&to=Vulnerability:CVE-2021-44228");
        assertThat(direct.get("paths").toString())
                .isEqualTo("[[\"" + web01 + "\",\"" + log4jOnWeb01 + "\",\"Vulnerability:CVE-2021-44228\"]]");
        assertThat(edges(direct))
                .containsExactlyInAnyOrder(
                        web01 + " HAS " + log4jOnWeb01, log4jOnWeb01 + " IS Vulnerability:CVE-2021-44228");

        // web-02 reaches log4j's CVE in four steps, three ways: through the tenant to web-01 or old-db, or through
        // the openssl it shares with web-01
        JsonNode far = get("/graph/paths?from=Device:" + inv.web02 + "&to=Vulnerability:CVE-2021-44228");
        String account = "Account:" + inv.connector;
        String log4jOnOldDb =
                "Finding:" + one("select id from finding where asset_id = ? and cve_id = 'CVE-2021-44228'", inv.oldDb);
        List<String> paths = new ArrayList<>();
        far.get("paths").forEach(p -> paths.add(p.toString()));
        String w2 = "\"Device:" + inv.web02 + "\"";
        String v = "\"Vulnerability:CVE-2021-44228\"";
        assertThat(paths)
                .containsExactlyInAnyOrder(
                        "[" + w2 + ",\"" + account + "\",\"" + web01 + "\",\"" + log4jOnWeb01 + "\"," + v + "]",
                        "[" + w2 + ",\"" + account + "\",\"Device:" + inv.oldDb + "\",\"" + log4jOnOldDb + "\"," + v
                                + "]",
                        "[" + w2 + ",\"Software:openssl-_-openssl\",\"" + web01 + "\",\"" + log4jOnWeb01 + "\"," + v
                                + "]");
        assertThat(get("/graph/paths?from=Device:" + inv.web02 + "&to=Vulnerability:CVE-2021-44228&depth=3")
                        .get("paths")
                        .size())
                .isZero();
        assertThat(get("/graph/paths?from=Device:" + inv.printer3 + "&to=Vulnerability:CVE-2021-44228")
                        .get("paths")
                        .size())
                .isZero();
    }

    private static byte[] export(String format) throws Exception {
        HttpResponse<byte[]> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(server.baseUrl + "/api/v1/projects/" + inv.project
                                        + "/exports/graph?format=" + format))
                                .header("Authorization", "Bearer " + viewer)
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    /** What the inventory holds, class by class, and its relationships, counted in SQL. */
    private static Map<String, Long> expectedCounts() {
        long p = inv.projectId;
        Map<String, Long> n = new LinkedHashMap<>();
        n.put("Account", one("select count(*) from connector where project_id = ?", p));
        n.put("Device", one("select count(*) from asset where project_id = ?", p));
        n.put(
                "HostAgent",
                one(
                        "select count(*) from asset_source x join source s on s.id = x.source_id"
                                + " where s.project_id = ? and s.kind = 'defender'",
                        p));
        n.put("Finding", one("select count(*) from finding where project_id = ?", p));
        n.put("Vulnerability", one("select count(*) from vulnerability where project_id = ?", p));
        n.put("Software", one("select count(*) from software where project_id = ?", p));
        n.put("Alert", one("select count(*) from alert where project_id = ?", p));
        n.put("Ticket", one("select count(*) from ticket where project_id = ?", p));
        n.put("User", one("select count(*) from directory_user where project_id = ?", p));
        n.put("Group", one("select count(*) from directory_group where project_id = ?", p));
        return n;
    }

    /** In the model's order: Account HAS Device, MANAGES HostAgent, PROTECTS, HAS Finding, IS, INSTALLED, Software
     * HAS Finding, TARGETS, TRACKS, CONCERNS. */
    private static final int RELATIONSHIPS = 5 + 5 + 5 + 6 + 6 + 6 + 6 + 3 + 1 + 1;

    @Test
    void theJsonExportShouldHoldEveryEntityAndRelationship() throws Exception {
        JsonNode g = JsonMapper.builder().build().readTree(export("json"));
        Map<String, Long> counted = new HashMap<>();
        Set<String> ids = new HashSet<>();
        g.get("entities").forEach(e -> {
            counted.merge(e.get("class").asString(), 1L, Long::sum);
            ids.add(e.get("id").asString());
        });
        Map<String, Long> expected = new HashMap<>(expectedCounts());
        expected.values().removeIf(v -> v == 0); // the hand-made inventory has no directory
        assertThat(counted).isEqualTo(expected);
        assertThat(g.get("relationships").size()).isEqualTo(RELATIONSHIPS);
        g.get("relationships").forEach(r -> {
            assertThat(ids).contains(r.get("from").asString(), r.get("to").asString());
        });
        assertThat(edges(g)).containsAll(edges(get("/graph/Device/" + inv.web01)));
    }

    @Test
    void theGraphmlExportShouldParseBackWithItsKeysDeclared() throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(export("graphml")));
        Element root = doc.getDocumentElement();
        assertThat(root.getLocalName()).isEqualTo("graphml");
        assertThat(root.getNamespaceURI()).isEqualTo("http://graphml.graphdrawing.org/xmlns");
        Set<String> keys = new HashSet<>();
        NodeList keyList = root.getElementsByTagNameNS("*", "key");
        for (int i = 0; i < keyList.getLength(); i++) {
            Element k = (Element) keyList.item(i);
            assertThat(k.getAttribute("attr.type")).isIn("string", "double", "boolean");
            keys.add(k.getAttribute("id"));
        }
        NodeList nodes = root.getElementsByTagNameNS("*", "node");
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            ids.add(((Element) nodes.item(i)).getAttribute("id"));
        }
        assertThat((long) ids.size())
                .isEqualTo(expectedCounts().values().stream()
                        .mapToLong(Long::longValue)
                        .sum());
        NodeList edges = root.getElementsByTagNameNS("*", "edge");
        assertThat(edges.getLength()).isEqualTo(RELATIONSHIPS);
        for (int i = 0; i < edges.getLength(); i++) {
            Element e = (Element) edges.item(i);
            assertThat(ids).contains(e.getAttribute("source"), e.getAttribute("target"));
        }
        NodeList data = root.getElementsByTagNameNS("*", "data");
        for (int i = 0; i < data.getLength(); i++) {
            assertThat(keys).contains(((Element) data.item(i)).getAttribute("key"));
        }
        assertThat(new String(export("graphml"), StandardCharsets.UTF_8))
                .contains("<data key=\"p_name\">web-01</data>");
    }

    /** A header field of neo4j-admin's import: an id, a label, a type, the relationship's ends, or name:type. */
    private static final Pattern NEO4J_FIELD =
            Pattern.compile("[A-Za-z][A-Za-z0-9]*:ID|:LABEL|:TYPE|:START_ID|:END_ID|[A-Za-z][A-Za-z0-9]*"
                    + "(:(int|long|float|double|boolean|byte|short|char|string|datetime|date))?");

    @Test
    void theNeo4jExportShouldFollowTheImportToolsHeaderRules() throws Exception {
        Map<String, List<String>> files = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(export("neo4j")))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                files.put(
                        e.getName(),
                        new String(readAll(zip), StandardCharsets.UTF_8).lines().toList());
            }
        }
        Map<String, Long> expected = expectedCounts();
        List<String> names = new ArrayList<>();
        expected.keySet().forEach(c -> names.add("nodes/" + c + ".csv"));
        names.add("relationships.csv");
        names.add("import.txt");
        assertThat(files.keySet()).containsExactlyElementsOf(names);
        Set<String> ids = new HashSet<>();
        for (String c : expected.keySet()) {
            List<String> lines = files.get("nodes/" + c + ".csv");
            List<String> header = List.of(lines.get(0).split(","));
            assertThat(header.subList(0, 4)).containsExactly("entityId:ID", ":LABEL", "entityKey", "entityType");
            Set<String> names2 = new HashSet<>();
            for (String h : header) {
                assertThat(h).matches(NEO4J_FIELD);
                assertThat(names2.add(h.split(":")[0]))
                        .as("one column per name: " + h)
                        .isTrue();
            }
            assertThat((long) lines.size() - 1).isEqualTo(expected.get(c));
            for (String line : lines.subList(1, lines.size())) {
                assertThat(line.split(",", -1)).hasSize(header.size());
                ids.add(line.substring(0, line.indexOf(',')));
            }
        }
        List<String> rels = files.get("relationships.csv");
        assertThat(rels.get(0)).isEqualTo(":START_ID,:END_ID,:TYPE");
        assertThat(rels).hasSize(RELATIONSHIPS + 1);
        for (String r : rels.subList(1, rels.size())) {
            String[] cells = r.split(",");
            assertThat(ids).contains(cells[0], cells[1]);
        }
        assertThat(files.get("import.txt").get(0))
                .startsWith("neo4j-admin database import full --nodes=nodes/Account.csv");
    }

    /**
     * A million findings exported in a process whose heap could not hold them: the export streams. (Each finding is
     * about a kilobyte as an entity with its properties; the heap is 96 MB.)
     */
    @Test
    void aMillionFindingsShouldExportInBoundedMemory() throws Exception {
        String key = TestServer.unique("million-");
        long p = server.project(key);
        long source = one("insert into source (project_id, name, kind) values (?, 'scanner', 'push') returning id", p);
        long asset = one("insert into asset (project_id, name) values (?, 'busy') returning id", p);
        server.jdbc
                .sql("insert into vulnerability (project_id, cve_id) values (?, 'CVE-2024-9999')")
                .param(p)
                .update();
        server.jdbc
                .sql("insert into finding (project_id, asset_id, source_id, cve_id, product_name, product_version,"
                        + " state, severity, cvss, opened_at) select ?, ?, ?, 'CVE-2024-9999', 'product', g::text,"
                        + " 'open', 'High', 7.5, now() from generate_series(1, 1000000) g")
                .params(p, asset, source)
                .update();
        try {
            for (String format : List.of("json", "neo4j")) {
                Process proc = Processes.rampartWithHeap(
                                "96m",
                                Map.of(),
                                "export",
                                "graph",
                                "--project",
                                key,
                                "--format",
                                format,
                                "--db",
                                dev.rampart.app.database.TestDatabase.url())
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                String err = new String(proc.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(proc.waitFor()).as(err).isZero();
                assertThat(err).contains("exported 1000002 entities and 2000000 relationships");
            }
        } finally {
            server.jdbc.sql("delete from project where id = ?").param(p).update();
        }
    }

    private static byte[] readAll(InputStream in) throws java.io.IOException {
        return in.readAllBytes();
    }
}
