package dev.rampart.app.security;

import dev.rampart.app.web.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Signs in a request that carries {@code Authorization: Bearer <API token>}, for this request only (no session). A
 * token that is unknown, expired or revoked gets 401 at once; the token itself is never logged.
 */
public final class BearerTokenFilter extends OncePerRequestFilter {
    private final ApiTokens tokens;
    private final Audit audit;

    public BearerTokenFilter(ApiTokens tokens, Audit audit) {
        this.tokens = tokens;
        this.audit = audit;
    }

    /** Whether the request carries {@code Authorization: Bearer ...} (any case). */
    public static boolean hasBearer(HttpServletRequest request) {
        String h = request.getHeader("Authorization");
        return h != null && h.regionMatches(true, 0, "Bearer ", 0, 7);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!hasBearer(request)) {
            chain.doFilter(request, response);
            return;
        }
        String value = request.getHeader("Authorization").substring(7).trim();
        var principal = tokens.authenticate(value);
        if (principal.isEmpty()) {
            audit.record(
                    "unknown token",
                    "anonymous",
                    request.getRemoteAddr(),
                    null,
                    "token.refused",
                    request.getRequestURI(),
                    "failure",
                    Map.of("reason", "unknown, expired or revoked token"));
            Problems.write(
                    response,
                    HttpStatus.UNAUTHORIZED,
                    "invalid-token",
                    "Invalid token",
                    "the API token is unknown, expired or revoked");
            return;
        }
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                principal.get(), null, Authorities.of(principal.get())));
        SecurityContextHolder.setContext(context);
        try {
            chain.doFilter(request, response);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }
}
