package dev.rampart.app.sync;

import dev.rampart.app.connector.Connector;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Starts runs for the server ("run now" in the background, scheduled runs in the scheduler's thread) and reads them
 * back while they run. One run per connector across every node: the engine's lock refuses a second one as
 * {@link SyncFailedException.Kind#BUSY}.
 */
public final class RunService {
    private static final Logger LOG = LoggerFactory.getLogger(RunService.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JdbcClient jdbc;
    private final SyncEngine engine;
    private final ExecutorService executor;
    private final String node;

    public RunService(DataSource dataSource, SyncEngine engine, ExecutorService executor, String node) {
        this.jdbc = JdbcClient.create(dataSource);
        this.engine = engine;
        this.executor = executor;
        this.node = node;
    }

    public record RunView(
            long id,
            Long connectorId,
            String connector,
            String source,
            String kind,
            String state,
            String phase,
            String trigger,
            String requestedBy,
            String node,
            boolean cancelRequested,
            OffsetDateTime startedAt,
            OffsetDateTime heartbeatAt,
            OffsetDateTime finishedAt,
            JsonNode counts,
            JsonNode badRecords,
            String error) {}

    /**
     * Starts a run in the background and returns its id once its row exists. Throws {@link SyncFailedException} when
     * it cannot start (BUSY: one is running; TERMINAL: the connector is disabled).
     */
    public long start(Connector connector, SyncEngine.Mode mode, String trigger, String requestedBy) {
        CompletableFuture<Long> started = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    RunSummary s = engine.run(
                            connector, mode, new SyncEngine.RunRequest(trigger, requestedBy, node, started::complete));
                    if (!started.isDone()) {
                        started.complete(s.runId());
                    }
                } catch (RuntimeException e) {
                    if (!started.completeExceptionally(e)) {
                        LOG.warn("run of connector {} ended with an error: {}", connector.name(), e.toString());
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            throw new SyncFailedException(
                    SyncFailedException.Kind.BUSY,
                    "this node is running as many imports as it" + " may at once; try again when one has finished");
        }
        try {
            return started.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new SyncFailedException(SyncFailedException.Kind.RETRYABLE, "the run did not start within 60 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SyncFailedException(SyncFailedException.Kind.RETRYABLE, "interrupted");
        }
    }

    /** Runs in the caller's thread (the scheduler's), to the end. */
    public RunSummary runHere(Connector connector, SyncEngine.Mode mode, String trigger, String requestedBy) {
        return engine.run(connector, mode, new SyncEngine.RunRequest(trigger, requestedBy, node, id -> {}));
    }

    /** Asks a run to stop; false when it is not running. */
    public boolean cancel(long runId) {
        return engine.requestCancel(runId);
    }

    private static final String SELECT =
            """
            select r.id, r.connector_id, c.name, r.source_name, r.kind, r.state, r.phase, r.trigger, r.requested_by,
                   r.node, r.cancel_requested, r.started_at, r.heartbeat_at, r.finished_at, r.counts::text,
                   r.bad_records::text, r.error
              from sync_run r join project p on p.id = r.project_id left join connector c on c.id = r.connector_id
            """;

    private static RunView row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        long cid = rs.getLong(2);
        Long connectorId = rs.wasNull() ? null : cid;
        return new RunView(
                rs.getLong(1),
                connectorId,
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                rs.getString(7),
                rs.getString(8),
                rs.getString(9),
                rs.getString(10),
                rs.getBoolean(11),
                rs.getObject(12, OffsetDateTime.class),
                rs.getObject(13, OffsetDateTime.class),
                rs.getObject(14, OffsetDateTime.class),
                JSON.readTree(rs.getString(15)),
                JSON.readTree(rs.getString(16)),
                rs.getString(17));
    }

    public Optional<RunView> find(String project, long runId) {
        return jdbc.sql(SELECT + " where p.key = ? and r.id = ?")
                .params(project, runId)
                .query(RunService::row)
                .optional();
    }

    /** Newest first; {@code connectorId} null for every source of the project. */
    public List<RunView> list(String project, Long connectorId, long beforeId, int limit) {
        return jdbc.sql(SELECT
                        + " where p.key = ? and r.id < ? and (cast(? as bigint) is null or r.connector_id = ?)"
                        + " order by r.id desc limit ?")
                .params(project, beforeId, connectorId, connectorId, limit)
                .query(RunService::row)
                .list();
    }
}
