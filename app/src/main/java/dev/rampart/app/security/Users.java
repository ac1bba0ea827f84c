package dev.rampart.app.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Local accounts: passwords hashed with bcrypt (Spring Security's delegating encoder, so the algorithm can move on
 * without a migration), lock-out after {@link #MAX_FAILURES} failed sign-ins in a row for {@link #LOCK_FOR}, and
 * project memberships.
 */
public final class Users {
    public static final int MAX_FAILURES = 5;
    public static final Duration LOCK_FOR = Duration.ofMinutes(15);
    /** NIST SP 800-63B: at least 8 characters; Rampart asks for 12 since its users hold tenant-wide data. */
    public static final int MIN_PASSWORD = 12;
    /** A user name: what the app_user table's check allows. */
    public static final java.util.regex.Pattern USERNAME = java.util.regex.Pattern.compile("[A-Za-z0-9._@-]{1,128}");

    private static final PasswordEncoder ENCODER = PasswordEncoderFactories.createDelegatingPasswordEncoder();
    /** Compared against when the user does not exist, so that an unknown name takes as long as a wrong password. */
    private static final String DUMMY_HASH = ENCODER.encode("no such user, no such password");

    private final JdbcClient jdbc;
    private final Clock clock;

    public Users(DataSource dataSource, Clock clock) {
        this.jdbc = JdbcClient.create(dataSource);
        this.clock = clock;
    }

    public record User(
            long id,
            String username,
            String displayName,
            boolean admin,
            boolean enabled,
            OffsetDateTime lockedUntil,
            OffsetDateTime createdAt,
            OffsetDateTime lastLoginAt) {
        /** Whether sign-ins are refused at {@code now} after too many failures. */
        public boolean locked(java.time.Instant now) {
            return lockedUntil != null && lockedUntil.toInstant().isAfter(now);
        }
    }

    public record Membership(long userId, String username, long projectId, String project, Role role) {}

    /** Why a sign-in failed; the message is the same for a wrong name and a wrong password. */
    public static final class SignInException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final boolean locked;

        SignInException(String message, boolean locked) {
            super(message);
            this.locked = locked;
        }

        public boolean locked() {
            return locked;
        }
    }

    /** Whether a new password is long enough ({@link #MIN_PASSWORD}). */
    public static boolean strongEnough(String password) {
        return password != null && password.length() >= MIN_PASSWORD;
    }

    public static void checkPassword(String password) {
        if (!strongEnough(password)) {
            throw new IllegalArgumentException("the password must have at least " + MIN_PASSWORD + " characters");
        }
    }

    public User create(String username, String displayName, String password, boolean admin) {
        checkPassword(password);
        long id = jdbc.sql(
                        """
                        insert into app_user (username, display_name, password_hash, admin) values (?, ?, ?, ?)
                        returning id
                        """)
                .params(username, displayName, ENCODER.encode(password), admin)
                .query(Long.class)
                .single();
        return find(id).orElseThrow();
    }

    public void setPassword(long id, String password) {
        checkPassword(password);
        jdbc.sql("update app_user set password_hash = ?, failed_logins = 0, locked_until = null where id = ?")
                .params(ENCODER.encode(password), id)
                .update();
    }

    public void update(long id, String displayName, Boolean admin, Boolean enabled) {
        jdbc.sql(
                        """
                        update app_user set display_name = coalesce(?, display_name), admin = coalesce(?, admin),
                               enabled = coalesce(?, enabled) where id = ?
                        """)
                .params(displayName, admin, enabled, id)
                .update();
    }

    public void unlock(long id) {
        jdbc.sql("update app_user set failed_logins = 0, locked_until = null where id = ?")
                .param(id)
                .update();
    }

    public boolean delete(long id) {
        return jdbc.sql("delete from app_user where id = ?").param(id).update() > 0;
    }

    private static final String COLUMNS =
            "id, username, display_name, admin, enabled, locked_until, created_at, last_login_at";

    private static User row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new User(
                rs.getLong(1),
                rs.getString(2),
                rs.getString(3),
                rs.getBoolean(4),
                rs.getBoolean(5),
                rs.getObject(6, OffsetDateTime.class),
                rs.getObject(7, OffsetDateTime.class),
                rs.getObject(8, OffsetDateTime.class));
    }

    public Optional<User> find(long id) {
        return jdbc.sql("select " + COLUMNS + " from app_user where id = ?")
                .param(id)
                .query(Users::row)
                .optional();
    }

    public Optional<User> find(String username) {
        return jdbc.sql("select " + COLUMNS + " from app_user where username = ?")
                .param(username)
                .query(Users::row)
                .optional();
    }

    public List<User> list(long afterId, int limit) {
        return jdbc.sql("select " + COLUMNS + " from app_user where id > ? order by id limit ?")
                .params(afterId, limit)
                .query(Users::row)
                .list();
    }

    public boolean anyUser() {
        return jdbc.sql("select exists (select 1 from app_user)")
                .query(Boolean.class)
                .single();
    }

    /**
     * Checks a password. Counts failures; the {@link #MAX_FAILURES}th in a row locks the account for
     * {@link #LOCK_FOR}, during which even the right password is refused.
     */
    public User signIn(String username, String password) {
        record Row(long id, String hash, boolean enabled, OffsetDateTime lockedUntil) {}
        Optional<Row> found = jdbc.sql(
                        "select id, password_hash, enabled, locked_until from app_user where username = ?")
                .param(username == null ? "" : username)
                .query((rs, n) -> new Row(
                        rs.getLong(1), rs.getString(2), rs.getBoolean(3), rs.getObject(4, OffsetDateTime.class)))
                .optional();
        String wrong = "wrong user name or password";
        if (found.isEmpty() || found.get().hash() == null) {
            ENCODER.matches(password == null ? "" : password, DUMMY_HASH);
            throw new SignInException(wrong, false);
        }
        Row r = found.get();
        Instant now = clock.instant();
        if (r.lockedUntil() != null && r.lockedUntil().toInstant().isAfter(now)) {
            throw new SignInException(
                    "the account is locked after " + MAX_FAILURES + " failed sign-ins until " + r.lockedUntil()
                            + "; an administrator can unlock it",
                    true);
        }
        if (!ENCODER.matches(password == null ? "" : password, r.hash())) {
            Integer failures = jdbc.sql(
                            """
                            update app_user set failed_logins = failed_logins + 1,
                                   locked_until = case when failed_logins + 1 >= ? then ? else locked_until end
                             where id = ? returning failed_logins
                            """)
                    .params(MAX_FAILURES, now.plus(LOCK_FOR).atOffset(ZoneOffset.UTC), r.id())
                    .query(Integer.class)
                    .single();
            throw new SignInException(wrong, failures >= MAX_FAILURES);
        }
        if (!r.enabled()) {
            throw new SignInException("the account is disabled", false);
        }
        jdbc.sql("update app_user set failed_logins = 0, locked_until = null, last_login_at = ? where id = ?")
                .params(now.atOffset(ZoneOffset.UTC), r.id())
                .update();
        if (ENCODER.upgradeEncoding(r.hash())) {
            jdbc.sql("update app_user set password_hash = ? where id = ?")
                    .params(ENCODER.encode(password), r.id())
                    .update();
        }
        return find(r.id()).orElseThrow();
    }

    // ---------------------------------------------------------------- memberships

    public void setMembership(long userId, long projectId, Role role) {
        jdbc.sql(
                        """
                        insert into membership (user_id, project_id, role) values (?, ?, ?)
                        on conflict (user_id, project_id) do update set role = excluded.role
                        """)
                .params(userId, projectId, role.key())
                .update();
    }

    public boolean removeMembership(long userId, long projectId) {
        return jdbc.sql("delete from membership where user_id = ? and project_id = ?")
                        .params(userId, projectId)
                        .update()
                > 0;
    }

    public Optional<Role> roleIn(long userId, long projectId) {
        return jdbc.sql("select role from membership where user_id = ? and project_id = ?")
                .params(userId, projectId)
                .query(String.class)
                .optional()
                .map(Role::parse);
    }

    public List<Membership> members(long projectId) {
        return jdbc.sql(
                        """
                        select m.user_id, u.username, m.project_id, p.key, m.role
                          from membership m join app_user u on u.id = m.user_id join project p on p.id = m.project_id
                         where m.project_id = ? order by u.username
                        """)
                .param(projectId)
                .query((rs, n) -> new Membership(
                        rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4), Role.parse(rs.getString(5))))
                .list();
    }

    /** A project someone may open, with their role in it. */
    public record ProjectRole(String project, Role role) {}

    /**
     * The projects a caller may see, by key: a token its own project with its own role; a server administrator
     * (signed in) every project, as admin; anyone else their memberships. The one rule behind the project switcher,
     * {@code /api/v1/me} and {@code /api/v1/projects}.
     */
    public List<ProjectRole> visibleProjects(RampartPrincipal p) {
        if (p.tokenId() != null) {
            return jdbc.sql("select key from project where id = ?")
                    .param(p.tokenProjectId())
                    .query((rs, n) -> new ProjectRole(rs.getString(1), p.tokenRole()))
                    .list();
        }
        return jdbc.sql(
                        """
                        select p.key, m.role from project p
                          left join membership m on m.project_id = p.id and m.user_id = ?
                         where m.user_id is not null or ? order by p.key
                        """)
                .params(p.userId(), p.serverAdmin())
                .query((rs, n) ->
                        new ProjectRole(rs.getString(1), p.serverAdmin() ? Role.ADMIN : Role.parse(rs.getString(2))))
                .list();
    }
}
