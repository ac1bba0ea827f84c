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
}
