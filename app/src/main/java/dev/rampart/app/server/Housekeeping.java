package dev.rampart.app.server;

import dev.rampart.app.connector.ConnectorChanged;
import dev.rampart.app.connector.ConnectorService;
import dev.rampart.app.sync.RunScheduler;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The server's periodic work: keeps the scheduler's triggers in line with the connectors, refreshes the inventory
 * metrics (findings by state and severity, runs, API calls, throttle waits, credential expiry) from the database, so
 * that every node reports the cluster's figures, and warns in the log 30, 7 and 1 days before a credential expires
 * (once per threshold, across the cluster).
 */
@Component
public class Housekeeping {
    private static final Logger LOG = LoggerFactory.getLogger(Housekeeping.class);

    private final JdbcClient jdbc;
    private final RunScheduler scheduler;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();

    private final dev.rampart.app.security.Users users;

    public Housekeeping(
            DataSource dataSource,
            RunScheduler scheduler,
            MeterRegistry registry,
            Clock clock,
            dev.rampart.app.security.Users users) {
        this.users = users;
        this.jdbc = JdbcClient.create(dataSource);
        this.scheduler = scheduler;
        this.registry = registry;
        this.clock = clock;
    }

    @EventListener
    public void connectorChanged(ConnectorChanged e) {
        scheduler.reconcile();
    }

    @Scheduled(
            fixedDelayString = "#{${rampart.scheduler.reconcile-seconds:60} * 1000}",
            initialDelayString = "#{${rampart.scheduler.reconcile-seconds:60} * 1000}")
    public void reconcile() {
        scheduler.reconcile();
    }

    /** Failed sign-ins older than a day that lock nothing are forgotten, so the table stays small. */
    @Scheduled(fixedDelay = 3_600_000, initialDelay = 60_000)
    public void forgetOldSignInFailures() {
        int n = users.forgetOldFailures();
        if (n > 0) {
            LOG.info("forgot {} per-address sign-in failure counts older than a day", n);
        }
    }

    @Scheduled(fixedDelayString = "#{${rampart.metrics.refresh-seconds:60} * 1000}", initialDelay = 2000)
    public void refresh() {
        try {
            metrics();
            expiryWarnings();
        } catch (RuntimeException e) {
            LOG.warn("could not refresh the metrics: {}", e.getMessage());
        }
    }

    private final Map<String, Gauge> meters = new ConcurrentHashMap<>();
    private final java.util.Set<String> seen = ConcurrentHashMap.newKeySet();

    private void set(String name, Tags tags, long value, String description) {
        String key = name + tags;
        seen.add(key);
        gauges.computeIfAbsent(key, k -> {
                    AtomicLong v = new AtomicLong();
                    meters.put(
                            k,
                            Gauge.builder(name, v, AtomicLong::get)
                                    .tags(tags)
                                    .description(description)
                                    .register(registry));
                    return v;
                })
                .set(value);
    }

    private record FindingCount(String state, String severity, long count) {}

    private record Counted(long version, java.util.List<FindingCount> counts) {}

    /** Each project's finding counts, with the risk version they were counted at. */
    private final Map<Long, Counted> findingCounts = new ConcurrentHashMap<>();

    /**
     * Refreshes every gauge; those whose rows are gone (a deleted connector, a cleared expiry) are removed. A project's
     * findings are counted again only when its {@code risk_version} moved (every run, import and connector removal
     * moves it, and nothing else changes findings): counting three million findings took 1.3 s of both cores every
     * minute, and the API's latency with it.
     */
    void metrics() {
        seen.clear();
        record Project(long id, String key, long version) {}
        java.util.List<Project> projects = jdbc.sql("select id, key, risk_version from project")
                .query((rs, n) -> new Project(rs.getLong(1), rs.getString(2), rs.getLong(3)))
                .list();
        java.util.Set<Long> live = new java.util.HashSet<>();
        for (Project p : projects) {
            live.add(p.id());
            Counted c = findingCounts.get(p.id());
            if (c == null || c.version() != p.version()) {
                c = new Counted(
                        p.version(),
                        jdbc.sql(
                                        """
                                        select state, coalesce(severity, 'None'), count(*) from finding
                                         where project_id = ? group by 1, 2
                                        """)
                                .param(p.id())
                                .query((rs, n) -> new FindingCount(rs.getString(1), rs.getString(2), rs.getLong(3)))
                                .list());
                findingCounts.put(p.id(), c);
            }
            for (FindingCount f : c.counts()) {
                set(
                        "rampart.findings",
                        Tags.of("project", p.key(), "state", f.state(), "severity", f.severity()),
                        f.count(),
                        "findings by project, state and severity");
            }
        }
        findingCounts.keySet().retainAll(live);
        jdbc.sql(
                        """
                        select p.key, coalesce(c.name, r.source_name), r.state, count(*),
                               coalesce(sum(extract(epoch from (r.finished_at - r.started_at)) * 1000), 0)::bigint,
                               coalesce(sum((r.counts->>'apiCalls')::bigint), 0),
                               coalesce(sum((r.counts->>'throttleWaits')::bigint), 0)
                          from sync_run r join project p on p.id = r.project_id
                          left join connector c on c.id = r.connector_id
                         group by 1, 2, 3
                        """)
                .query((rs, n) -> {
                    Tags t = Tags.of("project", rs.getString(1), "source", rs.getString(2), "state", rs.getString(3));
                    set("rampart.runs", t, rs.getLong(4), "runs by source and state");
                    set("rampart.runs.duration.ms", t, rs.getLong(5), "total duration of runs, milliseconds");
                    set("rampart.runs.api.calls", t, rs.getLong(6), "Defender API calls made by runs");
                    set("rampart.runs.throttle.waits", t, rs.getLong(7), "waits for the rate limiter or a 429");
                    return null;
                })
                .list();
        Instant now = clock.instant();
        jdbc.sql(
                        """
                        select p.key, c.name, c.secret_expires_at from connector c join project p on p.id = c.project_id
                         where c.secret_expires_at is not null
                        """)
                .query((rs, n) -> {
                    OffsetDateTime at = rs.getObject(3, OffsetDateTime.class);
                    set(
                            "rampart.connector.credential.expiry.days",
                            Tags.of("project", rs.getString(1), "connector", rs.getString(2)),
                            Duration.between(now, at.toInstant()).toDays(),
                            "days until the connector's credential expires (negative: expired)");
                    return null;
                })
                .list();
        for (String key : java.util.List.copyOf(gauges.keySet())) {
            if (!seen.contains(key)) {
                gauges.remove(key);
                Gauge g = meters.remove(key);
                if (g != null) {
                    registry.remove(g);
                }
            }
        }
    }

    /** Logs each threshold once per credential: the row remembers the last threshold warned. */
    void expiryWarnings() {
        Instant now = clock.instant();
        int[] ascending = ConnectorService.WARN_DAYS.clone();
        java.util.Arrays.sort(ascending);
        for (int days : ascending) {
            jdbc.sql(
                            """
                            update connector c set expiry_warned = ?
                              from project p
                             where p.id = c.project_id and c.secret_expires_at is not null
                               and c.secret_expires_at <= ? and (c.expiry_warned is null or c.expiry_warned > ?)
                            returning p.key, c.name, c.secret_expires_at
                            """)
                    .params(days, now.plus(Duration.ofDays(days)).atOffset(java.time.ZoneOffset.UTC), days)
                    .query((rs, n) -> {
                        LOG.warn(
                                "the credential of connector {} in project {} {}",
                                rs.getString(2),
                                rs.getString(1),
                                ConnectorService.expiryWarning(rs.getObject(3, OffsetDateTime.class), now));
                        return null;
                    })
                    .list();
        }
    }
}
