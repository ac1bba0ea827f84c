package dev.rampart.emulator.http;

/**
 * An error answer, thrown from anywhere in a handler. The server renders it in the envelope of the service that was
 * called: Defender's {@code {"error":{"code","message","target"}}}, Graph's with {@code innerError}, or Entra's OAuth
 * error body.
 */
public final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String code;
    private final java.util.Map<String, String> headers;

    public ApiError(int status, String code, String message) {
        this(status, code, message, java.util.Map.of());
    }

    public ApiError(int status, String code, String message, java.util.Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.headers = headers;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public java.util.Map<String, String> headers() {
        return headers;
    }

    public static ApiError notFound(String message) {
        return new ApiError(404, "ResourceNotFound", message);
    }

    public static ApiError badRequest(String code, String message) {
        return new ApiError(400, code, message);
    }
}
