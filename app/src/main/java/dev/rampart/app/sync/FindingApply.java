package dev.rampart.app.sync;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The finding lifecycle (F11, F12) in set-based SQL: archive the findings of deactivated assets, reopen those of
 * reactivated ones, open new (asset, CVE, product) findings, reopen fixed ones that came back, and, after a complete
 * pull only, close as fixed the findings a listed device no longer has. Each transition writes its change event.
 */
final class FindingApply {
    private FindingApply() {}

    private static final String EVENT = "insert into change_event (project_id, run_id, at, type, asset_id, finding_id,"
            + " details) select :project, :run, :at, ";

    static void apply(JdbcClient jdbc, RunContext ctx) {
        boolean full = ctx.findings() == RunContext.Findings.FULL;

        // Deactivated assets: every open finding, of any source, is archived.
        run(
                jdbc,
                ctx,
                """
                with x as (update finding f set state = 'archived', archived_at = :at, updated_run_id = :run
                             from run_activation r
                            where f.asset_id = r.asset_id and r.was and not r.now_active and f.state = 'open'
                           returning f.id, f.asset_id)
                """
                        + EVENT + "'finding.archived', asset_id, id, null from x");

        jdbc.sql(
                        """
                        create temp table run_finding on commit drop as
                        select distinct on (m.asset_id, sf.cve_id, sf.product_vendor, sf.product_name,
                                            sf.product_version)
                               m.asset_id, sf.cve_id, sf.product_vendor, sf.product_name, sf.product_version,
                               sf.severity, sf.cvss, sf.exploitability, sf.recommended_update, sf.fixing_kb,
                               sf.first_seen, sf.last_seen, coalesce(sf.change, 'New') as change, sf.event_at,
                               f.id as finding_id, f.state as old_state, a.active as asset_active
                          from stage_finding sf
                          join run_map m on m.machine_id = sf.machine_id
                          join asset a on a.id = m.asset_id
                          left join finding f on f.asset_id = m.asset_id and f.source_id = :source
                                             and f.cve_id = sf.cve_id and f.product_vendor = sf.product_vendor
                                             and f.product_name = sf.product_name
                                             and f.product_version = sf.product_version
                         where sf.run_id = :run
                         order by m.asset_id, sf.cve_id, sf.product_vendor, sf.product_name, sf.product_version,
                                  sf.event_at desc nulls last, sf.last_seen desc nulls last
                        """)
                .param("source", ctx.sourceId())
                .param("run", ctx.runId())
                .update();
        jdbc.sql("create index on run_finding (finding_id)").update();
        jdbc.sql("analyze run_finding").update();

        // Reactivated assets: archived findings reopen, instead of new ones being opened. This source's findings
        // that the run staged are left to the upsert below, and after a complete pull its missing ones to the
        // fixed rule.
        run(
                jdbc,
                ctx,
                """
                with x as (update finding f set state = 'open', archived_at = null,
                                  times_reopened = f.times_reopened + 1, updated_run_id = :run
                             from run_activation r
                            where f.asset_id = r.asset_id and not r.was and r.now_active and f.state = 'archived'
                              and not exists (select 1 from run_finding rf where rf.finding_id = f.id)
                              and not (f.source_id = :source and :full)
                           returning f.id, f.asset_id)
                """
                        + EVENT + "'finding.reopened', asset_id, id, '{\"from\":\"archived\"}'::jsonb from x",
                full);

        // Staged findings that exist: refresh, and reopen those that were fixed or archived.
        run(
                jdbc,
                ctx,
                """
                with x as (update finding f set state = 'open', fixed_at = null, archived_at = null,
                                  times_reopened = f.times_reopened + case when rf.old_state <> 'open' then 1 else 0 end,
                                  severity = coalesce(rf.severity, f.severity), cvss = coalesce(rf.cvss, f.cvss),
                                  exploitability = coalesce(rf.exploitability, f.exploitability),
                                  recommended_update = coalesce(rf.recommended_update, f.recommended_update),
                                  fixing_kb = coalesce(rf.fixing_kb, f.fixing_kb),
                                  first_seen = coalesce(least(f.first_seen, rf.first_seen), f.first_seen, rf.first_seen),
                                  last_seen = coalesce(greatest(f.last_seen, rf.last_seen), f.last_seen, rf.last_seen),
                                  updated_run_id = :run
                             from run_finding rf
                            where f.id = rf.finding_id and rf.change <> 'Fixed' and rf.asset_active
                           returning f.id, f.asset_id, rf.old_state)
                """
                        + EVENT
                        + "'finding.reopened', asset_id, id, jsonb_build_object('from', old_state) from x"
                        + " where old_state <> 'open'");

        // New findings.
        run(
                jdbc,
                ctx,
                """
                with x as (insert into finding (project_id, asset_id, source_id, cve_id, product_vendor, product_name,
                                                product_version, severity, cvss, exploitability, recommended_update,
                                                fixing_kb, first_seen, last_seen, state, opened_at, updated_run_id)
                           select :project, asset_id, :source, cve_id, product_vendor, product_name, product_version,
                                  severity, cvss, exploitability, recommended_update, fixing_kb, first_seen,
                                  last_seen, 'open', :at, :run
                             from run_finding where finding_id is null and change <> 'Fixed' and asset_active
                           returning id, asset_id)
                """
                        + EVENT + "'finding.opened', asset_id, id, null from x");

        // Changes export: rows reported Fixed close their finding on the date Defender gives, also an archived one
        // (the device is inactive here, not in Defender's view), so that it does not reopen when the device returns.
        run(
                jdbc,
                ctx,
                """
                with x as (update finding f set state = 'fixed', fixed_at = coalesce(rf.event_at, :at),
                                  updated_run_id = :run
                             from run_finding rf
                            where f.id = rf.finding_id and rf.change = 'Fixed' and f.state in ('open', 'archived')
                           returning f.id, f.asset_id)
                """
                        + EVENT + "'finding.fixed', asset_id, id, null from x");

        if (full) {
            // A complete pull: what a listed, active device no longer has is fixed.
            run(
                    jdbc,
                    ctx,
                    """
                    with x as (update finding f set state = 'fixed', fixed_at = :at, archived_at = null,
                                      updated_run_id = :run
                                 from run_map m join asset a on a.id = m.asset_id and a.active
                                where f.asset_id = m.asset_id and f.source_id = :source
                                  and f.state in ('open', 'archived')
                                  and f.updated_run_id is distinct from :run
                               returning f.id, f.asset_id)
                    """
                            + EVENT + "'finding.fixed', asset_id, id, null from x");
        }
    }

    private static void run(JdbcClient jdbc, RunContext ctx, String sql) {
        run(jdbc, ctx, sql, ctx.findings() == RunContext.Findings.FULL);
    }

    private static void run(JdbcClient jdbc, RunContext ctx, String sql, boolean full) {
        JdbcClient.StatementSpec s = jdbc.sql(sql)
                .param("project", ctx.projectId())
                .param("run", ctx.runId())
                .param("at", ctx.atTimestamp());
        if (sql.contains(":source")) {
            s = s.param("source", ctx.sourceId());
        }
        if (sql.contains(":full")) {
            s = s.param("full", full);
        }
        s.update();
    }
}
