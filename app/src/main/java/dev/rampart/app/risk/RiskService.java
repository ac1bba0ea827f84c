package dev.rampart.app.risk;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Computes the risk of a project's assets with {@link RiskModel}, inside the caller's transaction (a run's apply, a
 * push import, a criticality change), and keeps what it found: the score and level on the asset (for lists), the
 * explanation in {@code asset_risk}, a history row and a {@code risk.raised} / {@code risk.lowered} event when the
 * level changes. A run recomputes the assets it changed; devices Defender does not see are recomputed every time,
 * since their risk is inferred from the others. The findings stream in asset order, one asset in memory at a time.
 */
public final class RiskService {
    private static final Logger LOG = LoggerFactory.getLogger(RiskService.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int BATCH = 2000;

    private RiskService() {}

    /** What a recomputation did. */
    public record Update(long computed, long raised, long lowered) {}

    /** Which assets to recompute. */
    public enum Scope {
        /** The assets a run changed (its events, its updated rows) and those never computed. */
        RUN,
        /** Every asset of the project. */
        ALL
    }

    /**
     * Recomputes risk in the transaction {@code tx}. For {@link Scope#RUN}, {@code runId} and {@code runAt} name the
     * run; its events and rows updated at {@code runAt} say what changed.
     */
    public static Update update(JdbcClient tx, long projectId, Long runId, Instant runAt, Scope scope) {
        return update(tx, projectId, runId, runAt, scope, List.of());
    }

    /** Recomputes the given assets (and the inferred ones) of the project, outside a run. */
    public static Update update(JdbcClient tx, long projectId, List<Long> assets, Instant at) {
        return update(tx, projectId, null, at, null, assets);
    }

    private static Update update(
            JdbcClient tx, long projectId, Long runId, Instant at, Scope scope, List<Long> assets) {
        long t0 = System.nanoTime();
        tx.sql("create temp table if not exists risk_todo (asset_id bigint primary key) on commit drop")
                .update();
        tx.sql("truncate risk_todo").update();
        tx.sql(
                        """
                        create temp table if not exists risk_new (asset_id bigint primary key, level text, score float8,
                               exposure float8, alert float8, inferred boolean, contributors jsonb) on commit drop
                        """)
                .update();
        tx.sql("truncate risk_new").update();
        if (scope == Scope.ALL) {
            tx.sql("insert into risk_todo select id from asset where project_id = ?")
                    .param(projectId)
                    .update();
        } else if (scope == Scope.RUN) {
            tx.sql(
                            """
                            insert into risk_todo
                            select asset_id from change_event where run_id = :run and asset_id is not null
                            union select id from asset where project_id = :project and updated_at = :at
                            union select id from asset where project_id = :project and risk_level is null
                            """)
                    .param("run", runId)
                    .param("project", projectId)
                    .param("at", at.atOffset(ZoneOffset.UTC))
                    .update();
        } else {
            for (Long id : assets) {
                tx.sql("insert into risk_todo values (?) on conflict do nothing")
                        .param(id)
                        .update();
            }
        }
        // Devices only other sources report are judged by their OS's exposure among Defender's devices: after the
        // Defender devices are done, every time.
        tx.sql(
                        """
                        delete from risk_todo t where not exists (
                            select 1 from asset_source s join source so on so.id = s.source_id
                             where s.asset_id = t.asset_id and so.kind = 'defender')
                        """)
                .update();
        tx.sql("analyze risk_todo").update();
        Map<String, RiskModel.FindingFacts> catalog = catalog(tx, projectId);
        Writer out = new Writer(tx);
        assess(tx, catalog, Map.of(), out, "join risk_todo t on t.asset_id = a.id", "true", List.of());
        out.flush();
        Map<String, Inferred> inferred = inferred(tx, projectId);
        assess(
                tx,
                catalog,
                inferred,
                out,
                "",
                """
                a.project_id = ? and not exists (
                    select 1 from asset_source s join source so on so.id = s.source_id
                     where s.asset_id = a.id and so.kind = 'defender')
                """,
                List.of(projectId));
        out.flush();
        Update u = keep(tx, projectId, runId, at);
        LOG.info(
                "risk: {} assets computed, {} raised, {} lowered in {} ms",
                u.computed(),
                u.raised(),
                u.lowered(),
                (System.nanoTime() - t0) / 1_000_000);
        return u;
    }

    /** The CVE catalog's exploit facts and EPSS, by CVE (a few thousand to tens of thousands of rows). */
    private static Map<String, RiskModel.FindingFacts> catalog(JdbcClient tx, long projectId) {
        Map<String, RiskModel.FindingFacts> m = new HashMap<>();
        tx.sql(
                        """
                        select cve_id, coalesce(exploit_verified, false), coalesce(exploit_in_kit, false),
                               coalesce(public_exploit, false), epss
                          from vulnerability where project_id = ?
                        """)
                .param(projectId)
                .query(rs -> {
                    double epss = rs.getDouble(5);
                    m.put(
                            rs.getString(1),
                            new RiskModel.FindingFacts(
                                    rs.getString(1),
                                    null,
                                    null,
                                    null,
                                    rs.getBoolean(2),
                                    rs.getBoolean(3),
                                    rs.getBoolean(4),
                                    rs.wasNull() ? null : epss,
                                    null,
                                    null));
                });
        return m;
    }

    private record Inferred(double exposure, String os, int devices) {}

    /** The median exposure of Defender's devices per OS and version (at least three devices), by lower-case key. */
    private static Map<String, Inferred> inferred(JdbcClient tx, long projectId) {
        Map<String, Inferred> m = new HashMap<>();
        tx.sql(
                        """
                        select lower(a.os_platform) || '|' || lower(coalesce(a.os_version, '')),
                               a.os_platform || coalesce(' ' || a.os_version, ''),
                               percentile_cont(0.5) within group (order by r.exposure), count(*)
                          from asset a join asset_risk r on r.asset_id = a.id and not r.inferred
                         where a.project_id = ? and a.active and a.os_platform is not null
                           and exists (select 1 from asset_source s join source so on so.id = s.source_id
                                        where s.asset_id = a.id and so.kind = 'defender')
                         group by 1, 2 having count(*) >= 3
                        """)
                .param(projectId)
                .query(rs -> {
                    m.putIfAbsent(rs.getString(1), new Inferred(rs.getDouble(3), rs.getString(2), rs.getInt(4)));
                });
        return m;
    }

    /**
     * Streams the chosen assets with their open findings in asset order and assesses each when its rows end; the
     * unresolved alerts of those assets are read first (few).
     */
    private static void assess(
            JdbcClient tx,
            Map<String, RiskModel.FindingFacts> catalog,
            Map<String, Inferred> inferred,
            Writer out,
            String join,
            String where,
            List<Object> params) {
        Map<Long, List<RiskModel.AlertFacts>> alerts = new HashMap<>();
        tx.sql("select al.asset_id, al.alert_id, al.title, al.severity, al.status from alert al join asset a on"
                        + " a.id = al.asset_id " + join + " where " + where
                        + " and coalesce(al.status, '') <> 'Resolved'")
                .params(params)
                .query(rs -> {
                    alerts.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>())
                            .add(new RiskModel.AlertFacts(
                                    rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)));
                });
        long[] current = {-1};
        RiskModel.Accumulator[] acc = {null};
        RiskModel.AssetFacts[] facts = {null};
        tx.sql(
                        """
                        select a.id, a.criticality, a.metadata->>'deviceValue', lower(a.os_platform) || '|'
                               || lower(coalesce(a.os_version, '')), f.cve_id, f.severity, f.cvss, f.exploitability,
                               f.product_name, coalesce(f.recommended_update, f.fixing_kb)
                          from asset a
                        """
                                + join
                                + " left join finding f on f.asset_id = a.id and f.state = 'open' where " + where
                                + " order by a.id")
                .params(params)
                .withFetchSize(10_000)
                .query(rs -> {
                    long id = rs.getLong(1);
                    if (id != current[0]) {
                        if (acc[0] != null) {
                            out.add(current[0], acc[0].assess(facts[0]));
                        }
                        current[0] = id;
                        acc[0] = new RiskModel.Accumulator();
                        for (RiskModel.AlertFacts al : alerts.getOrDefault(id, List.of())) {
                            acc[0].alert(al);
                        }
                        Inferred inf = inferred.get(rs.getString(4));
                        facts[0] = new RiskModel.AssetFacts(
                                rs.getString(2),
                                rs.getString(3),
                                inf == null ? null : inf.exposure(),
                                inf == null ? null : inf.os(),
                                inf == null ? 0 : inf.devices());
                    }
                    String cve = rs.getString(5);
                    if (cve != null) {
                        RiskModel.FindingFacts c = catalog.get(cve);
                        double cvss = rs.getDouble(7);
                        Double cvssValue = rs.wasNull() ? null : cvss;
                        acc[0].finding(new RiskModel.FindingFacts(
                                cve,
                                rs.getString(6),
                                cvssValue,
                                rs.getString(8),
                                c != null && c.exploitVerified(),
                                c != null && c.exploitInKit(),
                                c != null && c.publicExploit(),
                                c == null ? null : c.epss(),
                                rs.getString(9),
                                rs.getString(10)));
                    }
                });
        if (acc[0] != null) {
            out.add(current[0], acc[0].assess(facts[0]));
        }
    }

    /** Results in batches of {@value #BATCH} into {@code risk_new}. */
    private static final class Writer {
        private final JdbcClient tx;
        private ArrayNode batch = JSON.createArrayNode();

        Writer(JdbcClient tx) {
            this.tx = tx;
        }

        void add(long assetId, RiskModel.Risk r) {
            ObjectNode o = batch.addObject();
            o.put("asset_id", assetId);
            o.put("level", r.level().label());
            o.put("score", r.score());
            o.put("exposure", r.exposure());
            o.put("alert", r.alert());
            o.put("inferred", r.inferred());
            ArrayNode why = o.putArray("contributors");
            for (RiskModel.Contributor c : r.contributors()) {
                why.addObject()
                        .put("kind", c.kind())
                        .put("id", c.id())
                        .put("text", c.text())
                        .put("weight", c.weight());
            }
            if (batch.size() >= BATCH) {
                flush();
            }
        }

        void flush() {
            if (batch.isEmpty()) {
                return;
            }
            tx.sql(
                            """
                            insert into risk_new
                            select * from jsonb_to_recordset(cast(? as jsonb)) as x(asset_id bigint, level text,
                                   score float8, exposure float8, alert float8, inferred boolean, contributors jsonb)
                            on conflict (asset_id) do update set level = excluded.level, score = excluded.score,
                                   exposure = excluded.exposure, alert = excluded.alert, inferred = excluded.inferred,
                                   contributors = excluded.contributors
                            """)
                    .param(batch.toString())
                    .update();
            batch = JSON.createArrayNode();
        }
    }

    /** Events and history for changed levels, then the new values on the asset and in {@code asset_risk}. */
    private static Update keep(JdbcClient tx, long projectId, Long runId, Instant at) {
        var ts = at.atOffset(ZoneOffset.UTC);
        String rank = "array_position(array['None','Low','Medium','High','Critical'], %s)";
        long raised = tx
                .sql(
                        """
                        insert into change_event (project_id, run_id, at, type, asset_id, details)
                        select ?, ?, ?, case when %s > %s then 'risk.raised' else 'risk.lowered' end, n.asset_id,
                               jsonb_build_object('from', a.risk_level, 'to', n.level, 'score', n.score)
                          from risk_new n join asset a on a.id = n.asset_id
                         where a.risk_level is not null and a.risk_level <> n.level
                        returning type
                        """
                                .formatted(rank.formatted("n.level"), rank.formatted("a.risk_level")))
                .params(projectId, runId, ts)
                .query(String.class)
                .list()
                .stream()
                .filter("risk.raised"::equals)
                .count();
        long changed = tx.sql(
                        """
                        insert into asset_risk_history (asset_id, at, run_id, level, score)
                        select n.asset_id, ?, ?, n.level, n.score
                          from risk_new n join asset a on a.id = n.asset_id
                         where a.risk_level is distinct from n.level and a.risk_level is not null
                        """)
                .params(ts, runId)
                .update();
        tx.sql(
                        """
                        insert into asset_risk_history (asset_id, at, run_id, level, score)
                        select n.asset_id, ?, ?, n.level, n.score
                          from risk_new n join asset a on a.id = n.asset_id where a.risk_level is null
                        """)
                .params(ts, runId)
                .update();
        tx.sql(
                        """
                        update asset a set risk_score = n.score, risk_level = n.level from risk_new n
                         where a.id = n.asset_id
                           and (a.risk_score is distinct from n.score or a.risk_level is distinct from n.level)
                        """)
                .update();
        long computed = tx.sql(
                        """
                        insert into asset_risk as r (asset_id, project_id, level, score, exposure, alert, inferred,
                                                     contributors, computed_at, run_id)
                        select n.asset_id, ?, n.level, n.score, n.exposure, n.alert, n.inferred, n.contributors, ?, ?
                          from risk_new n
                        on conflict (asset_id) do update set level = excluded.level, score = excluded.score,
                               exposure = excluded.exposure, alert = excluded.alert, inferred = excluded.inferred,
                               contributors = excluded.contributors, computed_at = excluded.computed_at,
                               run_id = excluded.run_id
                        """)
                .params(projectId, ts, runId)
                .update();
        return new Update(computed, raised, changed - raised);
    }
}
