package dev.rampart.defender.error;

import java.util.List;

/**
 * The token is valid but lacks the application permission the endpoint needs. {@link #requiredRoles()} lists the
 * roles any one of which would do (parsed from Defender's "Missing application roles. API required roles: ..." or, for
 * Graph, known per endpoint), and the message says where to grant them. Never retried.
 */
public final class PermissionException extends DefenderException {
    private static final long serialVersionUID = 1L;
    private final List<String> requiredRoles;
    private final String api;

    public PermissionException(
            String summary,
            List<String> requiredRoles,
            String api,
            int status,
            String requestId,
            String method,
            String url,
            String errorCode,
            String errorMessage) {
        super(summary, status, requestId, method, url, errorCode, errorMessage, null);
        this.requiredRoles = List.copyOf(requiredRoles);
        this.api = api;
    }

    public List<String> requiredRoles() {
        return requiredRoles;
    }

    /** The API whose permission is missing: {@code WindowsDefenderATP} or {@code Microsoft Graph}. */
    public String api() {
        return api;
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
