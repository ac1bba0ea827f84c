package dev.rampart.app.sync;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rampart.app.connector.Connector;
import dev.rampart.app.connector.ConnectorOptions;
import dev.rampart.app.database.Transactions;
import dev.rampart.app.profile.Profiles;
import dev.rampart.app.project.Projects;
import dev.rampart.app.risk.RiskService;
import dev.rampart.app.risk.SensorHealth;
import dev.rampart.app.ticket.Tickets;
import dev.rampart.defender.DefenderClient;
import dev.rampart.defender.error.AuthenticationException;
import dev.rampart.defender.error.DefenderException;
import dev.rampart.defender.error.PermissionException;
import dev.rampart.defender.http.CallStats;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Runs imports. A run reads Defender into staging tables, then applies everything in one transaction; a run that
 * fails at any point (API error after the client's retries, too much bad data, a database error, the process killed)
 * leaves the inventory as it was, and the next run reaches the state a clean run would have. Never two runs of one
 * connector at once, across processes: a PostgreSQL advisory lock is held for the whole run.
 */
public final class SyncEngine {
    private static final Logger LOG = LoggerFactory.getLogger(SyncEngine.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Advisory lock class ('RAMP') of a connector's run. */
    static final int RUN_LOCK = 0x52414D50;
    /** The delta export accepts a start at most 14 days back; keep a day's margin. */
    static final Duration DELTA_LIMIT = Duration.ofDays(13);

    public enum Mode {
        AUTO,
        FULL,
        INCREMENTAL
    }

    private final DataSource dataSource;
    private final JdbcClient jdbc;
    private final Clock clock;
    private final Function<Connector, DefenderClient> clients;
    private Consumer<String> applyHook = step -> {};

    public SyncEngine(DataSource dataSource, Clock clock, Function<Connector, DefenderClient> clients) {
        this.dataSource = dataSource;
        this.jdbc = JdbcClient.create(dataSource);
        this.clock = clock;
        this.clients = clients;
    }

    /** For tests: called with the name of each apply step before it runs, inside the transaction. */
    void applyHook(Consumer<String> hook) {
        this.applyHook = hook;
    }

    /**
     * Who or what started a run, kept on the run row; {@code started} is told the run's id as soon as the row exists
     * (before any reading), so that a caller can answer with the run while it goes on.
     */
    public record RunRequest(String trigger, String requestedBy, String node, java.util.function.LongConsumer started) {
        public static RunRequest cli() {
            return new RunRequest("cli", System.getProperty("user.name"), null, id -> {});
        }
    }

    /** Runs one import of a connector and returns its summary; a failed run's summary says why. */
    public RunSummary run(Connector connector, Mode mode) {
        return run(connector, mode, RunRequest.cli());
    }

    /**
     * As {@link #run(Connector, Mode)}, recording who asked. A run whose row has {@code cancel_requested} set stops at
     * its next progress report, applies nothing and ends {@code cancelled} ({@link #requestCancel}).
     */
    public RunSummary run(Connector connector, Mode mode, RunRequest request) {
        if (!connector.enabled()) {
            throw new SyncFailedException(
                    SyncFailedException.Kind.TERMINAL,
                    "connector '" + connector.name() + "' is disabled; enable it to import");
        }
        try (Connection lock = dataSource.getConnection()) {
            if (!tryLock(lock, RUN_LOCK, connector.id())) {
                throw new SyncFailedException(
                        SyncFailedException.Kind.BUSY,
                        "a run of connector '" + connector.name() + "' is already in progress");
            }
            try {
                abandonDeadRuns(connector);
                return runLocked(connector, mode, request);
            } finally {
                unlock(lock, RUN_LOCK, connector.id());
            }
        } catch (SQLException e) {
            throw databaseError(e);
        }
    }

    private static boolean tryLock(Connection c, int kind, long id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select pg_try_advisory_lock(?, ?)")) {
            s.setInt(1, kind);
            s.setInt(2, (int) id);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getBoolean(1);
            }
        }
    }

    private static void unlock(Connection c, int kind, long id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select pg_advisory_unlock(?, ?)")) {
            s.setInt(1, kind);
            s.setInt(2, (int) id);
            s.execute();
        }
    }

    /** Holding the connector's lock, any run still marked running belongs to a process that died. */
    private void abandonDeadRuns(Connector connector) throws SQLException {
        List<Long> dead = jdbc.sql(
                        """
                        update sync_run set state = 'failed', finished_at = now(),
                               error = 'abandoned: the process running it stopped before it finished; nothing of it'
                                       || ' was applied'
                         where connector_id = ? and state = 'running' returning id
                        """)
                .param(connector.id())
                .query(Long.class)
                .list();
        if (!dead.isEmpty()) {
            try (Connection c = dataSource.getConnection()) {
                for (long id : dead) {
                    Staging.discard(c, id);
                }
            }
            LOG.warn("marked {} abandoned run(s) of connector {} as failed: {}", dead.size(), connector.name(), dead);
        }
    }

    /**
     * Asks a running run to stop, whichever process runs it. Returns false when the run is not running (finished, or
     * unknown).
     */
    public boolean requestCancel(long runId) {
        return jdbc.sql("update sync_run set cancel_requested = true where id = ? and state = 'running'")
                        .param(runId)
                        .update()
                > 0;
    }

    private RunSummary runLocked(Connector connector, Mode mode, RunRequest request) throws SQLException {
        Instant started0 = clock.instant();
        Checkpoint cp = Checkpoint.load(jdbc, connector.id());
        ConnectorOptions options = connector.spec().options();
        long runId = jdbc.sql(
                        """
                        insert into sync_run (project_id, connector_id, source_name, kind, state, started_at,
                                              heartbeat_at, trigger, requested_by, node)
                        values (?, ?, ?, ?, 'running', ?, now(), ?, ?, ?) returning id
                        """)
                .params(
                        connector.projectId(),
                        connector.id(),
                        "defender:" + connector.name(),
                        mode == Mode.INCREMENTAL ? "incremental" : "full",
                        Timestamp.from(started0),
                        request.trigger(),
                        request.requestedBy(),
                        request.node())
                .query(Long.class)
                .single();
        request.started().accept(runId);
        MDC.put("connector", connector.name());
        MDC.put("run", String.valueOf(runId));
        RunProgress progress = new RunProgress(jdbc, runId);
        BadRecords bad = new BadRecords();
        long started = System.nanoTime();
        DefenderClient client = null;
        CallStats.Snapshot before = null;
        try (Connection stagingConnection = dataSource.getConnection()) {
            LOG.info("run {} of connector {} started", runId, connector.name());
            client = clients.apply(connector);
            before = client.stats().snapshot();
            Staging staging = new Staging(stagingConnection, runId);
            DefenderReader reader =
                    new DefenderReader(client, staging, connector.spec().scope(), options, bad, progress);
            reader.machines();
            // The run's time is Defender's (from its Date headers), not this machine's: the next changes export
            // starts there, and fixed dates and events carry it.
            Instant at = client.stats().serverNow() != null ? client.stats().serverNow() : clock.instant();
            boolean full = mode == Mode.FULL
                    || cp.lastFullAt() == null
                    || cp.vulnerabilitiesAt() == null
                    || !cp.lastFullAt()
                            .plus(Duration.ofDays(options.fullEveryDays()))
                            .isAfter(at)
                    || cp.vulnerabilitiesAt().isBefore(at.minus(DELTA_LIMIT));
            String kind = full ? "full" : "incremental";
            jdbc.sql("update sync_run set kind = ? where id = ?")
                    .params(kind, runId)
                    .update();
            if (mode == Mode.INCREMENTAL && full) {
                progress.warning("an incremental run was asked for, but a full one is due (first run, last full run "
                        + options.fullEveryDays() + "+ days ago, or changes older than the 14 days Defender keeps)");
            }
            LOG.info("{} run {} of connector {}: Defender's time {}", kind, runId, connector.name(), at);
            reader.vulnerabilityCatalog();
            if (full) {
                reader.findingsFull();
            } else {
                reader.findingsSince(cp.vulnerabilitiesAt());
            }
            boolean software = full && reader.software();
            Instant alertsSince = full || cp.alertsAt() == null
                    ? null
                    : cp.alertsAt().minus(Duration.ofMinutes(options.alertOverlapMinutes()));
            Instant alertsLatest = reader.alerts(alertsSince);
            boolean logonBulkDue = full || due(cp.logonUsersAt(), options.logonUsersEveryHours(), at);
            String logon = reader.logonUsers(
                    logonCandidates(
                            runId,
                            connector.sourceId(),
                            options.perDeviceLogonLimit(),
                            at.minus(Duration.ofHours(options.logonUsersEveryHours()))),
                    logonBulkDue);
            boolean directory = options.directoryEveryHours() > 0
                    && due(cp.directoryAt(), options.directoryEveryHours(), at)
                    && reader.directory();
            bad.check(options);

            progress.phase("applying");
            RunContext ctx = new RunContext(
                    runId,
                    connector.projectId(),
                    connector.sourceId(),
                    connector.id(),
                    at,
                    true,
                    true,
                    options.gracePeriodDays(),
                    full ? RunContext.Findings.FULL : RunContext.Findings.CHANGES,
                    software,
                    logon.equals("hunting") ? "all" : logon.equals("per-device") ? "staged" : "none",
                    alertsLatest != null,
                    true);
            CallStats.Snapshot api = client.stats().snapshot().minus(before);
            ObjectNode summary = apply(
                    ctx,
                    tx -> {
                        Profiles.assign(tx, ctx.projectId(), connector.id(), ctx.sourceId(), false, ctx.atTimestamp());
                        if (directory) {
                            DirectoryApply.Counts d = DirectoryApply.apply(
                                    tx, ctx.runId(), ctx.projectId(), connector.id(), ctx.atTimestamp());
                            LOG.info("apply: directory: {}", d);
                        }
                        if (directory || !ctx.logonUsers().equals("none")) {
                            LOG.info(
                                    "apply: {} logon users matched to directory users",
                                    DirectoryApply.matchLogonUsers(tx, ctx.projectId()));
                        }
                        Instant alertsAt = alertsLatest == null
                                ? cp.alertsAt()
                                : cp.alertsAt() == null || alertsLatest.isAfter(cp.alertsAt())
                                        ? alertsLatest
                                        : cp.alertsAt();
                        new Checkpoint(
                                        full ? ctx.at() : cp.lastFullAt(),
                                        ctx.at(),
                                        alertsAt,
                                        logon.equals("hunting") ? ctx.at() : cp.logonUsersAt(),
                                        directory ? ctx.at() : cp.directoryAt())
                                .save(tx, connector.id(), ctx.runId());
                    },
                    progress,
                    bad,
                    api,
                    started);
            LOG.info("run {} of connector {} succeeded: {}", runId, connector.name(), summary);
            return new RunSummary(summary);
        } catch (RuntimeException | SQLException e) {
            SyncFailedException failure = classify(e);
            CallStats.Snapshot api = client == null || before == null
                    ? null
                    : client.stats().snapshot().minus(before);
            ObjectNode summary = fail(runId, progress.summary(bad, api, started), failure);
            LOG.warn(
                    "run {} of connector {} failed ({}): {}",
                    runId,
                    connector.name(),
                    failure.kind(),
                    failure.getMessage());
            return new RunSummary(summary);
        } finally {
            discardStaged(runId);
            MDC.remove("connector");
            MDC.remove("run");
        }
    }

    /** Whether a read last done at {@code last} (null: never) is due again at {@code at}, every {@code hours}. */
    private static boolean due(Instant last, int hours, Instant at) {
        return last == null || !last.plus(Duration.ofHours(hours)).isAfter(at);
    }

    /**
     * Devices in scope for per-device logon-user reads: those whose users this source never read (new devices first),
     * then those read before {@code staleBefore}, longest ago first; at most {@code limit}.
     */
    private List<String> logonCandidates(long runId, long sourceId, int limit, Instant staleBefore) {
        return jdbc.sql(
                        """
                        select s.machine_id from stage_machine s
                          left join asset_source o on o.source_id = ? and o.external_id = s.machine_id
                         where s.run_id = ? and s.in_scope and s.active
                           and (o.logon_users_at is null or o.logon_users_at < ?)
                         order by o.logon_users_at nulls first, o.asset_id nulls first, s.machine_id
                         limit ?
                        """)
                .params(sourceId, runId, Timestamp.from(staleBefore), limit)
                .query(String.class)
                .list();
    }

    /**
     * Applies a staged run in one transaction: assets, findings, tickets, details, then the source's own steps
     * ({@code sourceSteps}: profiles, checkpoint), then the run row. Nothing is visible to others before the commit.
     */
    ObjectNode apply(
            RunContext ctx,
            Consumer<JdbcClient> sourceSteps,
            RunProgress progress,
            BadRecords bad,
            CallStats.Snapshot api,
            long started)
            throws SQLException {
        return Transactions.run(dataSource, tx -> {
            Projects.lockForChange(tx, ctx.projectId());
            // The apply sorts and hashes millions of staged rows: give this one transaction room in memory.
            tx.sql("set local work_mem = '256MB'").update();
            long[] last = {System.nanoTime()};
            String[] current = {"lock"};
            Consumer<String> step = name -> {
                long now = System.nanoTime();
                LOG.info("apply: {} took {} ms", current[0], (now - last[0]) / 1_000_000);
                last[0] = now;
                current[0] = name;
                applyHook.accept(name);
            };
            step.accept("assets");
            AssetApply.apply(tx, ctx);
            step.accept("findings");
            FindingApply.apply(tx, ctx);
            step.accept("tickets");
            Tickets.followFindings(tx, ctx.projectId(), ctx.runId(), ctx.atTimestamp());
            step.accept("details");
            DetailApply.apply(tx, ctx);
            step.accept("source");
            sourceSteps.accept(tx);
            step.accept("sensors");
            int[] sensors = SensorHealth.update(tx, ctx.projectId(), ctx.runId(), ctx.at());
            step.accept("risk");
            // A full Defender run refreshes every finding of every Defender device, so it changed them all: every
            // asset, without collecting millions of events to find out (2.3 s of a first import at 100,000 devices).
            RiskService.Scope scope = ctx.connectorId() != null && ctx.findings() == RunContext.Findings.FULL
                    ? RiskService.Scope.ALL
                    : RiskService.Scope.RUN;
            RiskService.Update risk = RiskService.update(tx, ctx.projectId(), ctx.runId(), ctx.at(), scope);
            ObjectNode summary = progress.summary(bad, api, started);
            summary.setAll(changeCounts(tx, ctx.runId()));
            // existing assets this run rewrote (a run rewrites only the assets whose record changed); from the run's
            // map, not its events, which the planner knows nothing of before the commit (an anti-join on them took
            // minutes at 100,000 devices)
            summary.put(
                    "assetsUpdated",
                    tx.sql(
                                    """
                                    select count(*) from run_map m join asset a on a.id = m.asset_id
                                     where not m.is_new and a.updated_at = ?
                                    """)
                            .params(ctx.atTimestamp())
                            .query(Long.class)
                            .single());
            summary.put("riskComputed", risk.computed());
            summary.put("riskRaised", risk.raised());
            summary.put("riskLowered", risk.lowered());
            summary.put("sensorFlagsRaised", sensors[0]);
            summary.put("sensorFlagsCleared", sensors[1]);
            step.accept("counts");
            recount(tx, ctx, summary);
            summary.put(
                    "assets",
                    tx.sql("select count(*) from run_map").query(Long.class).single());
            // The project's open findings once this run applied: the dashboard charts them over the last runs.
            summary.put(
                    "openFindings",
                    tx.sql("select count(*) from finding where project_id = ? and state = 'open'")
                            .param(ctx.projectId())
                            .query(Long.class)
                            .single());
            summary.put("state", "succeeded");
            summary.put(
                    "durationMs", Duration.ofNanos(System.nanoTime() - started).toMillis());
            tx.sql(
                            """
                            update sync_run set state = 'succeeded', phase = 'done', finished_at = now(),
                                   heartbeat_at = now(), counts = cast(:counts as jsonb),
                                   api = cast(:api as jsonb), bad_records = cast(:bad as jsonb)
                             where id = :id
                            """)
                    .param("counts", summary.toString())
                    .param("api", RunProgress.api(api).toString())
                    .param("bad", bad.toJson().toString())
                    .param("id", ctx.runId())
                    .update();
            step.accept("commit");
            return summary;
        });
    }

    /** Above this many finding changes, recounting every CVE (one pass over the findings) is cheaper than by CVE. */
    static final long RECOUNT_ALL_ABOVE = 20_000;

    /**
     * Refreshes the asset counts that the software and vulnerability lists read (V9__inventory_counts.sql): the CVEs
     * this run changed, or all of them after a large change such as a first import.
     */
    static void recount(JdbcClient tx, RunContext ctx, ObjectNode summary) {
        long changed = 0;
        for (String k : new String[] {"findingsOpened", "findingsFixed", "findingsReopened", "findingsArchived"}) {
            changed += summary.path(k).asLong(0);
        }
        tx.sql("select recount_inventory(?, cast(? as bigint), ?)")
                .params(ctx.projectId(), changed > RECOUNT_ALL_ABOVE ? null : ctx.runId(), ctx.software())
                .query()
                .listOfRows();
    }

    /** The run's change events counted by kind, under the summary's names. */
    static ObjectNode changeCounts(JdbcClient jdbc, long runId) {
        ObjectNode o = JSON.createObjectNode();
        String[][] names = {
            {"asset.added", "assetsAdded"},
            {"asset.deactivated", "assetsDeactivated"},
            {"asset.reactivated", "assetsReactivated"},
            {"finding.opened", "findingsOpened"},
            {"finding.fixed", "findingsFixed"},
            {"finding.reopened", "findingsReopened"},
            {"finding.archived", "findingsArchived"},
            {"alert.new", "alertsNew"},
            {"alert.updated", "alertsUpdated"},
            {"ticket.mitigated", "ticketsMitigated"},
            {"ticket.reopened", "ticketsReopened"}
        };
        for (String[] n : names) {
            o.put(n[1], 0);
        }
        jdbc.sql("select type, count(*) from change_event where run_id = ? group by type")
                .param(runId)
                .query((rs, i) -> {
                    for (String[] n : names) {
                        if (n[0].equals(rs.getString(1))) {
                            o.put(n[1], rs.getLong(2));
                        }
                    }
                    return null;
                })
                .list();
        return o;
    }

    /** Deletes a finished run's staged rows; a failure to do so is only logged (a dead run's rows go later). */
    void discardStaged(long runId) {
        try (Connection c = dataSource.getConnection()) {
            Staging.discard(c, runId);
        } catch (SQLException e) {
            LOG.warn("could not delete the staged rows of run {}: {}", runId, e.getMessage());
        }
    }

    /** Marks a run failed: completes its summary with the failure and records both; returns the summary. */
    ObjectNode fail(long runId, ObjectNode summary, SyncFailedException failure) {
        String state = failure.kind() == SyncFailedException.Kind.CANCELLED ? "cancelled" : "failed";
        summary.put("state", state);
        summary.put("error", failure.getMessage());
        summary.put("errorKind", failure.kind().name().toLowerCase(java.util.Locale.ROOT));
        try {
            jdbc.sql(
                            """
                            update sync_run set state = :state, finished_at = now(), heartbeat_at = now(),
                                   counts = cast(:counts as jsonb), error = :error where id = :id
                            """)
                    .param("state", state)
                    .param("counts", summary.toString())
                    .param("error", failure.getMessage())
                    .param("id", runId)
                    .update();
        } catch (RuntimeException e) {
            LOG.warn("could not record the failure of run {}: {}", runId, e.getMessage());
        }
        return summary;
    }

    /** Terminal for credentials, permissions, configuration and bad data; retryable for the rest. */
    static SyncFailedException classify(Exception e) {
        if (e instanceof SyncFailedException s) {
            return s;
        }
        if (e instanceof AuthenticationException || e instanceof PermissionException) {
            return new SyncFailedException(SyncFailedException.Kind.TERMINAL, e.getMessage(), e);
        }
        if (e instanceof DefenderException d) {
            boolean terminal =
                    !d.retryable() || (d.status() >= 400 && d.status() < 500 && d.status() != 408 && d.status() != 429);
            return new SyncFailedException(
                    terminal ? SyncFailedException.Kind.TERMINAL : SyncFailedException.Kind.RETRYABLE,
                    e.getMessage(),
                    e);
        }
        if (e instanceof org.springframework.dao.DataAccessException || e instanceof SQLException) {
            return databaseError(e);
        }
        if (e instanceof IllegalArgumentException) {
            return new SyncFailedException(SyncFailedException.Kind.TERMINAL, e.getMessage(), e);
        }
        return new SyncFailedException(
                SyncFailedException.Kind.RETRYABLE,
                e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()),
                e);
    }

    /**
     * A database failure as the run records it: its SQLSTATE and where the details are, never the database's own words
     * (they quote the staged values and name tables); the log has them. A data exception (class 22: a value the
     * database refuses, such as NUL in text) is the data's fault and terminal; the rest may pass.
     */
    static SyncFailedException databaseError(Exception e) {
        String state = null;
        for (Throwable t = e; t != null && state == null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                state = s.getSQLState();
            }
        }
        if (state == null || state.startsWith("08")) {
            // the connection failed (or a driver's own error): its first line names no table and quotes no data
            Throwable cause = e instanceof org.springframework.dao.DataAccessException d ? d.getMostSpecificCause() : e;
            String m = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            return new SyncFailedException(
                    SyncFailedException.Kind.RETRYABLE,
                    "database error: " + m.lines().findFirst().orElse(""),
                    e);
        }
        String id = java.util.UUID.randomUUID().toString();
        LOG.warn("incident {}: database error (SQLSTATE {}): {}", id, state, e.toString(), e);
        boolean data = state.startsWith("22");
        return new SyncFailedException(
                data ? SyncFailedException.Kind.TERMINAL : SyncFailedException.Kind.RETRYABLE,
                (data ? "the database refused a value of the data (SQLSTATE " : "database error (SQLSTATE ") + state
                        + "); the server log has the details under incident " + id,
                e);
    }

    /** Warnings and counts as the run goes, written to the run row so that others can follow it. */
    static final class RunProgress implements Progress {
        private final JdbcClient jdbc;
        private final long runId;
        private final ObjectNode counts = JSON.createObjectNode();
        private final ArrayNode warnings = JSON.createArrayNode();
        private String phase = "starting";

        RunProgress(JdbcClient jdbc, long runId) {
            this.jdbc = jdbc;
            this.runId = runId;
        }

        @Override
        public void phase(String phase) {
            LOG.info("phase: {}", phase);
            this.phase = phase;
            save();
        }

        @Override
        public void count(String key, long value) {
            counts.put(key, value);
            save();
        }

        @Override
        public void warning(String message) {
            LOG.warn(message);
            warnings.add(message);
            save();
        }

        private void save() {
            ObjectNode c = counts.deepCopy();
            c.set("warnings", warnings.deepCopy());
            boolean cancel = jdbc.sql(
                            """
                            update sync_run set phase = ?, counts = cast(? as jsonb), heartbeat_at = now() where id = ?
                            returning cancel_requested
                            """)
                    .params(phase, c.toString(), runId)
                    .query(Boolean.class)
                    .optional()
                    .orElse(false);
            if (cancel) {
                throw new SyncFailedException(SyncFailedException.Kind.CANCELLED, "cancelled on request");
            }
        }

        ObjectNode summary(BadRecords bad, CallStats.Snapshot api, long started) {
            ObjectNode o = JSON.createObjectNode();
            o.put("runId", runId);
            o.set("fetched", counts.deepCopy());
            o.set("badRecords", bad.toJson());
            o.setAll(api(api));
            o.set("warnings", warnings.deepCopy());
            o.put("durationMs", Duration.ofNanos(System.nanoTime() - started).toMillis());
            return o;
        }

        static ObjectNode api(CallStats.Snapshot api) {
            ObjectNode o = JSON.createObjectNode();
            if (api != null) {
                o.put("apiCalls", api.calls());
                o.put("apiRetries", api.retries());
                o.put("throttled", api.throttled());
                o.put("throttleWaits", api.limiterWaits());
                o.put("throttleWaitSeconds", api.waited().toMillis() / 1000.0);
            }
            return o;
        }
    }
}
