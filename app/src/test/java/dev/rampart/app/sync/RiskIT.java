package dev.rampart.app.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.app.risk.RiskModel;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Endpoint risk as a run leaves it: every asset scored and explained, the score following the findings a run fixes
 * (with the level's change as an event and in the history), and devices only another source reports judged by their
 * OS among Defender's devices, marked as inferred.
 */
class RiskIT {

    /** The risk a fresh read of the asset's open findings and alerts gives, with the model alone. */
    private static RiskModel.Risk recompute(SyncFixture f, long assetId) {
        RiskModel.Accumulator acc = new RiskModel.Accumulator();
        f.jdbc.sql(
                        """
                        select f.cve_id, f.severity, f.cvss, f.exploitability, coalesce(v.exploit_verified, false),
                               coalesce(v.exploit_in_kit, false), coalesce(v.public_exploit, false), v.epss,
                               f.product_name, coalesce(f.recommended_update, f.fixing_kb)
                          from finding f left join vulnerability v on v.project_id = f.project_id and v.cve_id = f.cve_id
                         where f.asset_id = ? and f.state = 'open'
                        """)
                .param(assetId)
                .query((rs, n) -> acc.finding(new RiskModel.FindingFacts(
                        rs.getString(1),
                        rs.getString(2),
                        (Double) rs.getObject(3),
                        rs.getString(4),
                        rs.getBoolean(5),
                        rs.getBoolean(6),
                        rs.getBoolean(7),
                        (Double) rs.getObject(8),
                        rs.getString(9),
                        rs.getString(10))))
                .list();
        f.jdbc.sql("select alert_id, title, severity, status from alert where asset_id = ?")
                .param(assetId)
                .query((rs, n) -> acc.alert(
                        new RiskModel.AlertFacts(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4))))
                .list();
        Map<String, Object> a = f.jdbc.sql("select criticality, metadata->>'deviceValue' as dv from asset where id = ?")
                .param(assetId)
                .query()
                .singleRow();
        return acc.assess(RiskModel.AssetFacts.of((String) a.get("criticality"), (String) a.get("dv")));
    }

    private static Map<String, Object> stored(SyncFixture f, long assetId) {
        return f.jdbc.sql(
                        """
                        select r.level, r.score, r.exposure, r.inferred, r.active, r.contributors::text as contributors
                          from asset a join asset_risk r on r.asset_id = a.id where a.id = ?
                        """)
                .param(assetId)
                .query()
                .singleRow();
    }

    @Test
    void everyAssetShouldBeScoredAndExplainedAsTheModelSays() {
        try (SyncFixture f = new SyncFixture(40)) {
            RunSummary run = f.full();
            assertThat(run.succeeded()).as(run.toString()).isTrue();
            assertThat(run.json().get("riskComputed").asLong()).isEqualTo(40);
            assertThat(f.count(
                            "select count(*) from asset a where project_id = ? and not exists"
                                    + " (select 1 from asset_risk r where r.asset_id = a.id)",
                            f.projectId()))
                    .isZero();
            List<Long> assets = f.jdbc.sql("select id from asset where project_id = ? order by id")
                    .param(f.projectId())
                    .query(Long.class)
                    .list();
            for (long id : assets) {
                RiskModel.Risk expected = recompute(f, id);
                Map<String, Object> s = stored(f, id);
                assertThat(s.get("level"))
                        .as("asset " + id)
                        .isEqualTo(expected.level().label());
                assertThat((Double) s.get("score")).as("asset " + id).isEqualTo(expected.score());
                assertThat(s.get("active"))
                        .isEqualTo(f.jdbc.sql("select active from asset where id = ?")
                                .param(id)
                                .query(Boolean.class)
                                .single());
            }
            // the riskiest asset's first reason is its worst finding, or an alert that is worse
            long top = f.jdbc.sql(
                            "select asset_id from asset_risk where project_id = ? order by score desc, asset_id limit 1")
                    .param(f.projectId())
                    .query(Long.class)
                    .single();
            RiskModel.Risk worst = recompute(f, top);
            assertThat(stored(f, top).get("contributors").toString())
                    .contains(worst.contributors().get(0).text().replace("\"", "\\\""));
            assertThat(worst.level()).isIn(RiskModel.Level.HIGH, RiskModel.Level.CRITICAL);
            // a first computation is the baseline: history, no raised or lowered event
            assertThat(f.eventCount(run.runId(), "risk.raised") + f.eventCount(run.runId(), "risk.lowered"))
                    .isZero();
            assertThat(f.count(
                            "select count(*) from asset_risk_history h join asset a on a.id = h.asset_id"
                                    + " where a.project_id = ?",
                            f.projectId()))
                    .isEqualTo(40);
        }
    }

    @Test
    void fixingADevicesFindingsShouldLowerItsRiskAndRecordTheChange() {
        try (SyncFixture f = new SyncFixture(40)) {
            assertThat(f.full().succeeded()).isTrue();
            // the riskiest device whose risk comes from findings, not an alert
            long asset = f.jdbc.sql(
                            """
                            select a.id from asset a join asset_risk r on r.asset_id = a.id
                             where a.project_id = ? and r.alert < r.exposure and r.level in ('High', 'Critical')
                             order by r.score desc, a.id limit 1
                            """)
                    .param(f.projectId())
                    .query(Long.class)
                    .single();
            String machine = f.jdbc.sql("select defender_machine_id from asset where id = ?")
                    .param(asset)
                    .query(String.class)
                    .single();
            int device = -1;
            for (int i = 0; i < 40; i++) {
                if (f.emulator.tenant().machineId(i).equals(machine)) {
                    device = i;
                }
            }
            double before = (Double) stored(f, asset).get("score");
            String levelBefore = (String) stored(f, asset).get("level");
            f.advance(Duration.ofHours(1));
            for (String cve : f.openCves(device)) {
                f.vulnerability(device, cve, false);
            }
            RunSummary run = f.full();
            assertThat(run.succeeded()).as(run.toString()).isTrue();
            Map<String, Object> after = stored(f, asset);
            assertThat((Double) after.get("score")).isLessThan(before);
            assertThat(after.get("level")).isNotEqualTo(levelBefore);
            assertThat(f.count(
                            "select count(*) from change_event where run_id = ? and type = 'risk.lowered'"
                                    + " and asset_id = ? and details->>'from' = ? and details->>'to' = ?",
                            run.runId(),
                            asset,
                            levelBefore,
                            after.get("level")))
                    .isEqualTo(1);
            assertThat(f.jdbc.sql("select level from asset_risk_history where asset_id = ? order by at")
                            .param(asset)
                            .query(String.class)
                            .list())
                    .containsExactly(levelBefore, (String) after.get("level"));
            assertThat(run.json().get("riskLowered").asLong()).isPositive();
        }
    }

    @Test
    void aDeviceOnlyAnotherSourceReportsShouldTakeItsOsRiskFromDefendersDevicesMarkedInferred() {
        try (SyncFixture f = new SyncFixture(60)) {
            assertThat(f.full().succeeded()).isTrue();
            Map<String, Object> os = f.jdbc.sql(
                            """
                            select a.os_platform, a.os_version,
                                   percentile_cont(0.5) within group (order by r.exposure) as median, count(*) as n
                              from asset a join asset_risk r on r.asset_id = a.id
                             where a.project_id = ? and a.active and a.os_platform is not null
                             group by 1, 2 having count(*) >= 3 order by count(*) desc, 1, 2 limit 1
                            """)
                    .param(f.projectId())
                    .query()
                    .singleRow();
            String json =
                    """
                    {"source": "cmdb", "assets": [{"id": "cmdb-1", "name": "unmanaged-01", "fqdn": "unmanaged-01.corp.example",
                      "osPlatform": "%s", "osVersion": %s, "findings": []}]}
                    """
                            .formatted(
                                    os.get("os_platform"),
                                    os.get("os_version") == null ? "null" : "\"" + os.get("os_version") + "\"");
            RunSummary pushed = new PushImport(f.dataSource, f.emulator.clock())
                    .run(f.project, new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
            assertThat(pushed.succeeded()).as(pushed.toString()).isTrue();
            long asset = f.jdbc.sql("select id from asset where project_id = ? and name = 'unmanaged-01'")
                    .param(f.projectId())
                    .query(Long.class)
                    .single();
            Map<String, Object> r = stored(f, asset);
            assertThat(r.get("inferred")).isEqualTo(true);
            assertThat((Double) r.get("exposure"))
                    .isEqualTo(Math.round(((Number) os.get("median")).doubleValue() * 10) / 10.0);
            assertThat(r.get("contributors").toString())
                    .contains("\"kind\": \"inferred\"")
                    .contains(os.get("n") + " Defender devices on " + os.get("os_platform"));
        }
    }

    private static RiskModel.Level level(SyncFixture f, long assetId) {
        return RiskModel.Level.parse(f.jdbc.sql("select level from asset_risk where asset_id = ?")
                .param(assetId)
                .query(String.class)
                .single());
    }

    private static dev.rampart.app.risk.RiskService.Update recomputeAll(SyncFixture f, java.time.Instant at)
            throws java.sql.SQLException {
        return dev.rampart.app.database.Transactions.run(
                f.dataSource,
                tx -> dev.rampart.app.risk.RiskService.update(
                        tx, f.projectId(), null, at, dev.rampart.app.risk.RiskService.Scope.ALL));
    }

    @Test
    void aRecomputationShouldRewriteOnlyTheAssetsWhoseRiskChanged() throws Exception {
        try (SyncFixture f = new SyncFixture(40)) {
            assertThat(f.full().succeeded()).isTrue();
            long version = f.count("select risk_version from project where id = ?", f.projectId());
            java.time.Instant later = f.emulator.clock().instant().plus(Duration.ofHours(1));

            dev.rampart.app.risk.RiskService.Update same = recomputeAll(f, later);

            assertThat(same.computed()).isEqualTo(40);
            assertThat(same.raised() + same.lowered()).isZero();
            assertThat(f.count(
                            "select count(*) from asset_risk where project_id = ? and computed_at = ?",
                            f.projectId(),
                            java.sql.Timestamp.from(later)))
                    .as("rows rewritten with the same values")
                    .isZero();
            assertThat(f.count("select risk_version from project where id = ?", f.projectId()))
                    .isEqualTo(version + 1);

            // a Medium device made critical in the asset table (as the criticality API does) rises to High or more
            long asset = f.jdbc.sql(
                            """
                            select asset_id from asset_risk where project_id = ? and level = 'Medium'
                             order by score desc, asset_id limit 1
                            """)
                    .param(f.projectId())
                    .query(Long.class)
                    .single();
            double score = f.jdbc.sql("select score from asset_risk where asset_id = ?")
                    .param(asset)
                    .query(Double.class)
                    .single();
            String deviceValue = f.jdbc.sql("select metadata->>'deviceValue' from asset where id = ?")
                    .param(asset)
                    .query(String.class)
                    .single();
            double value = RiskModel.valueFactor(RiskModel.AssetFacts.of(null, deviceValue));
            assertThat(score / value * 1.4)
                    .as("the chosen device crosses into High")
                    .isGreaterThanOrEqualTo(65);
            f.jdbc.sql("update asset set criticality = 'critical' where id = ?")
                    .param(asset)
                    .update();
            java.time.Instant evenLater = later.plus(Duration.ofHours(1));
            dev.rampart.app.risk.RiskService.Update one = recomputeAll(f, evenLater);

            assertThat(f.jdbc.sql("select asset_id from asset_risk where project_id = ? and computed_at = ?")
                            .params(f.projectId(), java.sql.Timestamp.from(evenLater))
                            .query(Long.class)
                            .list())
                    .containsExactly(asset);
            assertThat(one.raised()).isEqualTo(1);
            assertThat(level(f, asset))
                    .isEqualTo(recompute(f, asset).level())
                    .isGreaterThanOrEqualTo(RiskModel.Level.HIGH);
            assertThat(f.count(
                            "select count(*) from change_event where asset_id = ? and type = 'risk.raised'"
                                    + " and run_id is null and details->>'from' = 'Medium'",
                            asset))
                    .isEqualTo(1);
        }
    }

    @Test
    void aDeactivatedDeviceShouldLeaveTheActiveCounts() {
        try (SyncFixture f = new SyncFixture(30)) {
            assertThat(f.full().succeeded()).isTrue();
            int i = f.vulnerableDevice();
            long asset = f.assetId(f.emulator.tenant().machineId(i));
            assertThat(f.count("select count(*) from asset_risk where asset_id = ? and active", asset))
                    .isEqualTo(1);
            f.setMachine(i, "{\"healthStatus\":\"Inactive\"}");
            f.advance(Duration.ofHours(1));

            RunSummary run = f.full();

            assertThat(run.succeeded()).as(run.toString()).isTrue();
            assertThat(run.count("assetsDeactivated")).isEqualTo(1);
            assertThat(f.count("select count(*) from asset_risk where asset_id = ? and not active", asset))
                    .isEqualTo(1);
            // its findings were archived with it: nothing open is left to weigh
            assertThat(level(f, asset)).isIn(RiskModel.Level.NONE, RiskModel.Level.LOW);
            assertThat(f.count(
                            "select count(*) from asset_risk r join asset a on a.id = r.asset_id"
                                    + " where a.project_id = ? and r.active <> a.active",
                            f.projectId()))
                    .isZero();
        }
    }

    @Test
    void assetsWithoutRiskShouldBeScoredByTheBackfill() throws Exception {
        try (SyncFixture f = new SyncFixture(25)) {
            assertThat(f.full().succeeded()).isTrue();
            Map<Long, Double> before = new java.util.HashMap<>();
            f.jdbc.sql("select asset_id, score from asset_risk where project_id = ?")
                    .param(f.projectId())
                    .query(rs -> {
                        before.put(rs.getLong(1), rs.getDouble(2));
                    });
            // as after an upgrade that brought risk: assets, no risk rows
            f.jdbc.sql("delete from asset_risk where asset_id in (select id from asset where project_id = ?"
                            + " order by id limit 10)")
                    .param(f.projectId())
                    .update();

            long scored = new dev.rampart.app.risk.RiskBackfill(f.dataSource, f.emulator.clock()).run();

            assertThat(scored).isEqualTo(10);
            Map<Long, Double> after = new java.util.HashMap<>();
            f.jdbc.sql("select asset_id, score from asset_risk where project_id = ?")
                    .param(f.projectId())
                    .query(rs -> {
                        after.put(rs.getLong(1), rs.getDouble(2));
                    });
            assertThat(after).isEqualTo(before);
            assertThat(new dev.rampart.app.risk.RiskBackfill(f.dataSource, f.emulator.clock()).run())
                    .isZero();
        }
    }

    @Test
    void aChangeInDefendersCveCatalogShouldReachEveryAssetWithTheCveOpen() throws Exception {
        try (SyncFixture f = new SyncFixture(40)) {
            assertThat(f.full().succeeded()).isTrue();
            Map<Long, Double> real = new java.util.HashMap<>();
            f.jdbc.sql("select asset_id, score from asset_risk where project_id = ?")
                    .param(f.projectId())
                    .query(rs -> {
                        real.put(rs.getLong(1), rs.getDouble(2));
                    });
            // as if Defender's catalog had given no EPSS until now, and the risk had been computed with it
            f.jdbc.sql("update vulnerability set epss = null where project_id = ?")
                    .param(f.projectId())
                    .update();
            recomputeAll(f, f.emulator.clock().instant());
            long moved = f
                    .jdbc
                    .sql("select asset_id, score from asset_risk where project_id = ?")
                    .param(f.projectId())
                    .query((rs, n) -> rs.getDouble(2) != real.get(rs.getLong(1)))
                    .list()
                    .stream()
                    .filter(Boolean::booleanValue)
                    .count();
            assertThat(moved).as("assets whose score depends on EPSS").isPositive();
            f.advance(Duration.ofHours(1));

            // the next run reads the catalog with its EPSS again: it changed for every CVE that has one
            RunSummary run = f.incremental();

            assertThat(run.succeeded()).as(run.toString()).isTrue();
            assertThat(f.count(
                            "select count(distinct asset_id) from change_event where run_id = ? and asset_id is not null",
                            run.runId()))
                    .as("assets the run touched otherwise")
                    .isLessThan(moved);
            for (long id : real.keySet()) {
                assertThat((Double) stored(f, id).get("score"))
                        .as("asset " + id)
                        .isEqualTo(recompute(f, id).score())
                        .isEqualTo(real.get(id));
            }
        }
    }
}
