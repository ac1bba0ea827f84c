package dev.rampart.app.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.app.connector.Connectors;
import dev.rampart.app.profile.Profiles;
import java.util.List;
import org.junit.jupiter.api.Test;

/** F16 and F15: OS profiles from Defender, the ordinary classification, and the disable/enable rule. */
class ProfilesIT {

    @Test
    void devicesWithOsDetailsShouldGetOsAndOsVersionProfilesWithVeryHighScore() {
        try (SyncFixture f = new SyncFixture(60)) {
            assertThat(f.full().succeeded()).isTrue();
            int i = f.vulnerableDevice();
            var d = f.emulator.tenant().device(i, f.emulator.clock().instant());
            List<String> profiles = new Profiles(f.dataSource).ofAsset(f.assetId(d.id()));

            assertThat(profiles)
                    .contains("OS:" + d.platform().apiName() + " (Very High)")
                    .anyMatch(p ->
                            p.startsWith("OS_VERSION:" + d.platform().apiName() + " ") && p.endsWith("(Very High)"))
                    .noneMatch(p -> p.startsWith("CLASS:"));
            assertThat(f.count(
                            """
                            select count(*) from asset a where a.project_id = ? and not exists (
                              select 1 from profile_assignment pa where pa.asset_id = a.id)
                            """,
                            f.projectId()))
                    .as("every asset has a profile: OS, or a class")
                    .isZero();
        }
    }

    @Test
    void disablingAConnectorShouldDeleteItsProfilesKeepTheAssetsAndEnablingShouldRestoreThem() {
        try (SyncFixture f = new SyncFixture(60)) {
            assertThat(f.full().succeeded()).isTrue();
            List<String> before = profileRows(f);
            long assets = f.count("select count(*) from asset where project_id = ?", f.projectId());
            Connectors connectors = new Connectors(f.dataSource);

            connectors.setEnabled(f.connector.id(), false, f.emulator.clock().instant());

            assertThat(f.count(
                            "select count(*) from profile where project_id = ? and connector_id is not null",
                            f.projectId()))
                    .isZero();
            assertThat(f.count("select count(*) from asset where project_id = ?", f.projectId()))
                    .isEqualTo(assets);
            assertThat(f.count(
                            """
                            select count(*) from asset a where a.project_id = ? and not exists (
                              select 1 from profile_assignment pa join profile p on p.id = pa.profile_id
                               where pa.asset_id = a.id and p.kind = 'CLASS')
                            """,
                            f.projectId()))
                    .as("the assets are reclassified")
                    .isZero();
            SyncFailedException refused = org.assertj.core.api.Assertions.catchThrowableOfType(
                    SyncFailedException.class,
                    () -> f.engine.run(connectors.find(f.connector.id()), SyncEngine.Mode.FULL));
            assertThat(refused).hasMessageContaining("disabled");

            f.connector = connectors.setEnabled(
                    f.connector.id(), true, f.emulator.clock().instant());

            assertThat(profileRows(f)).isEqualTo(before);
        }
    }

    private static List<String> profileRows(SyncFixture f) {
        return f.jdbc.sql(
                        """
                        select a.defender_machine_id || ' ' || p.kind || ' ' || p.name || ' ' || pa.match_score
                          from profile_assignment pa join profile p on p.id = pa.profile_id
                          join asset a on a.id = pa.asset_id where a.project_id = ? order by 1
                        """)
                .param(f.projectId())
                .query(String.class)
                .list();
    }
}
