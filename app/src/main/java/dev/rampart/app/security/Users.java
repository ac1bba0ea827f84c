package dev.rampart.app.security;

import dev.rampart.app.web.ApiProblem;
import dev.rampart.app.web.Text;
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
 * without a migration), sign-in with lock-out ({@link SignInPolicy}), the session epoch that ends sessions when an
 * account is disabled or its password changes, and project memberships.
 */
public final class Users {
    /** Failed sign-ins in a row from one client address that lock the account for that address. */
    public static final int MAX_FAILURES = 5;
    /** Failed sign-ins in a row from any addresses that lock the account everywhere. */
    public static final int MAX_ACCOUNT_FAILURES = 25;

    public static final Duration LOCK_FOR = Duration.ofMinutes(15);
    /** NIST SP 800-63B: at least 8 characters; Rampart asks for 12 since its users hold tenant-wide data. */
    public static final int MIN_PASSWORD = 12;
    /** bcrypt reads only the first 72 bytes; longer passwords are refused rather than silently cut. */
    public static final int MAX_PASSWORD = 72;

    public static final int MAX_DISPLAY_NAME = 200;
    /** A user name: what the app_user table's check allows. */
    public static final java.util.regex.Pattern USERNAME = java.util.regex.Pattern.compile("[A-Za-z0-9._@-]{1,128}");

    /** How many failures lock an account, and for how long ({@code rampart.sign-in.*}). */
    public record SignInPolicy(int failuresPerAddress, int failuresPerAccount, Duration lockFor) {
        public static final SignInPolicy DEFAULT = new SignInPolicy(MAX_FAILURES, MAX_ACCOUNT_FAILURES, LOCK_FOR);
    }

    private static final PasswordEncoder ENCODER = PasswordEncoderFactories.createDelegatingPasswordEncoder();

    private final JdbcClient jdbc;
    private final Clock clock;
    private final PasswordEncoder encoder;
    private final SignInPolicy policy;
    /** Compared against when there is no hash to check, so that every refusal costs one bcrypt comparison. */
    private final String dummyHash;

    public Users(DataSource dataSource, Clock clock) {
        this(dataSource, clock, ENCODER, SignInPolicy.DEFAULT);
    }

    public Users(DataSource dataSource, Clock clock, SignInPolicy policy) {
        this(dataSource, clock, ENCODER, policy);
    }

    public Users(DataSource dataSource, Clock clock, PasswordEncoder encoder, SignInPolicy policy) {
        this.jdbc = JdbcClient.create(dataSource);
        this.clock = clock;
        this.encoder = encoder;
        this.policy = policy;
        this.dummyHash = encoder.encode("no such user, no such password");
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
        /** Whether sign-ins are refused from everywhere at {@code now} after too many failures. */
        public boolean locked(java.time.Instant now) {
            return lockedUntil != null && lockedUntil.toInstant().isAfter(now);
        }
    }

    /** What decides a caller's authority now: read on every request ({@link CurrentAccountFilter}). */
    public record Account(long id, String username, boolean admin, boolean enabled, int sessionEpoch) {}

    public record Membership(long userId, String username, long projectId, String project, Role role) {}

    /** Why a sign-in failed, for the audit log; people see one sentence whatever the reason. */
    public enum Refusal {
        MALFORMED_NAME("malformed user name"),
        UNKNOWN_USER("no such user"),
        NO_PASSWORD("the account signs in through single sign-on only"),
        WRONG_PASSWORD("wrong password"),
        LOCKED_FOR_ADDRESS("locked for this address after repeated failures"),
        LOCKED("locked after repeated failures"),
        DISABLED("the account is disabled");

        private final String reason;

        Refusal(String reason) {
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }

    /** A refused sign-in. The message is the same for every reason, so that it does not tell which names exist. */
    public static final class SignInException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final String WRONG = "wrong user name or password";
        private final Refusal refusal;

        SignInException(Refusal refusal) {
            super(WRONG);
            this.refusal = refusal;
        }

        public Refusal refusal() {
            return refusal;
        }
    }

    /** Whether a new password is long enough ({@link #MIN_PASSWORD}) and short enough for bcrypt. */
    public static boolean strongEnough(String password) {
        return password != null
                && password.length() >= MIN_PASSWORD
                && password.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= MAX_PASSWORD;
    }

    /** The rule behind {@link #strongEnough}, as the API and the pages say it. */
    public static final String PASSWORD_RULE =
            "at least " + MIN_PASSWORD + " characters and at most " + MAX_PASSWORD + " bytes";

    public static void checkPassword(String password) {
        if (!strongEnough(password)) {
            throw new IllegalArgumentException("the password must have " + PASSWORD_RULE);
        }
    }

    /**
     * Every problem with a new or changed user, by field: the one validator of the API, the pages and the command line.
     * {@code username} and {@code password} are checked only when given (null: not part of the change).
     */
    public static List<ApiProblem.FieldError> problems(String username, String displayName, String password) {
        List<ApiProblem.FieldError> errors = new java.util.ArrayList<>();
        if (username != null && !USERNAME.matcher(username).matches()) {
            errors.add(new ApiProblem.FieldError(
                    "username", "is required: 1 to 128 letters, digits, '.', '_', '@' or '-'"));
        }
        if (displayName != null && (displayName.length() > MAX_DISPLAY_NAME || Text.hasControl(displayName))) {
            errors.add(new ApiProblem.FieldError(
                    "displayName", "at most " + MAX_DISPLAY_NAME + " characters, without control characters"));
        }
        if (password != null && !strongEnough(password)) {
            errors.add(new ApiProblem.FieldError("password", "is required: " + PASSWORD_RULE));
        }
        return errors;
    }

    public User create(String username, String displayName, String password, boolean admin) {
        checkPassword(password);
        long id = jdbc.sql(
                        """
                        insert into app_user (username, display_name, password_hash, admin) values (?, ?, ?, ?)
                        returning id
                        """)
                .params(username, displayName, encoder.encode(password), admin)
                .query(Long.class)
                .single();
        return find(id).orElseThrow();
    }

    /** Sets a new password; the account's sessions end (on every node) and its lock-outs are lifted. */
    public void setPassword(long id, String password) {
        checkPassword(password);
        jdbc.sql(
                        """
                        update app_user set password_hash = ?, failed_logins = 0, locked_until = null,
                               session_epoch = session_epoch + 1 where id = ?
                        """)
                .params(encoder.encode(password), id)
                .update();
        jdbc.sql("delete from sign_in_failure where user_id = ?").param(id).update();
    }

    /**
     * Changes a display name, admin flag or enabled flag (null: unchanged). Disabling ends the account's sessions for
     * good and suspends its tokens (they work again if the account is enabled again, unless revoked); taking away the
     * admin flag revokes the tokens it held in projects where the user is not a member.
     */
    public void update(long id, String displayName, Boolean admin, Boolean enabled) {
        jdbc.sql(
                        """
                        update app_user set display_name = coalesce(?, display_name), admin = coalesce(?, admin),
                               enabled = coalesce(?, enabled),
                               session_epoch = session_epoch + case when enabled and ? = false then 1 else 0 end
                         where id = ?
                        """)
                .params(displayName, admin, enabled, enabled, id)
                .update();
        if (Boolean.FALSE.equals(admin)) {
            jdbc.sql(
                            """
                            update api_token t set revoked_at = ? where t.user_id = ? and t.revoked_at is null
                               and not exists (select 1 from membership m
                                                where m.user_id = t.user_id and m.project_id = t.project_id)
                            """)
                    .params(clock.instant().atOffset(ZoneOffset.UTC), id)
                    .update();
        }
    }

    /** Lifts every lock-out of the account: everywhere, and per address. */
    public void unlock(long id) {
        jdbc.sql("update app_user set failed_logins = 0, locked_until = null where id = ?")
                .param(id)
                .update();
        jdbc.sql("delete from sign_in_failure where user_id = ?").param(id).update();
    }

    public boolean delete(long id) {
        return jdbc.sql("delete from app_user where id = ?").param(id).update() > 0;
    }

    private static final String COLUMNS =
            """
            u.id, u.username, u.display_name, u.admin, u.enabled,
            (select max(t) from (select u.locked_until as t
                                 union all select f.locked_until from sign_in_failure f where f.user_id = u.id) l),
            u.created_at, u.last_login_at
            """;

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
        return jdbc.sql("select " + COLUMNS + " from app_user u where u.id = ?")
                .param(id)
                .query(Users::row)
                .optional();
    }

    public Optional<User> find(String username) {
        return jdbc.sql("select " + COLUMNS + " from app_user u where u.username = ?")
                .param(username)
                .query(Users::row)
                .optional();
    }

    public List<User> list(long afterId, int limit) {
        return jdbc.sql("select " + COLUMNS + " from app_user u where u.id > ? order by u.id limit ?")
                .params(afterId, limit)
                .query(Users::row)
                .list();
    }

    /** The account as it is now, or empty when it no longer exists. */
    public Optional<Account> account(long id) {
        return jdbc.sql("select id, username, admin, enabled, session_epoch from app_user where id = ?")
                .param(id)
                .query((rs, n) ->
                        new Account(rs.getLong(1), rs.getString(2), rs.getBoolean(3), rs.getBoolean(4), rs.getInt(5)))
                .optional();
    }

    public boolean anyUser() {
        return jdbc.sql("select exists (select 1 from app_user)")
                .query(Boolean.class)
                .single();
    }

    /**
     * Checks a password from a client address. Every refusal costs the same (one bcrypt comparison, whether the name
     * exists, is malformed, locked or disabled) and says the same. The {@link SignInPolicy#failuresPerAddress}th
     * failure in a row from one address locks the account for that address; the
     * {@link SignInPolicy#failuresPerAccount}th from any addresses locks it everywhere; both for
     * {@link SignInPolicy#lockFor}, or until an administrator unlocks it, and even the right password is refused
     * meanwhile.
     */
    public User signIn(String username, String password, String remoteAddr) {
        record Row(long id, String hash, boolean enabled, OffsetDateTime lockedUntil, OffsetDateTime addressLocked) {}
        String given = password == null ? "" : password;
        String address = addressKey(remoteAddr);
        boolean wellFormed = username != null && USERNAME.matcher(username).matches();
        Optional<Row> found = !wellFormed
                ? Optional.empty()
                : jdbc.sql(
                                """
                                select u.id, u.password_hash, u.enabled, u.locked_until, f.locked_until
                                  from app_user u
                                  left join sign_in_failure f on f.user_id = u.id and f.remote_addr = ?
                                 where u.username = ?
                                """)
                        .params(address, username)
                        .query((rs, n) -> new Row(
                                rs.getLong(1),
                                rs.getString(2),
                                rs.getBoolean(3),
                                rs.getObject(4, OffsetDateTime.class),
                                rs.getObject(5, OffsetDateTime.class)))
                        .optional();
        String hash = found.map(Row::hash).orElse(null);
        // bcrypt refuses more than 72 bytes: such a password cannot be right, but it costs the same comparison.
        boolean tooLong = given.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_PASSWORD;
        boolean matches = encoder.matches(tooLong ? "" : given, hash != null ? hash : dummyHash) && hash != null;
        matches = matches && !tooLong;
        if (!wellFormed) {
            throw new SignInException(Refusal.MALFORMED_NAME);
        }
        if (found.isEmpty()) {
            throw new SignInException(Refusal.UNKNOWN_USER);
        }
        if (hash == null) {
            throw new SignInException(Refusal.NO_PASSWORD);
        }
        Row r = found.get();
        Instant now = clock.instant();
        if (r.lockedUntil() != null && r.lockedUntil().toInstant().isAfter(now)) {
            throw new SignInException(Refusal.LOCKED);
        }
        if (r.addressLocked() != null && r.addressLocked().toInstant().isAfter(now)) {
            throw new SignInException(Refusal.LOCKED_FOR_ADDRESS);
        }
        if (!matches) {
            throw new SignInException(failed(r.id(), address, now));
        }
        if (!r.enabled()) {
            throw new SignInException(Refusal.DISABLED);
        }
        jdbc.sql("update app_user set failed_logins = 0, locked_until = null, last_login_at = ? where id = ?")
                .params(now.atOffset(ZoneOffset.UTC), r.id())
                .update();
        // Only this address's count: a success elsewhere does not lift a stranger's lock-out.
        jdbc.sql("delete from sign_in_failure where user_id = ? and remote_addr = ?")
                .params(r.id(), address)
                .update();
        if (encoder.upgradeEncoding(r.hash())) {
            jdbc.sql("update app_user set password_hash = ? where id = ?")
                    .params(encoder.encode(given), r.id())
                    .update();
        }
        return find(r.id()).orElseThrow();
    }

    /** A client address as the failure table keeps it. */
    private static String addressKey(String remoteAddr) {
        String a = remoteAddr == null ? "unknown" : remoteAddr;
        return a.length() > 64 ? a.substring(0, 64) : a;
    }

    /** Counts one failure, once, per address and for the account; says whether it locked either. */
    private Refusal failed(long userId, String address, Instant now) {
        OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
        OffsetDateTime until = now.plus(policy.lockFor()).atOffset(ZoneOffset.UTC);
        int perAddress = jdbc.sql(
                        """
                        insert into sign_in_failure as f (user_id, remote_addr, failures, locked_until, last_failure_at)
                        values (:user, :addr, 1, case when 1 >= :max then cast(:until as timestamptz) end, :at)
                        on conflict (user_id, remote_addr) do update
                           set failures = f.failures + 1, last_failure_at = :at,
                               locked_until = case when f.failures + 1 >= :max then cast(:until as timestamptz)
                                                   else f.locked_until end
                        returning failures
                        """)
                .param("user", userId)
                .param("addr", address)
                .param("max", policy.failuresPerAddress())
                .param("until", until)
                .param("at", at)
                .query(Integer.class)
                .single();
        int total = jdbc.sql(
                        """
                        update app_user set failed_logins = failed_logins + 1,
                               locked_until = case when failed_logins + 1 >= ? then ? else locked_until end
                         where id = ? returning failed_logins
                        """)
                .params(policy.failuresPerAccount(), until, userId)
                .query(Integer.class)
                .single();
        if (total >= policy.failuresPerAccount()) {
            return Refusal.LOCKED;
        }
        return perAddress >= policy.failuresPerAddress() ? Refusal.LOCKED_FOR_ADDRESS : Refusal.WRONG_PASSWORD;
    }

    /** Forgets failures older than a day that no longer lock anything (housekeeping). */
    public int forgetOldFailures() {
        Instant dayAgo = clock.instant().minus(Duration.ofDays(1));
        return jdbc.sql(
                        """
                        delete from sign_in_failure where last_failure_at < ?
                           and (locked_until is null or locked_until < ?)
                        """)
                .params(dayAgo.atOffset(ZoneOffset.UTC), clock.instant().atOffset(ZoneOffset.UTC))
                .update();
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

    /** Removes a membership and revokes the user's tokens in the project with it, in one statement. */
    public boolean removeMembership(long userId, long projectId) {
        return jdbc.sql(
                                """
                        with gone as (delete from membership where user_id = ? and project_id = ? returning user_id),
                             revoked as (update api_token t set revoked_at = ? from gone
                                          where t.user_id = gone.user_id and t.project_id = ? and t.revoked_at is null
                                          returning t.id)
                        select (select count(*) from gone) + 0 * (select count(*) from revoked)
                        """)
                        .params(userId, projectId, clock.instant().atOffset(ZoneOffset.UTC), projectId)
                        .query(Long.class)
                        .single()
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
