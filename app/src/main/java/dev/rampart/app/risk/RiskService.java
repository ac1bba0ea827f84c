package dev.rampart.app.risk;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

/**
 * Computes the risk of a project's assets with {@link RiskModel}, inside the caller's transaction (a run's apply, a
 * push import, a criticality change), and keeps what it found: the level, score and explanation in {@code
 * asset_risk} (which lists sort and filter by), a history row and a {@code risk.raised} / {@code risk.lowered} event
 * when the level changes, and a new {@code project.risk_version}. A run recomputes the assets it changed; devices
 * Defender does not see are recomputed after every run, since their risk is inferred from the others. Assets are
 * assessed a chunk at a time, so memory does not grow with the tenant.
 */
public final class RiskService {
    private static final Logger LOG = LoggerFactory.getLogger(RiskService.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int CHUNK = 5000;

    private RiskService() {}

    /** What a recomputation did. */
    public record Update(long computed, long raised, long lowered) {}

    /** Which assets to recompute. */
    public enum Scope {
        /** The assets a run changed (its events, its updated rows) and those never computed. */
        RUN,
        /** Every asset of the project. */
        ALL,
        /** The assets never computed (after an upgrade). */
        MISSING
    }

    /**
     * Recomputes risk in the transaction {@code tx}. For {@link Scope#RUN}, {@code runId} and {@code runAt} name the
     * run; its events and rows updated at {@code runAt} say what changed.
     */
    public static Update update(JdbcClient tx, long projectId, Long runId, Instant runAt, Scope scope) {
        return update(tx, projectId, runId, runAt, scope, List.of());
    }

    /**
     * Recomputes the given assets of the project, outside a run (a criticality set by hand): their value changed, not
     * their exposure, so the devices whose exposure is inferred from them keep theirs.
     */
    public static Update update(JdbcClient tx, long projectId, List<Long> assets, Instant at) {
        return update(tx, projectId, null, at, null, assets);
    }

    private static Update update(
            JdbcClient tx, long projectId, Long runId, Instant at, Scope scope, List<Long> assets) {
        long t0 = System.nanoTime();
        Laps laps = new Laps();
        tx.sql("create temp table if not exists risk_todo (asset_id bigint primary key) on commit drop")
                .update();
        tx.sql("truncate risk_todo").update();
        if (scope == Scope.ALL) {
            tx.sql("insert into risk_todo select id from asset where project_id = ?")
                    .param(projectId)
                    .update();
        } else if (scope == Scope.RUN) {
            changedCves(tx);
            // what the run changed: assets with events (findings opened, fixed, reopened, archived; alerts; activity),
            // rewritten asset rows, findings refreshed with new facts, open findings of CVEs whose exploit facts
            // changed, and assets never scored
            tx.sql(
                            """
                            insert into risk_todo
                            select asset_id from change_event where run_id = :run and asset_id is not null
                            union select id from asset where project_id = :project and updated_at = :at
                            union select asset_id from finding where project_id = :project and updated_run_id = :run
                            union select f.asset_id from risk_cve_changed c
                                    join finding f on f.project_id = :project and f.cve_id = c.cve_id
                                   where f.state = 'open'
                            union select a.id from asset a where a.project_id = :project
                               and not exists (select 1 from asset_risk r where r.asset_id = a.id)
                            """)
                    .param("run", runId)
                    .param("project", projectId)
                    .param("at", at.atOffset(ZoneOffset.UTC))
                    .update();
        } else if (scope == Scope.MISSING) {
            tx.sql(
                            """
                            insert into risk_todo select a.id from asset a where a.project_id = ?
                               and not exists (select 1 from asset_risk r where r.asset_id = a.id)
                            """)
                    .param(projectId)
                    .update();
        } else {
            tx.sql("insert into risk_todo select distinct unnest(cast(? as bigint[])) on conflict do nothing")
                    .param(assets.toArray(Long[]::new))
                    .update();
            tx.sql("delete from risk_todo t where not exists (select 1 from asset a where a.id = t.asset_id"
                            + " and a.project_id = ?)")
                    .param(projectId)
                    .update();
        }
        laps.lap("todo");
        // Devices only other sources report are judged by their OS's exposure among Defender's devices: after the
        // Defender devices are done.
        List<Long> others = tx.sql(
                        """
                        delete from risk_todo t where not exists (
                            select 1 from asset_source s join source so on so.id = s.source_id
                             where s.asset_id = t.asset_id and so.kind = 'defender')
                        returning asset_id
                        """)
                .query(Long.class)
                .list();
        tx.sql("analyze risk_todo").update();
        Map<String, RiskModel.FindingFacts> catalog = catalog(tx, projectId);
        laps.lap("choose");
        Update u = assess(new Pass(tx, projectId, runId, at, catalog, Map.of(), laps));
        // The inferred exposure moves only when a Defender device's exposure may have: after a run, an import or a
        // connector's removal, not after a criticality set by hand (the value factor is not part of the exposure).
        if (scope != null || !others.isEmpty()) {
            tx.sql("truncate risk_todo").update();
            if (scope != null) {
                tx.sql(
                                """
                                insert into risk_todo select a.id from asset a where a.project_id = ? and not exists (
                                    select 1 from asset_source s join source so on so.id = s.source_id
                                     where s.asset_id = a.id and so.kind = 'defender')
                                """)
                        .param(projectId)
                        .update();
            } else {
                tx.sql("insert into risk_todo select unnest(cast(? as bigint[]))")
                        .param(others.toArray(Long[]::new))
                        .update();
            }
            if (tx.sql("select exists (select 1 from risk_todo)")
                    .query(Boolean.class)
                    .single()) {
                tx.sql("analyze risk_todo").update();
                Map<String, Inferred> inferred = inferred(tx, projectId);
                laps.lap("infer");
                Update v = assess(new Pass(tx, projectId, runId, at, catalog, inferred, laps));
                u = new Update(u.computed() + v.computed(), u.raised() + v.raised(), u.lowered() + v.lowered());
            }
        }
        tx.sql("update project set risk_version = risk_version + 1 where id = ?")
                .param(projectId)
                .update();
        LOG.info(
                "risk: {} assets computed, {} raised, {} lowered in {} ms ({})",
                u.computed(),
                u.raised(),
                u.lowered(),
                (System.nanoTime() - t0) / 1_000_000,
                laps);
        return u;
    }

    /**
     * Within a run's transaction, the temporary table of CVEs whose exploit facts or EPSS the run changed (filled by
     * the catalog step, read by the risk step).
     */
    public static void changedCves(JdbcClient tx) {
        tx.sql("create temp table if not exists risk_cve_changed (cve_id text primary key) on commit drop")
                .update();
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
                          from asset_risk r join asset a on a.id = r.asset_id
                         where r.project_id = ? and r.active and not r.inferred and a.os_platform is not null
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

    /** Where a recomputation's time went, by phase, for the log (and scripts/risk-bench.sh). */
    private static final class Laps {
        private final Map<String, Long> ms = new LinkedHashMap<>();
        private long last = System.nanoTime();

        void count(String what, long n) {
            ms.merge(what + " (rows)", n, Long::sum);
        }

        void lap(String phase) {
            long now = System.nanoTime();
            ms.merge(phase, (now - last) / 1_000_000, Long::sum);
            last = now;
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            ms.forEach((k, v) ->
                    b.append(b.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
            return b.toString();
        }
    }

    /** An asset being assessed, with the digest and level of its stored risk (null before its first). */
    private record AssetRow(
            long id, RiskModel.AssetFacts facts, boolean active, Long digest, String was, RiskModel.Accumulator acc) {}

    /** One pass over the assets in {@code risk_todo}: where, what is known of the CVEs and OSes, and the clock. */
    private record Pass(
            JdbcClient tx,
            long projectId,
            Long runId,
            Instant at,
            Map<String, RiskModel.FindingFacts> catalog,
            Map<String, Inferred> inferred,
            Laps laps) {}

    /**
     * Assesses the assets in {@code risk_todo}, {@value #CHUNK} at a time in id order: their facts, their unresolved
     * alerts, then their open findings, each folded into the asset's accumulator (which keeps its top ten); then the
     * {@link Writer} stores what changed. Memory holds one chunk.
     */
    private static Update assess(Pass pass) {
        JdbcClient tx = pass.tx();
        // Each chunk's queries read a twentieth of the findings by their asset index; PostgreSQL's default costs
        // (random_page_cost 4, made for spinning disks) prefer scanning the whole table in parallel, four times
        // slower here. Index scans for this work only, then the setting as it was (a failure rolls the transaction
        // back, and the setting with it).
        String seqscan = tx.sql("select current_setting('enable_seqscan')")
                .query(String.class)
                .single();
        tx.sql("select set_config('enable_seqscan', 'off', true)").query().listOfRows();
        Update u = assessChunks(pass);
        tx.sql("select set_config('enable_seqscan', ?, true)")
                .param(seqscan)
                .query()
                .listOfRows();
        return u;
    }

    private static Update assessChunks(Pass pass) {
        JdbcClient tx = pass.tx();
        Map<String, RiskModel.FindingFacts> catalog = pass.catalog();
        Map<String, Inferred> inferred = pass.inferred();
        Laps laps = pass.laps();
        Writer out = new Writer(tx);
        Update u = new Update(0, 0, 0);
        long written = 0;
        long after = Long.MIN_VALUE;
        while (true) {
            List<Long> ids = tx.sql("select asset_id from risk_todo where asset_id > ? order by asset_id limit ?")
                    .params(after, CHUNK)
                    .query(Long.class)
                    .list();
            if (ids.isEmpty()) {
                break;
            }
            long lo = ids.get(0);
            long hi = ids.get(ids.size() - 1);
            after = hi;
            laps.lap("chunks");
            Map<Long, AssetRow> rows = new LinkedHashMap<>();
            tx.sql(
                            """
                            select a.id, a.criticality, a.metadata->>'deviceValue',
                                   lower(a.os_platform) || '|' || lower(coalesce(a.os_version, '')), a.active,
                                   r.digest, r.level
                              from risk_todo t join asset a on a.id = t.asset_id
                                   left join asset_risk r on r.asset_id = a.id
                             where t.asset_id between ? and ? and a.id between ? and ? order by a.id
                            """)
                    .params(lo, hi, lo, hi)
                    .query(rs -> {
                        Inferred inf = inferred.get(rs.getString(4));
                        rows.put(
                                rs.getLong(1),
                                new AssetRow(
                                        rs.getLong(1),
                                        new RiskModel.AssetFacts(
                                                rs.getString(2),
                                                rs.getString(3),
                                                inf == null ? null : inf.exposure(),
                                                inf == null ? null : inf.os(),
                                                inf == null ? 0 : inf.devices()),
                                        rs.getBoolean(5),
                                        (Long) rs.getObject(6),
                                        rs.getString(7),
                                        new RiskModel.Accumulator()));
                    });
            laps.lap("assets");
            tx.sql(
                            """
                            select al.asset_id, al.alert_id, al.title, al.severity, al.status
                              from risk_todo t join alert al on al.asset_id = t.asset_id
                             where t.asset_id between ? and ? and al.asset_id between ? and ?
                               and coalesce(al.status, '') <> 'Resolved'
                            """)
                    .params(lo, hi, lo, hi)
                    .query(rs -> {
                        AssetRow r = rows.get(rs.getLong(1));
                        if (r != null) {
                            r.acc()
                                    .alert(new RiskModel.AlertFacts(
                                            rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)));
                        }
                    });
            laps.lap("alerts");
            AssetRow[] last = {null};
            // the findings without their product and fix (a third of the bytes): only the three named in each
            // explanation need them, fetched next by id
            // A chunk of mostly consecutive assets (a full recomputation, a first import) reads the findings' index
            // range in one pass. A scattered one (a run that changed some) looks each asset up: "offset 0" keeps
            // PostgreSQL from turning that into a scan of the whole id range that probes each finding's asset, four
            // times slower with the statistics a run leaves behind.
            boolean dense = ids.size() * 2L > hi - lo + 1;
            tx.sql(
                            dense
                                    ? """
                                    select f.asset_id, f.id, f.cve_id, f.severity, f.cvss, f.exploitability
                                      from finding f where f.asset_id between ? and ? and f.state = 'open'
                                    """
                                    : """
                                    select t.asset_id, f.id, f.cve_id, f.severity, f.cvss, f.exploitability
                                      from risk_todo t cross join lateral (
                                           select f.id, f.cve_id, f.severity, f.cvss, f.exploitability from finding f
                                            where f.asset_id = t.asset_id and f.state = 'open' offset 0) f
                                     where t.asset_id between ? and ?
                                    """)
                    .params(lo, hi)
                    .withFetchSize(10_000)
                    .query(rs -> {
                        // rows come asset by asset: look each asset up once
                        long assetId = rs.getLong(1);
                        AssetRow r = last[0] != null && last[0].id() == assetId ? last[0] : rows.get(assetId);
                        if (r == null) {
                            return;
                        }
                        last[0] = r;
                        String cve = rs.getString(3);
                        RiskModel.FindingFacts c = catalog.get(cve);
                        double cvss = rs.getDouble(5);
                        Double cvssValue = rs.wasNull() ? null : cvss;
                        r.acc()
                                .finding(
                                        new RiskModel.FindingFacts(
                                                cve,
                                                rs.getString(4),
                                                cvssValue,
                                                rs.getString(6),
                                                c != null && c.exploitVerified(),
                                                c != null && c.exploitInKit(),
                                                c != null && c.publicExploit(),
                                                c == null ? null : c.epss(),
                                                null,
                                                null),
                                        rs.getLong(2));
                    });
            laps.lap("findings");
            Map<Long, AssetRow> byFinding = new HashMap<>();
            for (AssetRow r : rows.values()) {
                for (long key : r.acc().named()) {
                    byFinding.put(key, r);
                }
            }
            if (!byFinding.isEmpty()) {
                tx.sql(
                                """
                                select id, nullif(product_name, ''), coalesce(recommended_update, fixing_kb)
                                  from finding where id = any(cast(? as bigint[]))
                                """)
                        .param(byFinding.keySet().toArray(Long[]::new))
                        .query(rs -> {
                            byFinding.get(rs.getLong(1)).acc().detail(rs.getLong(1), rs.getString(2), rs.getString(3));
                        });
            }
            laps.lap("details");
            for (AssetRow r : rows.values()) {
                out.add(r, r.acc().assess(r.facts()));
            }
            laps.lap("assess");
            Update w = out.write(pass.projectId(), pass.runId(), pass.at());
            u = new Update(u.computed() + rows.size(), u.raised() + w.raised(), u.lowered() + w.lowered());
            written += w.computed();
            laps.lap("write");
        }
        laps.count("changed", written);
        return u;
    }

    /**
     * A chunk's results that differ from what is stored (by a digest of the values), kept as one array per column,
     * which PostgreSQL unnests: a recomputation that changes nothing writes nothing.
     */
    private static final class Writer {
        private static final List<String> LEVELS = List.of("None", "Low", "Medium", "High", "Critical");
        private final JdbcClient tx;
        private final java.security.MessageDigest sha;
        private final List<Long> ids = new ArrayList<>();
        private final List<String> levels = new ArrayList<>();
        private final List<Double> scores = new ArrayList<>();
        private final List<Double> exposures = new ArrayList<>();
        private final List<Double> alerts = new ArrayList<>();
        private final List<Boolean> inferred = new ArrayList<>();
        private final List<String> contributors = new ArrayList<>();
        private final List<Boolean> active = new ArrayList<>();
        private final List<Long> digests = new ArrayList<>();
        private final List<String> was = new ArrayList<>();
        private long raised;
        private long lowered;

        Writer(JdbcClient tx) {
            this.tx = tx;
            try {
                this.sha = java.security.MessageDigest.getInstance("SHA-256");
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        void add(AssetRow asset, RiskModel.Risk r) {
            ArrayNode why = JSON.createArrayNode();
            for (RiskModel.Contributor c : r.contributors()) {
                why.addObject()
                        .put("kind", c.kind())
                        .put("id", c.id())
                        .put("text", c.text())
                        .put("weight", c.weight());
            }
            String json = why.toString();
            String all = r.level().label()
                    + '|'
                    + r.score()
                    + '|'
                    + r.exposure()
                    + '|'
                    + r.alert()
                    + '|'
                    + r.inferred()
                    + '|'
                    + asset.active()
                    + '|'
                    + json;
            long digest = java.nio.ByteBuffer.wrap(sha.digest(all.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .getLong();
            if (asset.digest() != null && asset.digest() == digest) {
                return;
            }
            ids.add(asset.id());
            levels.add(r.level().label());
            scores.add(r.score());
            exposures.add(r.exposure());
            alerts.add(r.alert());
            inferred.add(r.inferred());
            contributors.add(json);
            active.add(asset.active());
            digests.add(digest);
            was.add(asset.was());
            if (asset.was() != null && !asset.was().equals(r.level().label())) {
                if (LEVELS.indexOf(r.level().label()) > LEVELS.indexOf(asset.was())) {
                    raised++;
                } else {
                    lowered++;
                }
            }
        }

        /**
         * In one statement: a {@code risk.raised} or {@code risk.lowered} event and a history row for each changed
         * level, and the new values in {@code asset_risk}. Returns the events' counts.
         */
        Update write(long projectId, Long runId, Instant at) {
            Update u = new Update(ids.size(), raised, lowered);
            raised = 0;
            lowered = 0;
            if (ids.isEmpty()) {
                return u;
            }
            String rank = "array_position(array['None','Low','Medium','High','Critical'], %s)";
            tx.sql(
                            """
                            with n as (
                                select * from unnest(cast(:ids as bigint[]), cast(:levels as text[]),
                                           cast(:scores as float8[]), cast(:exposures as float8[]),
                                           cast(:alerts as float8[]), cast(:inferred as boolean[]),
                                           cast(cast(:contributors as text[]) as jsonb[]), cast(:active as boolean[]),
                                           cast(:digests as bigint[]), cast(:was as text[]))
                                       as n(asset_id, level, score, exposure, alert, inferred, contributors, active,
                                            digest, was)),
                            events as (
                                insert into change_event (project_id, run_id, at, type, asset_id, details)
                                select cast(:project as bigint), cast(:run as bigint), :at,
                                       case when %s > %s then 'risk.raised' else 'risk.lowered' end, asset_id,
                                       jsonb_build_object('from', was, 'to', level, 'score', score)
                                  from n where was <> level),
                            history as (
                                insert into asset_risk_history (asset_id, at, run_id, level, score)
                                select asset_id, :at, cast(:run as bigint), level, score from n
                                 where was is distinct from level)
                            insert into asset_risk as r (asset_id, project_id, level, score, exposure, alert, inferred,
                                                         contributors, computed_at, run_id, active, digest)
                            select asset_id, cast(:project as bigint), level, score, exposure, alert, inferred,
                                   contributors, :at, cast(:run as bigint), active, digest
                              from n
                            on conflict (asset_id) do update set level = excluded.level, score = excluded.score,
                                   exposure = excluded.exposure, alert = excluded.alert, inferred = excluded.inferred,
                                   contributors = excluded.contributors, computed_at = excluded.computed_at,
                                   run_id = excluded.run_id, active = excluded.active, digest = excluded.digest
                            """
                                    .formatted(rank.formatted("level"), rank.formatted("was")))
                    .param("ids", ids.toArray(Long[]::new))
                    .param("levels", levels.toArray(String[]::new))
                    .param("scores", scores.toArray(Double[]::new))
                    .param("exposures", exposures.toArray(Double[]::new))
                    .param("alerts", alerts.toArray(Double[]::new))
                    .param("inferred", inferred.toArray(Boolean[]::new))
                    .param("contributors", contributors.toArray(String[]::new))
                    .param("active", active.toArray(Boolean[]::new))
                    .param("digests", digests.toArray(Long[]::new))
                    .param("was", was.toArray(String[]::new))
                    .param("project", projectId)
                    .param("run", runId)
                    .param("at", at.atOffset(ZoneOffset.UTC))
                    .update();
            for (List<?> l :
                    List.of(ids, levels, scores, exposures, alerts, inferred, contributors, active, digests, was)) {
                l.clear();
            }
            return u;
        }
    }
}
