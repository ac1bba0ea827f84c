package dev.rampart.app.server;

import dev.rampart.app.project.ProjectController;
import dev.rampart.app.security.Audit;
import dev.rampart.app.security.Caller;
import dev.rampart.app.security.Permission;
import dev.rampart.app.security.Requires;
import dev.rampart.app.security.Users;
import dev.rampart.app.web.ApiProblem;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The server administration page (server administrators): users (create, enable, disable, unlock, delete), projects
 * (create) and the server-wide audit log. The same rules and audit actions as the API ({@code /api/v1/users},
 * {@code /api/v1/projects}); a refused change is a sentence next to its field, never a problem document. It lives here
 * rather than in {@code security} because it also creates projects, and {@code project} depends on {@code security}.
 */
@Controller
public class ServerAdminPages {
    private static final int AUDIT_PAGE = 100;

    private static final int MAX_USERS = 1000;

    private final Users users;
    private final Audit audit;
    private final ProjectController projects;
    private final Clock clock;
    private final JdbcClient jdbc;

    public ServerAdminPages(Users users, Audit audit, ProjectController projects, Clock clock, DataSource dataSource) {
        this.users = users;
        this.audit = audit;
        this.projects = projects;
        this.clock = clock;
        this.jdbc = JdbcClient.create(dataSource);
    }

    /** A user as the page lists them: locked means locked now; memberships read "project (role)". */
    public record UserRow(Users.User user, boolean locked, List<String> memberships) {}

    public record ProjectRow(String key, String name, long members, long assets) {}

    /** What the new-user form keeps after a refusal: never the password. */
    public record UserForm(String username, String displayName, boolean admin) {}

    public record ProjectForm(String key, String name) {}

    private String page(Caller caller, Long before, Model model) {
        model.addAttribute("me", caller.userId());
        record Membership(long userId, String text) {}
        Map<Long, List<String>> memberships = jdbc
                .sql(
                        """
                        select m.user_id, p.key, m.role from membership m join project p on p.id = m.project_id
                         order by p.key
                        """)
                .query((rs, n) -> new Membership(rs.getLong(1), rs.getString(2) + " (" + rs.getString(3) + ")"))
                .list()
                .stream()
                .collect(Collectors.groupingBy(
                        Membership::userId, Collectors.mapping(Membership::text, Collectors.toList())));
        var now = clock.instant();
        List<Users.User> all = users.list(0, MAX_USERS + 1);
        model.addAttribute("moreUsers", all.size() > MAX_USERS);
        model.addAttribute(
                "users",
                all.stream()
                        .limit(MAX_USERS)
                        .map(u -> new UserRow(u, u.locked(now), memberships.getOrDefault(u.id(), List.of())))
                        .toList());
        model.addAttribute(
                "projectRows",
                jdbc.sql(
                                """
                                select p.key, p.name,
                                       (select count(*) from membership m where m.project_id = p.id),
                                       (select count(*) from asset a where a.project_id = p.id)
                                  from project p order by p.key
                                """)
                        .query((rs, n) -> new ProjectRow(
                                rs.getString(1),
                                rs.getString(1).equals(rs.getString(2)) ? null : rs.getString(2),
                                rs.getLong(3),
                                rs.getLong(4)))
                        .list());
        List<Audit.Entry> entries = audit.list(null, before == null ? Long.MAX_VALUE : before, AUDIT_PAGE + 1);
        model.addAttribute("audit", entries.stream().limit(AUDIT_PAGE).toList());
        model.addAttribute(
                "older",
                entries.size() > AUDIT_PAGE ? entries.get(AUDIT_PAGE - 1).id() : null);
        model.addAttribute("before", before);
        model.addAttribute("minPassword", Users.MIN_PASSWORD);
        if (!model.containsAttribute("userErrors")) {
            model.addAttribute("userErrors", Map.of());
        }
        if (!model.containsAttribute("userForm")) {
            model.addAttribute("userForm", new UserForm("", "", false));
        }
        if (!model.containsAttribute("projectErrors")) {
            model.addAttribute("projectErrors", Map.of());
        }
        if (!model.containsAttribute("projectForm")) {
            model.addAttribute("projectForm", new ProjectForm("", ""));
        }
        return "admin/server";
    }

    @GetMapping("/admin")
    @Requires(Permission.SERVER_ADMIN)
    public String show(Caller caller, @RequestParam(required = false) Long before, Model model) {
        return page(caller, before, model);
    }

    @PostMapping("/admin/users")
    @Requires(Permission.SERVER_ADMIN)
    public String createUser(
            Caller caller,
            @RequestParam(defaultValue = "") String username,
            @RequestParam(defaultValue = "") String displayName,
            @RequestParam(defaultValue = "") String password,
            @RequestParam(defaultValue = "false") boolean admin,
            Model model) {
        String name = username.trim();
        String display = displayName.isBlank() ? null : displayName.trim();
        Map<String, String> errors = new LinkedHashMap<>();
        for (ApiProblem.FieldError e : Users.problems(name, display, password)) {
            errors.put(
                    e.field(),
                    switch (e.field()) {
                        case "username" -> "A user name is 1 to 128 letters, digits, '.', '_', '@' or '-'.";
                        case "password" -> "The password must have " + Users.PASSWORD_RULE + ".";
                        default -> "A display name has up to " + Users.MAX_DISPLAY_NAME + " characters, on one line.";
                    });
        }
        if (!errors.containsKey("username") && users.find(name).isPresent()) {
            errors.put("username", "There is already a user named '" + name + "'.");
        }
        Users.User u = null;
        if (errors.isEmpty()) {
            try {
                u = users.create(name, display, password, admin);
            } catch (DuplicateKeyException e) {
                errors.put("username", "There is already a user named '" + name + "'.");
            }
        }
        if (u == null) {
            model.addAttribute("userErrors", errors);
            model.addAttribute("userForm", new UserForm(name, display == null ? "" : display, admin));
            return page(caller, null, model);
        }
        audit.record(caller, "user.create", "user " + u.username(), "success", Map.of("admin", u.admin(), "via", "ui"));
        model.addAttribute(
                "saved", "User " + u.username() + " created" + (u.admin() ? " as a server administrator." : "."));
        return page(caller, null, model);
    }

    /** The user, or empty after putting the sentence on the page and answering 404. */
    private Optional<Users.User> user(long userId, Model model, HttpServletResponse response) {
        Optional<Users.User> u = users.find(userId);
        if (u.isEmpty()) {
            response.setStatus(HttpServletResponse.SC_NOT_FOUND);
            model.addAttribute("userError", "There is no user " + userId + "; it may have been deleted already.");
        }
        return u;
    }

    @PostMapping("/admin/users/{userId}/enable")
    @Requires(Permission.SERVER_ADMIN)
    public String enable(Caller caller, @PathVariable long userId, Model model, HttpServletResponse response) {
        return setEnabled(caller, userId, true, model, response);
    }

    @PostMapping("/admin/users/{userId}/disable")
    @Requires(Permission.SERVER_ADMIN)
    public String disable(Caller caller, @PathVariable long userId, Model model, HttpServletResponse response) {
        return setEnabled(caller, userId, false, model, response);
    }

    private String setEnabled(Caller caller, long userId, boolean enabled, Model model, HttpServletResponse response) {
        if (!enabled && userId == caller.userId()) {
            model.addAttribute("userError", "You cannot disable yourself; ask another server administrator.");
            return page(caller, null, model);
        }
        user(userId, model, response).ifPresent(u -> {
            users.update(userId, null, null, enabled);
            audit.record(
                    caller,
                    "user.update",
                    "user " + u.username(),
                    "success",
                    Map.of("enabled", String.valueOf(enabled), "via", "ui"));
            model.addAttribute("saved", u.username() + (enabled ? " is enabled." : " is disabled."));
        });
        return page(caller, null, model);
    }

    @PostMapping("/admin/users/{userId}/unlock")
    @Requires(Permission.SERVER_ADMIN)
    public String unlock(Caller caller, @PathVariable long userId, Model model, HttpServletResponse response) {
        user(userId, model, response).ifPresent(u -> {
            users.unlock(userId);
            audit.record(caller, "user.unlock", "user " + u.username(), "success", Map.of("via", "ui"));
            model.addAttribute("saved", u.username() + " is unlocked.");
        });
        return page(caller, null, model);
    }

    @PostMapping("/admin/users/{userId}/delete")
    @Requires(Permission.SERVER_ADMIN)
    public String delete(Caller caller, @PathVariable long userId, Model model, HttpServletResponse response) {
        if (userId == caller.userId()) {
            model.addAttribute("userError", "You cannot delete yourself; ask another server administrator.");
            return page(caller, null, model);
        }
        user(userId, model, response).ifPresent(u -> {
            users.delete(userId);
            audit.record(caller, "user.delete", "user " + u.username(), "success", Map.of("via", "ui"));
            model.addAttribute("saved", "User " + u.username() + " deleted.");
        });
        return page(caller, null, model);
    }

    @PostMapping("/admin/projects")
    @Requires(Permission.SERVER_ADMIN)
    public String createProject(
            Caller caller,
            @RequestParam(defaultValue = "") String key,
            @RequestParam(defaultValue = "") String name,
            Model model) {
        String k = key.trim();
        String n = name.isBlank() ? null : name.trim();
        Map<String, String> errors = new LinkedHashMap<>();
        for (ApiProblem.FieldError e : ProjectController.problems(k, n)) {
            errors.put(
                    e.field(),
                    e.field().equals("key")
                            ? "A project key is 1 to 63 lower-case letters, digits, '-' or '_', starting with a"
                                    + " letter or digit."
                            : "A project name has up to 200 characters.");
        }
        if (errors.isEmpty()
                && projects.create(k, n, caller, Map.of("via", "ui")).isEmpty()) {
            errors.put("key", "There is already a project with the key '" + k + "'.");
        }
        if (!errors.isEmpty()) {
            model.addAttribute("projectErrors", errors);
            model.addAttribute("projectForm", new ProjectForm(k, n == null ? "" : n));
            return page(caller, null, model);
        }
        model.addAttribute("savedProject", k);
        model.addAttribute("saved", "Project " + k + " created.");
        return page(caller, null, model);
    }
}
