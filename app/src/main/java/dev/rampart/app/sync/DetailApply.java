package dev.rampart.app.sync;

import org.springframework.jdbc.core.simple.JdbcClient;

/** Applies what hangs off the assets: the CVE catalog, software, alerts and logon users. */
final class DetailApply {
    private DetailApply() {}

    static void apply(JdbcClient jdbc, RunContext ctx) {
        if (ctx.catalog()) {
            catalog(jdbc, ctx);
        }
        if (ctx.software()) {
            software(jdbc, ctx);
        }
        if (ctx.alerts()) {
            alerts(jdbc, ctx);
        }
        if (!ctx.logonUsers().equals("none")) {
            logonUsers(jdbc, ctx);
        }
    }

    private static void catalog(JdbcClient jdbc, RunContext ctx) {
        // The CVEs whose exploit facts change in this run: every open finding of theirs weighs differently now, on
        // assets the run may not otherwise touch; the risk step recomputes those assets (RiskService).
        dev.rampart.app.risk.RiskService.changedCves(jdbc);
        jdbc.sql(
                        """
                        insert into risk_cve_changed
                        select s.cve_id from stage_vulnerability s
                          join vulnerability v on v.project_id = :project and v.cve_id = s.cve_id
                         where s.run_id = :run
                           and (s.public_exploit, s.exploit_verified, s.exploit_in_kit, s.epss)
                               is distinct from (v.public_exploit, v.exploit_verified, v.exploit_in_kit, v.epss)
                        on conflict do nothing
                        """)
                .param("project", ctx.projectId())
                .param("run", ctx.runId())
                .update();
        jdbc.sql(
                        """
                        insert into vulnerability as v (project_id, cve_id, name, description, severity, cvss_v3,
                                   cvss_vector, public_exploit, exploit_verified, exploit_in_kit, exploit_types, epss,
                                   published_on, updated_on, exposed_machines, updated_at)
                        select distinct on (cve_id) :project, cve_id, name, description, severity, cvss_v3,
                               cvss_vector, public_exploit, exploit_verified, exploit_in_kit, exploit_types, epss,
                               published_on, updated_on, exposed_machines, :at
                          from stage_vulnerability where run_id = :run order by cve_id
                        on conflict (project_id, cve_id) do update set
                            name = excluded.name, description = excluded.description, severity = excluded.severity,
                            cvss_v3 = excluded.cvss_v3, cvss_vector = excluded.cvss_vector,
                            public_exploit = excluded.public_exploit, exploit_verified = excluded.exploit_verified,
                            exploit_in_kit = excluded.exploit_in_kit, exploit_types = excluded.exploit_types,
                            epss = excluded.epss, published_on = excluded.published_on,
                            updated_on = excluded.updated_on, exposed_machines = excluded.exposed_machines,
                            updated_at = excluded.updated_at
                        """)
                .param("project", ctx.projectId())
                .param("run", ctx.runId())
                .param("at", ctx.atTimestamp())
                .update();
    }

    private static void software(JdbcClient jdbc, RunContext ctx) {
        jdbc.sql("delete from asset_software d using run_map m where d.asset_id = m.asset_id and d.source_id = :source")
                .param("source", ctx.sourceId())
                .update();
        jdbc.sql(
                        """
                        insert into asset_software (asset_id, source_id, software_key, version, weaknesses,
                                                    first_seen, last_seen, end_of_support, end_of_support_date)
                        select distinct on (m.asset_id, lower(s.vendor) || '-_-' || lower(s.name), s.version)
                               m.asset_id, :source, lower(s.vendor) || '-_-' || lower(s.name), s.version,
                               s.weaknesses, s.first_seen, s.last_seen, s.end_of_support, s.end_of_support_date
                          from stage_software s join run_map m on m.machine_id = s.machine_id
                         where s.run_id = :run
                         order by m.asset_id, lower(s.vendor) || '-_-' || lower(s.name), s.version,
                                  s.last_seen desc nulls last
                        """)
                .param("source", ctx.sourceId())
                .param("run", ctx.runId())
                .update();
        jdbc.sql(
                        """
                        insert into software as w (project_id, software_key, vendor, name, weaknesses, updated_at)
                        select :project, lower(vendor) || '-_-' || lower(name), min(vendor), min(name),
                               max(weaknesses), :at
                          from stage_software where run_id = :run
                         group by lower(vendor) || '-_-' || lower(name)
                        on conflict (project_id, software_key) do update set
                            weaknesses = excluded.weaknesses, updated_at = excluded.updated_at
                        """)
                .param("project", ctx.projectId())
                .param("run", ctx.runId())
                .param("at", ctx.atTimestamp())
                .update();
    }

    /** Upserts alerts by id; an event only when an alert is new or its update time or status changed. */
    private static void alerts(JdbcClient jdbc, RunContext ctx) {
        jdbc.sql(
                        """
                        with s as (select distinct on (sa.alert_id) sa.*, m.asset_id
                                     from stage_alert sa left join run_map m on m.machine_id = sa.machine_id
                                    where sa.run_id = :run
                                    order by sa.alert_id, sa.last_update_at desc),
                        old as (select a.alert_id from alert a join s using (alert_id) where a.source_id = :source),
                        up as (insert into alert as a (project_id, source_id, alert_id, asset_id, machine_id, title,
                                          severity, status, category, classification, determination,
                                          detection_source, created_at, first_event_at, last_event_at,
                                          last_update_at, resolved_at, evidence_summary)
                               select :project, :source, alert_id, asset_id, machine_id, title, severity, status,
                                      category, classification, determination, detection_source, created_at,
                                      first_event_at, last_event_at, last_update_at, resolved_at, evidence_summary
                                 from s
                               on conflict (source_id, alert_id) do update set
                                   asset_id = coalesce(excluded.asset_id, a.asset_id), title = excluded.title,
                                   severity = excluded.severity, status = excluded.status,
                                   category = excluded.category, classification = excluded.classification,
                                   determination = excluded.determination,
                                   detection_source = excluded.detection_source,
                                   first_event_at = excluded.first_event_at, last_event_at = excluded.last_event_at,
                                   last_update_at = excluded.last_update_at, resolved_at = excluded.resolved_at,
                                   evidence_summary = excluded.evidence_summary
                                where a.last_update_at is distinct from excluded.last_update_at
                                   or a.status is distinct from excluded.status
                               returning a.alert_id, a.asset_id)
                        insert into change_event (project_id, run_id, at, type, asset_id, alert_id)
                        select :project, :run, :at,
                               case when old.alert_id is null then 'alert.new' else 'alert.updated' end,
                               up.asset_id, up.alert_id
                          from up left join old using (alert_id)
                        """)
                .param("project", ctx.projectId())
                .param("source", ctx.sourceId())
                .param("run", ctx.runId())
                .param("at", ctx.atTimestamp())
                .update();
    }

    private static void logonUsers(JdbcClient jdbc, RunContext ctx) {
        String scope = ctx.logonUsers().equals("all")
                ? "select asset_id from run_map"
                : "select distinct m.asset_id from stage_logon_user l join run_map m on m.machine_id = l.machine_id"
                        + " where l.run_id = :run";
        jdbc.sql("delete from logon_user where source_id = :source and asset_id in (" + scope + ")")
                .param("source", ctx.sourceId())
                .param("run", ctx.runId())
                .update();
        jdbc.sql(
                        """
                        insert into logon_user (asset_id, source_id, account_name, account_domain, account_sid,
                                                first_seen, last_seen, logon_types, is_domain_admin)
                        select distinct on (m.asset_id, lower(l.account_domain), lower(l.account_name))
                               m.asset_id, :source, l.account_name, l.account_domain, l.account_sid, l.first_seen,
                               l.last_seen, l.logon_types, l.is_domain_admin
                          from stage_logon_user l join run_map m on m.machine_id = l.machine_id
                         where l.run_id = :run and l.account_name <> ''
                         order by m.asset_id, lower(l.account_domain), lower(l.account_name),
                                  l.last_seen desc nulls last
                        on conflict do nothing
                        """)
                .param("source", ctx.sourceId())
                .param("run", ctx.runId())
                .update();
        jdbc.sql("update asset_source set logon_users_at = :at where source_id = :source and asset_id in (" + scope
                        + ")")
                .param("at", ctx.atTimestamp())
                .param("source", ctx.sourceId())
                .param("run", ctx.runId())
                .update();
    }
}
