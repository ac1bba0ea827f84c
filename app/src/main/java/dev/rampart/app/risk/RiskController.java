package dev.rampart.app.risk;

import dev.rampart.app.database.Transactions;
import dev.rampart.app.project.Projects;
import dev.rampart.app.security.Audit;
import dev.rampart.app.security.Caller;
import dev.rampart.app.security.Permission;
import dev.rampart.app.security.Requires;
import dev.rampart.app.web.ApiProblem;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Risk through the API: an asset's criticality (which weighs its risk, docs/risk.md), its risk history, and the
 * project's summary (assets by level, the riskiest devices, the updates that close most exploitable critical findings,
 * sensor flags). The asset lists and pages carry each asset's risk themselves.
 */
@RestController
public class RiskController {
    static final Set<String> CRITICALITIES = Set.of("low", "normal", "high", "critical");

    private final DataSource dataSource;
    private final JdbcClient jdbc;
    private final Audit audit;
    private final Clock clock;

    private final RiskSummary.Cache summaries;

    public RiskController(DataSource dataSource, Audit audit, Clock clock, RiskSummary.Cache summaries) {
        this.dataSource = dataSource;
        this.summaries = summaries;
        this.jdbc = JdbcClient.create(dataSource);
        this.audit = audit;
        this.clock = clock;
    }

    public record CriticalityRequest(String criticality) {}

    public record AssetRisk(
            long assetId,
            String criticality,
            String level,
            Double score,
            Boolean inferred,
            tools.jackson.databind.JsonNode contributors) {}

    /**
     * Sets (or, with null, clears) an asset's criticality; its risk is recomputed at once. Analysts and admins: it
     * changes what comes first for everyone.
     */
    @PutMapping("/api/v1/projects/{project}/assets/{assetId}/criticality")
    @Requires(Permission.TRIAGE)
    public AssetRisk setCriticality(@PathVariable long assetId, @RequestBody CriticalityRequest r, Caller caller) {
        String c = r == null || r.criticality() == null ? null : r.criticality().toLowerCase(Locale.ROOT);
        if (c != null && !CRITICALITIES.contains(c)) {
            throw ApiProblem.invalid("criticality", "is low, normal, high, critical, or null to follow Defender");
        }
        long project = caller.requireProject();
        String before = setCriticality(project, assetId, c);
        audit.record(
                caller,
                "asset.criticality",
                "asset " + assetId,
                "success",
                new LinkedHashMap<>(Map.of("from", String.valueOf(before), "to", String.valueOf(c))));
        return risk(project, assetId);
    }

    /** Sets the criticality and recomputes the asset's risk in one transaction; returns the criticality before. */
    public String setCriticality(long project, long assetId, String criticality) {
        try {
            return Transactions.run(dataSource, tx -> {
                Projects.lockForChange(tx, project);
                String before = tx.sql("select criticality from asset where project_id = ? and id = ? for update")
                        .params(project, assetId)
                        .query((rs, n) -> String.valueOf(rs.getString(1)))
                        .optional()
                        .orElseThrow(() -> ApiProblem.notFound("no asset " + assetId));
                tx.sql("update asset set criticality = ? where id = ?")
                        .params(criticality, assetId)
                        .update();
                RiskService.update(tx, project, List.of(assetId), clock.instant());
                return "null".equals(before) ? null : before;
            });
        } catch (SQLException e) {
            throw new IllegalStateException("could not set the criticality of asset " + assetId, e);
        }
    }

    private AssetRisk risk(long project, long assetId) {
        return jdbc.sql(
                        """
                        select a.id, a.criticality, r.level, r.score, r.inferred, r.contributors::text
                          from asset a left join asset_risk r on r.asset_id = a.id
                         where a.project_id = ? and a.id = ?
                        """)
                .params(project, assetId)
                .query((rs, n) -> new AssetRisk(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        (Double) rs.getObject(4),
                        (Boolean) rs.getObject(5),
                        rs.getString(6) == null ? null : JSON.readTree(rs.getString(6))))
                .optional()
                .orElseThrow(() -> ApiProblem.notFound("no asset " + assetId));
    }

    private static final tools.jackson.databind.json.JsonMapper JSON =
            tools.jackson.databind.json.JsonMapper.builder().build();

    public record HistoryEntry(OffsetDateTime at, Long runId, String level, double score) {}

    /** Each change of the asset's risk level, oldest first (the first is its first computation). */
    @GetMapping("/api/v1/projects/{project}/assets/{assetId}/risk-history")
    @Requires(Permission.READ)
    public Map<String, Object> history(@PathVariable long assetId, Caller caller) {
        risk(caller.requireProject(), assetId); // 404 for another project's asset
        return Map.of(
                "items",
                jdbc.sql(
                                "select at, run_id, level, score from asset_risk_history where asset_id = ? order by at, level")
                        .param(assetId)
                        .query((rs, n) -> new HistoryEntry(
                                rs.getObject(1, OffsetDateTime.class),
                                (Long) rs.getObject(2),
                                rs.getString(3),
                                rs.getDouble(4)))
                        .list());
    }

    /** The project's risk at a glance, as the dashboard leads with it. */
    @GetMapping("/api/v1/projects/{project}/risk")
    @Requires(Permission.READ)
    public RiskSummary summary(Caller caller) {
        return summaries.of(caller.requireProject());
    }
}
