package dev.rampart.emulator.odata;

/**
 * Thrown when a {@code $filter} expression is invalid: a syntax error, an unknown or non-filterable property, an
 * unsupported function, an over-long or over-nested expression, or (during evaluation) a scalar operator applied to a
 * collection-valued property.
 *
 * <p>The message is a complete, user-facing sentence starting with {@code Invalid ODataQuery.}, suitable as the
 * {@code message} of the 400 {@code ODataError} body the emulator returns.
 */
public class ODataException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ODataException(String message) {
        super(message);
    }
}
