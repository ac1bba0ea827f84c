package dev.rampart.app.sync;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rampart.app.connector.Connector;
import dev.rampart.app.connector.ConnectorSpec;
import dev.rampart.app.connector.Connectors;
import dev.rampart.app.database.TestDatabase;
import dev.rampart.emulator.DefenderEmulator;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A sandbox tenant, a project of its own in the shared test database, a connector to the sandbox, and the engine,
 * driven by the sandbox's clock.
 */
final class SyncFixture implements AutoCloseable {
    private static final AtomicInteger PROJECTS = new AtomicInteger();
    static final ObjectMapper JSON = new ObjectMapper();

    final DefenderEmulator emulator;
    final DataSource dataSource = TestDatabase.get().dataSource();
    final JdbcClient jdbc = JdbcClient.create(dataSource);
    final String project = "p" + ProcessHandle.current().pid() + "-" + PROJECTS.incrementAndGet();
    final SyncEngine engine;
    Connector connector;

    SyncFixture(int devices) {
        this(DefenderEmulator.builder()
                .devices(devices)
                .seed(11)
                .quotas("off")
                .vulnerabilitiesPerDevice(12)
                .start(Instant.parse("2026-03-02T06:00:00Z")));
    }

    SyncFixture(DefenderEmulator.Builder builder) {
        this(builder.start());
    }

    /** A second project on the same sandbox (to compare a clean run with a troubled one). */
    SyncFixture(DefenderEmulator emulator) {
        this.emulator = emulator;
        Map<String, String> env = Map.of("MDE_SECRET", emulator.clientSecret());
        this.engine = new SyncEngine(dataSource, emulator.clock(), c -> c.spec().client(env::get));
        this.connector = connector("{}", "{\"kind\":\"all\"}");
    }

    /** Saves (or replaces) the fixture's connector with these options and scope. */
    Connector connector(String options, String scope) {
        ObjectNode o = JSON.createObjectNode();
        o.put("project", project);
        o.put("name", "sandbox");
        o.put("tenantId", emulator.tenantId());
        o.put("clientId", emulator.clientId());
        o.put("secretEnv", "MDE_SECRET");
        o.put("sandbox", emulator.baseUrl());
        try {
            o.set("scope", JSON.readTree(scope));
            o.set("options", JSON.readTree(options));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
        connector = new Connectors(dataSource).save(ConnectorSpec.parse(o.toString()));
        return connector;
    }

    RunSummary full() {
        return engine.run(connector, SyncEngine.Mode.FULL);
    }

    RunSummary incremental() {
        return engine.run(connector, SyncEngine.Mode.INCREMENTAL);
    }

    long projectId() {
        return connector.projectId();
    }

    long count(String sql, Object... params) {
        return jdbc.sql(sql).params(params).query(Long.class).single();
    }

    /** Findings of the project by state, e.g. {open=120, fixed=3}. */
    Map<String, Long> findingStates() {
        Map<String, Long> m = new java.util.TreeMap<>();
        jdbc.sql("select state, count(*) from finding where project_id = ? group by state")
                .param(projectId())
                .query((rs, n) -> m.put(rs.getString(1), rs.getLong(2)))
                .list();
        return m;
    }

    /**
     * A fingerprint of the project's whole inventory (assets, sources, findings, software, alerts, logon users,
     * profiles, tickets, events), to prove a failed run changed nothing.
     */
    String inventory() {
        StringBuilder b = new StringBuilder();
        long p = projectId();
        String[] queries = {
            "select id, name, active, health_status, deactivated_at, metadata::text from asset where project_id = ?"
                    + " order by id",
            "select o.asset_id, o.external_id, o.active, o.health_status, o.inactive_since from asset_source o join"
                    + " asset a on a.id = o.asset_id where a.project_id = ? order by 1, 2",
            "select id, asset_id, cve_id, product_name, product_version, state, fixed_at, archived_at, times_reopened,"
                    + " last_seen from finding where project_id = ? order by id",
            "select s.asset_id, s.software_key, s.version from asset_software s join asset a on a.id = s.asset_id"
                    + " where a.project_id = ? order by 1, 2, 3",
            "select alert_id, status, last_update_at from alert where project_id = ? order by alert_id",
            "select l.asset_id, l.account_domain, l.account_name from logon_user l join asset a on a.id = l.asset_id"
                    + " where a.project_id = ? order by 1, 2, 3",
            "select p.kind, p.name, pa.asset_id, pa.match_score from profile p join profile_assignment pa on"
                    + " pa.profile_id = p.id where p.project_id = ? order by 1, 2, 3",
            "select id, state, times_reopened from ticket where project_id = ? order by id",
            "select id, type, asset_id, finding_id, alert_id from change_event where project_id = ? order by id",
            "select cve_id, severity from vulnerability where project_id = ? order by 1",
            "select c.connector_id, c.last_full_at, c.vulnerabilities_at, c.alerts_at from connector_checkpoint c"
                    + " join connector k on k.id = c.connector_id where k.project_id = ?"
        };
        for (String q : queries) {
            b.append(q.substring(0, 30)).append('\n');
            jdbc.sql(q)
                    .param(p)
                    .query((rs, n) -> {
                        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                            b.append(rs.getString(i)).append('|');
                        }
                        return b.append('\n');
                    })
                    .list();
        }
        return b.toString();
    }

    List<String> eventTypes(long runId) {
        return jdbc.sql("select type from change_event where run_id = ? order by id")
                .param(runId)
                .query(String.class)
                .list();
    }

    /** The ids of an asset's open findings, in id order. */
    List<Long> openFindings(long assetId) {
        return jdbc.sql("select id from finding where asset_id = ? and state = 'open' order by id")
                .param(assetId)
                .query(Long.class)
                .list();
    }

    long assetId(String machineId) {
        return count("select id from asset where project_id = ? and defender_machine_id = ?", projectId(), machineId);
    }

    /** Sets machine fields in the sandbox, as the control API does. */
    void setMachine(int index, String json) {
        try {
            emulator.tenant().state().overrideMachine(index, (ObjectNode) JSON.readTree(json));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** What the inventory says, source by source, in a form two projects can be compared by. */
    List<String> normalized() {
        return jdbc.sql(
                        """
                        select 'asset ' || a.defender_machine_id || ' ' || a.active || ' ' || coalesce(a.health_status, '')
                          from asset a where a.project_id = :p
                        union all
                        select 'finding ' || a.defender_machine_id || ' ' || x.cve_id || ' ' || x.product_name || ' '
                               || x.product_version || ' ' || x.state || ' ' || coalesce(x.fixed_at::text, '')
                          from finding x join asset a on a.id = x.asset_id where x.project_id = :p
                        union all
                        select 'alert ' || alert_id || ' ' || coalesce(status, '') from alert where project_id = :p
                        union all
                        select 'software ' || a.defender_machine_id || ' ' || s.software_key || ' ' || s.version
                          from asset_software s join asset a on a.id = s.asset_id where a.project_id = :p
                        union all
                        select 'logon ' || a.defender_machine_id || ' ' || l.account_name
                          from logon_user l join asset a on a.id = l.asset_id where a.project_id = :p
                        union all
                        select 'profile ' || a.defender_machine_id || ' ' || p.kind || ' ' || p.name
                          from profile_assignment pa join profile p on p.id = pa.profile_id
                          join asset a on a.id = pa.asset_id where a.project_id = :p
                        order by 1
                        """)
                .param("p", projectId())
                .query(String.class)
                .list();
    }

    /** An onboarded, Active device with at least one open vulnerability now. */
    int vulnerableDevice() {
        java.time.Instant now = emulator.clock().instant();
        for (int i = 0; i < emulator.tenant().deviceCount(); i++) {
            var d = emulator.tenant().device(i, now);
            if (!"Active".equals(d.healthStatus())) {
                continue;
            }
            List<String> cves = openCves(i);
            if (!cves.isEmpty()) {
                return i;
            }
        }
        throw new IllegalStateException("no Active device with vulnerabilities in the sandbox");
    }

    /** The CVEs open on a device in the sandbox now. */
    List<String> openCves(int i) {
        List<String> out = new java.util.ArrayList<>();
        emulator.tenant()
                .vulnerabilities(
                        i, emulator.clock().instant(), r -> out.add(r.cve().id()));
        return out;
    }

    /** Fixes ({@code add} false) or adds a CVE on a device in the sandbox, now. */
    void vulnerability(int i, String cveId, boolean add) {
        var cve = emulator.tenant().catalog().findCve(cveId);
        emulator.tenant()
                .state()
                .overrideVulnerability(
                        i,
                        new dev.rampart.emulator.tenant.TenantState.VulnOverride(
                                cve.index(), add, emulator.clock().instant()));
    }

    /** The state of the finding of a device and CVE (any product). */
    String findingState(String machineId, String cveId) {
        return jdbc.sql("select f.state from finding f join asset a on a.id = f.asset_id"
                        + " where a.project_id = ? and a.defender_machine_id = ? and f.cve_id = ?")
                .params(projectId(), machineId, cveId)
                .query(String.class)
                .single();
    }

    long eventCount(long runId, String type) {
        return count("select count(*) from change_event where run_id = ? and type = ?", runId, type);
    }

    void advance(java.time.Duration d) {
        emulator.advance(d);
    }

    @Override
    public void close() {
        emulator.close();
    }
}
