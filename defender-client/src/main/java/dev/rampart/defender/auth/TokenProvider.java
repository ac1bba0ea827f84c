package dev.rampart.defender.auth;

/** Hands out access tokens per scope, cached and refreshed before they expire. */
public interface TokenProvider {
    /**
     * A token for the scope (e.g. {@code https://api.securitycenter.microsoft.com/.default}).
     *
     * @param forceRefresh skip the cache, after an API refused a cached token (revoked or expired early)
     * @throws dev.rampart.defender.error.AuthenticationException when Entra ID refuses
     */
    AccessToken token(String scope, boolean forceRefresh);
}
