package dev.rampart.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.app.security.Role;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Devices by software (F7): the asset list filtered by a software (vendor and name, a version, or a range of
 * versions compared by their numbers) and by whether that software exposes the device (an open finding on it),
 * checked against the inventory's own tables.
 */
class DevicesBySoftwareIT {
    private static final TestServer server = TestServer.get();
    static String project;
    static String viewer;

    @BeforeAll
    static void importTenant() {
        project = TestServer.unique("by-software-");
        String admin = server.adminToken(project);
        viewer = server.token(project, Role.VIEWER);
        long connector = server.call(
                        "POST",
                        "/api/v1/projects/" + project + "/connectors",
                        admin,
                        server.connectorBody("by-software", server.sandbox.clientSecret()))
                .json()
                .get("id")
                .asLong();
        long run = server.startRun(project, connector, admin);
        assertThat(server.awaitRun(project, run, admin).get("state").asString()).isEqualTo("succeeded");
    }

    private static Set<Long> ids(String query) {
        Set<Long> out = new HashSet<>();
        String cursor = null;
        do {
            var r = server.call(
                    "GET",
                    "/api/v1/projects/" + project + "/assets?limit=1000&" + query
                            + (cursor == null ? "" : "&cursor=" + cursor),
                    viewer,
                    null);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            r.json().get("items").forEach(a -> out.add(a.get("id").asLong()));
            JsonNode next = r.json().get("nextCursor");
            cursor = next == null || next.isNull() ? null : next.asString();
        } while (cursor != null);
        return out;
    }

    private static Set<Long> sql(String sql, Object... params) {
        return new HashSet<>(
                server.jdbc.sql(sql).params(params).query(Long.class).list());
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void theAssetListShouldFindTheDevicesOfASoftwareAndThoseItExposes() {
        long p = server.project(project);
        // the product installed in the most versions on the most devices, and with open findings
        List<String> top = server.jdbc
                .sql(
                        """
                        select s.software_key from asset_software s join asset a on a.id = s.asset_id
                         where a.project_id = ? and exists (select 1 from finding f where f.asset_id = a.id
                               and f.state = 'open'
                               and lower(f.product_vendor) || '-_-' || lower(f.product_name) = s.software_key)
                         group by 1 order by count(distinct s.version) desc, count(*) desc, 1 limit 1
                        """)
                .param(p)
                .query(String.class)
                .list();
        assertThat(top).isNotEmpty();
        String key = top.get(0);
        String[] vn = key.split("-_-");
        String software = vn[0].toUpperCase() + ":" + vn[1]; // any case
        Set<Long> installed = sql(
                "select distinct s.asset_id from asset_software s join asset a on a.id = s.asset_id"
                        + " where a.project_id = ? and s.software_key = ?",
                p,
                key);
        Set<Long> exposed = sql(
                "select distinct f.asset_id from finding f where f.project_id = ? and f.state = 'open'"
                        + " and lower(f.product_vendor) || '-_-' || lower(f.product_name) = ?",
                p,
                key);
        assertThat(ids("software=" + enc(software))).isNotEmpty().isEqualTo(installed);
        assertThat(ids("software=" + enc(software) + "&exposed=true"))
                .isNotEmpty()
                .isEqualTo(exposed);
        Set<Long> notExposed = new HashSet<>(installed);
        notExposed.removeAll(exposed);
        assertThat(ids("software=" + enc(software) + "&exposed=false")).isEqualTo(notExposed);

        List<String> versions = new ArrayList<>(server.jdbc
                .sql("select distinct s.version from asset_software s join asset a on a.id = s.asset_id"
                        + " where a.project_id = ? and s.software_key = ? order by 1")
                .params(p, key)
                .query(String.class)
                .list());
        String version = versions.get(0);
        assertThat(ids("software=" + enc(software + ":" + version)))
                .isEqualTo(sql(
                        "select distinct s.asset_id from asset_software s join asset a on a.id = s.asset_id"
                                + " where a.project_id = ? and s.software_key = ? and s.version = ?",
                        p,
                        key,
                        version));
        // a range: versions compare by their numbers, so "10" comes after "9"
        versions.sort(java.util.Comparator.comparing(DevicesBySoftwareIT::numbers, DevicesBySoftwareIT::compare));
        String low = versions.get(0);
        String high = versions.get(versions.size() - 1);
        Set<Long> inRange = new HashSet<>();
        for (String v : versions) {
            if (compare(numbers(v), numbers(low)) > 0 && compare(numbers(v), numbers(high)) <= 0) {
                inRange.addAll(sql(
                        "select distinct s.asset_id from asset_software s join asset a on a.id = s.asset_id"
                                + " where a.project_id = ? and s.software_key = ? and s.version = ?",
                        p,
                        key,
                        v));
            }
        }
        assertThat(ids("software=" + enc(software + ":>" + low + ",<=" + high))).isEqualTo(inRange);

        var bad = server.call(
                "GET", "/api/v1/projects/" + project + "/assets?software=" + enc("justaname"), viewer, null);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().at("/errors/0/field").asString()).isEqualTo("software");
        assertThat(server.call("GET", "/api/v1/projects/" + project + "/assets?exposed=true", viewer, null)
                        .status())
                .isEqualTo(400);
        assertThat(server.call(
                                "GET",
                                "/api/v1/projects/" + project + "/assets?software=" + enc("a:b:>=1'; drop table x"),
                                viewer,
                                null)
                        .status())
                .isEqualTo(400);
    }

    private static List<Long> numbers(String v) {
        List<Long> out = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\d+").matcher(v);
        while (m.find()) {
            out.add(Long.parseLong(m.group()));
        }
        return out;
    }

    private static int compare(List<Long> a, List<Long> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = Long.compare(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }
}
