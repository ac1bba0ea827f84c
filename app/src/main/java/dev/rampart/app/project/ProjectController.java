package dev.rampart.app.project;

import dev.rampart.app.security.Audit;
import dev.rampart.app.security.Caller;
import dev.rampart.app.security.Permission;
import dev.rampart.app.security.Requires;
import dev.rampart.app.web.ApiProblem;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Projects (F23): each isolates an inventory, its connectors and its members. */
@RestController
public class ProjectController {
    private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    private final JdbcClient jdbc;
    private final Audit audit;
    private final dev.rampart.app.security.Users users;

    public ProjectController(DataSource dataSource, Audit audit, dev.rampart.app.security.Users users) {
        this.jdbc = JdbcClient.create(dataSource);
        this.audit = audit;
        this.users = users;
    }

    public record ProjectRequest(String key, String name) {}

    public record ProjectView(
            long id,
            String key,
            String name,
            OffsetDateTime createdAt,
            long assets,
            long openFindings,
            long connectors) {}

    private static final String SELECT =
            """
            select p.id, p.key, p.name, p.created_at,
                   (select count(*) from asset a where a.project_id = p.id),
                   (select count(*) from finding f where f.project_id = p.id and f.state = 'open'),
                   (select count(*) from connector c where c.project_id = p.id)
              from project p
            """;

    private static ProjectView row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new ProjectView(
                rs.getLong(1),
                rs.getString(2),
                rs.getString(3),
                rs.getObject(4, OffsetDateTime.class),
                rs.getLong(5),
                rs.getLong(6),
                rs.getLong(7));
    }

    /** The projects the caller may see: a server admin all of them, a token its own, a user their memberships. */
    @GetMapping("/api/v1/projects")
    @Requires(Permission.AUTHENTICATED)
    public Map<String, List<ProjectView>> list(Caller caller) {
        String[] keys = users.visibleProjects(dev.rampart.app.security.AccessInterceptor.principal()).stream()
                .map(dev.rampart.app.security.Users.ProjectRole::project)
                .toArray(String[]::new);
        List<ProjectView> items = jdbc.sql(SELECT + " where p.key = any(?) order by p.key")
                .param(keys)
                .query(ProjectController::row)
                .list();
        return Map.of("items", items);
    }

    /**
     * What is wrong with a new project's key and name (a null name means "named after its key"), one error per field;
     * empty when nothing is. The API and the server administration page apply the same rules.
     */
    public static List<ApiProblem.FieldError> problems(String key, String name) {
        List<ApiProblem.FieldError> errors = new java.util.ArrayList<>();
        if (key == null || !KEY.matcher(key).matches()) {
            errors.add(new ApiProblem.FieldError(
                    "key",
                    "is required: 1 to 63 lower-case letters, digits, '-' or '_',"
                            + " starting with a letter or digit"));
        }
        if (name != null && (name.isBlank() || name.length() > 200)) {
            errors.add(new ApiProblem.FieldError("name", "1 to 200 characters"));
        }
        return errors;
    }

    /**
     * Creates a project that passed {@link #problems} and audits it ({@code project.create}) with these details; empty
     * when a project with this key exists already.
     */
    public java.util.Optional<ProjectView> create(String key, String name, Caller caller, Map<String, ?> details) {
        int inserted = jdbc.sql("insert into project (key, name) values (?, ?) on conflict (key) do nothing")
                .params(key, name == null ? key : name.trim())
                .update();
        if (inserted == 0) {
            return java.util.Optional.empty();
        }
        ProjectView v = jdbc.sql(SELECT + " where p.key = ?")
                .param(key)
                .query(ProjectController::row)
                .single();
        audit.record(
                caller.actor(),
                caller.actorKind(),
                caller.remoteAddr(),
                v.id(),
                "project.create",
                key,
                "success",
                details);
        return java.util.Optional.of(v);
    }

    @PostMapping("/api/v1/projects")
    @Requires(Permission.SERVER_ADMIN)
    public ResponseEntity<ProjectView> create(@RequestBody ProjectRequest r, Caller caller) {
        if (r == null) {
            throw ApiProblem.badRequest("malformed-json", "the body is missing");
        }
        List<ApiProblem.FieldError> errors = problems(r.key(), r.name());
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        ProjectView v = create(r.key(), r.name(), caller, Map.of())
                .orElseThrow(
                        () -> ApiProblem.conflict("already-exists", "a project with key '" + r.key() + "' exists"));
        return ResponseEntity.status(HttpStatus.CREATED).body(v);
    }

    @GetMapping("/api/v1/projects/{project}")
    @Requires(Permission.READ)
    public ProjectView get(@PathVariable String project) {
        return jdbc.sql(SELECT + " where p.key = ?")
                .param(project)
                .query(ProjectController::row)
                .single();
    }
}
