package dev.rampart.app.sync;

import dev.rampart.app.connector.Connector;
import dev.rampart.app.connector.Connectors;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.matchers.GroupMatcher;
import org.quartz.spi.JobFactory;
import org.quartz.spi.TriggerFiredBundle;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Scheduled imports (F4) on Quartz with its JDBC job store in cluster mode, on Rampart's own PostgreSQL: every node
 * runs a scheduler, the store hands each trigger to exactly one of them, and a node that dies mid-run is detected
 * by the others (cluster check-in), which fire its job again ({@code requestsRecovery}). The engine's per-connector
 * lock keeps a scheduled run and a "run now" from overlapping.
 *
 * <p>Connectors keep their schedule ({@code manual}, {@code interval} every N minutes, {@code once} at a time); every
 * node reconciles Quartz's triggers with them on start, when a connector changes, and every minute. A missed tick
 * (the cluster was down) fires once as soon as a node is back, then the schedule continues.
 */
public final class RunScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunScheduler.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final String GROUP = "connector-runs";

    private final JdbcClient jdbc;
    private final Connectors connectors;
    private final RunService runs;
    private final Clock clock;
    private final Scheduler scheduler;

    /**
     * Settings of the clustered scheduler.
     *
     * @param cluster the nodes that share scheduled runs: those on the same database with the same name
     * @param instanceId this node's name in the cluster
     */
    public record Settings(
            String cluster, String instanceId, long checkinIntervalMs, long misfireThresholdMs, int threads) {}

    public RunScheduler(DataSource dataSource, Connectors connectors, RunService runs, Clock clock, Settings settings) {
        this.jdbc = JdbcClient.create(dataSource);
        this.connectors = connectors;
        this.runs = runs;
        this.clock = clock;
        String provider = "rampart-" + UUID.randomUUID();
        DBConnectionManager.getInstance().addConnectionProvider(provider, new ConnectionProvider() {
            @Override
            public Connection getConnection() throws SQLException {
                return dataSource.getConnection();
            }

            @Override
            public void shutdown() {}

            @Override
            public void initialize() {}
        });
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", settings.cluster());
        p.setProperty("org.quartz.scheduler.instanceId", settings.instanceId());
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.threadPool.threadCount", String.valueOf(settings.threads()));
        p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        p.setProperty("org.quartz.jobStore.dataSource", provider);
        p.setProperty("org.quartz.jobStore.tablePrefix", "qrtz_");
        p.setProperty("org.quartz.jobStore.isClustered", "true");
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval", String.valueOf(settings.checkinIntervalMs()));
        p.setProperty("org.quartz.jobStore.misfireThreshold", String.valueOf(settings.misfireThresholdMs()));
        p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        p.setProperty("org.quartz.scheduler.threadName", "rampart-scheduler");
        try {
            StdSchedulerFactory factory = new StdSchedulerFactory(p);
            this.scheduler = factory.getScheduler();
            // Quartz keeps schedulers in a JVM-wide registry by name, and every node of a cluster has the same name:
            // a second server in this JVM would get this scheduler back, and stopping it would stop this one. Each
            // server keeps its own, as nodes in separate JVMs do.
            org.quartz.impl.SchedulerRepository.getInstance().remove(scheduler.getSchedulerName());
            scheduler.setJobFactory(new JobFactory() {
                @Override
                public Job newJob(TriggerFiredBundle bundle, Scheduler s) {
                    return new ConnectorRunJob(RunScheduler.this);
                }
            });
        } catch (SchedulerException e) {
            throw new IllegalStateException("could not create the scheduler: " + e.getMessage(), e);
        }
    }

    public void start() {
        try {
            reconcile();
            scheduler.start();
            LOG.info("scheduler started (clustered, node {})", scheduler.getSchedulerInstanceId());
        } catch (SchedulerException e) {
            throw new IllegalStateException("could not start the scheduler: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            scheduler.shutdown(false);
        } catch (SchedulerException e) {
            LOG.warn("scheduler did not shut down cleanly: {}", e.getMessage());
        }
    }

    /** One scheduled run; never two at once for a connector on this node, and the engine's lock covers the rest. */
    @DisallowConcurrentExecution
    public static final class ConnectorRunJob implements Job {
        private final RunScheduler owner;

        ConnectorRunJob(RunScheduler owner) {
            this.owner = owner;
        }

        @Override
        public void execute(JobExecutionContext context) {
            long id = context.getJobDetail().getJobDataMap().getLong("connectorId");
            owner.fire(id, context.isRecovering());
        }
    }

    void fire(long connectorId, boolean recovering) {
        Connector c;
        try {
            c = connectors.find(connectorId);
        } catch (IllegalArgumentException gone) {
            LOG.info("connector {} no longer exists; its schedule is removed", connectorId);
            unschedule(connectorId);
            return;
        }
        if (!c.enabled()) {
            LOG.info("connector {} is disabled: scheduled run skipped", c.name());
            return;
        }
        try {
            RunSummary s = runs.runHere(c, SyncEngine.Mode.AUTO, recovering ? "recovery" : "schedule", "scheduler");
            LOG.info(
                    "scheduled run {} of connector {}: {}",
                    s.runId(),
                    c.name(),
                    s.json().path("state").asText());
        } catch (SyncFailedException e) {
            LOG.info("scheduled run of connector {} not started: {}", c.name(), e.getMessage());
        }
    }

    static JobKey job(long connectorId) {
        return JobKey.jobKey("connector-" + connectorId, GROUP);
    }

    static TriggerKey trigger(long connectorId) {
        return TriggerKey.triggerKey("connector-" + connectorId, GROUP);
    }

    private void unschedule(long connectorId) {
        try {
            scheduler.deleteJob(job(connectorId));
        } catch (SchedulerException e) {
            LOG.warn("could not remove the schedule of connector {}: {}", connectorId, e.getMessage());
        }
    }

    /**
     * Makes Quartz's triggers match the connectors' schedules: adds missing ones, replaces changed ones (the schedule
     * text is kept in the trigger), removes those of deleted, disabled or manual connectors. Safe to run on every node
     * at once.
     */
    public synchronized void reconcile() {
        record Row(long id, boolean enabled, String schedule, OffsetDateTime lastScheduled) {}
        List<Row> rows = jdbc.sql(
                        """
                        select c.id, c.enabled, c.schedule::text,
                               (select max(r.started_at) from sync_run r where r.connector_id = c.id
                                  and r.trigger in ('schedule', 'recovery'))
                          from connector c
                        """)
                .query((rs, n) -> new Row(
                        rs.getLong(1), rs.getBoolean(2), rs.getString(3), rs.getObject(4, OffsetDateTime.class)))
                .list();
        Set<JobKey> wanted = new HashSet<>();
        Instant now = clock.instant();
        for (Row r : rows) {
            if (r.enabled()
                    && !JSON.readTree(r.schedule())
                            .path("kind")
                            .asString("manual")
                            .equals("manual")) {
                // Kept even when it has nothing left to fire (a one-time run done): a job running now, or one a dead
                // node was running, must stay for Quartz to recover it.
                wanted.add(job(r.id()));
            }
            Trigger t = desired(r.id(), r.enabled(), r.schedule(), r.lastScheduled(), now);
            if (t == null) {
                continue;
            }
            try {
                Trigger existing = scheduler.getTrigger(trigger(r.id()));
                if (existing != null
                        && r.schedule().equals(existing.getJobDataMap().getString("schedule"))) {
                    continue;
                }
                JobDetail job = JobBuilder.newJob(ConnectorRunJob.class)
                        .withIdentity(job(r.id()))
                        .usingJobData("connectorId", r.id())
                        .requestRecovery(true)
                        .storeDurably(false)
                        .build();
                scheduler.scheduleJob(job, Set.of(t), true);
                LOG.info("connector {} scheduled: {}", r.id(), r.schedule());
            } catch (SchedulerException e) {
                LOG.warn("could not schedule connector {}: {}", r.id(), e.getMessage());
            }
        }
        try {
            for (JobKey k : scheduler.getJobKeys(GroupMatcher.jobGroupEquals(GROUP))) {
                if (!wanted.contains(k)) {
                    scheduler.deleteJob(k);
                    LOG.info("schedule {} removed", k.getName());
                }
            }
        } catch (SchedulerException e) {
            LOG.warn("could not list the schedules: {}", e.getMessage());
        }
    }

    private static Trigger desired(
            long id, boolean enabled, String scheduleText, OffsetDateTime lastScheduled, Instant now) {
        if (!enabled) {
            return null;
        }
        JsonNode s = JSON.readTree(scheduleText);
        String kind = s.path("kind").asString("manual");
        TriggerBuilder<Trigger> b =
                TriggerBuilder.newTrigger().withIdentity(trigger(id)).usingJobData("schedule", scheduleText);
        switch (kind) {
            case "interval" -> {
                int minutes = s.path("everyMinutes").asInt(60);
                return b.startAt(Date.from(now.plusSeconds(minutes * 60L)))
                        .withSchedule(SimpleScheduleBuilder.simpleSchedule()
                                .withIntervalInMinutes(minutes)
                                .repeatForever()
                                .withMisfireHandlingInstructionNowWithRemainingCount())
                        .build();
            }
            case "once" -> {
                Instant at = Instant.parse(s.path("at").asString());
                if (lastScheduled != null && !lastScheduled.toInstant().isBefore(at)) {
                    return null;
                }
                // A time already past (the cluster was down, or the schedule was set late) runs now, once; Quartz's own
                // misfire handling would wait for its next misfire scan (up to the threshold, a minute) first.
                return b.startAt(Date.from(at.isBefore(now) ? now : at))
                        .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
                        .build();
            }
            default -> {
                return null;
            }
        }
    }
}
