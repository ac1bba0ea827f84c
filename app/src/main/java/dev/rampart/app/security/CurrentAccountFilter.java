package dev.rampart.app.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authority from the account as it is now, for signed-in sessions, on every request and on every node: the session
 * keeps only who signed in and the account's session epoch at the time; this filter reads the account's row and
 * <ul>
 *   <li>ends the session when the account is gone, disabled, or its epoch moved on (password changed, disabled and
 *       enabled again): the request continues unauthenticated, so the API answers 401 and a page asks to sign in;
 *   <li>otherwise gives the request a principal with the account's current name and administrator flag.
 * </ul>
 * Project roles need nothing here: {@link AccessInterceptor} reads the membership per request. Tokens are decided the
 * same way by {@link ApiTokens#authenticate}.
 */
public final class CurrentAccountFilter extends OncePerRequestFilter {
    private static final Logger LOG = LoggerFactory.getLogger(CurrentAccountFilter.class);

    private final Users users;
    private final Audit audit;

    public CurrentAccountFilter(Users users, Audit audit) {
        this.users = users;
        this.audit = audit;
    }

    /** Static files need no authority (they are public), so they cost no lookup. */
    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String uri = request.getRequestURI();
        return uri.startsWith("/css/") || uri.startsWith("/js/") || uri.startsWith("/webjars/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication a = SecurityContextHolder.getContext().getAuthentication();
        RampartPrincipal p = a == null ? null : AccessInterceptor.principalOf(a);
        if (p != null && p.tokenId() == null) {
            Optional<Users.Account> now = users.account(p.userId());
            if (now.isEmpty() || !now.get().enabled() || now.get().sessionEpoch() != p.sessionEpoch()) {
                end(
                        request,
                        p,
                        now.isEmpty()
                                ? "deleted"
                                : !now.get().enabled() ? "disabled" : "given a new password or disabled since");
            } else if (now.get().admin() != p.serverAdmin()
                    || !now.get().username().equals(p.username())) {
                RampartPrincipal fresh =
                        p.withAccount(now.get().username(), now.get().admin());
                SecurityContext c = SecurityContextHolder.createEmptyContext();
                c.setAuthentication(
                        UsernamePasswordAuthenticationToken.authenticated(fresh, null, Authorities.of(fresh)));
                SecurityContextHolder.setContext(c);
            }
        }
        chain.doFilter(request, response);
    }

    private void end(HttpServletRequest request, RampartPrincipal p, String why) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.invalidate();
        }
        SecurityContextHolder.clearContext();
        LOG.info("ended a session of user {}: the account was {}", p.userId(), why);
        audit.record(
                p.username(),
                "user",
                request.getRemoteAddr(),
                null,
                "session.end",
                "user " + p.username(),
                "success",
                Map.of("reason", "the account was " + why));
    }
}
