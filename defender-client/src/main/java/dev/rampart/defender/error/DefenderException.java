package dev.rampart.defender.error;

/**
 * Any failure of a call to Defender, Entra ID or Graph. Carries what support needs and nothing secret: the HTTP status
 * (0 when no answer came), the request id sent with every attempt of the call, the method, the URL with its query
 * values redacted, and the API's error code and message. Subtypes exist only where a caller acts differently.
 */
public class DefenderException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String requestId;
    private final String method;
    private final String url;
    private final String errorCode;
    private final String errorMessage;

    public DefenderException(
            String summary,
            int status,
            String requestId,
            String method,
            String url,
            String errorCode,
            String errorMessage,
            Throwable cause) {
        super(summary, cause);
        this.status = status;
        this.requestId = requestId;
        this.method = method;
        this.url = url;
        this.errorCode = errorCode;
        this.errorMessage = errorMessage;
    }

    public int status() {
        return status;
    }

    public String requestId() {
        return requestId;
    }

    public String method() {
        return method;
    }

    /** The URL with query values replaced by {@code ***} (allow-list redaction: nothing from the query is kept). */
    public String url() {
        return url;
    }

    public String errorCode() {
        return errorCode;
    }

    public String errorMessage() {
        return errorMessage;
    }

    /** Whether trying the same call again later could succeed (I/O, 408, 429, 5xx). */
    public boolean retryable() {
        return status == 0 || status == 408 || status == 429 || status >= 500;
    }

    @Override
    public String getMessage() {
        StringBuilder sb = new StringBuilder(super.getMessage());
        if (method != null) {
            sb.append(" [").append(method).append(' ').append(url);
            if (status > 0) {
                sb.append(" -> ").append(status);
            }
            if (errorCode != null) {
                sb.append(' ').append(errorCode);
            }
            sb.append(", request id ").append(requestId).append(']');
        }
        return sb.toString();
    }
}
