package dev.rampart.app.security;

import java.io.Serializable;

/**
 * The authenticated principal kept in Spring Security's context: a user, and when a token was presented, the token's
 * project and its role (at most what its owner may do now: {@link Role#meet}). A session keeps this from its sign-in,
 * but {@link CurrentAccountFilter} rebuilds it from the account's current row on every request; {@code sessionEpoch}
 * is the account's epoch at sign-in, and a session whose epoch is no longer the account's has ended.
 */
public record RampartPrincipal(
        long userId,
        String username,
        boolean serverAdmin,
        Long tokenId,
        Long tokenProjectId,
        Role tokenRole,
        int sessionEpoch)
        implements Serializable {

    /** A signed-in person (form or single sign-on). */
    static RampartPrincipal session(long userId, String username, boolean serverAdmin, int sessionEpoch) {
        return new RampartPrincipal(userId, username, serverAdmin, null, null, null, sessionEpoch);
    }

    RampartPrincipal withAccount(String username, boolean serverAdmin) {
        return new RampartPrincipal(userId, username, serverAdmin, tokenId, tokenProjectId, tokenRole, sessionEpoch);
    }
}
