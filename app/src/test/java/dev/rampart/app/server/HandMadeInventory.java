package dev.rampart.app.server;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A small inventory written straight into the tables, whose answers are known by heart (QueryIT, GraphIT):
 * six devices, three CVEs, three products, three alerts and a ticket in a project of its own.
 */
final class HandMadeInventory {
    static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    static final Instant WS17_LAST_SEEN = NOW.minus(Duration.ofDays(45));

    private final TestServer server;
    final String project;
    final long projectId;
    long connector;
    long defender;
    long web01;
    long web02;
    long wsCeo;
    long ws17;
    long printer3;
    long oldDb;
    long log4jOnWeb01;
    long ticket;

    /**
     * Six devices: two Linux web servers (web-01 with open exploitable openssl and log4j findings, web-02 with its
     * openssl finding fixed), two Windows workstations with Chrome (ws-ceo high-value with a high alert; ws-17 silent
     * for 45 days, its sensor inactive, its Chrome finding reopened once), a printer no Defender sensor sees, and a
     * retired database server with log4j still open.
     */
    static HandMadeInventory create(TestServer server) {
        return new HandMadeInventory(server);
    }

    private HandMadeInventory(TestServer server) {
        this.server = server;
        project = TestServer.unique("hand-made-");
        projectId = server.project(project);
        var jdbc = server.jdbc;
        connector = jdbc.sql(
                        "insert into connector (project_id, name, tenant_id, client_id) values (?, 'prod',"
                                + " '11111111-1111-1111-1111-111111111111', '22222222-2222-2222-2222-222222222222') returning id")
                .param(projectId)
                .query(Long.class)
                .single();
        defender = jdbc.sql("insert into source (project_id, name, kind, connector_id)"
                        + " values (?, 'defender:prod', 'defender', ?) returning id")
                .params(projectId, connector)
                .query(Long.class)
                .single();
        long scanner = jdbc.sql(
                        "insert into source (project_id, name, kind) values (?, 'scanner', 'push') returning id")
                .param(projectId)
                .query(Long.class)
                .single();
        web01 = asset("web-01", "Linux", true, "high", "High", "Critical", 92, defender, "Active", days(1));
        web02 = asset("web-02", "Linux", true, null, "Normal", "High", 70, defender, "Active", days(2));
        wsCeo = asset("ws-ceo", "Windows11", true, "critical", "High", "Critical", 88, defender, "Active", days(0));
        ws17 = asset("ws-17", "Windows11", true, null, "Normal", "Medium", 40, defender, "Inactive", days(45));
        printer3 = asset("printer-3", null, true, null, null, "Low", 12, scanner, null, days(3));
        oldDb = asset("old-db", "Linux", false, null, "Normal", "None", 0, defender, "Inactive", days(90));

        vulnerability("CVE-2024-0001", "Critical", 9.8, true, false, 0.61);
        vulnerability("CVE-2024-0002", "High", 8.8, false, false, 0.12);
        vulnerability("CVE-2021-44228", "Critical", 10.0, true, true, 0.97);

        finding(web01, defender, "CVE-2024-0001", "openssl", "openssl", "3.0.1", "ExploitIsVerified", "open", 0);
        log4jOnWeb01 =
                finding(web01, defender, "CVE-2021-44228", "apache", "log4j", "2.14.1", "ExploitIsVerified", "open", 0);
        finding(web02, defender, "CVE-2024-0001", "openssl", "openssl", "3.0.13", "ExploitIsVerified", "fixed", 0);
        finding(wsCeo, defender, "CVE-2024-0002", "google", "chrome", "120.0", "ExploitIsPublic", "open", 0);
        finding(ws17, defender, "CVE-2024-0002", "google", "chrome", "119.0", "ExploitIsPublic", "open", 1);
        finding(oldDb, defender, "CVE-2021-44228", "apache", "log4j", "2.14.0", "ExploitIsVerified", "open", 0);

        software("openssl", "openssl", web01, web02);
        software("apache", "log4j", web01, oldDb);
        software("google", "chrome", wsCeo, ws17);

        alert(defender, "da-1", wsCeo, "Suspicious PowerShell", "High", "New");
        alert(defender, "da-2", web01, "Port scan", "High", "Resolved");
        alert(defender, "da-3", ws17, "Unwanted software", "Medium", "New");

        ticket = jdbc.sql("insert into ticket (project_id, asset_id, title, state) values (?, ?, 'Patch log4j',"
                        + " 'open') returning id")
                .params(projectId, web01)
                .query(Long.class)
                .single();
        jdbc.sql("insert into ticket_finding values (?, ?)")
                .params(ticket, log4jOnWeb01)
                .update();
    }

    private static Timestamp days(int ago) {
        return Timestamp.from(NOW.minus(Duration.ofDays(ago)));
    }

    private long asset(
            String name,
            String os,
            boolean active,
            String criticality,
            String deviceValue,
            String risk,
            double score,
            long source,
            String health,
            Timestamp lastSeen) {
        var jdbc = server.jdbc;
        long id = jdbc.sql("insert into asset (project_id, name, hostname, os_platform, active, criticality, metadata,"
                        + " first_seen) values (?, ?, ?, ?, ?, ?, ?::jsonb, ?) returning id")
                .params(
                        projectId,
                        name,
                        name,
                        os,
                        active,
                        criticality,
                        deviceValue == null ? "{}" : "{\"deviceValue\": \"" + deviceValue + "\"}",
                        days(400))
                .query(Long.class)
                .single();
        jdbc.sql("insert into asset_source (asset_id, source_id, external_id, active, health_status, first_seen,"
                        + " last_seen) values (?, ?, ?, ?, ?, ?, ?)")
                .params(id, source, "m-" + name, active, health, days(400), lastSeen)
                .update();
        jdbc.sql("insert into asset_risk (asset_id, project_id, level, score, exposure, alert, computed_at, active)"
                        + " values (?, ?, ?, ?, 0, 0, now(), ?)")
                .params(id, projectId, risk, score, active)
                .update();
        return id;
    }

    private void vulnerability(String cve, String severity, double cvss, boolean verified, boolean inKit, double epss) {
        server.jdbc
                .sql("insert into vulnerability (project_id, cve_id, severity, cvss_v3, public_exploit,"
                        + " exploit_verified, exploit_in_kit, epss) values (?, ?, ?, ?, true, ?, ?, ?)")
                .params(projectId, cve, severity, cvss, verified, inKit, epss)
                .update();
    }

    private long finding(
            long asset,
            long source,
            String cve,
            String vendor,
            String product,
            String version,
            String exploitability,
            String state,
            int reopened) {
        return server.jdbc
                .sql("insert into finding (project_id, asset_id, source_id, cve_id, product_vendor, product_name,"
                        + " product_version, severity, exploitability, state, opened_at, fixed_at, times_reopened)"
                        + " values (?, ?, ?, ?, ?, ?, ?, 'High', ?, ?, now(), ?, ?) returning id")
                .params(
                        projectId,
                        asset,
                        source,
                        cve,
                        vendor,
                        product,
                        version,
                        exploitability,
                        state,
                        state.equals("fixed") ? days(1) : null,
                        reopened)
                .query(Long.class)
                .single();
    }

    private void software(String vendor, String name, long... assets) {
        String key = vendor + "-_-" + name;
        server.jdbc
                .sql("insert into software (project_id, software_key, vendor, name, assets) values (?, ?, ?, ?, ?)")
                .params(projectId, key, vendor, name, assets.length)
                .update();
        for (long a : assets) {
            long source = server.jdbc
                    .sql("select source_id from asset_source where asset_id = ?")
                    .param(a)
                    .query(Long.class)
                    .single();
            server.jdbc
                    .sql(
                            "insert into asset_software (asset_id, source_id, software_key, version) values (?, ?, ?, '1')")
                    .params(a, source, key)
                    .update();
        }
    }

    private void alert(long source, String id, long asset, String title, String severity, String status) {
        server.jdbc
                .sql("insert into alert (project_id, source_id, alert_id, asset_id, title, severity, status)"
                        + " values (?, ?, ?, ?, ?, ?, ?)")
                .params(projectId, source, id, asset, title, severity, status)
                .update();
    }
}
