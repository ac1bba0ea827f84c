package dev.rampart.defender.error;

/**
 * A response body that is not what the API promises: truncated or invalid JSON, or a page without its {@code value}.
 * A decode error is never turned into a short page: the call fails.
 */
public final class DecodeException extends DefenderException {
    private static final long serialVersionUID = 1L;

    public DecodeException(String summary, int status, String requestId, String method, String url, Throwable cause) {
        super(summary, status, requestId, method, url, null, null, cause);
    }

    @Override
    public boolean retryable() {
        return true;
    }
}
