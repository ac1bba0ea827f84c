package dev.rampart.defender.error;

import java.time.Duration;

/** Still throttled (429) after every retry; {@link #retryAfter()} is the service's last advice. */
public final class ThrottledException extends DefenderException {
    private static final long serialVersionUID = 1L;
    private final Duration retryAfter;

    public ThrottledException(
            String summary,
            Duration retryAfter,
            String requestId,
            String method,
            String url,
            String errorCode,
            String errorMessage) {
        super(summary, 429, requestId, method, url, errorCode, errorMessage, null);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
