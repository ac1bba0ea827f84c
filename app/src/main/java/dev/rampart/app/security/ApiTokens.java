package dev.rampart.app.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * API tokens: {@code rmp_} and 43 characters of 256 random bits, shown once; the database keeps a SHA-256 of the
 * token (enough for a high-entropy secret) and its first characters to recognise it by. Each is bound to one project
 * and one role, expires, and can be revoked.
 */
public final class ApiTokens {
    public static final String PREFIX = "rmp_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient jdbc;
    private final Clock clock;

    public ApiTokens(DataSource dataSource, Clock clock) {
        this.jdbc = JdbcClient.create(dataSource);
        this.clock = clock;
    }

    public record Token(
            long id,
            long userId,
            String username,
            long projectId,
            String project,
            Role role,
            String name,
            String prefix,
            OffsetDateTime createdAt,
            OffsetDateTime expiresAt,
            OffsetDateTime revokedAt,
            OffsetDateTime lastUsedAt) {
        public boolean active(Instant now) {
            return revokedAt == null && expiresAt.toInstant().isAfter(now);
        }
    }

    /** A new token and its value, which is not stored and cannot be shown again. */
    public record Issued(Token token, String value) {}

    public Issued issue(long userId, long projectId, Role role, String name, Instant expiresAt) {
        if (!expiresAt.isAfter(clock.instant())) {
            throw new IllegalArgumentException("expiresAt must be in the future");
        }
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String value = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        long id = jdbc.sql(
                        """
                        insert into api_token (user_id, project_id, role, name, token_hash, prefix, expires_at)
                        values (?, ?, ?, ?, ?, ?, ?) returning id
                        """)
                .params(
                        userId,
                        projectId,
                        role.key(),
                        name,
                        hash(value),
                        value.substring(0, PREFIX.length() + 6),
                        expiresAt.atOffset(ZoneOffset.UTC))
                .query(Long.class)
                .single();
        return new Issued(find(id).orElseThrow(), value);
    }

    static String hash(String value) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The principal of a presented token, decided from the current state on every request: the token exists, is
     * neither expired nor revoked, its user is enabled, and the user is still a member of the token's project (or a
     * server administrator). Its role is the lesser of the role it was made with and the user's role now
     * ({@link Role#meet}); a server administrator acts as admin in every project.
     */
    public Optional<RampartPrincipal> authenticate(String value) {
        if (value == null || !value.startsWith(PREFIX) || value.length() > 100) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        return jdbc.sql(
                        """
                        with hit as (
                          select t.id, u.id as user_id, u.username, u.admin, t.project_id, t.role as minted,
                                 (select m.role from membership m
                                   where m.user_id = t.user_id and m.project_id = t.project_id) as member_role
                            from api_token t join app_user u on u.id = t.user_id
                           where t.token_hash = ? and u.enabled and t.revoked_at is null and t.expires_at > ?)
                        update api_token t set last_used_at = ? from hit
                         where t.id = hit.id and (hit.admin or hit.member_role is not null)
                        returning hit.id, hit.user_id, hit.username, hit.admin, hit.project_id, hit.minted,
                                  hit.member_role
                        """)
                .params(hash(value), now.atOffset(ZoneOffset.UTC), now.atOffset(ZoneOffset.UTC))
                .query((rs, n) -> {
                    Role minted = Role.parse(rs.getString(6));
                    boolean admin = rs.getBoolean(4);
                    Role current = admin ? Role.ADMIN : Role.parse(rs.getString(7));
                    return new RampartPrincipal(
                            rs.getLong(2),
                            rs.getString(3),
                            admin,
                            rs.getLong(1),
                            rs.getLong(5),
                            minted.meet(current),
                            0);
                })
                .optional();
    }

    private static final String SELECT =
            """
            select t.id, t.user_id, u.username, t.project_id, p.key, t.role, t.name, t.prefix, t.created_at,
                   t.expires_at, t.revoked_at, t.last_used_at
              from api_token t join app_user u on u.id = t.user_id join project p on p.id = t.project_id
            """;

    private static Token row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new Token(
                rs.getLong(1),
                rs.getLong(2),
                rs.getString(3),
                rs.getLong(4),
                rs.getString(5),
                Role.parse(rs.getString(6)),
                rs.getString(7),
                rs.getString(8),
                rs.getObject(9, OffsetDateTime.class),
                rs.getObject(10, OffsetDateTime.class),
                rs.getObject(11, OffsetDateTime.class),
                rs.getObject(12, OffsetDateTime.class));
    }

    public Optional<Token> find(long id) {
        return jdbc.sql(SELECT + " where t.id = ?")
                .param(id)
                .query(ApiTokens::row)
                .optional();
    }

    /** A project's tokens, or only one user's when {@code userId} is not null. */
    public List<Token> list(long projectId, Long userId) {
        return jdbc.sql(SELECT
                        + " where t.project_id = ? and (cast(? as bigint) is null or t.user_id = ?) order by t.id")
                .params(projectId, userId, userId)
                .query(ApiTokens::row)
                .list();
    }

    public boolean revoke(long id) {
        return jdbc.sql("update api_token set revoked_at = ? where id = ? and revoked_at is null")
                        .params(clock.instant().atOffset(ZoneOffset.UTC), id)
                        .update()
                > 0;
    }
}
