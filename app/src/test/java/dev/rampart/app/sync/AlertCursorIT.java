package dev.rampart.app.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.defender.DefenderClient;
import dev.rampart.defender.model.Alert;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** F8: alerts are read incrementally on lastUpdateTime; nothing is lost or imported twice at the cursor. */
class AlertCursorIT {

    @Test
    void manySmallIncrementalRunsShouldNeitherLoseNorRepeatAlerts() {
        try (SyncFixture f = new SyncFixture(dev.rampart.emulator.DefenderEmulator.builder()
                .devices(150)
                .seed(23)
                .quotas("off")
                .vulnerabilitiesPerDevice(2)
                .alertsPerThousandDevicesPerDay(400)
                .start(java.time.Instant.parse("2026-03-02T06:00:00Z")))) {
            f.connector("{\"alertOverlapMinutes\": 10, \"logonUsers\": \"off\"}", "{\"kind\":\"all\"}");
            assertThat(f.full().succeeded()).isTrue();
            long updates = 0;
            for (int step = 0; step < 40; step++) {
                f.advance(Duration.ofMinutes(37));
                RunSummary run = f.incremental();
                assertThat(run.succeeded()).as(run.toString()).isTrue();
                updates += run.count("alertsUpdated");
                if (step % 10 == 9) {
                    RunSummary again = f.incremental();
                    assertThat(again.count("alertsNew") + again.count("alertsUpdated"))
                            .as("a run over the same window repeats nothing")
                            .isZero();
                }
            }

            DefenderClient client = f.connector.spec().client(Map.of("MDE_SECRET", f.emulator.clientSecret())::get);
            Map<String, String> want = new TreeMap<>();
            for (Alert a : client.listAlerts(null, false)) {
                // PostgreSQL keeps microseconds: Rampart cuts Defender's seventh digit
                java.time.Instant micros = a.lastUpdateTime().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
                want.put(a.id(), a.status() + " " + micros);
            }
            Map<String, String> have = new TreeMap<>();
            f.jdbc.sql("select alert_id, status, last_update_at from alert where project_id = ?")
                    .param(f.projectId())
                    .query((rs, n) -> have.put(
                            rs.getString(1),
                            rs.getString(2) + " " + rs.getTimestamp(3).toInstant()))
                    .list();
            assertThat(have.keySet()).isEqualTo(want.keySet());
            Map<String, String> differing = new TreeMap<>();
            want.forEach((id, w) -> {
                if (!w.equals(have.get(id))) {
                    differing.put(id, "Defender: " + w + ", Rampart: " + have.get(id));
                }
            });
            assertThat(differing).isEmpty();
            assertThat(f.count(
                            "select count(*) from change_event where project_id = ? and type = 'alert.new'",
                            f.projectId()))
                    .as("each alert is new once")
                    .isEqualTo(want.size());
            assertThat(updates).as("the window saw alerts change").isPositive();
            List<Long> dupes = f.jdbc.sql(
                            "select count(*) from alert where project_id = ? group by alert_id having count(*) > 1")
                    .param(f.projectId())
                    .query(Long.class)
                    .list();
            assertThat(dupes).isEmpty();
        }
    }

    @Test
    void alertEvidenceShouldBeSummarised() {
        try (SyncFixture f = new SyncFixture(dev.rampart.emulator.DefenderEmulator.builder()
                .devices(100)
                .seed(3)
                .quotas("off")
                .vulnerabilitiesPerDevice(1)
                .alertsPerThousandDevicesPerDay(300)
                .start(java.time.Instant.parse("2026-03-02T06:00:00Z")))) {
            assertThat(f.full().succeeded()).isTrue();
            assertThat(f.count(
                            "select count(*) from alert where project_id = ? and asset_id is not null"
                                    + " and evidence_summary->'counts' <> '{}'::jsonb",
                            f.projectId()))
                    .isPositive();
        }
    }
}
