package dev.rampart.app.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.app.ticket.Tickets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each lifecycle rule (F11, F12) on its own, driven by the sandbox's clock and controls. */
class LifecycleIT {

    @Test
    void newPairShouldOpenAFinding() {
        try (SyncFixture f = new SyncFixture(40)) {
            assertThat(f.full().succeeded()).isTrue();
            int i = f.vulnerableDevice();
            String machine = f.emulator.tenant().machineId(i);
            String cve = f.emulator.tenant().catalog().cves().stream()
                    .map(c -> c.id())
                    .filter(id -> !f.openCves(i).contains(id))
                    .findFirst()
                    .orElseThrow();
            f.advance(Duration.ofHours(1));
            f.vulnerability(i, cve, true);

            RunSummary run = f.full();

            assertThat(run.succeeded()).as(run.toString()).isTrue();
            assertThat(f.findingState(machine, cve)).isEqualTo("open");
            assertThat(run.count("findingsOpened")).isGreaterThanOrEqualTo(1);
            assertThat(f.count(
                            "select count(*) from change_event e join finding x on x.id = e.finding_id"
                                    + " where e.run_id = ? and e.type = 'finding.opened' and x.cve_id = ?",
                            run.runId(),
                            cve))
                    .isEqualTo(1);
        }
    }

    @Test
    void pairMissingAfterACompletePullShouldCloseAsFixedWithTheDate() {
        try (SyncFixture f = new SyncFixture(40)) {
            assertThat(f.full().succeeded()).isTrue();
            int i = f.vulnerableDevice();
            String machine = f.emulator.tenant().machineId(i);
            String cve = f.openCves(i).get(0);
            f.advance(Duration.ofHours(1));
            f.vulnerability(i, cve, false);

            RunSummary run = f.full();

            assertThat(run.succeeded()).as(run.toString()).isTrue();
            assertThat(f.findingState(machine, cve)).isEqualTo("fixed");
            assertThat(f.count(
                            "select count(*) from finding x join asset a on a.id = x.asset_id where a.project_id = ?"
                                    + " and x.cve_id = ? and a.defender_machine_id = ? and x.fixed_at = ?",
                            f.projectId(),
                            cve,
                            machine,
                            java.sql.Timestamp.from(f.emulator.clock().instant())))
                    .isEqualTo(1);
            assertThat(f.eventCount(run.runId(), "finding.fixed")).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void aRunShouldRecountTheExposedAssetsOfTheCvesItChanged() {
        try (SyncFixture f = new SyncFixture(40)) {
            assertThat(f.full().succeeded()).isTrue();
            String stored = "select exposed_assets from vulnerability where project_id = ? and cve_id = ?";
            String truth = "select count(distinct asset_id) from finding where project_id = ? and cve_id = ?"
                    + " and state = 'open'";
            int i = f.vulnerableDevice();
            String cve = f.openCves(i).get(0);
            long before = f.count(stored, f.projectId(), cve);
            assertThat(before).isPositive().isEqualTo(f.count(truth, f.projectId(), cve));
            f.advance(Duration.ofHours(1));
            f.vulnerability(i, cve, false);

            assertThat(f.full().succeeded()).isTrue();

            assertThat(f.count(stored, f.projectId(), cve))
                    .isEqualTo(before - 1)
                    .isEqualTo(f.count(truth, f.projectId(), cve));
            // Back again: the same finding reopens and the asset counts once more.
            f.advance(Duration.ofHours(1));
            f.vulnerability(i, cve, true);
            assertThat(f.full().succeeded()).isTrue();
            assertThat(f.findingState(f.emulator.tenant().machineId(i), cve)).isEqualTo("open");
            assertThat(f.count(stored, f.projectId(), cve)).isEqualTo(before);
            assertThat(f.count(
                            "select count(*) from vulnerability v where v.project_id = ? and v.exposed_assets <>"
                                    + " (select count(distinct asset_id) from finding x where x.project_id ="
                                    + " v.project_id and x.cve_id = v.cve_id and x.state = 'open')",
                            f.projectId()))
                    .isZero();
        }
    }

    @Test
    void fixedPairThatComesBackShouldReopenTheSameFinding() {
        try (SyncFixture f = new SyncFixture(40)) {
            assertThat(f.full().succeeded()).isTrue();
            int i = f.vulnerableDevice();
            String machine = f.emulator.tenant().machineId(i);
            String cve = f.openCves(i).get(0);
            f.advance(Duration.ofHours(1));
            f.vulnerability(i, cve, false);
            assertThat(f.full().succeeded()).isTrue();
            long findingsBefore = f.count("select count(*) from finding where project_id = ?", f.projectId());
            f.advance(Duration.ofHours(1));
            f.vulnerability(i, cve, true);

            RunSummary run = f.full();

            assertThat(run.succeeded()).as(run.toString()).isTrue();
            assertThat(f.findingState(machine, cve)).isEqualTo("open");
            assertThat(f.count(
                            "select times_reopened from finding x join asset a on a.id = x.asset_id"
                                    + " where a.project_id = ? and a.defender_machine_id = ? and x.cve_id = ?",
                            f.projectId(),
                            machine,
                            cve))
                    .isEqualTo(1);
            assertThat(f.count("select count(*) from finding where project_id = ?", f.projectId()))
                    .as("reopened, not duplicated")
                    .isEqualTo(findingsBefore);
            assertThat(f.eventCount(run.runId(), "finding.reopened")).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void inactiveDeviceShouldBeDeactivatedWithFindingsArchivedAndTicketsMitigated() {
        try (SyncFixture f = new SyncFixture(40)) {
            assertThat(f.full().succeeded()).isTrue();
            int i = f.vulnerableDevice();
            String machine = f.emulator.tenant().machineId(i);
            long asset = f.assetId(machine);
            List<Long> findings = f.openFindings(asset);
            long ticket = new Tickets(f.dataSource).open(f.projectId(), asset, "patch it", findings);
            f.setMachine(i, "{\"healthStatus\":\"Inactive\"}");

            RunSummary run = f.full();

            assertThat(run.succeeded()).as(run.toString()).isTrue();
            assertThat(run.count("assetsDeactivated")).isEqualTo(1);
            assertThat(f.count("select count(*) from asset where id = ? and not active", asset))
                    .isEqualTo(1);
            assertThat(f.count("select count(*) from finding where asset_id = ? and state = 'open'", asset))
                    .isZero();
            assertThat(f.count("select count(*) from finding where asset_id = ? and state = 'archived'", asset))
                    .isEqualTo(findings.size());
            assertThat(f.count("select count(*) from ticket where id = ? and state = 'mitigated'", ticket))
                    .isEqualTo(1);
            assertThat(f.eventCount(run.runId(), "finding.archived")).isEqualTo(findings.size());
            assertThat(f.eventCount(run.runId(), "ticket.mitigated")).isEqualTo(1);
        }
    }

    @Test
    void reactivatedDeviceShouldReopenItsArchivedFindingsAndTicketsWithoutDuplicates() {
        try (SyncFixture f = new SyncFixture(40)) {
            assertThat(f.full().succeeded()).isTrue();
            int i = f.vulnerableDevice();
            String machine = f.emulator.tenant().machineId(i);
            long asset = f.assetId(machine);
            List<Long> findings = f.openFindings(asset);
            long ticket = new Tickets(f.dataSource).open(f.projectId(), asset, "patch it", findings);
            f.setMachine(i, "{\"healthStatus\":\"Inactive\"}");
            assertThat(f.full().succeeded()).isTrue();
            f.setMachine(i, "{\"healthStatus\":\"Active\"}");

            RunSummary run = f.full();

            assertThat(run.succeeded()).as(run.toString()).isTrue();
            assertThat(run.count("assetsReactivated")).isEqualTo(1);
            assertThat(f.jdbc.sql("select id from finding where asset_id = ? and state = 'open' order by id")
                            .param(asset)
                            .query(Long.class)
                            .list())
                    .as("the same findings, reopened")
                    .containsExactlyElementsOf(findings);
            assertThat(f.count("select count(*) from ticket where project_id = ?", f.projectId()))
                    .isEqualTo(1);
            assertThat(f.count("select times_reopened from ticket where id = ? and state = 'open'", ticket))
                    .isEqualTo(1);
            assertThat(f.eventCount(run.runId(), "ticket.reopened")).isEqualTo(1);
        }
    }

    @Test
    void gracePeriodShouldKeepAnInactiveDeviceActiveUntilItHasPassed() {
        try (SyncFixture f = new SyncFixture(40)) {
            f.connector("{\"gracePeriodDays\": 3}", "{\"kind\":\"all\"}");
            assertThat(f.full().succeeded()).isTrue();
            int i = f.vulnerableDevice();
            long asset = f.assetId(f.emulator.tenant().machineId(i));
            f.setMachine(i, "{\"healthStatus\":\"Inactive\"}");

            assertThat(f.full().count("assetsDeactivated")).isZero();
            f.advance(Duration.ofDays(2));
            assertThat(f.full().count("assetsDeactivated")).isZero();
            assertThat(f.count("select count(*) from asset where id = ? and active", asset))
                    .isEqualTo(1);
            f.advance(Duration.ofDays(1).plusMinutes(1));
            RunSummary run = f.full();

            assertThat(run.count("assetsDeactivated")).isGreaterThanOrEqualTo(1);
            assertThat(f.count("select count(*) from asset where id = ? and not active", asset))
                    .isEqualTo(1);
        }
    }

    @Test
    void incrementalRunShouldApplyTheChangesExport() {
        try (SyncFixture f = new SyncFixture(40)) {
            assertThat(f.full().succeeded()).isTrue();
            int i = f.vulnerableDevice();
            String machine = f.emulator.tenant().machineId(i);
            String cve = f.openCves(i).get(0);
            f.advance(Duration.ofHours(7));
            f.vulnerability(i, cve, false);
            f.advance(Duration.ofHours(1));

            RunSummary run = f.incremental();

            assertThat(run.succeeded()).as(run.toString()).isTrue();
            assertThat(f.jdbc.sql("select kind from sync_run where id = ?")
                            .param(run.runId())
                            .query(String.class)
                            .single())
                    .isEqualTo("incremental");
            assertThat(f.findingState(machine, cve)).isEqualTo("fixed");
        }
    }

    @Test
    void inventoryShouldMatchTheSandboxAfterAMonthOfChanges() {
        try (SyncFixture f = new SyncFixture(60)) {
            assertThat(f.full().succeeded()).isTrue();
            for (int day = 0; day < 30; day++) {
                f.advance(Duration.ofDays(1));
                RunSummary run = f.engine.run(f.connector, SyncEngine.Mode.AUTO);
                assertThat(run.succeeded()).as(run.toString()).isTrue();
            }
            assertThat(f.full().succeeded()).isTrue();

            java.util.Set<String> expected = new java.util.TreeSet<>();
            java.time.Instant now = f.emulator.clock().instant();
            for (int i = 0; i < 60; i++) {
                var d = f.emulator.tenant().device(i, now);
                if (d.healthStatus().equals("Inactive")) {
                    continue;
                }
                String id = d.id();
                f.emulator
                        .tenant()
                        .vulnerabilities(
                                i, now, r -> expected.add(id + " " + r.cve().id()));
            }
            List<String> actual = f.jdbc.sql(
                            """
                            select distinct a.defender_machine_id || ' ' || x.cve_id from finding x
                              join asset a on a.id = x.asset_id
                             where x.project_id = ? and x.state = 'open' order by 1
                            """)
                    .param(f.projectId())
                    .query(String.class)
                    .list();
            assertThat(actual).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void plannedRunsShouldBeIncrementalWithAFullRunAtLeastEveryFullEveryDays() {
        try (SyncFixture f = new SyncFixture(20)) {
            f.connector("{\"fullEveryDays\": 3}", "{\"kind\":\"all\"}");
            java.util.List<String> kinds = new java.util.ArrayList<>();
            for (int day = 0; day < 7; day++) {
                RunSummary run = f.engine.run(f.connector, SyncEngine.Mode.AUTO);
                assertThat(run.succeeded()).as(run.toString()).isTrue();
                kinds.add(f.jdbc.sql("select kind from sync_run where id = ?")
                        .param(run.runId())
                        .query(String.class)
                        .single());
                f.advance(Duration.ofDays(1));
            }
            assertThat(kinds)
                    .containsExactly(
                            "full", "incremental", "incremental", "full", "incremental", "incremental", "full");
        }
    }

    @Test
    void incrementalRunAfterMoreThanThirteenDaysShouldTurnFull() {
        try (SyncFixture f = new SyncFixture(20)) {
            f.connector("{\"fullEveryDays\": 7}", "{\"kind\":\"all\"}");
            assertThat(f.full().succeeded()).isTrue();
            f.advance(Duration.ofDays(6));
            assertThat(f.incremental().succeeded()).isTrue();
            f.advance(Duration.ofDays(14));

            RunSummary run = f.incremental();

            assertThat(run.succeeded()).as(run.toString()).isTrue();
            assertThat(run.json().path("warnings").toString()).contains("a full one is due");
        }
    }

    @Test
    void findingFixedWhileItsDeviceWasInactiveShouldNotReopenWhenTheDeviceReturns() {
        try (SyncFixture f = new SyncFixture(40)) {
            assertThat(f.full().succeeded()).isTrue();
            int i = f.vulnerableDevice();
            String machine = f.emulator.tenant().machineId(i);
            List<String> cves = f.openCves(i);
            String fixedCve = cves.get(0);
            f.setMachine(i, "{\"healthStatus\":\"Inactive\"}");
            f.advance(Duration.ofHours(1));
            assertThat(f.incremental().count("assetsDeactivated")).isEqualTo(1);
            assertThat(f.findingState(machine, fixedCve)).isEqualTo("archived");
            f.advance(Duration.ofHours(7));
            f.vulnerability(i, fixedCve, false);
            f.advance(Duration.ofHours(1));
            RunSummary whileInactive = f.incremental();
            assertThat(whileInactive.succeeded()).as(whileInactive.toString()).isTrue();
            assertThat(f.findingState(machine, fixedCve)).isEqualTo("fixed");

            f.setMachine(i, "{\"healthStatus\":\"Active\"}");
            f.advance(Duration.ofHours(1));
            RunSummary back = f.incremental();

            assertThat(back.count("assetsReactivated")).isEqualTo(1);
            assertThat(f.findingState(machine, fixedCve)).isEqualTo("fixed");
            if (cves.size() > 1) {
                assertThat(f.findingState(machine, cves.get(1))).isEqualTo("open");
            }
        }
    }
}
