package dev.rampart.app.security;

import dev.rampart.app.web.ApiProblem;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Enforces each Rampart endpoint's {@link Requires}: resolves the caller and, on project endpoints, their role in the
 * project named by {@code {project}}, then allows or refuses. A Rampart handler without {@code @Requires} is refused.
 * A token reaches only its own project, with its role capped by its owner's current one. Server administrators act as
 * project admins everywhere. Everything here is read from the current state, on every request.
 */
public final class AccessInterceptor implements HandlerInterceptor {
    private static final Logger LOG = LoggerFactory.getLogger(AccessInterceptor.class);
    public static final String CALLER = "rampart.caller";

    private final JdbcClient jdbc;
    private final Users users;
    private final Audit audit;

    public AccessInterceptor(DataSource dataSource, Users users, Audit audit) {
        this.jdbc = JdbcClient.create(dataSource);
        this.users = users;
        this.audit = audit;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!(handler instanceof HandlerMethod hm)
                || !hm.getBeanType().getName().startsWith("dev.rampart.")) {
            return true;
        }
        if (request.getDispatcherType() == jakarta.servlet.DispatcherType.ASYNC) {
            return true; // the second dispatch of a streamed response: checked on the first
        }
        Requires requires = hm.getMethodAnnotation(Requires.class);
        if (requires == null) {
            LOG.error(
                    "refused {} {}: its handler {} states no permission",
                    request.getMethod(),
                    request.getRequestURI(),
                    hm.getShortLogMessage());
            throw ApiProblem.forbidden("this endpoint states no permission, so it is refused to everyone");
        }
        Permission needed = requires.value();
        RampartPrincipal p = principal();
        String remote = request.getRemoteAddr();
        if (needed == Permission.PUBLIC) {
            return true;
        }
        if (p == null) {
            throw new ApiProblem(
                    org.springframework.http.HttpStatus.UNAUTHORIZED,
                    "unauthenticated",
                    "Unauthenticated",
                    "sign in, or send an API token as 'Authorization: Bearer <token>'",
                    null);
        }
        @SuppressWarnings("unchecked")
        Map<String, String> vars =
                (Map<String, String>) request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        String projectKey = vars == null ? null : vars.get("project");
        Long projectId = null;
        Role role = null;
        if (projectKey != null) {
            Optional<Long> id = jdbc.sql("select id from project where key = ?")
                    .param(projectKey)
                    .query(Long.class)
                    .optional();
            if (id.isPresent()) {
                projectId = id.get();
                role = roleIn(p, projectId);
            }
            if (role == null) {
                deny(p, remote, projectId, request, "not a member of project " + projectKey);
                if (id.isEmpty() && p.serverAdmin() && p.tokenId() == null) {
                    throw ApiProblem.notFound("no project '" + projectKey + "'");
                }
                throw ApiProblem.forbidden("you have no access to project '" + projectKey + "'");
            }
        }
        Caller caller = new Caller(
                p.userId(),
                p.username(),
                p.serverAdmin(),
                p.tokenId(),
                remote,
                projectId,
                projectKey,
                role,
                p.tokenRole());
        boolean allowed =
                switch (needed) {
                    case PUBLIC, AUTHENTICATED -> true;
                    case SERVER_ADMIN -> caller.serverAdminRights();
                    default -> role != null && role.allows(needed);
                };
        if (!allowed) {
            deny(p, remote, projectId, request, "needs " + needed.name().toLowerCase(java.util.Locale.ROOT));
            throw ApiProblem.forbidden("this needs the permission "
                    + needed.name().toLowerCase(java.util.Locale.ROOT)
                    + (role == null ? "" : ", which the role " + role.key() + " does not have"));
        }
        request.setAttribute(CALLER, caller);
        return true;
    }

    private Role roleIn(RampartPrincipal p, long projectId) {
        if (p.tokenId() != null) {
            return p.tokenProjectId() == projectId ? p.tokenRole() : null;
        }
        if (p.serverAdmin()) {
            return Role.ADMIN;
        }
        return users.roleIn(p.userId(), projectId).orElse(null);
    }

    private void deny(RampartPrincipal p, String remote, Long projectId, HttpServletRequest request, String why) {
        audit.record(
                Caller.actor(p.username(), p.tokenId()),
                Caller.actorKind(p.tokenId()),
                remote,
                projectId,
                "http." + request.getMethod().toLowerCase(java.util.Locale.ROOT),
                request.getRequestURI(),
                "denied",
                Map.of("reason", why));
    }

    /** The signed-in person or token of this request, or null. */
    public static RampartPrincipal principal() {
        Authentication a = SecurityContextHolder.getContext().getAuthentication();
        return a == null ? null : principalOf(a);
    }

    static RampartPrincipal principalOf(Authentication a) {
        if (a.getPrincipal() instanceof RampartOidcUser o) {
            return o.rampart();
        }
        return a.getPrincipal() instanceof RampartPrincipal p ? p : null;
    }
}
