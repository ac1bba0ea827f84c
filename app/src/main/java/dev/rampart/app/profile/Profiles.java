package dev.rampart.app.profile;

import java.time.OffsetDateTime;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Profiles (F16). A Defender connector creates OS profiles (the platform, e.g. {@code Windows11}) and OS_VERSION
 * profiles (platform and version) from its devices' OS details and assigns them with the match score Very High.
 * Devices without OS details from any connector get the ordinary classification: a CLASS profile from a rule-based
 * classifier over the name and metadata. Disabling a connector (F15) deletes the profiles it created; its assets are
 * then classified like any other; enabling it again recreates them.
 */
public final class Profiles {
    private final JdbcClient jdbc;

    public Profiles(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
    }

    /**
     * Within a run's transaction: (re)assigns the OS profiles of the connector for the devices in {@code run_map} (or,
     * when {@code allOfSource}, every asset the connector's source reports), then classifies the project's assets
     * that have no OS profile.
     */
    public static void assign(
            JdbcClient jdbc, long projectId, long connectorId, long sourceId, boolean allOfSource, OffsetDateTime at) {
        String assets = allOfSource
                ? "select asset_id from asset_source where source_id = " + sourceId
                : "select asset_id from run_map";
        jdbc.sql(
                        """
                        create temp table run_os on commit drop as
                        select a.id as asset_id, a.os_platform as os,
                               a.os_platform || coalesce(' ' || nullif(a.os_version, ''), '') as os_version
                          from asset a
                         where a.id in (%s) and coalesce(a.os_platform, '') <> ''
                           and a.os_platform not in ('Unknown', 'Other')
                        """
                                .formatted(assets))
                .update();
        jdbc.sql(
                        """
                        insert into profile (project_id, kind, name, connector_id, created_at)
                        select distinct :project, 'OS', os, :connector, :at from run_os
                        union
                        select distinct :project, 'OS_VERSION', os_version, :connector, :at from run_os
                        on conflict do nothing
                        """)
                .param("project", projectId)
                .param("connector", connectorId)
                .param("at", at)
                .update();
        // Only what changed: an unchanged fleet rewrites nothing.
        jdbc.sql(
                        """
                        create temp table run_os_want on commit drop as
                        select p.id as profile_id, r.asset_id
                          from run_os r join profile p on p.project_id = :project and p.connector_id = :connector
                           and ((p.kind = 'OS' and p.name = r.os) or (p.kind = 'OS_VERSION' and p.name = r.os_version))
                        """)
                .param("project", projectId)
                .param("connector", connectorId)
                .update();
        jdbc.sql(
                        """
                        delete from profile_assignment pa using profile p
                         where p.id = pa.profile_id and p.connector_id = :connector
                           and pa.asset_id in (%s)
                           and not exists (select 1 from run_os_want w
                                            where w.profile_id = pa.profile_id and w.asset_id = pa.asset_id)
                        """
                                .formatted(assets))
                .param("connector", connectorId)
                .update();
        jdbc.sql(
                        """
                        insert into profile_assignment (profile_id, asset_id, match_score, assigned_at)
                        select profile_id, asset_id, 'Very High', :at from run_os_want
                        on conflict do nothing
                        """)
                .param("at", at)
                .update();
        jdbc.sql("drop table run_os_want").update();
        jdbc.sql("drop table run_os").update();
        classify(jdbc, projectId, at);
    }

    /**
     * The ordinary classification: assets without an OS profile get one CLASS profile from their name and metadata;
     * assets that have an OS profile lose their CLASS one.
     */
    public static void classify(JdbcClient jdbc, long projectId, OffsetDateTime at) {
        jdbc.sql(
                        """
                        delete from profile_assignment pa using profile p
                         where p.id = pa.profile_id and p.project_id = :project and p.kind = 'CLASS'
                           and exists (select 1 from profile_assignment o join profile op on op.id = o.profile_id
                                        where o.asset_id = pa.asset_id and op.kind in ('OS', 'OS_VERSION'))
                        """)
                .param("project", projectId)
                .update();
        jdbc.sql(
                        """
                        create temp table run_class on commit drop as
                        select a.id as asset_id,
                               case
                                 when a.name ~* '(^|[^a-z])(dc|srv|svr|server|sql|web|app|db|exch|fs)[0-9-]*([^a-z]|$)'
                                      or a.metadata->>'osPlatform' ilike '%server%' then 'Server'
                                 when a.name ~* '(iphone|ipad|android|pixel|galaxy|mobile|phone)'
                                      or a.metadata->>'osPlatform' in ('iOS', 'Android') then 'Mobile'
                                 when a.name ~* '(print|prn|mfp)' then 'Printer'
                                 when a.name ~* '(^|[^a-z])(lt|laptop|nb|book|mbp)[0-9-]*' then 'Laptop'
                                 when a.name ~* '(^|[^a-z])(ws|wks|desk|desktop|pc)[0-9-]*' then 'Workstation'
                                 when a.name ~* '(fw|firewall|rtr|router|switch|sw[0-9]|ap[0-9])' then 'Network device'
                                 else 'Unclassified'
                               end as class
                          from asset a
                         where a.project_id = :project
                           and not exists (select 1 from profile_assignment pa join profile p on p.id = pa.profile_id
                                            where pa.asset_id = a.id and p.kind in ('OS', 'OS_VERSION', 'CLASS'))
                        """)
                .param("project", projectId)
                .update();
        jdbc.sql(
                        """
                        insert into profile (project_id, kind, name, created_at)
                        select distinct :project, 'CLASS', class, :at from run_class
                        on conflict do nothing
                        """)
                .param("project", projectId)
                .param("at", at)
                .update();
        jdbc.sql(
                        """
                        insert into profile_assignment (profile_id, asset_id, match_score, assigned_at)
                        select p.id, r.asset_id, case when r.class = 'Unclassified' then 'Low' else 'Medium' end, :at
                          from run_class r
                          join profile p on p.project_id = :project and p.kind = 'CLASS' and p.name = r.class
                                        and p.connector_id is null
                        """)
                .param("project", projectId)
                .param("at", at)
                .update();
        jdbc.sql("drop table run_class").update();
    }

    /** F15: the connector's profiles go (their assignments with them); its assets are classified like any other. */
    public static void removeFor(JdbcClient jdbc, long projectId, long connectorId, OffsetDateTime at) {
        jdbc.sql("delete from profile where connector_id = ?")
                .param(connectorId)
                .update();
        classify(jdbc, projectId, at);
    }

    /** The profiles of an asset as {@code KIND:name (score)}, for tests and the CLI. */
    public java.util.List<String> ofAsset(long assetId) {
        return jdbc.sql(
                        """
                        select p.kind || ':' || p.name || ' (' || pa.match_score || ')'
                          from profile_assignment pa join profile p on p.id = pa.profile_id
                         where pa.asset_id = ? order by p.kind, p.name
                        """)
                .param(assetId)
                .query(String.class)
                .list();
    }
}
