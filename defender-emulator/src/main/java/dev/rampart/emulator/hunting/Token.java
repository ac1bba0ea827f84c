package dev.rampart.emulator.hunting;

/** A token of a query, as {@link Lexer} reads it; {@code line} and {@code column} are 1-based. */
record Token(Kind kind, String text, int line, int column, Object value) {

    /** What a token is: a word, a literal, a punctuation mark or an operator, or the end of the query. */
    enum Kind {
        IDENT,
        STRING,
        LONG,
        REAL,
        TIMESPAN,
        DATETIME,
        PIPE,
        LPAREN,
        RPAREN,
        COMMA,
        STAR,
        ASSIGN,
        OP,
        MINUS,
        SEMICOLON,
        OTHER,
        EOF
    }
}
