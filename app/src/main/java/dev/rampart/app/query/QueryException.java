package dev.rampart.app.query;

import java.util.List;

/**
 * A query that does not parse or does not fit the entity graph: what is wrong, where (a 0-based character offset into
 * the query, and the 1-based line and column a person reads) and what would have been accepted there.
 */
public final class QueryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int position;
    private final int line;
    private final int column;
    private final transient List<String> expected;

    public QueryException(String message, int position, int line, int column, List<String> expected) {
        super(message);
        this.position = position;
        this.line = line;
        this.column = column;
        this.expected = List.copyOf(expected);
    }

    public int position() {
        return position;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    public List<String> expected() {
        return expected;
    }
}
