package dev.rampart.defender.error;

/**
 * Defender refused a machine action because one of the same type is already pending or in progress for the device
 * ({@code ActiveRequestAlreadyExists}). {@link #pendingActionId()} is that action's id when the client could find it,
 * so a caller can follow it instead of failing.
 */
public final class ActionPendingException extends DefenderException {
    private static final long serialVersionUID = 1L;
    private final String pendingActionId;

    public ActionPendingException(
            String summary, String pendingActionId, String requestId, String method, String url, String errorMessage) {
        super(summary, 400, requestId, method, url, "ActiveRequestAlreadyExists", errorMessage, null);
        this.pendingActionId = pendingActionId;
    }

    public String pendingActionId() {
        return pendingActionId;
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
