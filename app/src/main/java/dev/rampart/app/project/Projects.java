package dev.rampart.app.project;

import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Projects (workspaces): every row of the inventory belongs to one. */
public final class Projects {
    /** Advisory lock class ('RAPJ') of a project's apply step: the changes to one project's inventory take turns. */
    public static final int APPLY_LOCK = 0x5241504A;

    private final JdbcClient jdbc;

    public Projects(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
    }

    /** The id of the project with this key, created (named after its key) when it does not exist yet. */
    public long ensure(String key) {
        jdbc.sql("insert into project (key, name) values (?, ?) on conflict (key) do nothing")
                .params(key, key)
                .update();
        return jdbc.sql("select id from project where key = ?")
                .param(key)
                .query(Long.class)
                .single();
    }

    /** The id of the project with this key. */
    public long require(String key) {
        return jdbc.sql("select id from project where key = ?")
                .param(key)
                .query(Long.class)
                .optional()
                .orElseThrow(() -> new IllegalArgumentException("no project '" + key + "'"));
    }

    /** Within a transaction: waits for, then holds until the transaction ends, the right to change the project. */
    public static void lockForChange(JdbcClient tx, long projectId) {
        tx.sql("select pg_advisory_xact_lock(?, ?)")
                .params(APPLY_LOCK, (int) projectId)
                .query()
                .listOfRows();
    }

    /** Within a transaction: takes the right to change the project if no one holds it, and says whether it did. */
    public static boolean tryLockForChange(JdbcClient tx, long projectId) {
        return tx.sql("select pg_try_advisory_xact_lock(?, ?)")
                .params(APPLY_LOCK, (int) projectId)
                .query(Boolean.class)
                .single();
    }
}
