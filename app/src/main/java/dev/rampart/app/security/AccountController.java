package dev.rampart.app.security;

import dev.rampart.app.web.ApiProblem;
import dev.rampart.app.web.CursorPage;
import dev.rampart.app.web.Text;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Users, project memberships, API tokens and the audit log (F23). */
@RestController
public class AccountController {
    /** The longest a token may live. */
    static final Duration MAX_TOKEN_LIFE = Duration.ofDays(366);

    private final Users users;
    private final ApiTokens tokens;
    private final Audit audit;
    private final Clock clock;
    private final org.springframework.jdbc.core.simple.JdbcClient jdbc;

    public AccountController(Users users, ApiTokens tokens, Audit audit, Clock clock, javax.sql.DataSource ds) {
        this.users = users;
        this.tokens = tokens;
        this.audit = audit;
        this.clock = clock;
        this.jdbc = org.springframework.jdbc.core.simple.JdbcClient.create(ds);
    }

    // ---------------------------------------------------------------- me

    public record Me(long id, String username, boolean admin, String via, List<Map<String, Object>> projects) {}

    @GetMapping("/api/v1/me")
    @Requires(Permission.AUTHENTICATED)
    public Me me(Caller caller) {
        RampartPrincipal p = AccessInterceptor.principal();
        List<Map<String, Object>> projects = users.visibleProjects(p).stream()
                .map(r -> Map.<String, Object>of(
                        "project", r.project(), "role", r.role().key()))
                .toList();
        return new Me(p.userId(), p.username(), p.serverAdmin(), p.tokenId() == null ? "session" : "token", projects);
    }

    // ---------------------------------------------------------------- users

    public record UserView(
            long id,
            String username,
            String displayName,
            boolean admin,
            boolean enabled,
            boolean locked,
            OffsetDateTime createdAt,
            OffsetDateTime lastLoginAt) {}

    public record UserRequest(String username, String displayName, String password, Boolean admin, Boolean enabled) {
        @Override
        public String toString() {
            return "UserRequest[" + username + "]";
        }
    }

    private UserView view(Users.User u) {
        return new UserView(
                u.id(),
                u.username(),
                u.displayName(),
                u.admin(),
                u.enabled(),
                u.locked(clock.instant()),
                u.createdAt(),
                u.lastLoginAt());
    }

    @GetMapping("/api/v1/users")
    @Requires(Permission.SERVER_ADMIN)
    public CursorPage<UserView> listUsers(
            @RequestParam(required = false) String cursor, @RequestParam(required = false) Integer limit) {
        int n = CursorPage.limit(limit);
        long after = CursorPage.decodeId(cursor, 0);
        return CursorPage.of(
                users.list(after, n + 1).stream().map(this::view).toList(), n, u -> String.valueOf(u.id()));
    }

    @PostMapping("/api/v1/users")
    @Requires(Permission.SERVER_ADMIN)
    public ResponseEntity<UserView> createUser(@RequestBody UserRequest r, Caller caller) {
        if (r == null) {
            throw ApiProblem.badRequest("malformed-json", "the body is missing");
        }
        List<ApiProblem.FieldError> errors = new java.util.ArrayList<>(Users.problems(
                r.username() == null ? "" : r.username(), r.displayName(), r.password() == null ? "" : r.password()));
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        if (users.find(r.username()).isPresent()) {
            throw ApiProblem.conflict("already-exists", "a user named '" + r.username() + "' exists");
        }
        Users.User u = users.create(r.username(), r.displayName(), r.password(), Boolean.TRUE.equals(r.admin()));
        audit.record(caller, "user.create", "user " + u.username(), "success", Map.of("admin", u.admin()));
        return ResponseEntity.status(HttpStatus.CREATED).body(view(u));
    }

    @GetMapping("/api/v1/users/{userId}")
    @Requires(Permission.SERVER_ADMIN)
    public UserView getUser(@PathVariable long userId) {
        return users.find(userId).map(this::view).orElseThrow(() -> ApiProblem.notFound("no user " + userId));
    }

    /** Changes a user's display name, admin flag, enabled flag or password (any subset). */
    @PutMapping("/api/v1/users/{userId}")
    @Requires(Permission.SERVER_ADMIN)
    public UserView updateUser(@PathVariable long userId, @RequestBody UserRequest r, Caller caller) {
        Users.User u = users.find(userId).orElseThrow(() -> ApiProblem.notFound("no user " + userId));
        if (r == null) {
            throw ApiProblem.badRequest("malformed-json", "the body is missing");
        }
        if (r.username() != null && !r.username().equals(u.username())) {
            throw ApiProblem.invalid("username", "cannot be changed");
        }
        List<ApiProblem.FieldError> errors = Users.problems(null, r.displayName(), r.password());
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        if (userId == caller.userId() && (Boolean.FALSE.equals(r.admin()) || Boolean.FALSE.equals(r.enabled()))) {
            throw ApiProblem.conflict(
                    "self-lockout",
                    "you cannot remove your own administrator rights or disable"
                            + " yourself; ask another administrator");
        }
        if (r.password() != null) {
            users.setPassword(userId, r.password());
        }
        users.update(userId, r.displayName(), r.admin(), r.enabled());
        audit.record(
                caller,
                "user.update",
                "user " + u.username(),
                "success",
                Map.of(
                        "password",
                        r.password() != null,
                        "admin",
                        String.valueOf(r.admin()),
                        "enabled",
                        String.valueOf(r.enabled())));
        return getUser(userId);
    }

    @PostMapping("/api/v1/users/{userId}/unlock")
    @Requires(Permission.SERVER_ADMIN)
    public UserView unlock(@PathVariable long userId, Caller caller) {
        Users.User u = users.find(userId).orElseThrow(() -> ApiProblem.notFound("no user " + userId));
        users.unlock(userId);
        audit.record(caller, "user.unlock", "user " + u.username(), "success", Map.of());
        return getUser(userId);
    }

    @DeleteMapping("/api/v1/users/{userId}")
    @Requires(Permission.SERVER_ADMIN)
    public ResponseEntity<Void> deleteUser(@PathVariable long userId, Caller caller) {
        if (userId == caller.userId()) {
            throw ApiProblem.conflict("self-lockout", "you cannot delete yourself");
        }
        Users.User u = users.find(userId).orElseThrow(() -> ApiProblem.notFound("no user " + userId));
        users.delete(userId);
        audit.record(caller, "user.delete", "user " + u.username(), "success", Map.of());
        return ResponseEntity.noContent().build();
    }

    // ---------------------------------------------------------------- memberships

    public record MembershipRequest(String role) {}

    /** A membership by the user's name, which the project admin knows: the way to add someone. */
    public record MemberRequest(String username, String role) {}

    public record MemberView(long userId, String username, String role) {}

    @GetMapping("/api/v1/projects/{project}/members")
    @Requires(Permission.PROJECT_ADMIN)
    public Map<String, Object> members(Caller caller) {
        return Map.of(
                "items",
                users.members(caller.requireProject()).stream()
                        .map(m -> new MemberView(
                                m.userId(), m.username(), m.role().key()))
                        .toList());
    }

    private static Role role(String value) {
        if (value == null) {
            throw ApiProblem.invalid("role", "is required: admin, connector_editor, responder, analyst or viewer");
        }
        try {
            return Role.parse(value);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.invalid("role", e.getMessage());
        }
    }

    /**
     * Adds a user to the project, or changes their role, by user name. A name that is not a user's gets the same 404
     * whatever the reason; nothing else about other users is told.
     */
    @PostMapping("/api/v1/projects/{project}/members")
    @Requires(Permission.PROJECT_ADMIN)
    public ResponseEntity<MemberView> addMember(@RequestBody MemberRequest r, Caller caller) {
        if (r == null
                || r.username() == null
                || !Users.USERNAME.matcher(r.username()).matches()) {
            throw ApiProblem.invalid("username", "is required: the user name of the person to add");
        }
        Role role = role(r.role());
        Users.User u = users.find(r.username())
                .orElseThrow(() -> ApiProblem.notFound(
                        "there is no user named '" + r.username() + "'; a server administrator creates users"));
        boolean existed = users.roleIn(u.id(), caller.requireProject()).isPresent();
        users.setMembership(u.id(), caller.requireProject(), role);
        audit.record(caller, "member.set", "user " + u.username(), "success", Map.of("role", role.key()));
        return ResponseEntity.status(existed ? HttpStatus.OK : HttpStatus.CREATED)
                .body(new MemberView(u.id(), u.username(), role.key()));
    }

    /**
     * Changes a member's role by user id. A project admin reaches only the project's members (any other id is "not a
     * member", whether or not such a user exists); a server administrator may add any user this way.
     */
    @PutMapping("/api/v1/projects/{project}/members/{userId}")
    @Requires(Permission.PROJECT_ADMIN)
    public MemberView setMember(@PathVariable long userId, @RequestBody MembershipRequest r, Caller caller) {
        Role role = role(r == null ? null : r.role());
        long project = caller.requireProject();
        if (!caller.serverAdminRights() && users.roleIn(userId, project).isEmpty()) {
            throw ApiProblem.notFound("user " + userId + " is not a member; add people by user name"
                    + " (POST .../members with username and role)");
        }
        Users.User u = users.find(userId).orElseThrow(() -> ApiProblem.notFound("no user " + userId));
        users.setMembership(userId, project, role);
        audit.record(caller, "member.set", "user " + u.username(), "success", Map.of("role", role.key()));
        return new MemberView(userId, u.username(), role.key());
    }

    @DeleteMapping("/api/v1/projects/{project}/members/{userId}")
    @Requires(Permission.PROJECT_ADMIN)
    public ResponseEntity<Void> removeMember(@PathVariable long userId, Caller caller) {
        if (!users.removeMembership(userId, caller.requireProject())) {
            throw ApiProblem.notFound("user " + userId + " is not a member");
        }
        audit.record(caller, "member.remove", "user " + userId, "success", Map.of());
        return ResponseEntity.noContent().build();
    }

    // ---------------------------------------------------------------- tokens

    public record TokenRequest(String name, String role, OffsetDateTime expiresAt, Integer expiresInDays) {}

    public record TokenView(
            long id,
            String name,
            String username,
            String project,
            String role,
            String prefix,
            OffsetDateTime createdAt,
            OffsetDateTime expiresAt,
            OffsetDateTime revokedAt,
            OffsetDateTime lastUsedAt,
            boolean active) {}

    /** A new token: {@code token} is its value, shown this once. */
    public record IssuedToken(TokenView info, String token) {}

    private TokenView view(ApiTokens.Token t) {
        return new TokenView(
                t.id(),
                t.name(),
                t.username(),
                t.project(),
                t.role().key(),
                t.prefix(),
                t.createdAt(),
                t.expiresAt(),
                t.revokedAt(),
                t.lastUsedAt(),
                t.active(clock.instant()));
    }

    /** Your tokens in the project; a project admin sees everyone's. */
    @GetMapping("/api/v1/projects/{project}/tokens")
    @Requires(Permission.READ)
    public Map<String, Object> listTokens(Caller caller) {
        Long only = caller.role().allows(Permission.PROJECT_ADMIN) ? null : caller.userId();
        return Map.of(
                "items",
                tokens.list(caller.requireProject(), only).stream()
                        .map(this::view)
                        .toList());
    }

    /**
     * Issues a token for yourself in this project, with a role no stronger than yours, expiring within a year (default
     * 90 days).
     */
    @PostMapping("/api/v1/projects/{project}/tokens")
    @Requires(Permission.READ)
    public ResponseEntity<IssuedToken> createToken(@RequestBody TokenRequest r, Caller caller) {
        List<ApiProblem.FieldError> errors = new java.util.ArrayList<>();
        if (r == null) {
            throw ApiProblem.badRequest("malformed-json", "the body is missing");
        }
        if (r.name() == null || r.name().isBlank() || r.name().length() > 100 || Text.hasControl(r.name())) {
            errors.add(new ApiProblem.FieldError("name", "is required: up to 100 characters"));
        }
        Role role = caller.role();
        if (r.role() != null) {
            try {
                role = Role.parse(r.role());
                if (!caller.role().covers(role)) {
                    errors.add(new ApiProblem.FieldError(
                            "role",
                            "cannot be stronger than your own role ("
                                    + caller.role().key() + ")"));
                }
            } catch (IllegalArgumentException e) {
                errors.add(new ApiProblem.FieldError("role", e.getMessage()));
            }
        }
        Instant now = clock.instant();
        Instant expires = r.expiresAt() != null
                ? r.expiresAt().toInstant()
                : now.plus(Duration.ofDays(r.expiresInDays() == null ? 90 : r.expiresInDays()));
        if (!expires.isAfter(now) || expires.isAfter(now.plus(MAX_TOKEN_LIFE))) {
            errors.add(new ApiProblem.FieldError(
                    r.expiresAt() != null ? "expiresAt" : "expiresInDays",
                    "the token must expire in the future and within 366 days"));
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        RampartPrincipal p = AccessInterceptor.principal();
        if (p.tokenId() != null) {
            ApiTokens.Token parent = tokens.find(p.tokenId()).orElseThrow();
            if (expires.isAfter(parent.expiresAt().toInstant())) {
                throw ApiProblem.invalid(
                        "expiresAt", "a token made with a token cannot outlive it (" + parent.expiresAt() + ")");
            }
        }
        ApiTokens.Issued issued = tokens.issue(
                caller.userId(), caller.requireProject(), role, r.name().trim(), expires);
        audit.record(
                caller,
                "token.create",
                "token " + issued.token().id(),
                "success",
                Map.of("name", issued.token().name(), "role", role.key(), "expiresAt", expires.toString()));
        return ResponseEntity.status(HttpStatus.CREATED).body(new IssuedToken(view(issued.token()), issued.value()));
    }

    @DeleteMapping("/api/v1/projects/{project}/tokens/{tokenId}")
    @Requires(Permission.READ)
    public ResponseEntity<Void> revokeToken(@PathVariable long tokenId, Caller caller) {
        ApiTokens.Token t = tokens.find(tokenId)
                .filter(x -> x.projectId() == caller.requireProject())
                .orElseThrow(() -> ApiProblem.notFound("no token " + tokenId));
        if (t.userId() != caller.userId() && !caller.role().allows(Permission.PROJECT_ADMIN)) {
            // Others' tokens are not listed to non-admins either: to them, it does not exist.
            throw ApiProblem.notFound("no token " + tokenId + " of yours");
        }
        tokens.revoke(tokenId);
        audit.record(caller, "token.revoke", "token " + tokenId, "success", Map.of());
        return ResponseEntity.noContent().build();
    }

    // ---------------------------------------------------------------- audit

    @GetMapping("/api/v1/audit")
    @Requires(Permission.SERVER_ADMIN)
    public CursorPage<Audit.Entry> auditAll(
            @RequestParam(required = false) String cursor, @RequestParam(required = false) Integer limit) {
        return auditPage(null, cursor, limit);
    }

    @GetMapping("/api/v1/projects/{project}/audit")
    @Requires(Permission.PROJECT_ADMIN)
    public CursorPage<Audit.Entry> auditProject(
            Caller caller,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) Integer limit) {
        return auditPage(caller.requireProject(), cursor, limit);
    }

    private CursorPage<Audit.Entry> auditPage(Long projectId, String cursor, Integer limit) {
        int n = CursorPage.limit(limit);
        long before = CursorPage.decodeId(cursor, Long.MAX_VALUE);
        return CursorPage.of(audit.list(projectId, before, n + 1), n, e -> String.valueOf(e.id()));
    }
}
