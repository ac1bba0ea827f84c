package dev.rampart.app.sync;

/**
 * A run that ended without changing the inventory. {@link Kind#RETRYABLE} failures may pass on their own (I/O, 5xx,
 * throttling after the client's retries, an incomplete list); the others need someone to act (credentials,
 * permissions, configuration, bad data).
 */
public final class SyncFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        RETRYABLE,
        TERMINAL,
        BAD_DATA,
        BUSY,
        /** Someone asked the run to stop; it stopped at its next progress report and applied nothing. */
        CANCELLED
    }

    private final Kind kind;

    public SyncFailedException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public SyncFailedException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public boolean retryable() {
        return kind == Kind.RETRYABLE || kind == Kind.BUSY;
    }
}
