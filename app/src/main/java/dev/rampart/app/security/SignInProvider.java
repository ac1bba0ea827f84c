package dev.rampart.app.security;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/** Password sign-in (the sign-in form) over {@link Users#signIn}, audited either way. */
public final class SignInProvider implements AuthenticationProvider {
    private final Users users;
    private final Audit audit;

    public SignInProvider(Users users, Audit audit) {
        this.users = users;
        this.audit = audit;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String name = authentication.getName();
        String password = authentication.getCredentials() == null
                ? ""
                : authentication.getCredentials().toString();
        String remote = remoteAddr();
        try {
            Users.User u = users.signIn(name, password);
            RampartPrincipal p = new RampartPrincipal(u.id(), u.username(), u.admin(), null, null, null);
            audit.record(u.username(), "user", remote, null, "user.sign-in", u.username(), "success", Map.of());
            return UsernamePasswordAuthenticationToken.authenticated(p, null, Authorities.of(p));
        } catch (Users.SignInException e) {
            audit.record(
                    name == null ? "" : name,
                    "anonymous",
                    remote,
                    null,
                    "user.sign-in",
                    name,
                    "failure",
                    Map.of("reason", e.getMessage()));
            if (e.locked()) {
                throw new LockedException(e.getMessage());
            }
            throw new BadCredentialsException(e.getMessage());
        }
    }

    private static String remoteAddr() {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes a) {
            HttpServletRequest r = a.getRequest();
            return r.getRemoteAddr();
        }
        return null;
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
