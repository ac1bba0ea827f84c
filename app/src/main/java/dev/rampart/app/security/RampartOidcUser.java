package dev.rampart.app.security;

import java.util.Collection;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.OidcUserInfo;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;

/** An OIDC sign-in that carries the Rampart user it was mapped to. */
public final class RampartOidcUser extends DefaultOidcUser {
    private static final long serialVersionUID = 1L;
    private final RampartPrincipal rampart;

    public RampartOidcUser(
            Collection<? extends GrantedAuthority> authorities,
            OidcIdToken idToken,
            OidcUserInfo userInfo,
            RampartPrincipal rampart) {
        super(authorities, idToken, userInfo);
        this.rampart = rampart;
    }

    public RampartPrincipal rampart() {
        return rampart;
    }

    /** The OIDC user service that maps each sign-in to a Rampart user ({@link OidcAccounts}). */
    public static org.springframework.security.oauth2.client.userinfo.OAuth2UserService<
                    org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest,
                    org.springframework.security.oauth2.core.oidc.user.OidcUser>
            service(OidcAccounts accounts, String usernameClaim) {
        var delegate = new org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService();
        return request -> {
            var oidc = delegate.loadUser(request);
            Object claim = oidc.getClaims().get(usernameClaim);
            String remote = null;
            if (org.springframework.web.context.request.RequestContextHolder.getRequestAttributes()
                    instanceof org.springframework.web.context.request.ServletRequestAttributes a) {
                remote = a.getRequest().getRemoteAddr();
            }
            try {
                RampartPrincipal p = accounts.signIn(
                        oidc.getIdToken().getIssuer().toString(),
                        oidc.getSubject(),
                        claim == null ? null : claim.toString(),
                        remote);
                return new RampartOidcUser(Authorities.of(p), oidc.getIdToken(), oidc.getUserInfo(), p);
            } catch (OidcAccounts.RefusedException e) {
                throw new org.springframework.security.oauth2.core.OAuth2AuthenticationException(
                        new org.springframework.security.oauth2.core.OAuth2Error("access_denied", e.getMessage(), null),
                        e.getMessage());
            }
        };
    }
}
