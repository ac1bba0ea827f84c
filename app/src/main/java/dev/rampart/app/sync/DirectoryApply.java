package dev.rampart.app.sync;

import java.time.OffsetDateTime;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Applies a staged read of the Entra directory (F9) in the run's transaction: users and groups are inserted or
 * refreshed, those Graph no longer lists are marked gone (never erased), a group's transitive members are replaced by
 * what Graph gave, and logon users are matched to directory users.
 */
final class DirectoryApply {
    private DirectoryApply() {}

    /** What the apply did, for the log. */
    record Counts(int users, int usersGone, int groups, int groupsGone, int memberships) {}

    static Counts apply(JdbcClient tx, long runId, long projectId, long connectorId, OffsetDateTime at) {
        int users = tx.sql(
                        """
                        insert into directory_user (project_id, connector_id, object_id, user_principal_name,
                               display_name, mail, sam_account_name, on_premises_domain, sid, department, job_title,
                               employee_id, account_enabled, user_type, active, first_seen, last_seen, gone_at)
                        select distinct on (object_id) :project, :connector, object_id, user_principal_name,
                               display_name, mail, sam_account_name, on_premises_domain, sid, department, job_title,
                               employee_id, account_enabled, user_type, true, :at, :at, null
                          from stage_directory_user where run_id = :run order by object_id
                        on conflict (connector_id, object_id) do update set
                               user_principal_name = excluded.user_principal_name,
                               display_name = excluded.display_name, mail = excluded.mail,
                               sam_account_name = excluded.sam_account_name,
                               on_premises_domain = excluded.on_premises_domain, sid = excluded.sid,
                               department = excluded.department, job_title = excluded.job_title,
                               employee_id = excluded.employee_id, account_enabled = excluded.account_enabled,
                               user_type = excluded.user_type, active = true, last_seen = excluded.last_seen,
                               gone_at = null
                        """)
                .param("project", projectId)
                .param("connector", connectorId)
                .param("at", at)
                .param("run", runId)
                .update();
        int usersGone = markGone(tx, "directory_user", "stage_directory_user", runId, connectorId, at);
        int groups = tx.sql(
                        """
                        insert into directory_group (project_id, connector_id, object_id, display_name, description,
                               mail, security_enabled, mail_enabled, active, first_seen, last_seen, gone_at)
                        select distinct on (object_id) :project, :connector, object_id, display_name, description,
                               mail, security_enabled, mail_enabled, true, :at, :at, null
                          from stage_directory_group where run_id = :run order by object_id
                        on conflict (connector_id, object_id) do update set
                               display_name = excluded.display_name, description = excluded.description,
                               mail = excluded.mail, security_enabled = excluded.security_enabled,
                               mail_enabled = excluded.mail_enabled, active = true, last_seen = excluded.last_seen,
                               gone_at = null
                        """)
                .param("project", projectId)
                .param("connector", connectorId)
                .param("at", at)
                .param("run", runId)
                .update();
        int groupsGone = markGone(tx, "directory_group", "stage_directory_group", runId, connectorId, at);
        tx.sql("delete from group_member m using directory_group g where g.id = m.group_id and g.connector_id = ?")
                .param(connectorId)
                .update();
        int memberships = tx.sql(
                        """
                        insert into group_member (group_id, user_id, member_group_id)
                        select distinct g.id, u.id, mg.id
                          from stage_group_member s
                          join directory_group g on g.connector_id = :connector and g.object_id = s.group_object_id
                          left join directory_user u on s.member_type = 'user' and u.connector_id = :connector
                                                    and u.object_id = s.member_object_id
                          left join directory_group mg on s.member_type = 'group' and mg.connector_id = :connector
                                                      and mg.object_id = s.member_object_id
                         where s.run_id = :run and (u.id is not null or mg.id is not null)
                        """)
                .param("connector", connectorId)
                .param("run", runId)
                .update();
        return new Counts(users, usersGone, groups, groupsGone, memberships);
    }

    /** Marks the connector's users (or groups) this run's read did not list as gone; table names are constants. */
    private static int markGone(
            JdbcClient tx, String table, String staged, long runId, long connectorId, OffsetDateTime at) {
        return tx.sql("update " + table + " x set active = false, gone_at = :at"
                        + " where x.connector_id = :connector and x.active and not exists (select 1 from " + staged
                        + " s where s.run_id = :run and s.object_id = x.object_id)")
                .param("connector", connectorId)
                .param("at", at)
                .param("run", runId)
                .update();
    }

    /**
     * Matches the project's logon users to directory users, the first rule that finds one winning: the on-premises
     * SID, then the UPN ({@code name@domain}), then the SAM account name within the user's on-premises domain (or
     * its NetBIOS name, the domain's first label), then the mail address. Users still in the directory are preferred
     * to gone ones. Returns how many logon users point at a user afterwards.
     */
    static int matchLogonUsers(JdbcClient tx, long projectId) {
        String upn = "lower(case when l.account_name like '%@%' then l.account_name"
                + " else l.account_name || '@' || l.account_domain end)";
        String logon = "select l.asset_id, l.source_id, l.account_domain, l.account_name, u.id as user_id, u.active,"
                + " %s as rule, %d as rank from logon_user l join asset a on a.id = l.asset_id and a.project_id = :project"
                + " join directory_user u on u.project_id = :project and ";
        tx.sql("create temp table logon_match (asset_id bigint, source_id bigint, account_domain text,"
                        + " account_name text, user_id bigint, rule text) on commit drop")
                .update();
        tx.sql("insert into logon_match select distinct on (asset_id, source_id, account_domain, account_name)"
                        + " asset_id, source_id, account_domain, account_name, user_id, rule from ("
                        + logon.formatted("'sid'", 1) + "u.sid = l.account_sid"
                        + " union all " + logon.formatted("'upn'", 2) + "lower(u.user_principal_name) = " + upn
                        + " union all " + logon.formatted("'sam'", 3)
                        + "lower(u.sam_account_name) = lower(l.account_name) and (l.account_domain = ''"
                        + " or u.on_premises_domain is null or lower(l.account_domain) = lower(u.on_premises_domain)"
                        + " or lower(l.account_domain) = split_part(lower(u.on_premises_domain), '.', 1))"
                        + " union all " + logon.formatted("'mail'", 4) + "lower(u.mail) = " + upn
                        + ") c order by asset_id, source_id, account_domain, account_name, rank, active desc, user_id")
                .param("project", projectId)
                .update();
        // a logon user no rule matches any more (its user renamed away, say) points at nobody
        tx.sql(
                        """
                        update logon_user l set user_id = null, matched_by = null
                          from asset a
                         where a.id = l.asset_id and a.project_id = ? and l.user_id is not null
                           and not exists (select 1 from logon_match m where m.asset_id = l.asset_id
                                 and m.source_id = l.source_id and m.account_domain = l.account_domain
                                 and m.account_name = l.account_name)
                        """)
                .param(projectId)
                .update();
        tx.sql(
                        """
                        update logon_user l set user_id = m.user_id, matched_by = m.rule
                          from logon_match m
                         where l.asset_id = m.asset_id and l.source_id = m.source_id
                           and l.account_domain = m.account_domain and l.account_name = m.account_name
                           and (l.user_id is distinct from m.user_id or l.matched_by is distinct from m.rule)
                        """)
                .update();
        return tx.sql("select count(*) from logon_match").query(Integer.class).single();
    }
}
