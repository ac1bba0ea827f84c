package dev.rampart.app.security;

/**
 * Who is calling, as the controllers see it: the user, how they signed in (session or token), where from, and, on
 * project endpoints, the project and the caller's role in it.
 */
public record Caller(
        long userId,
        String username,
        boolean serverAdmin,
        Long tokenId,
        String remoteAddr,
        Long projectId,
        String projectKey,
        Role role,
        Role tokenRole) {

    /**
     * Whether the request may do what only server administrators may: signed in as one, or with a token of one that
     * carries the admin role.
     */
    public boolean serverAdminRights() {
        return serverAdmin && (tokenId == null || tokenRole == Role.ADMIN);
    }

    /** The name the audit log records: the user, and the token's id when a token was used. */
    public String actor() {
        return actor(username, tokenId);
    }

    public String actorKind() {
        return actorKind(tokenId);
    }

    /** How the audit log names a user, with the token when one was used. */
    static String actor(String username, Long tokenId) {
        return tokenId == null ? username : username + " (token " + tokenId + ")";
    }

    static String actorKind(Long tokenId) {
        return tokenId == null ? "user" : "token";
    }

    public long requireProject() {
        if (projectId == null) {
            throw new IllegalStateException("not a project endpoint");
        }
        return projectId;
    }
}
