package dev.rampart.app.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * An error an endpoint answers with, turned into an RFC 9457 problem by {@link ProblemHandler}. The {@code type} is a
 * stable slug ({@code /problems/<slug>}) that scripts can branch on; the detail is a sentence for people.
 */
public final class ApiProblem extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** One field's problem, for validation errors. */
    public record FieldError(String field, String message) {}

    private final HttpStatus status;
    private final String slug;
    private final String title;
    private final transient List<FieldError> errors;
    private final transient Map<String, Object> properties = new LinkedHashMap<>();

    public ApiProblem(HttpStatus status, String slug, String title, String detail, List<FieldError> errors) {
        super(detail);
        this.status = status;
        this.slug = slug;
        this.title = title;
        this.errors = errors == null ? List.of() : List.copyOf(errors);
    }

    public static ApiProblem notFound(String what) {
        return new ApiProblem(HttpStatus.NOT_FOUND, "not-found", "Not found", what, null);
    }

    public static ApiProblem forbidden(String detail) {
        return new ApiProblem(HttpStatus.FORBIDDEN, "forbidden", "Forbidden", detail, null);
    }

    public static ApiProblem conflict(String slug, String detail) {
        return new ApiProblem(HttpStatus.CONFLICT, slug, "Conflict", detail, null);
    }

    public static ApiProblem badRequest(String slug, String detail) {
        return new ApiProblem(HttpStatus.BAD_REQUEST, slug, "Bad request", detail, null);
    }

    public static ApiProblem invalid(List<FieldError> errors) {
        return new ApiProblem(
                HttpStatus.BAD_REQUEST,
                "validation-failed",
                "Validation failed",
                errors.size() == 1
                        ? errors.get(0).field() + ": " + errors.get(0).message()
                        : errors.size() + " fields are not valid",
                errors);
    }

    public static ApiProblem invalid(String field, String message) {
        return invalid(List.of(new FieldError(field, message)));
    }

    /** 502: the connector's app registration lacks a Defender or Graph permission; the detail says how to grant it. */
    public static ApiProblem permissionMissing(String permission, String detail) {
        return new ApiProblem(
                        HttpStatus.BAD_GATEWAY,
                        "defender-permission-missing",
                        "Permission missing in Defender",
                        detail,
                        null)
                .with("permission", permission);
    }

    /** The problem as one sentence for a page: the first field's rule, or the detail. */
    public String sentence() {
        return Text.sentence(
                errors.isEmpty()
                        ? getMessage()
                        : "The " + errors.get(0).field() + " " + errors.get(0).message());
    }

    public ApiProblem with(String key, Object value) {
        properties.put(key, value);
        return this;
    }

    public HttpStatus status() {
        return status;
    }

    public String slug() {
        return slug;
    }

    public String title() {
        return title;
    }

    public List<FieldError> errors() {
        return errors;
    }

    public Map<String, Object> properties() {
        return properties;
    }
}
