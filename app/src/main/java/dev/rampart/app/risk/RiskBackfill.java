package dev.rampart.app.risk;

import dev.rampart.app.database.Transactions;
import dev.rampart.app.project.Projects;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Computes the risk of assets that have none: those an upgrade found (risk came with a later schema), so that lists
 * sorted by risk, which read {@code asset_risk}, hold every asset. Runs soon after start and then hourly; a project
 * whose run is applying is left for the next tick (that run computes them anyway).
 */
@Component
public class RiskBackfill {
    private static final Logger LOG = LoggerFactory.getLogger(RiskBackfill.class);

    private final DataSource dataSource;
    private final JdbcClient jdbc;
    private final Clock clock;

    public RiskBackfill(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.jdbc = JdbcClient.create(dataSource);
        this.clock = clock;
    }

    @Scheduled(fixedDelay = 3_600_000, initialDelay = 5_000)
    public void tick() {
        try {
            run();
        } catch (RuntimeException | SQLException e) {
            LOG.warn("computing the risk of unscored assets failed: {}", e.toString());
        }
    }

    /** The number of assets scored. */
    public long run() throws SQLException {
        List<Long> projects = jdbc.sql(
                        """
                        select distinct a.project_id from asset a
                         where not exists (select 1 from asset_risk r where r.asset_id = a.id)
                        """)
                .query(Long.class)
                .list();
        long scored = 0;
        for (long projectId : projects) {
            scored += Transactions.run(dataSource, tx -> {
                if (!Projects.tryLockForChange(tx, projectId)) {
                    return 0L;
                }
                return RiskService.update(tx, projectId, null, clock.instant(), RiskService.Scope.MISSING)
                        .computed();
            });
        }
        if (scored > 0) {
            LOG.info("computed the risk of {} assets that had none", scored);
        }
        return scored;
    }
}
