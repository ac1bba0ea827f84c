package dev.rampart.app.security;

import dev.rampart.app.web.Text;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * The audit log (F23): who did what, when, from where, to what, and how it ended. Callers pass only what is safe to
 * keep: details never hold a secret (the connector endpoints record which fields changed, not their values).
 */
public final class Audit {
    private static final Logger LOG = LoggerFactory.getLogger("rampart.audit");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    static final int MAX_ACTOR = 200;
    static final int MAX_TARGET = 400;

    private final JdbcClient jdbc;

    public Audit(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
    }

    public record Entry(
            long id,
            OffsetDateTime at,
            String actor,
            String actorKind,
            String remoteAddr,
            String project,
            String action,
            String target,
            String outcome,
            String details) {}

    public void record(Caller caller, String action, String target, String outcome, Map<String, ?> details) {
        record(
                caller.actor(),
                caller.actorKind(),
                caller.remoteAddr(),
                caller.projectId(),
                action,
                target,
                outcome,
                details);
    }

    public void record(
            String actor,
            String actorKind,
            String remoteAddr,
            Long projectId,
            String action,
            String target,
            String outcome,
            Map<String, ?> details) {
        String json = JSON.writeValueAsString(details == null ? Map.of() : details);
        // Actor and target can carry what a caller typed: one line each, bounded, in the table and the log.
        actor = Text.oneLine(actor, MAX_ACTOR);
        target = Text.oneLine(target, MAX_TARGET);
        jdbc.sql(
                        """
                        insert into audit_log (actor, actor_kind, remote_addr, project_id, action, target, outcome,
                                               details)
                        values (?, ?, ?, ?, ?, ?, ?, cast(? as jsonb))
                        """)
                .params(actor, actorKind, remoteAddr, projectId, action, target, outcome, json)
                .update();
        LOG.info(
                "{} {} {} {}{}: {}",
                actor,
                action,
                target == null ? "" : target,
                outcome,
                remoteAddr == null ? "" : " from " + remoteAddr,
                json);
    }

    /** Newest first, before {@code beforeId} (a cursor), of one project or of all when {@code projectId} is null. */
    public List<Entry> list(Long projectId, long beforeId, int limit) {
        return jdbc.sql(
                        """
                        select a.id, a.at, a.actor, a.actor_kind, a.remote_addr, p.key, a.action, a.target, a.outcome,
                               a.details::text
                          from audit_log a left join project p on p.id = a.project_id
                         where a.id < ? and (cast(? as bigint) is null or a.project_id = ?)
                         order by a.id desc limit ?
                        """)
                .params(beforeId, projectId, projectId, limit)
                .query((rs, n) -> new Entry(
                        rs.getLong(1),
                        rs.getObject(2, OffsetDateTime.class),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getString(7),
                        rs.getString(8),
                        rs.getString(9),
                        rs.getString(10)))
                .list();
    }
}
