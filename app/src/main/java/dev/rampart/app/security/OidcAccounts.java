package dev.rampart.app.security;

import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Single sign-on (OIDC: Entra ID or any provider) mapped to Rampart's own users. A person is recognised by the
 * provider's issuer and subject; the first time, by the configured claim ({@code preferred_username} by default)
 * matching an existing user, who is then linked to that subject; or, when {@code rampart.oidc.auto-create} is on,
 * created without a password and without memberships (an administrator grants those). Anyone else is refused.
 */
public final class OidcAccounts {
    private final JdbcClient jdbc;
    private final Users users;
    private final Audit audit;
    private final boolean autoCreate;

    public OidcAccounts(DataSource dataSource, Users users, Audit audit, boolean autoCreate) {
        this.jdbc = JdbcClient.create(dataSource);
        this.users = users;
        this.audit = audit;
        this.autoCreate = autoCreate;
    }

    /** Why an OIDC sign-in was refused. */
    public static final class RefusedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RefusedException(String message) {
            super(message);
        }
    }

    /** The Rampart user of an OIDC identity, linked or created as described above. */
    public RampartPrincipal signIn(String issuer, String subject, String claimedName, String remoteAddr) {
        String key = issuer + "|" + subject;
        // The claim comes from the identity provider: used only when it is a possible user name.
        String username =
                claimedName != null && Users.USERNAME.matcher(claimedName).matches() ? claimedName : null;
        Optional<Long> linked = jdbc.sql("select id from app_user where oidc_subject = ?")
                .param(key)
                .query(Long.class)
                .optional();
        Users.User user;
        if (linked.isPresent()) {
            user = users.find(linked.get()).orElseThrow();
        } else {
            Optional<Users.User> byName = username == null ? Optional.empty() : users.find(username);
            if (byName.isPresent()) {
                int updated = jdbc.sql("update app_user set oidc_subject = ? where id = ? and oidc_subject is null")
                        .params(key, byName.get().id())
                        .update();
                if (updated == 0) {
                    refuse(username, remoteAddr, "the user " + username + " is linked to another sign-in");
                }
                user = byName.get();
            } else if (autoCreate && username != null) {
                long id = jdbc.sql("insert into app_user (username, oidc_subject) values (?, ?) returning id")
                        .params(username, key)
                        .query(Long.class)
                        .single();
                user = users.find(id).orElseThrow();
                audit.record(
                        username, "user", remoteAddr, null, "user.create", username, "success", Map.of("via", "oidc"));
            } else {
                refuse(
                        username,
                        remoteAddr,
                        "there is no Rampart user " + (username == null ? "for this sign-in" : "named " + username)
                                + "; an administrator must create one");
                throw new IllegalStateException("unreachable");
            }
        }
        if (!user.enabled()) {
            refuse(user.username(), remoteAddr, "the account is disabled");
        }
        jdbc.sql("update app_user set last_login_at = now() where id = ?")
                .param(user.id())
                .update();
        audit.record(
                user.username(),
                "user",
                remoteAddr,
                null,
                "user.sign-in",
                user.username(),
                "success",
                Map.of("via", "oidc"));
        return RampartPrincipal.session(
                user.id(),
                user.username(),
                user.admin(),
                users.account(user.id()).orElseThrow().sessionEpoch());
    }

    private void refuse(String username, String remoteAddr, String why) {
        audit.record(
                username == null ? "unknown" : username,
                "anonymous",
                remoteAddr,
                null,
                "user.sign-in",
                username,
                "failure",
                Map.of("via", "oidc", "reason", why));
        throw new RefusedException(why);
    }
}
