package dev.rampart.app.web;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Every error of the API as an RFC 9457 problem ({@code application/problem+json}) with a stable {@code type} slug.
 * Messages never carry request bodies (they may hold secrets) nor stack traces; an unexpected error gets an incident id
 * that the log has with the details.
 */
@RestControllerAdvice
public class ProblemHandler extends ResponseEntityExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler(ApiProblem.class)
    ResponseEntity<ProblemDetail> apiProblem(ApiProblem e) {
        return ResponseEntity.status(e.status()).body(Problems.of(e));
    }

    @ExceptionHandler(DuplicateKeyException.class)
    ResponseEntity<ProblemDetail> duplicate(DuplicateKeyException e) {
        return ResponseEntity.status(HttpStatus.CONFLICT)
                .body(Problems.of(
                        HttpStatus.CONFLICT,
                        "already-exists",
                        "Already exists",
                        "an item with the same name or key already exists"));
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException e) {
        return ResponseEntity.badRequest()
                .body(Problems.of(ApiProblem.invalid(
                        e.getName(),
                        "is not a valid "
                                + (e.getRequiredType() == null
                                        ? "value"
                                        : e.getRequiredType().getSimpleName().toLowerCase(java.util.Locale.ROOT)))));
    }

    static final String BAD_VALUE =
            "a value in the request cannot be stored or compared (it is out of range, or has a character such as NUL)";

    /**
     * Whether the database refused a value (SQLSTATE class 22, data exception: NUL in text, a number out of range, a
     * malformed time): the request carried it, so it is the request's error, told without the database's words.
     */
    static boolean isBadValue(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException s
                    && s.getSQLState() != null
                    && s.getSQLState().startsWith("22")) {
                return true;
            }
        }
        return false;
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        if (isBadValue(e)) {
            LOG.info("refused a request value the database does not take: {}", Text.oneLine(e.toString(), 500));
            return ResponseEntity.badRequest()
                    .body(Problems.of(HttpStatus.BAD_REQUEST, "invalid-value", "Invalid value", BAD_VALUE));
        }
        String incident = UUID.randomUUID().toString();
        LOG.error("incident {}: {}", incident, e.toString(), e);
        ProblemDetail p = Problems.of(
                HttpStatus.INTERNAL_SERVER_ERROR,
                "internal-error",
                "Internal error",
                "Rampart could not complete the request; the server log has the details under incident " + incident);
        p.setProperty("incident", incident);
        return ResponseEntity.internalServerError().body(p);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        Throwable cause = ex.getMostSpecificCause();
        ApiProblem problem;
        if (cause instanceof UnrecognizedPropertyException u) {
            problem = new ApiProblem(
                    HttpStatus.BAD_REQUEST,
                    "unknown-field",
                    "Unknown field",
                    "unknown field '" + u.getPropertyName() + "'"
                            + (u.getKnownPropertyIds() == null ? "" : "; known: " + u.getKnownPropertyIds()),
                    List.of(new ApiProblem.FieldError(u.getPropertyName(), "is not a known field")));
        } else if (cause instanceof tools.jackson.databind.exc.InvalidFormatException f
                && f.getTargetType() == String.class) {
            problem = ApiProblem.invalid(path(f), "has a control character");
        } else if (cause instanceof tools.jackson.databind.exc.MismatchedInputException m
                && !m.getPath().isEmpty()) {
            problem = ApiProblem.invalid(path(m), "has the wrong type");
        } else if (cause instanceof tools.jackson.core.JacksonException j && j.getLocation() != null) {
            problem = ApiProblem.badRequest(
                    "malformed-json",
                    "the body is not valid JSON (line " + j.getLocation().getLineNr() + ", column "
                            + j.getLocation().getColumnNr() + ")");
        } else {
            problem = ApiProblem.badRequest("malformed-json", "the body is missing or is not valid JSON");
        }
        return ResponseEntity.status(problem.status()).body(Problems.of(problem));
    }

    private static String path(tools.jackson.databind.exc.MismatchedInputException m) {
        return m.getPath().stream()
                .map(r -> r.getPropertyName() != null ? r.getPropertyName() : "[" + r.getIndex() + "]")
                .reduce((a, b) -> a + "." + b)
                .orElse("body");
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(
            MethodArgumentNotValidException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<ApiProblem.FieldError> errors = new ArrayList<>();
        ex.getBindingResult()
                .getFieldErrors()
                .forEach(f -> errors.add(new ApiProblem.FieldError(f.getField(), f.getDefaultMessage())));
        ex.getBindingResult()
                .getGlobalErrors()
                .forEach(g -> errors.add(new ApiProblem.FieldError(g.getObjectName(), g.getDefaultMessage())));
        return ResponseEntity.badRequest().body(Problems.of(ApiProblem.invalid(errors)));
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(
            Exception ex, Object body, HttpHeaders headers, HttpStatusCode statusCode, WebRequest request) {
        ResponseEntity<Object> r = super.handleExceptionInternal(ex, body, headers, statusCode, request);
        if (r != null && r.getBody() instanceof ProblemDetail p) {
            HttpStatus s = HttpStatus.resolve(p.getStatus());
            String slug = s == null
                    ? "error"
                    : s.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
            p.setType(Problems.type(slug));
        }
        return r;
    }
}
