package dev.rampart.app.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Sensor health and policy (F10) as a run leaves it: each flag where Defender's facts say so, events when a flag
 * clears, the connector's pinned versions and expected management tool, and devices only other sources know.
 */
class SensorHealthIT {

    private static List<String> flags(SyncFixture f, long assetId) {
        Object[] a = f.jdbc.sql("select sensor_flags from asset where id = ?")
                .param(assetId)
                .query((rs, n) -> (Object[]) rs.getArray(1).getArray())
                .single();
        return Arrays.stream(a).map(Object::toString).toList();
    }

    private static int versionPart(String v, int i) {
        return Integer.parseInt(v.split("\\.")[i]);
    }

    @Test
    void eachFlagShouldFollowWhatDefenderReports() {
        try (SyncFixture f = new SyncFixture(80)) {
            assertThat(f.full().succeeded()).isTrue();
            List<Map<String, Object>> rows = f.jdbc.sql(
                            """
                            select id, health_status, os_platform, metadata->>'onboardingStatus' as onboarding,
                                   metadata->>'defenderAvStatus' as av, metadata->>'managedBy' as managed,
                                   metadata->>'agentVersion' as version
                              from asset where project_id = ?
                            """)
                    .param(f.projectId())
                    .query()
                    .listOfRows();
            int checked = 0;
            for (Map<String, Object> r : rows) {
                List<String> flags = flags(f, (Long) r.get("id"));
                String what = r.toString();
                assertThat(flags.contains("unhealthy")).as(what).isEqualTo(!"Active".equals(r.get("health_status")));
                assertThat(flags.contains("not-onboarded"))
                        .as(what)
                        .isEqualTo(!"Onboarded".equals(r.get("onboarding")));
                assertThat(flags.contains("av-inactive")).as(what).isEqualTo("Disabled".equals(r.get("av")));
                assertThat(flags.contains("av-outdated")).as(what).isEqualTo("NotUpdated".equals(r.get("av")));
                assertThat(flags.contains("unmanaged"))
                        .as(what)
                        .isEqualTo(r.get("managed") == null || "Unknown".equals(r.get("managed")));
                checked++;
            }
            assertThat(checked).isEqualTo(80);
            // sensor-outdated: a Windows 11 device behind the newest sensor build among active Windows 11 devices
            List<Map<String, Object>> win11 = rows.stream()
                    .filter(r -> "Windows11".equals(r.get("os_platform")) && r.get("version") != null)
                    .toList();
            int newest = win11.stream()
                    .filter(r -> "Active".equals(r.get("health_status")))
                    .mapToInt(r -> versionPart((String) r.get("version"), 1))
                    .max()
                    .orElseThrow();
            long outdated = win11.stream()
                    .filter(r -> versionPart((String) r.get("version"), 1) < newest)
                    .count();
            assertThat(outdated).isPositive();
            for (Map<String, Object> r : win11) {
                boolean older = versionPart((String) r.get("version"), 1) < newest;
                if (older) {
                    assertThat(flags(f, (Long) r.get("id"))).as(r.toString()).contains("sensor-outdated");
                }
            }
            // the filter the asset list offers: every flagged asset, and only those
            assertThat(f.count(
                            "select count(*) from asset where project_id = ? and sensor_flags && array['av-inactive']",
                            f.projectId()))
                    .isEqualTo(rows.stream()
                            .filter(r -> "Disabled".equals(r.get("av")))
                            .count());
        }
    }

    @Test
    void aSensorBroughtUpToDateShouldClearItsFlagWithAnEvent() {
        try (SyncFixture f = new SyncFixture(60)) {
            assertThat(f.full().succeeded()).isTrue();
            String newest = f.jdbc.sql(
                            """
                            select metadata->>'agentVersion' from asset where project_id = ? and os_platform = 'Windows11'
                               and health_status = 'Active' and not ('sensor-outdated' = any(sensor_flags))
                             limit 1
                            """)
                    .param(f.projectId())
                    .query(String.class)
                    .single();
            int device = -1;
            long asset = -1;
            for (int i = 0; i < 60 && device < 0; i++) {
                long id = f.assetId(f.emulator.tenant().machineId(i));
                if (flags(f, id).contains("sensor-outdated")
                        && f.count("select count(*) from asset where id = ? and os_platform = 'Windows11'", id) == 1) {
                    device = i;
                    asset = id;
                }
            }
            assertThat(device)
                    .as("an outdated Windows 11 sensor in the sandbox")
                    .isNotNegative();
            // a second run an hour later, with nothing changed in the sandbox, rewrites no asset
            f.advance(Duration.ofHours(1));
            RunSummary same = f.full();
            assertThat(same.json().get("assetsUpdated").asLong()).isZero();
            f.advance(Duration.ofHours(1));
            f.setMachine(device, "{\"agentVersion\": \"" + newest + "\"}");
            RunSummary run = f.incremental();
            assertThat(run.succeeded()).as(run.toString()).isTrue();
            assertThat(run.json().get("assetsUpdated").asLong()).isPositive();
            assertThat(f.count(
                            "select count(*) from asset where id = ? and updated_at = ?",
                            asset,
                            java.sql.Timestamp.from(f.emulator.clock().instant())))
                    .isEqualTo(1);
            assertThat(flags(f, asset)).doesNotContain("sensor-outdated");
            assertThat(f.count(
                            "select count(*) from change_event where run_id = ? and asset_id = ?"
                                    + " and type = 'sensor.cleared' and details->>'flag' = 'sensor-outdated'",
                            run.runId(),
                            asset))
                    .isEqualTo(1);
        }
    }

    @Test
    void theConnectorsPolicyShouldDecideWhatIsOutdatedAndUnmanaged() {
        try (SyncFixture f = new SyncFixture(40)) {
            f.connector(
                    "{\"sensorVersions\": {\"Windows11\": \"10.9999.0.0\"}, \"expectedManagedBy\": [\"Intune\"]}",
                    "{\"kind\":\"all\"}");
            assertThat(f.full().succeeded()).isTrue();
            assertThat(f.count(
                            "select count(*) from asset where project_id = ? and os_platform = 'Windows11'"
                                    + " and metadata->>'agentVersion' is not null"
                                    + " and not ('sensor-outdated' = any(sensor_flags))",
                            f.projectId()))
                    .isZero();
            assertThat(f.count(
                            "select count(*) from asset where project_id = ? and os_platform = 'Windows11'",
                            f.projectId()))
                    .isPositive();
            assertThat(f.count(
                            "select count(*) from asset where project_id = ?"
                                    + " and (metadata->>'managedBy' = 'Intune') = ('unmanaged' = any(sensor_flags))",
                            f.projectId()))
                    .isZero();
            // a device only another source knows is not onboarded to Defender
            String json = "{\"source\": \"cmdb\", \"assets\": [{\"id\": \"c-1\", \"name\": \"printer-7\"}]}";
            assertThat(new PushImport(f.dataSource, f.emulator.clock())
                            .run(f.project, new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)))
                            .succeeded())
                    .isTrue();
            long printer = f.count("select id from asset where project_id = ? and name = 'printer-7'", f.projectId());
            assertThat(flags(f, printer)).containsExactly("not-onboarded");
        }
    }
}
