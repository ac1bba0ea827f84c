package dev.rampart.app.risk;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Sensor health and policy (F10), as flags on each asset, recomputed set-based after every run:
 *
 * <ul>
 *   <li>{@code sensor-outdated}: the Defender sensor is older than the connector's {@code sensorVersions} names for
 *       the OS platform, or else than the newest version seen on that platform in the tenant. Windows sensor versions
 *       ({@code 10.<sensor>.<OS build>.<revision>}) are compared without the OS build, the rest part by part;
 *   <li>{@code not-onboarded}: Defender does not report it onboarded, or only other sources know the device;
 *   <li>{@code unhealthy}: Defender's health status is not Active;
 *   <li>{@code av-inactive}, {@code av-outdated}: Defender Antivirus disabled, or its signatures not updated, where
 *       Defender reports it;
 *   <li>{@code unmanaged}: not managed by a tool the connector's {@code expectedManagedBy} names (by default: by no
 *       tool Defender knows).
 * </ul>
 *
 * A flag that appears or clears is a {@code sensor.flagged} / {@code sensor.cleared} event (not for assets the run
 * added: their flags are the baseline).
 */
public final class SensorHealth {
    public static final List<String> FLAGS =
            List.of("sensor-outdated", "not-onboarded", "unhealthy", "av-inactive", "av-outdated", "unmanaged");

    private SensorHealth() {}

    /** The comparable key of a sensor version, in SQL, or null when it is not one. */
    private static String key(String v) {
        return """
                (case when %1$s ~ '^10\\.[0-9]{1,9}\\.[0-9]{1,9}\\.[0-9]{1,9}$'
                      then array[split_part(%1$s, '.', 1)::bigint, split_part(%1$s, '.', 2)::bigint,
                                 split_part(%1$s, '.', 4)::bigint]
                      when %1$s ~ '^[0-9]{1,9}(\\.[0-9]{1,9}){0,5}$' then string_to_array(%1$s, '.')::bigint[] end)
                """
                .formatted(v);
    }

    /** Recomputes every asset's flags in the project; returns how many flags appeared and cleared. */
    public static int[] update(JdbcClient tx, long projectId, Long runId, Instant at) {
        tx.sql("drop table if exists sensor_new").update();
        tx.sql(
                        """
                        create temp table sensor_new on commit drop as
                        with d as (
                            select distinct on (a.id) a.id, s.source_id, a.metadata, a.health_status, a.os_platform,
                                   %s as vkey, c.options
                              from asset a
                              join asset_source s on s.asset_id = a.id
                              join source so on so.id = s.source_id and so.kind = 'defender'
                              left join connector c on c.id = so.connector_id
                             where a.project_id = :project
                             order by a.id, s.last_seen desc nulls last
                        ), newest as (
                            select source_id, os_platform, max(vkey) as top from d
                             where vkey is not null and health_status = 'Active' group by 1, 2
                        )
                        select a.id, array_remove(array[
                                 case when d.id is not null and d.vkey < coalesce(
                                           %s, n.top) then 'sensor-outdated' end,
                                 case when d.id is null or d.metadata->>'onboardingStatus' is distinct from 'Onboarded'
                                      then 'not-onboarded' end,
                                 case when d.id is not null and d.health_status is distinct from 'Active'
                                      then 'unhealthy' end,
                                 case when d.metadata->>'defenderAvStatus' = 'Disabled' then 'av-inactive' end,
                                 case when d.metadata->>'defenderAvStatus' = 'NotUpdated' then 'av-outdated' end,
                                 case when d.id is not null and (
                                           case when jsonb_array_length(coalesce(d.options->'expectedManagedBy',
                                                                                 '[]')) = 0
                                                then coalesce(d.metadata->>'managedBy', 'Unknown') = 'Unknown'
                                                else not coalesce(jsonb_exists(d.options->'expectedManagedBy',
                                                                               d.metadata->>'managedBy'), false)
                                           end)
                                      then 'unmanaged' end], null) as flags
                          from asset a
                          left join d on d.id = a.id
                          left join newest n on n.source_id = d.source_id and n.os_platform = d.os_platform
                         where a.project_id = :project
                        """
                                .formatted(
                                        key("a.metadata->>'agentVersion'"),
                                        key("d.options->'sensorVersions'->>d.os_platform")))
                .param("project", projectId)
                .update();
        var ts = at.atOffset(ZoneOffset.UTC);
        String added = runId == null
                ? "true"
                : "not exists (select 1 from change_event e where e.run_id = :run and e.type = 'asset.added'"
                        + " and e.asset_id = a.id)";
        int flagged = tx.sql(
                        """
                        insert into change_event (project_id, run_id, at, type, asset_id, details)
                        select :project, :run, :at, 'sensor.flagged', n.id, jsonb_build_object('flag', f)
                          from sensor_new n join asset a on a.id = n.id, unnest(n.flags) f
                         where not f = any(a.sensor_flags) and %s
                        """
                                .formatted(added))
                .param("project", projectId)
                .param("run", runId)
                .param("at", ts)
                .update();
        int cleared = tx.sql(
                        """
                        insert into change_event (project_id, run_id, at, type, asset_id, details)
                        select :project, :run, :at, 'sensor.cleared', n.id, jsonb_build_object('flag', f)
                          from sensor_new n join asset a on a.id = n.id, unnest(a.sensor_flags) f
                         where not f = any(n.flags)
                        """)
                .param("project", projectId)
                .param("run", runId)
                .param("at", ts)
                .update();
        tx.sql(
                        """
                        update asset a set sensor_flags = n.flags from sensor_new n
                         where a.id = n.id and a.sensor_flags is distinct from n.flags
                        """)
                .update();
        return new int[] {flagged, cleared};
    }
}
