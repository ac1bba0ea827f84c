package dev.rampart.app.sync;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Applies the staged devices: matches each to an asset (the source's own earlier record, else Defender id, AAD
 * device id, FQDN, or IP with MAC, else a new asset), updates identity and metadata, records what the source says
 * about the device's health, and (de)activates assets by the F12 rules. Leaves {@code run_map} (staged device to
 * asset) and {@code run_activation} (assets whose state was decided) for the later steps.
 */
final class AssetApply {
    private AssetApply() {}

    static void apply(JdbcClient jdbc, RunContext ctx) {
        jdbc.sql(
                        """
                        create temp table run_map on commit drop as
                        select s.machine_id, s.defender_machine_id, s.name, s.hostname, s.fqdn, s.aad_device_id,
                               s.os_platform, s.os_version, s.health_status, s.active, s.first_seen, s.last_seen,
                               s.metadata, s.addresses, o.asset_id, false as is_new
                          from (select distinct on (machine_id) * from stage_machine
                                 where run_id = :run and in_scope order by machine_id, last_seen desc nulls last) s
                          left join asset_source o on o.source_id = :source and o.external_id = s.machine_id
                        """)
                .param("run", ctx.runId())
                .param("source", ctx.sourceId())
                .update();
        jdbc.sql("create unique index on run_map (machine_id)").update();
        jdbc.sql("analyze run_map (machine_id, asset_id)").update();

        // Devices this source has not reported before: the best match among assets that hold no record of this
        // source yet; an asset goes to one device only (the best-matching, then the lowest id).
        jdbc.sql(
                        """
                        with cand as (
                            select m.machine_id, c.asset_id, c.priority
                              from run_map m
                             cross join lateral (
                                   select a.id as asset_id, 1 as priority from asset a
                                    where m.defender_machine_id is not null and a.project_id = :project
                                      and a.defender_machine_id = m.defender_machine_id
                                   union all
                                   select a.id, 2 from asset a
                                    where m.aad_device_id is not null and a.project_id = :project
                                      and a.aad_device_id = m.aad_device_id
                                   union all
                                   select a.id, 3 from asset a
                                    where m.fqdn is not null and a.project_id = :project
                                      and lower(a.fqdn) = lower(m.fqdn)
                                   union all
                                   select ad.asset_id, 4 from jsonb_array_elements(m.addresses) x
                                     join asset_address ad on ad.ip = x->>'ip' and ad.mac = x->>'mac'
                                     join asset a on a.id = ad.asset_id and a.project_id = :project
                                    where x->>'mac' <> '') c
                             where m.asset_id is null
                               and not exists (select 1 from asset_source o
                                                where o.asset_id = c.asset_id and o.source_id = :source)),
                        best as (select distinct on (machine_id) machine_id, asset_id, priority
                                   from cand order by machine_id, priority, asset_id),
                        winner as (select distinct on (asset_id) machine_id, asset_id
                                     from best order by asset_id, priority, machine_id)
                        update run_map m set asset_id = w.asset_id from winner w where m.machine_id = w.machine_id
                        """)
                .param("project", ctx.projectId())
                .param("source", ctx.sourceId())
                .update();

        jdbc.sql(
                        """
                        update run_map set asset_id = nextval(pg_get_serial_sequence('asset', 'id')), is_new = true
                         where asset_id is null
                        """)
                .update();
        // A Defender machine id names one asset. A pushed record claiming one that another asset holds, or that
        // another record of the same import claims too, keeps its asset but not the claim.
        jdbc.sql(
                        """
                        with claim as (select machine_id, row_number() over (partition by defender_machine_id
                                                                             order by machine_id) as n
                                         from run_map where defender_machine_id is not null)
                        update run_map m set defender_machine_id = null
                          from claim c
                         where c.machine_id = m.machine_id
                           and (c.n > 1
                                or exists (select 1 from asset x where x.project_id = :project
                                             and x.defender_machine_id = m.defender_machine_id
                                             and x.id <> m.asset_id))
                        """)
                .param("project", ctx.projectId())
                .update();
        jdbc.sql(
                        """
                        insert into asset (id, project_id, name, hostname, fqdn, defender_machine_id, aad_device_id,
                                           os_platform, os_version, health_status, active, first_seen,
                                           metadata, created_at, updated_at)
                        select asset_id, :project, name, hostname, fqdn, defender_machine_id, aad_device_id,
                               os_platform, os_version, health_status, active or :grace > 0,
                               coalesce(first_seen, :at), metadata, :at, :at
                          from run_map where is_new
                        """)
                .param("project", ctx.projectId())
                .param("grace", ctx.gracePeriodDays())
                .param("at", ctx.atTimestamp())
                .update();
        event(jdbc, ctx, "select asset_id, null::bigint from run_map where is_new", "asset.added");

        jdbc.sql(
                        """
                        update asset a set name = n.name, hostname = n.hostname, fqdn = n.fqdn,
                               defender_machine_id = n.defender_machine_id, aad_device_id = n.aad_device_id,
                               os_platform = n.os_platform, os_version = n.os_version,
                               health_status = n.health_status, first_seen = n.first_seen, metadata = n.metadata,
                               updated_at = :at
                          from (select a.id,
                                       case when :auth then m.name else a.name end as name,
                                       case when :auth then coalesce(m.hostname, a.hostname)
                                            else coalesce(a.hostname, m.hostname) end as hostname,
                                       case when :auth then coalesce(m.fqdn, a.fqdn)
                                            else coalesce(a.fqdn, m.fqdn) end as fqdn,
                                       coalesce(a.defender_machine_id, m.defender_machine_id) as defender_machine_id,
                                       case when :auth then coalesce(m.aad_device_id, a.aad_device_id)
                                            else coalesce(a.aad_device_id, m.aad_device_id) end as aad_device_id,
                                       case when :auth then coalesce(m.os_platform, a.os_platform)
                                            else coalesce(a.os_platform, m.os_platform) end as os_platform,
                                       case when :auth then coalesce(m.os_version, a.os_version)
                                            else coalesce(a.os_version, m.os_version) end as os_version,
                                       case when :auth or a.health_status is null then m.health_status
                                            else a.health_status end as health_status,
                                       least(a.first_seen, m.first_seen) as first_seen,
                                       case when a.metadata @> m.metadata then a.metadata
                                            when :auth then a.metadata || m.metadata
                                            else m.metadata || a.metadata end as metadata
                                  from run_map m join asset a on a.id = m.asset_id
                                 where not m.is_new) n
                         where a.id = n.id
                           -- only what changed: last seen is the sources' (asset_source), so a device that only
                           -- reported again leaves its asset row as it is
                           and (a.name, a.hostname, a.fqdn, a.defender_machine_id, a.aad_device_id, a.os_platform,
                                a.os_version, a.health_status, a.first_seen, a.metadata)
                               is distinct from
                               (n.name, n.hostname, n.fqdn, n.defender_machine_id, n.aad_device_id, n.os_platform,
                                n.os_version, n.health_status, n.first_seen, n.metadata)
                        """)
                .param("auth", ctx.authoritative())
                .param("at", ctx.atTimestamp())
                .update();

        if (ctx.authoritative()) {
            // The source's addresses replace the asset's: drop only those it no longer reports.
            jdbc.sql(
                            """
                            delete from asset_address d using run_map m
                             where d.asset_id = m.asset_id
                               and not exists (select 1 from jsonb_array_elements(m.addresses) x
                                                where x->>'ip' = d.ip and coalesce(x->>'mac', '') = d.mac)
                            """)
                    .update();
        }
        jdbc.sql(
                        """
                        insert into asset_address (asset_id, ip, mac)
                        select distinct m.asset_id, x->>'ip', coalesce(x->>'mac', '')
                          from run_map m cross join jsonb_array_elements(m.addresses) x
                         where coalesce(x->>'ip', '') <> ''
                        on conflict do nothing
                        """)
                .update();

        // What this source says about each device's health, with the grace period.
        jdbc.sql(
                        """
                        insert into asset_source as o (asset_id, source_id, external_id, active, health_status,
                                                       first_seen, last_seen, inactive_since, last_run_id)
                        select m.asset_id, :source, m.machine_id, true, m.health_status, coalesce(m.first_seen, :at),
                               coalesce(m.last_seen, :at), case when m.active then null else :at end, :run
                          from run_map m
                        on conflict (asset_id, source_id) do update set
                            external_id = excluded.external_id,
                            health_status = excluded.health_status,
                            first_seen = least(o.first_seen, excluded.first_seen),
                            last_seen = greatest(o.last_seen, excluded.last_seen),
                            inactive_since = case when excluded.inactive_since is null then null
                                                  else coalesce(o.inactive_since, excluded.inactive_since) end,
                            last_run_id = excluded.last_run_id
                        """)
                .param("source", ctx.sourceId())
                .param("at", ctx.atTimestamp())
                .param("run", ctx.runId())
                .update();
        if (ctx.completeList()) {
            jdbc.sql(
                            """
                            update asset_source set health_status = 'NotReported',
                                   inactive_since = coalesce(inactive_since, :at)
                             where source_id = :source and last_run_id is distinct from :run
                               and health_status is distinct from 'NotReported'
                            """)
                    .param("source", ctx.sourceId())
                    .param("at", ctx.atTimestamp())
                    .param("run", ctx.runId())
                    .update();
        }
        jdbc.sql(
                        """
                        update asset_source set active = not active
                         where source_id = :source
                           and active <> (inactive_since is null
                                          or inactive_since > :at - make_interval(days => :grace))
                        """)
                .param("source", ctx.sourceId())
                .param("at", ctx.atTimestamp())
                .param("grace", ctx.gracePeriodDays())
                .update();

        // An asset is active when a source reports it active, unless a source that may deactivate on its own
        // (keepActiveWhileOtherSourceActive false) reports it inactive.
        jdbc.sql(
                        """
                        create temp table run_activation on commit drop as
                        select a.id as asset_id, a.active as was,
                               coalesce(bool_or(o.active), false)
                                 and not coalesce(bool_or(not o.active and coalesce(
                                       (c.options->>'keepActiveWhileOtherSourceActive')::boolean, true) = false),
                                       false) as now_active
                          from asset a
                          join asset_source o on o.asset_id = a.id
                          join source s on s.id = o.source_id
                          left join connector c on c.id = s.connector_id
                         where a.id in (select asset_id from asset_source where source_id = :source)
                         group by a.id, a.active
                        """)
                .param("source", ctx.sourceId())
                .update();
        jdbc.sql("analyze run_activation").update();
        jdbc.sql(
                        """
                        update asset a set active = r.now_active,
                               deactivated_at = case when r.now_active then null else :at end, updated_at = :at
                          from run_activation r where a.id = r.asset_id and r.was <> r.now_active
                        """)
                .param("at", ctx.atTimestamp())
                .update();
        event(
                jdbc,
                ctx,
                "select asset_id, null::bigint from run_activation where was and not now_active",
                "asset.deactivated");
        event(
                jdbc,
                ctx,
                "select asset_id, null::bigint from run_activation where not was and now_active",
                "asset.reactivated");
    }

    /** Writes one event of {@code type} per row of {@code select} (asset id, finding id). */
    static void event(JdbcClient jdbc, RunContext ctx, String select, String type) {
        jdbc.sql("insert into change_event (project_id, run_id, at, type, asset_id, finding_id)"
                        + " select :project, :run, :at, :type, x.* from (" + select + ") x")
                .param("project", ctx.projectId())
                .param("run", ctx.runId())
                .param("at", ctx.atTimestamp())
                .param("type", type)
                .update();
    }
}
