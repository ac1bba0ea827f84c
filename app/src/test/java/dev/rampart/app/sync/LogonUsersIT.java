package dev.rampart.app.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Logon users: in bulk through hunting when due, per device only for new devices otherwise. */
class LogonUsersIT {

    private static long hunting(SyncFixture f) {
        return f.emulator.requests().count("POST", "/v1.0/security/runHuntingQuery");
    }

    @Test
    void bulkReadShouldHappenOnFullRunsAndThenAtMostEveryLogonUsersEveryHours() {
        try (SyncFixture f = new SyncFixture(40)) {
            f.connector("{\"logonUsersEveryHours\": 24}", "{\"kind\":\"all\"}");
            RunSummary full = f.full();
            assertThat(full.succeeded()).as(full.toString()).isTrue();
            assertThat(hunting(f)).isEqualTo(1);
            long users = f.count(
                    "select count(*) from logon_user l join asset a on a.id = l.asset_id where a.project_id = ?",
                    f.projectId());
            assertThat(users).isPositive();

            f.advance(Duration.ofHours(1));
            assertThat(f.incremental().succeeded()).isTrue();
            assertThat(hunting(f)).as("not due an hour later").isEqualTo(1);
            assertThat(f.count(
                            "select count(*) from logon_user l join asset a on a.id = l.asset_id where a.project_id = ?",
                            f.projectId()))
                    .as("kept as they were")
                    .isEqualTo(users);

            f.advance(Duration.ofHours(24));
            assertThat(f.incremental().succeeded()).isTrue();
            assertThat(hunting(f)).as("due a day later").isEqualTo(2);
        }
    }

    @Test
    void perDeviceModeShouldWorkThroughTheFleetNeverReadDevicesFirst() {
        try (SyncFixture f = new SyncFixture(30)) {
            f.connector(
                    "{\"logonUsers\": \"per-device\", \"perDeviceLogonLimit\": 10, \"logonUsersEveryHours\": 1}",
                    "{\"kind\":\"all\"}");
            RunSummary first = f.full();
            assertThat(first.succeeded()).as(first.toString()).isTrue();
            assertThat(first.json().path("warnings").toString()).contains("for 10 devices");
            assertThat(read(f)).isEqualTo(10);

            assertThat(f.full().succeeded()).isTrue();
            assertThat(read(f)).as("ten more, not the same ten").isEqualTo(20);
            assertThat(hunting(f)).isZero();
            long calls = f.emulator.requests().total();
            f.advance(Duration.ofMinutes(30));
            assertThat(f.incremental().succeeded()).isTrue();
            long perDevice = f.emulator.requests().total() - calls;
            assertThat(perDevice)
                    .as("only the devices never read are asked; none was read less than an hour ago")
                    .isLessThan(20);
        }
    }

    private static long read(SyncFixture f) {
        return f.count(
                "select count(*) from asset_source o join asset a on a.id = o.asset_id where a.project_id = ?"
                        + " and o.logon_users_at is not null",
                f.projectId());
    }
}
