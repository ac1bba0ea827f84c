package dev.rampart.emulator.hunting;

/**
 * Thrown when an advanced hunting query cannot be run: a syntax error, an unknown table or column, a type error, or an
 * operator or function outside the subset of KQL the emulator supports (see {@link HuntingQuery}).
 *
 * <p>The message is a complete, user-facing sentence, suitable as the {@code message} of the 400 {@code BadRequest}
 * error body the emulator returns. Syntax errors read like the real service's, with a short hint appended, e.g.
 * {@code Query could not be parsed at 'foo' on line [1,37]: expected a query operator after '|'}; line and column are
 * 1-based.
 */
public class HuntingQueryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public HuntingQueryException(String message) {
        super(message);
    }
}
