package dev.rampart.defender.error;

/** The resource does not exist (404): a device, alert or action id that is unknown or outside retention. */
public final class NotFoundException extends DefenderException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(
            String summary,
            int status,
            String requestId,
            String method,
            String url,
            String errorCode,
            String errorMessage) {
        super(summary, status, requestId, method, url, errorCode, errorMessage, null);
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
