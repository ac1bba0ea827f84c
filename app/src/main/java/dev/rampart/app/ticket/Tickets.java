package dev.rampart.app.ticket;

import java.time.OffsetDateTime;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Internal tickets (F14) as far as the lifecycle needs them (F12): a ticket links findings; it is closed as
 * mitigated when none of them is open any more, and reopened (the same ticket, never a duplicate) when one comes
 * back.
 */
public final class Tickets {
    private final JdbcClient jdbc;

    public Tickets(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
    }

    /** Opens a ticket on an asset for some of its findings; returns its id. */
    public long open(long projectId, long assetId, String title, List<Long> findingIds) {
        if (title == null || title.isBlank()) {
            throw new IllegalArgumentException("a ticket needs a title");
        }
        long id = jdbc.sql("insert into ticket (project_id, asset_id, title, state) values (?, ?, ?, 'open')"
                        + " returning id")
                .params(projectId, assetId, title)
                .query(Long.class)
                .single();
        for (Long f : findingIds) {
            int linked = jdbc.sql(
                            """
                            insert into ticket_finding (ticket_id, finding_id)
                            select ?, f.id from finding f where f.id = ? and f.project_id = ? and f.asset_id = ?
                            """)
                    .params(id, f, projectId, assetId)
                    .update();
            if (linked == 0) {
                throw new IllegalArgumentException("finding " + f + " is not a finding of asset " + assetId);
            }
        }
        return id;
    }

    /**
     * Within a run's transaction: mitigates the open tickets whose findings changed in the run and are none of them
     * open now, and reopens the mitigated tickets one of whose findings the run reopened.
     */
    public static void followFindings(JdbcClient jdbc, long projectId, long runId, OffsetDateTime at) {
        boolean any = jdbc.sql("select exists (select 1 from ticket where project_id = ?)")
                .param(projectId)
                .query(Boolean.class)
                .single();
        if (!any) {
            return;
        }
        jdbc.sql(
                        """
                        create temp table run_ticket on commit drop as
                        select distinct tf.ticket_id, bool_or(e.type = 'finding.reopened') as reopened
                          from change_event e join ticket_finding tf on tf.finding_id = e.finding_id
                         where e.run_id = :run and e.finding_id is not null
                         group by tf.ticket_id
                        """)
                .param("run", runId)
                .update();
        jdbc.sql(
                        """
                        with x as (update ticket t set state = 'mitigated', closed_at = :at
                                     from run_ticket r
                                    where t.id = r.ticket_id and t.state = 'open'
                                      and not exists (select 1 from ticket_finding tf join finding f
                                                        on f.id = tf.finding_id
                                                       where tf.ticket_id = t.id and f.state = 'open')
                                   returning t.id, t.asset_id)
                        insert into change_event (project_id, run_id, at, type, asset_id, ticket_id)
                        select :project, :run, :at, 'ticket.mitigated', asset_id, id from x
                        """)
                .param("project", projectId)
                .param("run", runId)
                .param("at", at)
                .update();
        jdbc.sql(
                        """
                        with x as (update ticket t set state = 'open', closed_at = null,
                                          times_reopened = t.times_reopened + 1
                                     from run_ticket r
                                    where t.id = r.ticket_id and r.reopened and t.state = 'mitigated'
                                      and exists (select 1 from ticket_finding tf join finding f
                                                    on f.id = tf.finding_id
                                                   where tf.ticket_id = t.id and f.state = 'open')
                                   returning t.id, t.asset_id)
                        insert into change_event (project_id, run_id, at, type, asset_id, ticket_id)
                        select :project, :run, :at, 'ticket.reopened', asset_id, id from x
                        """)
                .param("project", projectId)
                .param("run", runId)
                .param("at", at)
                .update();
    }
}
