package dev.rampart.app.inventory;

import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/** A person's saved filters of the asset list (table saved_filter): a name and the list's query string. */
final class SavedFilters {
    /** One saved filter; {@code query} is the asset list's query string, ready for a link. */
    public record Saved(long id, String name, String query) {}

    private final JdbcClient jdbc;

    SavedFilters(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<Saved> list(long projectId, long userId) {
        return jdbc.sql(
                        """
                        select id, name, query from saved_filter
                         where project_id = ? and user_id = ? and list = 'assets' order by lower(name)
                        """)
                .params(projectId, userId)
                .query((rs, n) -> new Saved(rs.getLong(1), rs.getString(2), rs.getString(3)))
                .list();
    }

    void save(long projectId, long userId, String name, String query) {
        jdbc.sql(
                        """
                        insert into saved_filter (project_id, user_id, list, name, query) values (?, ?, 'assets', ?, ?)
                        on conflict (project_id, user_id, list, name) do update set query = excluded.query
                        """)
                .params(projectId, userId, name, query)
                .update();
    }

    boolean delete(long projectId, long userId, long id) {
        return jdbc.sql("delete from saved_filter where id = ? and project_id = ? and user_id = ?")
                        .params(id, projectId, userId)
                        .update()
                == 1;
    }
}
