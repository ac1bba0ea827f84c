package dev.rampart.app.sync;

import java.sql.Timestamp;
import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Where a connector stands: its last full run, the time its findings are current to (the next changes export starts
 * there), the latest alert update applied, the last bulk read of logon users, and the last read of the Entra directory. Saved in the apply transaction, so a failed run never moves it.
 */
record Checkpoint(
        Instant lastFullAt, Instant vulnerabilitiesAt, Instant alertsAt, Instant logonUsersAt, Instant directoryAt) {

    static Checkpoint load(JdbcClient jdbc, long connectorId) {
        return jdbc.sql("select last_full_at, vulnerabilities_at, alerts_at, logon_users_at, directory_at"
                        + " from connector_checkpoint"
                        + " where connector_id = ?")
                .param(connectorId)
                .query((rs, n) -> new Checkpoint(
                        instant(rs.getTimestamp(1)),
                        instant(rs.getTimestamp(2)),
                        instant(rs.getTimestamp(3)),
                        instant(rs.getTimestamp(4)),
                        instant(rs.getTimestamp(5))))
                .optional()
                .orElse(new Checkpoint(null, null, null, null, null));
    }

    void save(JdbcClient jdbc, long connectorId, long runId) {
        jdbc.sql(
                        """
                        insert into connector_checkpoint (connector_id, last_full_at, vulnerabilities_at, alerts_at,
                                                          logon_users_at, directory_at, last_run_id)
                        values (?, ?, ?, ?, ?, ?, ?)
                        on conflict (connector_id) do update set last_full_at = excluded.last_full_at,
                            vulnerabilities_at = excluded.vulnerabilities_at, alerts_at = excluded.alerts_at,
                            logon_users_at = excluded.logon_users_at, directory_at = excluded.directory_at,
                            last_run_id = excluded.last_run_id
                        """)
                .params(
                        connectorId,
                        ts(lastFullAt),
                        ts(vulnerabilitiesAt),
                        ts(alertsAt),
                        ts(logonUsersAt),
                        ts(directoryAt),
                        runId)
                .update();
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }
}
