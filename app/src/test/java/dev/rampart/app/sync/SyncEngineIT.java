package dev.rampart.app.sync;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SyncEngineIT {

    @Test
    void firstFullSyncShouldImportEveryDeviceAndOpenItsFindings() {
        try (SyncFixture f = new SyncFixture(60)) {
            RunSummary run = f.full();
            System.out.println(run);
            assertThat(run.succeeded()).as(run.toString()).isTrue();
            assertThat(run.count("assetsAdded")).isEqualTo(60);
            assertThat(f.count("select count(*) from asset where project_id = ?", f.projectId()))
                    .isEqualTo(60);
            assertThat(run.count("findingsOpened")).isPositive();
            assertThat(f.findingStates()).containsOnlyKeys("open");

            RunSummary again = f.full();
            System.out.println(again);
            assertThat(again.succeeded()).as(again.toString()).isTrue();
            assertThat(f.eventTypes(again.runId())).isEmpty();
        }
    }

    @Test
    void devicesThatOnlyReportedAgainShouldLeaveTheirAssetRowsAsTheyAre() {
        try (SyncFixture f = new SyncFixture(60)) {
            assertThat(f.full().succeeded()).isTrue();
            f.advance(java.time.Duration.ofHours(5));

            RunSummary run = f.full();

            assertThat(run.succeeded()).isTrue();
            long rewritten = f.count(
                    "select count(*) from asset where project_id = ? and updated_at = ?",
                    f.projectId(),
                    java.sql.Timestamp.from(f.emulator.clock().instant()));
            long lastSeenMoved = f.count(
                    "select count(*) from asset_source o join asset a on a.id = o.asset_id where a.project_id = ?"
                            + " and o.last_run_id = ? and o.last_seen > o.first_seen",
                    f.projectId(),
                    run.runId());
            assertThat(lastSeenMoved).isGreaterThan(30);
            assertThat(rewritten).as("rows rewritten out of 60").isLessThan(10);
        }
    }
}
