package dev.rampart.emulator.hunting;

import static dev.rampart.emulator.hunting.Values.parseDateTime;

import dev.rampart.emulator.hunting.Token.Kind;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Splits the text of a query into {@link Token}s, ending with an {@link Kind#EOF} token; comments and white space are
 * skipped, and malformed literals fail with a syntax error. It also builds the syntax errors the parsers report.
 */
final class Lexer {

    /** Operators whose names contain a hyphen, read as one word. */
    private static final Set<String> HYPHENATED = Set.of(
            "project-away",
            "project-keep",
            "project-rename",
            "project-reorder",
            "mv-expand",
            "mv-apply",
            "make-series",
            "top-nested",
            "top-hitters",
            "parse-where",
            "parse-kv",
            "sample-distinct",
            "macro-expand",
            "make-graph",
            "graph-match",
            "graph-merge",
            "graph-to-table");

    private static final Map<String, Long> TIMESPAN_UNITS = Map.ofEntries(
            Map.entry("d", 86_400_000_000_000L),
            Map.entry("day", 86_400_000_000_000L),
            Map.entry("days", 86_400_000_000_000L),
            Map.entry("h", 3_600_000_000_000L),
            Map.entry("hr", 3_600_000_000_000L),
            Map.entry("hrs", 3_600_000_000_000L),
            Map.entry("hour", 3_600_000_000_000L),
            Map.entry("hours", 3_600_000_000_000L),
            Map.entry("m", 60_000_000_000L),
            Map.entry("min", 60_000_000_000L),
            Map.entry("minute", 60_000_000_000L),
            Map.entry("minutes", 60_000_000_000L),
            Map.entry("s", 1_000_000_000L),
            Map.entry("sec", 1_000_000_000L),
            Map.entry("second", 1_000_000_000L),
            Map.entry("seconds", 1_000_000_000L),
            Map.entry("ms", 1_000_000L),
            Map.entry("milli", 1_000_000L),
            Map.entry("millis", 1_000_000L),
            Map.entry("millisecond", 1_000_000L),
            Map.entry("milliseconds", 1_000_000L));

    private final String s;
    private final List<Token> tokens = new ArrayList<>();
    private int i;
    private int line = 1;
    private int lineStart;
    private int tokenStart;
    private int tokenLine;
    private int tokenColumn;

    Lexer(String s) {
        this.s = s;
    }

    List<Token> tokenize() {
        while (true) {
            skipTrivia();
            tokenStart = i;
            tokenLine = line;
            tokenColumn = i - lineStart + 1;
            if (i >= s.length()) {
                tokens.add(new Token(Kind.EOF, "", tokenLine, tokenColumn, null));
                return tokens;
            }
            char c = s.charAt(i);
            if (isIdentifierStart(c)) {
                word();
            } else if (isDigit(c)) {
                number();
            } else if (c == '"' || c == '\'') {
                string(false);
            } else if (c == '@' && i + 1 < s.length() && (s.charAt(i + 1) == '"' || s.charAt(i + 1) == '\'')) {
                i++;
                string(true);
            } else {
                symbol(c);
            }
        }
    }

    private void skipTrivia() {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\n') {
                i++;
                line++;
                lineStart = i;
            } else if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '/') {
                while (i < s.length() && s.charAt(i) != '\n') {
                    i++;
                }
            } else {
                return;
            }
        }
    }

    private void emit(Kind kind, Object value) {
        tokens.add(new Token(kind, s.substring(tokenStart, i), tokenLine, tokenColumn, value));
    }

    private HuntingQueryException error(String hint) {
        return syntaxError(s.substring(tokenStart, Math.min(i, s.length())), tokenLine, tokenColumn, hint);
    }

    private String identifierAt(int from) {
        int end = from;
        while (end < s.length() && isIdentifierPart(s.charAt(end))) {
            end++;
        }
        return s.substring(from, end);
    }

    private void word() {
        String word = identifierAt(i);
        i += word.length();
        if (i + 1 < s.length() && s.charAt(i) == '-' && isIdentifierStart(s.charAt(i + 1))) {
            String second = identifierAt(i + 1);
            if (HYPHENATED.contains(word + "-" + second)) {
                i += 1 + second.length();
            }
        } else if (word.equals("in") && i < s.length() && s.charAt(i) == '~') {
            i++;
        } else if (word.equals("datetime")) {
            int j = i;
            while (j < s.length() && (s.charAt(j) == ' ' || s.charAt(j) == '\t')) {
                j++;
            }
            if (j < s.length() && s.charAt(j) == '(') {
                datetime(j);
                return;
            }
        }
        emit(Kind.IDENT, null);
    }

    private void datetime(int open) {
        int close = s.indexOf(')', open);
        int newline = s.indexOf('\n', open);
        if (close < 0 || (newline >= 0 && newline < close)) {
            i = open + 1;
            throw error("expected a datetime literal such as datetime(2026-01-01T00:00:00Z)");
        }
        i = close + 1;
        String raw = s.substring(open + 1, close).trim();
        if (raw.length() >= 2
                && (raw.charAt(0) == '"' || raw.charAt(0) == '\'')
                && raw.charAt(raw.length() - 1) == raw.charAt(0)) {
            raw = raw.substring(1, raw.length() - 1);
        }
        Instant value = parseDateTime(raw);
        if (value == null) {
            throw error("invalid datetime literal; use datetime(2026-01-01) or datetime(2026-01-01T00:00:00Z)");
        }
        emit(Kind.DATETIME, value);
    }

    private void number() {
        int start = i;
        while (i < s.length() && isDigit(s.charAt(i))) {
            i++;
        }
        boolean real = false;
        if (i + 1 < s.length() && s.charAt(i) == '.' && isDigit(s.charAt(i + 1))) {
            real = true;
            i++;
            while (i < s.length() && isDigit(s.charAt(i))) {
                i++;
            }
        }
        if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            int j = i + 1;
            if (j < s.length() && (s.charAt(j) == '+' || s.charAt(j) == '-')) {
                j++;
            }
            if (j < s.length() && isDigit(s.charAt(j))) {
                real = true;
                i = j;
                while (i < s.length() && isDigit(s.charAt(i))) {
                    i++;
                }
            }
        }
        String digits = s.substring(start, i);
        if (i < s.length() && isIdentifierStart(s.charAt(i))) {
            String unit = identifierAt(i);
            i += unit.length();
            Long nanosPerUnit = TIMESPAN_UNITS.get(unit);
            if (nanosPerUnit == null) {
                throw error("invalid timespan unit '" + unit + "'; use d, h, m, s or ms");
            }
            try {
                long nanos = new BigDecimal(digits)
                        .multiply(BigDecimal.valueOf(nanosPerUnit))
                        .setScale(0, RoundingMode.DOWN)
                        .longValueExact();
                emit(Kind.TIMESPAN, Duration.ofNanos(nanos));
            } catch (ArithmeticException e) {
                throw error("timespan literal out of range");
            }
            return;
        }
        if (real) {
            emit(Kind.REAL, Double.parseDouble(digits));
        } else {
            try {
                emit(Kind.LONG, Long.parseLong(digits));
            } catch (NumberFormatException e) {
                throw error("integer literal out of range");
            }
        }
    }

    private void string(boolean verbatim) {
        char quote = s.charAt(i++);
        StringBuilder value = new StringBuilder();
        while (true) {
            if (i >= s.length() || s.charAt(i) == '\n') {
                throw error("unterminated string literal");
            }
            char c = s.charAt(i++);
            if (c == quote) {
                if (verbatim && i < s.length() && s.charAt(i) == quote) {
                    value.append(quote);
                    i++;
                    continue;
                }
                break;
            }
            if (c == '\\' && !verbatim) {
                if (i >= s.length()) {
                    throw error("unterminated string literal");
                }
                char escaped = s.charAt(i++);
                switch (escaped) {
                    case 'n' -> value.append('\n');
                    case 't' -> value.append('\t');
                    case 'r' -> value.append('\r');
                    case '\\', '"', '\'' -> value.append(escaped);
                    case 'u' -> {
                        if (i + 4 > s.length()) {
                            throw error("invalid \\u escape in string literal");
                        }
                        try {
                            value.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        } catch (NumberFormatException e) {
                            throw error("invalid \\u escape in string literal");
                        }
                        i += 4;
                    }
                    default -> throw error("invalid escape sequence '\\" + escaped + "' in string literal");
                }
            } else {
                value.append(c);
            }
        }
        emit(Kind.STRING, value.toString());
    }

    private void symbol(char c) {
        char next = i + 1 < s.length() ? s.charAt(i + 1) : '\0';
        i++;
        switch (c) {
            case '|' -> emit(Kind.PIPE, null);
            case '(' -> emit(Kind.LPAREN, null);
            case ')' -> emit(Kind.RPAREN, null);
            case ',' -> emit(Kind.COMMA, null);
            case '*' -> emit(Kind.STAR, null);
            case '-' -> emit(Kind.MINUS, null);
            case ';' -> emit(Kind.SEMICOLON, null);
            case '=' -> {
                if (next == '=' || next == '~') {
                    i++;
                    emit(Kind.OP, null);
                } else {
                    emit(Kind.ASSIGN, null);
                }
            }
            case '!' -> {
                if (next == '=' || next == '~') {
                    i++;
                    emit(Kind.OP, null);
                } else if (isIdentifierStart(next)) {
                    String word = identifierAt(i);
                    i += word.length();
                    if (word.equals("in") && i < s.length() && s.charAt(i) == '~') {
                        i++;
                    }
                    emit(Kind.IDENT, null);
                } else {
                    emit(Kind.OTHER, null);
                }
            }
            case '<', '>' -> {
                if (next == '=') {
                    i++;
                }
                emit(Kind.OP, null);
            }
            default -> emit(Kind.OTHER, null);
        }
    }

    /** A syntax error at {@code text}, which starts at the 1-based {@code line} and {@code column}. */
    static HuntingQueryException syntaxError(String text, int line, int column, String hint) {
        String at = text.isEmpty() ? "end of query" : "'" + abbreviate(text) + "'";
        return new HuntingQueryException("Query could not be parsed at " + at + " on line [" + line + "," + column + "]"
                + (hint == null ? "" : ": " + hint));
    }

    /** A syntax error at {@code token}. */
    static HuntingQueryException syntaxError(Token token, String hint) {
        return syntaxError(token.text(), token.line(), token.column(), hint);
    }

    private static String abbreviate(String text) {
        String oneLine = text.replace('\n', ' ').replace('\r', ' ');
        return oneLine.length() <= 50 ? oneLine : oneLine.substring(0, 47) + "...";
    }

    static boolean isIdentifierStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    static boolean isIdentifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
