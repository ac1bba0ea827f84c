package dev.rampart.app.security;

import java.io.Serializable;

/**
 * The authenticated principal kept in Spring Security's context: a user, and when a token was presented, the token's
 * project and role (a token never reaches beyond them).
 */
public record RampartPrincipal(
        long userId, String username, boolean serverAdmin, Long tokenId, Long tokenProjectId, Role tokenRole)
        implements Serializable {}
