package dev.rampart.app.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.app.database.TestDatabase;
import dev.rampart.emulator.fault.FaultRule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run killed with kill -9, while it reads and while it applies, changes nothing; the next run converges. */
class KillIT {
    @TempDir
    Path dir;

    private Process startSync(SyncFixture f) throws Exception {
        Path file = dir.resolve("connector.json");
        Files.writeString(
                file,
                """
                {"project": "%s", "name": "sandbox", "tenantId": "%s", "clientId": "%s", "secretEnv": "MDE_SECRET",
                 "sandbox": "%s"}
                """
                        .formatted(f.project, f.emulator.tenantId(), f.emulator.clientId(), f.emulator.baseUrl()));
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.rampart.app.Rampart",
                "sync",
                "--connector-file",
                file.toString(),
                "--db",
                TestDatabase.url(),
                "--full"));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("log").toFile());
        pb.environment().put("MDE_SECRET", f.emulator.clientSecret());
        return pb.start();
    }

    private static void awaitPhase(SyncFixture f, String phase, Process p) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            long n = f.count(
                    "select count(*) from sync_run where connector_id = ? and state = 'running' and phase like ?",
                    f.connector.id(),
                    phase + "%");
            if (n > 0) {
                return;
            }
            if (!p.isAlive()) {
                throw new AssertionError("the sync process ended before reaching " + phase);
            }
            Thread.sleep(25);
        }
        throw new AssertionError("the sync process never reached " + phase);
    }

    private static RunSummary runUntilLockFree(SyncFixture f) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                return f.full();
            } catch (SyncFailedException e) {
                if (e.kind() != SyncFailedException.Kind.BUSY || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100); // PostgreSQL notices the dead client and drops its session lock
            }
        }
    }

    @Test
    void runKilledWhileReadingShouldChangeNothingAndTheNextRunShouldConverge() throws Exception {
        try (SyncFixture f = new SyncFixture(40);
                SyncFixture clean = new SyncFixture(f.emulator)) {
            assertThat(f.full().succeeded()).isTrue();
            assertThat(clean.full().succeeded()).isTrue();
            f.advance(Duration.ofDays(2));
            String before = f.inventory();
            f.emulator.addFault(FaultRule.fromJson(SyncFixture.JSON.readTree(
                    "{\"pathPattern\": \"/api/alerts\", \"kind\": \"delay\", \"delayMs\": 20000, \"count\": 1}")));

            Process p = startSync(f);
            awaitPhase(f, "alerts", p);
            p.destroyForcibly().waitFor();

            assertThat(f.inventory()).isEqualTo(before);
            f.emulator.faults().clear();
            RunSummary next = runUntilLockFree(f);
            assertThat(next.succeeded()).as(next.toString()).isTrue();
            assertThat(f.count(
                            "select count(*) from sync_run where connector_id = ? and state = 'running'",
                            f.connector.id()))
                    .isZero();
            assertThat(clean.full().succeeded()).isTrue();
            assertThat(f.normalized()).isEqualTo(clean.normalized());
        }
    }

    @Test
    void runKilledWhileApplyingShouldRollBackAndTheNextRunShouldConverge() throws Exception {
        try (SyncFixture f = new SyncFixture(40);
                SyncFixture clean = new SyncFixture(f.emulator)) {
            assertThat(f.full().succeeded()).isTrue();
            assertThat(clean.full().succeeded()).isTrue();
            f.advance(Duration.ofDays(2));
            String before = f.inventory();
            Process p;
            // Hold the project's apply lock so the process stops inside its apply transaction.
            try (Connection hold = f.dataSource.getConnection()) {
                hold.setAutoCommit(false);
                try (PreparedStatement s = hold.prepareStatement("select pg_advisory_xact_lock(?, ?)")) {
                    s.setInt(1, dev.rampart.app.project.Projects.APPLY_LOCK);
                    s.setInt(2, (int) f.projectId());
                    s.execute();
                }
                p = startSync(f);
                awaitPhase(f, "applying", p);
                Thread.sleep(300);
                p.destroyForcibly().waitFor();
                hold.rollback();
            }

            assertThat(f.inventory()).isEqualTo(before);
            RunSummary next = runUntilLockFree(f);
            assertThat(next.succeeded()).as(next.toString()).isTrue();
            assertThat(clean.full().succeeded()).isTrue();
            assertThat(f.normalized()).isEqualTo(clean.normalized());
        }
    }
}
