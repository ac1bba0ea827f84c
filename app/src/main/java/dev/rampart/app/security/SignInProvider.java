package dev.rampart.app.security;

import dev.rampart.app.web.Text;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Password sign-in (the sign-in form) over {@link Users#signIn}, throttled per client address ({@link SignInThrottle})
 * and audited once per attempt. A user name that is not one (wrong characters, too long) never reaches the audit log
 * or the log as given: the entry says it was malformed and how long it was.
 */
public final class SignInProvider implements AuthenticationProvider {
    /** A sign-in refused because its address made too many attempts; the form says to wait. */
    public static final class ThrottledException extends AuthenticationException {
        private static final long serialVersionUID = 1L;

        ThrottledException() {
            super("too many sign-in attempts from this address; wait a minute");
        }
    }

    private final Users users;
    private final Audit audit;
    private final SignInThrottle throttle;

    public SignInProvider(Users users, Audit audit, SignInThrottle throttle) {
        this.users = users;
        this.audit = audit;
        this.throttle = throttle;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String name = authentication.getName();
        String password = authentication.getCredentials() == null
                ? ""
                : authentication.getCredentials().toString();
        String remote = remoteAddr();
        boolean wellFormed = name != null && Users.USERNAME.matcher(name).matches();
        SignInThrottle.Verdict verdict = throttle.attempt(remote);
        if (verdict != SignInThrottle.Verdict.ALLOWED) {
            if (verdict == SignInThrottle.Verdict.REFUSED_FIRST) {
                refused(wellFormed ? name : null, name, remote, "too many sign-in attempts from this address");
            }
            throw new ThrottledException();
        }
        try {
            Users.User u = users.signIn(name, password, remote);
            RampartPrincipal p = RampartPrincipal.session(
                    u.id(),
                    u.username(),
                    u.admin(),
                    users.account(u.id()).orElseThrow().sessionEpoch());
            audit.record(u.username(), "user", remote, null, "user.sign-in", u.username(), "success", Map.of());
            return UsernamePasswordAuthenticationToken.authenticated(p, null, Authorities.of(p));
        } catch (Users.SignInException e) {
            refused(wellFormed ? name : null, name, remote, e.refusal().reason());
            throw new BadCredentialsException(e.getMessage());
        }
    }

    private void refused(String wellFormedName, String given, String remote, String reason) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reason", reason);
        if (wellFormedName == null) {
            details.put("userNameLength", given == null ? 0 : given.length());
            details.put("userNameStart", Text.oneLine(given == null ? "" : given, 16));
        }
        audit.record(
                wellFormedName == null ? "unknown" : wellFormedName,
                "anonymous",
                remote,
                null,
                "user.sign-in",
                wellFormedName,
                "failure",
                details);
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
