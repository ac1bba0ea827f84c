package dev.rampart.app.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.emulator.fault.FaultRule;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * F11: a run that fails at any point leaves the inventory exactly as it was, and the next run reaches the state a
 * clean run reaches.
 */
class FailureIT {

    private static FaultRule fault(String json) {
        try {
            return FaultRule.fromJson(SyncFixture.JSON.readTree(json));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Each kind of API call failing for good (the client's retries used up). */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "/api/machines",
                "/api/vulnerabilities",
                "/api/machines/SoftwareVulnerabilitiesByMachine",
                "/api/machines/SoftwareInventoryByMachine",
                "/api/alerts",
                "*runHuntingQuery"
            })
    void syncShouldLeaveStateUntouchedWhenAnApiCallFails(String path) {
        try (SyncFixture f = new SyncFixture(30);
                SyncFixture clean = new SyncFixture(f.emulator)) {
            assertThat(f.full().succeeded()).isTrue();
            assertThat(clean.full().succeeded()).isTrue();
            f.advance(Duration.ofDays(3));
            String before = f.inventory();
            f.emulator.addFault(fault("{\"pathPattern\": \"" + path + "\", \"kind\": \"status\", \"status\": 503,"
                    + " \"retryAfter\": 0, \"count\": 100}"));

            RunSummary failed = f.full();

            assertThat(failed.succeeded()).isFalse();
            assertThat(failed.error()).isNotBlank();
            assertThat(f.inventory()).isEqualTo(before);
            assertThat(f.jdbc.sql("select state from sync_run where id = ?")
                            .param(failed.runId())
                            .query(String.class)
                            .single())
                    .isEqualTo("failed");

            f.emulator.faults().clear();
            assertThat(f.full().succeeded()).isTrue();
            assertThat(clean.full().succeeded()).isTrue();
            assertThat(f.normalized()).isEqualTo(clean.normalized());
        }
    }

    /** The database failing in the middle of the apply step, at each of its steps. */
    @ParameterizedTest
    @ValueSource(strings = {"assets", "findings", "tickets", "details", "source", "commit"})
    void syncShouldLeaveStateUntouchedWhenTheDatabaseFailsDuringApply(String step) {
        try (SyncFixture f = new SyncFixture(30);
                SyncFixture clean = new SyncFixture(f.emulator)) {
            assertThat(f.full().succeeded()).isTrue();
            assertThat(clean.full().succeeded()).isTrue();
            f.advance(Duration.ofDays(3));
            String before = f.inventory();
            f.engine.applyHook(s -> {
                if (s.equals(step)) {
                    throw new org.springframework.dao.DataAccessResourceFailureException(
                            "connection lost during " + step);
                }
            });

            RunSummary failed = f.full();

            assertThat(failed.succeeded()).isFalse();
            assertThat(failed.error()).contains("connection lost during " + step);
            assertThat(f.inventory()).isEqualTo(before);
            assertThat(f.count("select count(*) from stage_finding where run_id = ?", failed.runId()))
                    .as("staged rows are discarded")
                    .isZero();

            f.engine.applyHook(s -> {});
            assertThat(f.full().succeeded()).isTrue();
            assertThat(clean.full().succeeded()).isTrue();
            assertThat(f.normalized()).isEqualTo(clean.normalized());
        }
    }

    @Test
    void runShouldBeRefusedWhileAnotherRunOfTheConnectorHoldsItsLock() throws Exception {
        try (SyncFixture f = new SyncFixture(30)) {
            f.emulator.addFault(fault(
                    "{\"pathPattern\": \"/api/machines\", \"kind\": \"delay\", \"delayMs\": 1500, \"count\": 1}"));
            var first = java.util.concurrent.CompletableFuture.supplyAsync(f::full);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (f.count(
                                    "select count(*) from sync_run where connector_id = ? and state = 'running'",
                                    f.connector.id())
                            == 0
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }

            SyncFailedException busy =
                    org.assertj.core.api.Assertions.catchThrowableOfType(SyncFailedException.class, f::full);

            assertThat(busy).isNotNull();
            assertThat(busy.kind()).isEqualTo(SyncFailedException.Kind.BUSY);
            assertThat(busy.getMessage()).contains("already in progress");
            assertThat(first.get().succeeded()).isTrue();
            assertThat(f.full().succeeded())
                    .as("the lock is released after the run")
                    .isTrue();
        }
    }

    @Test
    void deviceListThatMovedBeyondTheOverlapShouldFailTheRunAndRepeatsShouldBeDropped() {
        try (SyncFixture f = new SyncFixture(dev.rampart.emulator.DefenderEmulator.builder()
                .devices(10_400)
                .seed(5)
                .quotas("off")
                .vulnerabilitiesPerDevice(0.2)
                .start(java.time.Instant.parse("2026-03-02T06:00:00Z")))) {
            f.connector("{\"logonUsers\": \"off\"}", "{\"kind\":\"all\"}");
            f.emulator.addFault(fault("{\"pathPattern\": \"/api/machines\", \"kind\": \"repeat-items\", \"items\": 30,"
                    + " \"count\": 2}"));
            RunSummary repeated = f.full();
            assertThat(repeated.succeeded()).as(repeated.toString()).isTrue();
            assertThat(repeated.json()
                            .path("fetched")
                            .path("machineRepeatsDropped")
                            .asLong())
                    .isEqualTo(30);
            assertThat(f.count("select count(*) from asset where project_id = ?", f.projectId()))
                    .isEqualTo(10_400);

            String before = f.inventory();
            f.emulator.addFault(fault("{\"pathPattern\": \"/api/machines\", \"kind\": \"skip-items\", \"items\": 150,"
                    + " \"count\": 2}"));
            RunSummary skipped = f.full();
            assertThat(skipped.succeeded()).isFalse();
            assertThat(skipped.error()).contains("device list moved");
            assertThat(f.inventory()).isEqualTo(before);
        }
    }

    @Test
    void abandonedRunShouldBeMarkedFailedAndItsStagedRowsRemoved() {
        try (SyncFixture f = new SyncFixture(20)) {
            long dead = f.count(
                    "insert into sync_run (project_id, connector_id, source_name, kind, state) values (?, ?, 'x',"
                            + " 'full', 'running') returning id",
                    f.projectId(),
                    f.connector.id());
            f.jdbc.sql("insert into stage_finding (run_id, machine_id, cve_id, product_vendor, product_name,"
                            + " product_version) values (?, 'm', 'CVE-1', '', '', '')")
                    .param(dead)
                    .update();

            assertThat(f.full().succeeded()).isTrue();

            assertThat(f.jdbc.sql("select state || ' ' || error from sync_run where id = ?")
                            .param(dead)
                            .query(String.class)
                            .single())
                    .startsWith("failed abandoned");
            assertThat(f.count("select count(*) from stage_finding where run_id = ?", dead))
                    .isZero();
        }
    }
}
