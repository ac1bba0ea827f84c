package dev.rampart.app.security;

import dev.rampart.app.web.ApiProblem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.sql.DataSource;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Named texts a project keeps: saved hunts (KQL) and saved queries (Rampart's query language). Each has an owner and
 * is shared with the project or the owner's alone; its owner, or a project admin for a shared one, may change it.
 * Every change is audited. The table has the columns of {@code saved_hunt} (V14).
 */
public final class SavedTexts {

    /** A saved text; {@code shared} ones are the project's, others their owner's alone. */
    public record Saved(
            long id, String name, String query, String owner, boolean shared, String createdAt, String updatedAt) {}

    /** {@code {"name", "query", "shared": true|false}} (shared by default). */
    public record SaveRequest(String name, String query, Boolean shared) {}

    private static final String COLUMNS =
            "id, name, query, owner, shared, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
                    + " to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";

    private final JdbcClient jdbc;
    private final Audit audit;
    private final String table;
    private final String noun;
    private final int maxLength;
    private final Function<String, String> check;

    /**
     * @param table {@code saved_hunt} or {@code saved_query} (a constant, never a caller's text)
     * @param noun how the texts are called in messages and audit actions ({@code hunt}, {@code query})
     * @param check says what is wrong with a text (a sentence starting "is"), or null when it is fine
     */
    public SavedTexts(
            DataSource dataSource,
            Audit audit,
            String table,
            String noun,
            int maxLength,
            Function<String, String> check) {
        this.jdbc = JdbcClient.create(dataSource);
        this.audit = audit;
        this.table = table;
        this.noun = noun;
        this.maxLength = maxLength;
        this.check = check;
    }

    private static Saved row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new Saved(
                rs.getLong(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getBoolean(5),
                rs.getString(6),
                rs.getString(7));
    }

    /** The texts the caller sees: the project's shared ones and their own. */
    public List<Saved> list(Caller caller) {
        return jdbc.sql("select " + COLUMNS + " from " + table + " where project_id = ? and (shared or owner = ?)"
                        + " order by lower(name), id")
                .params(caller.requireProject(), caller.username())
                .query(SavedTexts::row)
                .list();
    }

    /**
     * Every text of a project, shared or private, by name: the server operator's view (the command line reads the
     * database as the operator, who sees it all).
     */
    public List<Saved> all(long projectId) {
        return jdbc.sql("select " + COLUMNS + " from " + table + " where project_id = ? order by lower(name), id")
                .param(projectId)
                .query(SavedTexts::row)
                .list();
    }

    public Saved get(Caller caller, long id) {
        return jdbc.sql("select " + COLUMNS + " from " + table + " where project_id = ? and id = ?"
                        + " and (shared or owner = ?)")
                .params(caller.requireProject(), id, caller.username())
                .query(SavedTexts::row)
                .optional()
                .orElseThrow(() -> ApiProblem.notFound("no saved " + noun + " " + id));
    }

    private SaveRequest validate(SaveRequest r) {
        List<ApiProblem.FieldError> errors = new ArrayList<>();
        String name = r == null || r.name() == null ? "" : r.name().strip();
        String query = r == null || r.query() == null ? "" : r.query().strip();
        if (name.isEmpty() || name.length() > 200 || name.chars().anyMatch(Character::isISOControl)) {
            errors.add(new ApiProblem.FieldError("name", "is required: 1 to 200 printable characters"));
        }
        if (query.isEmpty() || query.length() > maxLength) {
            errors.add(new ApiProblem.FieldError(
                    "query", "is required: a " + noun + " of at most " + maxLength + " characters"));
        } else {
            String wrong = check.apply(query);
            if (wrong != null) {
                errors.add(new ApiProblem.FieldError("query", wrong));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        return new SaveRequest(name, query, r.shared() == null || r.shared());
    }

    private ApiProblem taken(String name) {
        return ApiProblem.conflict("name-taken", "the project has a saved " + noun + " named '" + name + "' already");
    }

    public Saved create(Caller caller, SaveRequest raw) {
        SaveRequest r = validate(raw);
        long id;
        try {
            id = jdbc.sql("insert into " + table + " (project_id, name, query, owner, shared) values (?, ?, ?, ?, ?)"
                            + " returning id")
                    .params(caller.requireProject(), r.name(), r.query(), caller.username(), r.shared())
                    .query(Long.class)
                    .single();
        } catch (DuplicateKeyException e) {
            throw taken(r.name());
        }
        audit.record(caller, noun + ".create", noun + " " + id, "success", Map.of("name", r.name()));
        return get(caller, id);
    }

    /** Changes a text: its owner, or a project admin for a shared one. */
    public Saved update(Caller caller, long id, SaveRequest raw) {
        Saved s = mayChange(caller, id);
        SaveRequest r = validate(raw);
        try {
            jdbc.sql("update " + table + " set name = ?, query = ?, shared = ?, updated_at = now() where id = ?")
                    .params(r.name(), r.query(), r.shared(), s.id())
                    .update();
        } catch (DuplicateKeyException e) {
            throw taken(r.name());
        }
        audit.record(caller, noun + ".update", noun + " " + id, "success", Map.of("name", r.name()));
        return get(caller, id);
    }

    public void delete(Caller caller, long id) {
        Saved s = mayChange(caller, id);
        jdbc.sql("delete from " + table + " where id = ?").param(s.id()).update();
        audit.record(caller, noun + ".delete", noun + " " + id, "success", Map.of("name", s.name()));
    }

    private Saved mayChange(Caller caller, long id) {
        Saved s = get(caller, id);
        boolean admin = caller.role() != null && caller.role().allows(Permission.PROJECT_ADMIN);
        if (!s.owner().equals(caller.username()) && !admin) {
            throw ApiProblem.forbidden(
                    "only its owner or a project admin may change the saved " + noun + " '" + s.name() + "'");
        }
        return s;
    }
}
