package dev.rampart.emulator.odata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.chrono.IsoChronology;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalQueries;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An OData v4 {@code $filter} expression, parsed once and then evaluated against Jackson {@link JsonNode} entities.
 *
 * <p>The supported subset is what clients of the Defender for Endpoint API use:
 *
 * <ul>
 *   <li>the logical operators {@code or} (lowest precedence), {@code and} and {@code not}, and parentheses;
 *   <li>comparisons {@code property op literal} (or {@code literal op property}) with {@code eq}, {@code ne}, {@code
 *       gt}, {@code ge}, {@code lt} and {@code le}, and {@code property in ('a', 'b')};
 *   <li>the string functions {@code startswith}, {@code endswith} and {@code contains}, alone or compared with {@code
 *       true} or {@code false};
 *   <li>the lambda operators {@code property/any(t: ...)}, {@code property/all(t: ...)} and {@code property/any()} over
 *       collections of primitive values such as {@code machineTags};
 *   <li>literals: single-quoted strings ({@code ''} escapes a quote), integers and decimals, {@code true}, {@code
 *       false}, {@code null}, unquoted dates and date-times ({@code 2018-08-01}, {@code 2018-08-01Z}, {@code
 *       2019-11-22T00:00:00Z}, {@code 2026-01-01T00:00:00.1234567+02:00}), unquoted GUIDs (compared as strings) and
 *       the typed forms {@code datetime'...'}, {@code datetimeoffset'...'} and {@code guid'...'}.
 * </ul>
 *
 * <p>Keywords, function names and property names are case-insensitive; properties must be in the entity's whitelist of
 * filterable properties and are read from the entity under their canonical (whitelist) name. Comparison semantics:
 *
 * <ul>
 *   <li>a date or date-time literal (or a quoted string that is one) compares with an ISO-8601 entity value as an
 *       instant; a bare date means midnight UTC;
 *   <li>numbers compare numerically, whether the entity holds a JSON number or a numeric string, and a quoted numeric
 *       literal compares numerically with a JSON number ({@code rbacGroupId eq '140'} matches {@code 140});
 *   <li>strings compare case-insensitively in ordinal order, for every operator and for the string functions;
 *   <li>{@code eq null} matches a missing or JSON-null field and {@code ne null} the opposite; a missing or null field
 *       is not equal to any other literal, and ordering operators ({@code gt}, {@code ge}, {@code lt}, {@code le})
 *       with {@code null} or a missing field are false;
 *   <li>values of different kinds (a string and a boolean, say) are never equal and never ordered.
 * </ul>
 *
 * <p>Sources followed: the Defender for Endpoint OData samples,
 * https://learn.microsoft.com/en-us/defender-endpoint/api/exposed-apis-odata-samples, and OData Version 4.01 Part 2:
 * URL Conventions, section 5.1.1 "Built-in Filter Operations",
 * https://docs.oasis-open.org/odata/odata/v4.01/odata-v4.01-part2-url-conventions.html. Deliberate deviation from
 * the standard's precedence: {@code not} applies to the whole comparison that follows it ({@code not a eq 1} means
 * {@code not (a eq 1)}), which is how clients write it.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ODataFilter {

    /** The longest {@code $filter} expression accepted, in characters. */
    public static final int MAX_LENGTH = 4_000;

    /** The deepest nesting of parentheses, {@code not} and lambdas accepted. */
    public static final int MAX_DEPTH = 50;

    private static final String INVALID = "Invalid ODataQuery. ";

    private final String text;
    private final Expr root;
    private final Set<String> properties;

    private ODataFilter(String text, Expr root, Set<String> properties) {
        this.text = text;
        this.root = root;
        this.properties = properties;
    }

    /**
     * Parses a {@code $filter} expression.
     *
     * @param text the value of the {@code $filter} query parameter, already URL-decoded
     * @param filterableProperties the canonical (camelCase) names of the properties the entity allows in filters
     * @return the parsed filter
     * @throws ODataException if the expression is empty, too long, too deeply nested, syntactically invalid, or uses a
     *     property that is not filterable or a function that is not supported
     */
    public static ODataFilter parse(String text, Set<String> filterableProperties) {
        Objects.requireNonNull(filterableProperties, "filterableProperties");
        if (text == null || text.isBlank()) {
            throw new ODataException(INVALID + "The $filter expression is empty.");
        }
        if (text.length() > MAX_LENGTH) {
            throw new ODataException(INVALID + "The $filter expression is " + text.length()
                    + " characters long; the maximum is " + MAX_LENGTH + ".");
        }
        Parser parser = new Parser(text, new Lexer(text).tokenize(), filterableProperties);
        Expr root = parser.parseFilter();
        return new ODataFilter(text, root, Collections.unmodifiableSet(new LinkedHashSet<>(parser.used)));
    }

    /**
     * Evaluates the filter against one entity.
     *
     * @param entity a JSON object with camelCase property names
     * @return whether the entity matches
     * @throws ODataException if the filter compares a collection-valued property directly (for example {@code
     *     machineTags eq 'x'} instead of {@code machineTags/any(t: t eq 'x')}), or applies {@code any}/{@code all} to
     *     a property that is not a collection; the types of properties are only known once an entity is seen
     */
    public boolean test(JsonNode entity) {
        Objects.requireNonNull(entity, "entity");
        return root.eval(entity, null);
    }

    /** The canonical names of the properties the filter uses, in order of first use. */
    public Set<String> properties() {
        return properties;
    }

    /** The filter text as given to {@link #parse}. */
    @Override
    public String toString() {
        return text;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Values and comparison
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Dates and date-times as OData (unquoted) and the Defender API (entity values) write them: {@code 2018-08-01},
     * {@code 2018-08-01Z}, {@code 2018-08-01T16:14:19Z}, {@code 2018-08-01T16:14:19.1234567+02:00}. A missing time
     * means midnight; a missing offset means UTC.
     */
    private static final DateTimeFormatter DATE_TIME = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart()
            .appendLiteral('T')
            .append(DateTimeFormatter.ISO_LOCAL_TIME)
            .optionalEnd()
            .optionalStart()
            .appendOffset("+HH:MM", "Z")
            .optionalEnd()
            .toFormatter(Locale.ROOT)
            .withResolverStyle(ResolverStyle.STRICT)
            .withChronology(IsoChronology.INSTANCE);

    /** Returns the instant {@code text} denotes, or {@code null} if it is not a date or date-time. */
    private static Instant parseInstant(String text) {
        if (text.length() < 10 || text.charAt(4) != '-' || !Character.isDigit(text.charAt(0))) {
            return null;
        }
        try {
            TemporalAccessor parsed = DATE_TIME.parse(text);
            LocalDate date = parsed.query(TemporalQueries.localDate());
            LocalTime time = parsed.query(TemporalQueries.localTime());
            ZoneOffset offset = parsed.query(TemporalQueries.offset());
            return date.atTime(time == null ? LocalTime.MIDNIGHT : time)
                    .toInstant(offset == null ? ZoneOffset.UTC : offset);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** Whether {@code text} is {@code -?digits(.digits)?([eE][+-]?digits)?}. */
    private static boolean isNumber(String text) {
        int i = 0;
        int n = text.length();
        if (i < n && text.charAt(i) == '-') {
            i++;
        }
        int digits = skipDigits(text, i);
        if (digits == i) {
            return false;
        }
        i = digits;
        if (i < n && text.charAt(i) == '.') {
            digits = skipDigits(text, i + 1);
            if (digits == i + 1) {
                return false;
            }
            i = digits;
        }
        if (i < n && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
            i++;
            if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
                i++;
            }
            digits = skipDigits(text, i);
            if (digits == i) {
                return false;
            }
            i = digits;
        }
        return i == n;
    }

    private static int skipDigits(String text, int from) {
        int i = from;
        while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
            i++;
        }
        return i;
    }

    /** Returns the number {@code text} denotes, or {@code null} if it is not a number. */
    private static BigDecimal parseDecimal(String text) {
        if (!isNumber(text)) {
            return null;
        }
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) { // exponent out of range
            return null;
        }
    }

    private static Boolean parseBoolean(String text) {
        if ("true".equalsIgnoreCase(text)) {
            return Boolean.TRUE;
        }
        if ("false".equalsIgnoreCase(text)) {
            return Boolean.FALSE;
        }
        return null;
    }

    private static boolean isAbsent(JsonNode value) {
        return value == null || value.isMissingNode() || value.isNull();
    }

    private static String lower(String text) {
        return text.toLowerCase(Locale.ROOT);
    }

    /** Applies {@code op} to an entity value and a literal; see the class comment for the semantics. */
    private static boolean compare(JsonNode value, Op op, Literal literal, ValueRef ref) {
        boolean absent = isAbsent(value);
        if (literal instanceof NullLit) {
            return switch (op) {
                case EQ -> absent;
                case NE -> !absent;
                default -> false;
            };
        }
        if (absent) {
            return op == Op.NE;
        }
        if (value.isContainerNode()) {
            throw ref.notComparable(value);
        }
        Integer order = order(value, literal);
        if (order == null) { // values of different kinds: never equal, never ordered
            return op == Op.NE;
        }
        return op.test(order);
    }

    /** Compares an entity value with a literal; {@code null} if they are of incomparable kinds. */
    private static Integer order(JsonNode value, Literal literal) {
        if (literal instanceof StringLit s) {
            if (value.isTextual()) {
                String text = value.textValue();
                Instant instant = s.instant() == null ? null : parseInstant(text);
                if (instant != null) {
                    return instant.compareTo(s.instant());
                }
                return String.CASE_INSENSITIVE_ORDER.compare(text, s.value());
            }
            if (value.isNumber()) {
                BigDecimal number = decimal(value);
                return number == null || s.number() == null ? null : number.compareTo(s.number());
            }
            if (value.isBoolean()) {
                Boolean bool = parseBoolean(s.value());
                return bool == null ? null : Boolean.compare(value.booleanValue(), bool);
            }
            return null;
        }
        if (literal instanceof NumberLit n) {
            BigDecimal number =
                    value.isNumber() ? decimal(value) : value.isTextual() ? parseDecimal(value.textValue()) : null;
            return number == null ? null : number.compareTo(n.value());
        }
        if (literal instanceof BoolLit b) {
            Boolean bool = value.isBoolean()
                    ? Boolean.valueOf(value.booleanValue())
                    : value.isTextual() ? parseBoolean(value.textValue()) : null;
            return bool == null ? null : Boolean.compare(bool, b.value());
        }
        if (literal instanceof DateTimeLit d) {
            Instant instant = value.isTextual() ? parseInstant(value.textValue()) : null;
            return instant == null ? null : instant.compareTo(d.value());
        }
        return null;
    }

    private static BigDecimal decimal(JsonNode number) {
        try {
            return number.decimalValue();
        } catch (NumberFormatException e) { // NaN or infinity
            return null;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Syntax tree (immutable)
    // ---------------------------------------------------------------------------------------------------------------

    /** Lambda variable bindings during evaluation, innermost first. */
    private record Scope(String variable, JsonNode value, Scope parent) {

        static JsonNode lookup(Scope scope, String name) {
            for (Scope s = scope; s != null; s = s.parent) {
                if (s.variable.equals(name)) {
                    return s.value;
                }
            }
            return MissingNode.getInstance();
        }
    }

    /** A boolean expression. */
    private sealed interface Expr {
        boolean eval(JsonNode entity, Scope scope);
    }

    private record OrExpr(List<Expr> terms) implements Expr {
        @Override
        public boolean eval(JsonNode entity, Scope scope) {
            for (Expr term : terms) {
                if (term.eval(entity, scope)) {
                    return true;
                }
            }
            return false;
        }
    }

    private record AndExpr(List<Expr> terms) implements Expr {
        @Override
        public boolean eval(JsonNode entity, Scope scope) {
            for (Expr term : terms) {
                if (!term.eval(entity, scope)) {
                    return false;
                }
            }
            return true;
        }
    }

    private record NotExpr(Expr operand) implements Expr {
        @Override
        public boolean eval(JsonNode entity, Scope scope) {
            return !operand.eval(entity, scope);
        }
    }

    private record CompareExpr(ValueRef ref, Op op, Literal literal) implements Expr {
        @Override
        public boolean eval(JsonNode entity, Scope scope) {
            return compare(ref.resolve(entity, scope), op, literal, ref);
        }
    }

    private record InExpr(ValueRef ref, List<Literal> literals) implements Expr {
        @Override
        public boolean eval(JsonNode entity, Scope scope) {
            JsonNode value = ref.resolve(entity, scope);
            for (Literal literal : literals) {
                if (compare(value, Op.EQ, literal, ref)) {
                    return true;
                }
            }
            return false;
        }
    }

    private record FunctionExpr(Function function, ValueRef ref, String lowerArgument) implements Expr {
        @Override
        public boolean eval(JsonNode entity, Scope scope) {
            JsonNode value = ref.resolve(entity, scope);
            if (isAbsent(value)) {
                return false;
            }
            if (value.isContainerNode()) {
                throw ref.notComparable(value);
            }
            return function.test(lower(value.asText()), lowerArgument);
        }
    }

    /** {@code property/any(variable: body)}, {@code property/all(variable: body)} or {@code property/any()}. */
    private record LambdaExpr(String property, boolean all, String variable, Expr body) implements Expr {
        @Override
        public boolean eval(JsonNode entity, Scope scope) {
            JsonNode collection = entity.path(property);
            if (isAbsent(collection)) {
                return all; // an absent collection is empty: any() is false, all() is vacuously true
            }
            if (!collection.isArray()) {
                throw new ODataException(INVALID + "Property '" + property + "' is not a collection, so "
                        + (all ? "all" : "any") + "() cannot be applied to it.");
            }
            if (body == null) {
                return !collection.isEmpty();
            }
            for (JsonNode item : collection) {
                if (body.eval(entity, new Scope(variable, item, scope)) != all) {
                    return !all;
                }
            }
            return all;
        }
    }

    /** Something that yields a value from the entity: a property or a lambda variable. */
    private sealed interface ValueRef {
        JsonNode resolve(JsonNode entity, Scope scope);

        ODataException notComparable(JsonNode value);
    }

    private record PropertyRef(String name) implements ValueRef {
        @Override
        public JsonNode resolve(JsonNode entity, Scope scope) {
            return entity.path(name);
        }

        @Override
        public ODataException notComparable(JsonNode value) {
            if (value.isArray()) {
                return new ODataException(INVALID + "Property '" + name + "' is a collection and cannot be compared"
                        + " directly; use a lambda such as " + name + "/any(t: t eq 'value') instead.");
            }
            return new ODataException(
                    INVALID + "Property '" + name + "' is not a primitive value and cannot be" + " compared.");
        }
    }

    private record VariableRef(String name) implements ValueRef {
        @Override
        public JsonNode resolve(JsonNode entity, Scope scope) {
            return Scope.lookup(scope, name);
        }

        @Override
        public ODataException notComparable(JsonNode value) {
            return new ODataException(INVALID + "Lambda variable '" + name + "' refers to "
                    + (value.isArray() ? "a collection" : "an object")
                    + "; only collections of primitive values are supported.");
        }
    }

    private sealed interface Literal {}

    /** A string literal, with its meaning as an instant and as a number worked out once, if it has one. */
    private record StringLit(String value, Instant instant, BigDecimal number) implements Literal {
        static StringLit of(String value) {
            return new StringLit(value, parseInstant(value), parseDecimal(value));
        }
    }

    private record NumberLit(BigDecimal value) implements Literal {}

    private record BoolLit(boolean value) implements Literal {}

    private record NullLit() implements Literal {}

    private record DateTimeLit(Instant value) implements Literal {}

    private enum Op {
        EQ,
        NE,
        GT,
        GE,
        LT,
        LE;

        boolean test(int order) {
            return switch (this) {
                case EQ -> order == 0;
                case NE -> order != 0;
                case GT -> order > 0;
                case GE -> order >= 0;
                case LT -> order < 0;
                case LE -> order <= 0;
            };
        }

        /** The operator to use when the operands are swapped: {@code 5 gt x} is {@code x lt 5}. */
        Op flip() {
            return switch (this) {
                case GT -> LT;
                case GE -> LE;
                case LT -> GT;
                case LE -> GE;
                default -> this;
            };
        }

        static Op of(Token token) {
            if (token.kind() != Kind.IDENT) {
                return null;
            }
            for (Op op : values()) {
                if (op.name().equalsIgnoreCase(token.text())) {
                    return op;
                }
            }
            return null;
        }
    }

    private enum Function {
        CONTAINS,
        ENDSWITH,
        STARTSWITH;

        boolean test(String lowerValue, String lowerArgument) {
            return switch (this) {
                case CONTAINS -> lowerValue.contains(lowerArgument);
                case ENDSWITH -> lowerValue.endsWith(lowerArgument);
                case STARTSWITH -> lowerValue.startsWith(lowerArgument);
            };
        }

        String displayName() {
            return lower(name());
        }

        static Function of(String name) {
            for (Function function : values()) {
                if (function.name().equalsIgnoreCase(name)) {
                    return function;
                }
            }
            return null;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Tokenizer
    // ---------------------------------------------------------------------------------------------------------------

    private enum Kind {
        IDENT,
        LITERAL,
        LPAREN,
        RPAREN,
        COMMA,
        COLON,
        SLASH,
        END
    }

    /**
     * A token; {@code position} is the 0-based index of its first character, {@code literal} is set for {@link
     * Kind#LITERAL} only.
     */
    private record Token(Kind kind, String text, int position, Literal literal) {}

    private static ODataException syntaxError(String text, int position, String detail) {
        return new ODataException(
                INVALID + "Syntax error at position " + (position + 1) + " in '" + text + "': " + detail + ".");
    }

    private static final class Lexer {
        private final String text;
        private final List<Token> tokens = new ArrayList<>();
        private int pos;

        Lexer(String text) {
            this.text = text;
        }

        List<Token> tokenize() {
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (Character.isWhitespace(c)) {
                    pos++;
                } else if (c == '(') {
                    single(Kind.LPAREN);
                } else if (c == ')') {
                    single(Kind.RPAREN);
                } else if (c == ',') {
                    single(Kind.COMMA);
                } else if (c == ':') {
                    single(Kind.COLON);
                } else if (c == '/') {
                    single(Kind.SLASH);
                } else if (c == '\'') {
                    int start = pos;
                    String value = readString();
                    tokens.add(new Token(Kind.LITERAL, text.substring(start, pos), start, StringLit.of(value)));
                } else if (isGuidAt(pos)) {
                    String guid = text.substring(pos, pos + 36);
                    tokens.add(new Token(Kind.LITERAL, guid, pos, StringLit.of(guid)));
                    pos += 36;
                } else if (isDigit(c) || (c == '-' && pos + 1 < text.length() && isDigit(text.charAt(pos + 1)))) {
                    readNumberOrDateTime();
                } else if (Character.isLetter(c) || c == '_') {
                    readIdentifier();
                } else if (c == '"') {
                    throw syntaxError(text, pos, "unexpected character '\"' (string literals use single quotes)");
                } else {
                    throw syntaxError(text, pos, "unexpected character '" + c + "'");
                }
            }
            tokens.add(new Token(Kind.END, "", text.length(), null));
            return tokens;
        }

        private void single(Kind kind) {
            tokens.add(new Token(kind, String.valueOf(text.charAt(pos)), pos, null));
            pos++;
        }

        /** Reads a single-quoted string starting at {@code pos}; {@code ''} is an escaped quote. */
        private String readString() {
            int start = pos;
            StringBuilder value = new StringBuilder();
            pos++;
            while (true) {
                if (pos >= text.length()) {
                    throw syntaxError(text, start, "unterminated string literal");
                }
                char c = text.charAt(pos);
                if (c == '\'') {
                    if (pos + 1 < text.length() && text.charAt(pos + 1) == '\'') {
                        value.append('\'');
                        pos += 2;
                    } else {
                        pos++;
                        return value.toString();
                    }
                } else {
                    value.append(c);
                    pos++;
                }
            }
        }

        /** Unquoted numbers ({@code 140}, {@code -1.5}, {@code 2e3}) and dates/date-times ({@code 2018-08-01Z}). */
        private void readNumberOrDateTime() {
            int start = pos;
            pos++;
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (!(isIdentifierPart(c) || c == '.' || c == ':' || c == '+' || c == '-')) {
                    break;
                }
                pos++;
            }
            String word = text.substring(start, pos);
            BigDecimal number = parseDecimal(word);
            if (number != null) {
                tokens.add(new Token(Kind.LITERAL, word, start, new NumberLit(number)));
                return;
            }
            Instant instant = parseInstant(word);
            if (instant != null) {
                tokens.add(new Token(Kind.LITERAL, word, start, new DateTimeLit(instant)));
                return;
            }
            String hint = word.length() == 5 && word.charAt(2) == ':'
                    ? " (if this is a UTC offset, encode the '+' in the URL as %2B)"
                    : " (expected a number or a date-time)";
            throw syntaxError(text, start, "malformed literal '" + word + "'" + hint);
        }

        /** Identifiers; {@code datetime'...'}, {@code datetimeoffset'...'} and {@code guid'...'} become literals. */
        private void readIdentifier() {
            int start = pos;
            while (pos < text.length() && isIdentifierPart(text.charAt(pos))) {
                pos++;
            }
            String word = text.substring(start, pos);
            if (pos < text.length() && text.charAt(pos) == '\'') {
                String prefix = lower(word);
                if (prefix.equals("datetime") || prefix.equals("datetimeoffset") || prefix.equals("guid")) {
                    int quote = pos;
                    String value = readString();
                    Literal literal;
                    if (prefix.equals("guid")) {
                        literal = StringLit.of(value);
                    } else {
                        Instant instant = parseInstant(value);
                        if (instant == null) {
                            throw syntaxError(text, quote, "'" + value + "' is not a valid date-time");
                        }
                        literal = new DateTimeLit(instant);
                    }
                    tokens.add(new Token(Kind.LITERAL, text.substring(start, pos), start, literal));
                    return;
                }
            }
            tokens.add(new Token(Kind.IDENT, word, start, null));
        }

        /** Whether an unquoted GUID ({@code 8-4-4-4-12} hex digits) starts at {@code at}. */
        private boolean isGuidAt(int at) {
            if (at + 36 > text.length()) {
                return false;
            }
            for (int i = 0; i < 36; i++) {
                char c = text.charAt(at + i);
                boolean ok = (i == 8 || i == 13 || i == 18 || i == 23) ? c == '-' : Character.digit(c, 16) >= 0;
                if (!ok) {
                    return false;
                }
            }
            if (at + 36 < text.length()) {
                char next = text.charAt(at + 36);
                return !isIdentifierPart(next) && next != '-' && next != '.' && next != ':';
            }
            return true;
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        private static boolean isIdentifierPart(char c) {
            return Character.isLetterOrDigit(c) || c == '_';
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Recursive-descent parser
    //
    //   filter     := or END
    //   or         := and ('or' and)*
    //   and        := unary ('and' unary)*
    //   unary      := 'not' unary | primary
    //   primary    := '(' or ')'
    //               | operand [ compareOp operand | 'in' '(' literal (',' literal)* ')' ]
    //   operand    := literal | property | variable | function | property '/' ('any' | 'all') lambda
    //   function   := ('startswith' | 'endswith' | 'contains') '(' (property | variable) ',' string ')'
    //   lambda     := '(' [ variable ':' or ] ')'
    // ---------------------------------------------------------------------------------------------------------------

    /** An operand of a comparison, before the comparison is normalised to {@code ref op literal}. */
    private sealed interface Operand {
        Token token();
    }

    private record LiteralOperand(Token token, Literal literal) implements Operand {}

    private record RefOperand(Token token, ValueRef ref) implements Operand {}

    /** A boolean-valued function call or lambda. */
    private record BoolOperand(Token token, Expr expr) implements Operand {}

    /** What the parser expects where an operand is missing, for error messages. */
    private enum Expect {
        CONDITION("expected a property, a function call, 'not' or '('"),
        LITERAL("expected a literal"),
        BOOLEAN("expected true or false"),
        PROPERTY("expected a property name");

        private final String message;

        Expect(String message) {
            this.message = message;
        }
    }

    private static final class Parser {
        private final String text;
        private final List<Token> tokens;
        private final Set<String> filterable;
        private final Map<String, String> canonicalByLowerName = new HashMap<>();
        private final Deque<String> variables = new ArrayDeque<>();
        private final Set<String> used = new LinkedHashSet<>();
        private int index;
        private int depth;

        Parser(String text, List<Token> tokens, Set<String> filterable) {
            this.text = text;
            this.tokens = tokens;
            this.filterable = filterable;
            for (String name : filterable) {
                canonicalByLowerName.put(lower(name), name);
            }
        }

        Expr parseFilter() {
            Expr expr = parseOr();
            Token token = peek();
            if (token.kind() != Kind.END) {
                throw error(token, "expected 'and', 'or' or the end of the filter but found " + describe(token));
            }
            return expr;
        }

        private Expr parseOr() {
            List<Expr> terms = new ArrayList<>();
            terms.add(parseAnd());
            while (isKeyword(peek(), "or")) {
                next();
                terms.add(parseAnd());
            }
            return terms.size() == 1 ? terms.get(0) : new OrExpr(List.copyOf(terms));
        }

        private Expr parseAnd() {
            List<Expr> terms = new ArrayList<>();
            terms.add(parseUnary());
            while (isKeyword(peek(), "and")) {
                next();
                terms.add(parseUnary());
            }
            return terms.size() == 1 ? terms.get(0) : new AndExpr(List.copyOf(terms));
        }

        private Expr parseUnary() {
            if (isKeyword(peek(), "not")) {
                enter();
                next();
                Expr operand = parseUnary();
                depth--;
                return new NotExpr(operand);
            }
            return parsePrimary();
        }

        private Expr parsePrimary() {
            Token open = peek();
            if (open.kind() == Kind.LPAREN) {
                enter();
                next();
                Expr inner = parseOr();
                Token close = peek();
                if (close.kind() != Kind.RPAREN) {
                    throw error(
                            close,
                            "expected ')' to close the '(' at position " + (open.position() + 1) + " but found "
                                    + describe(close));
                }
                next();
                depth--;
                return inner;
            }
            Operand left = parseOperand(Expect.CONDITION);
            Token opToken = peek();
            Op op = Op.of(opToken);
            if (op != null) {
                next();
                Expect expect = left instanceof RefOperand
                        ? Expect.LITERAL
                        : left instanceof BoolOperand ? Expect.BOOLEAN : Expect.PROPERTY;
                return comparison(left, op, opToken, parseOperand(expect));
            }
            if (isKeyword(opToken, "in")) {
                return parseIn(left, opToken);
            }
            return standalone(left, opToken);
        }

        private Expr comparison(Operand left, Op op, Token opToken, Operand right) {
            if (left instanceof RefOperand ref && right instanceof LiteralOperand literal) {
                return new CompareExpr(ref.ref(), op, literal.literal());
            }
            if (left instanceof LiteralOperand literal && right instanceof RefOperand ref) {
                return new CompareExpr(ref.ref(), op.flip(), literal.literal());
            }
            if (left instanceof BoolOperand bool && right instanceof LiteralOperand literal) {
                return booleanComparison(bool.expr(), op, opToken, literal);
            }
            if (left instanceof LiteralOperand literal && right instanceof BoolOperand bool) {
                return booleanComparison(bool.expr(), op, opToken, literal);
            }
            if (left instanceof RefOperand && right instanceof RefOperand) {
                throw error(
                        right.token(),
                        "comparing two properties is not supported; compare a property with a" + " literal");
            }
            if (left instanceof LiteralOperand) {
                throw error(right.token(), "expected a property name but found " + describe(right.token()));
            }
            if (left instanceof BoolOperand) {
                throw error(right.token(), "a function call or lambda can only be compared with true or false");
            }
            throw error(right.token(), "a function call or lambda cannot be compared with a property");
        }

        /** {@code startswith(p,'x') eq true} is {@code startswith(p,'x')}; {@code ... eq false} is its negation. */
        private Expr booleanComparison(Expr expr, Op op, Token opToken, LiteralOperand literal) {
            if (!(literal.literal() instanceof BoolLit bool)) {
                throw error(literal.token(), "a function call or lambda can only be compared with true or false");
            }
            if (op != Op.EQ && op != Op.NE) {
                throw error(opToken, "only 'eq' and 'ne' can compare a function call or lambda with true or false");
            }
            return (op == Op.EQ) == bool.value() ? expr : new NotExpr(expr);
        }

        private Expr parseIn(Operand left, Token inToken) {
            if (!(left instanceof RefOperand ref)) {
                throw error(inToken, "'in' needs a property on its left");
            }
            next();
            expect(Kind.LPAREN, "expected '(' after 'in'");
            List<Literal> literals = new ArrayList<>();
            while (true) {
                Token token = peek();
                Literal literal = literalOf(token);
                if (literal == null) {
                    throw error(token, "expected a literal but found " + describe(token));
                }
                literals.add(literal);
                next();
                Token separator = next();
                if (separator.kind() == Kind.RPAREN) {
                    return new InExpr(ref.ref(), List.copyOf(literals));
                }
                if (separator.kind() != Kind.COMMA) {
                    throw error(separator, "expected ',' or ')' but found " + describe(separator));
                }
            }
        }

        /** An operand not followed by an operator: a function call, a lambda, or a boolean property. */
        private Expr standalone(Operand left, Token following) {
            boolean ends = following.kind() == Kind.END
                    || following.kind() == Kind.RPAREN
                    || isKeyword(following, "and")
                    || isKeyword(following, "or");
            if (left instanceof BoolOperand bool && ends) {
                return bool.expr();
            }
            if (left instanceof RefOperand ref && ends) {
                return new CompareExpr(ref.ref(), Op.EQ, new BoolLit(true));
            }
            String operators = left instanceof BoolOperand
                    ? "'eq' or 'ne'"
                    : "a comparison operator (eq, ne, gt, ge," + " lt, le) or 'in'";
            throw error(
                    following,
                    "expected " + operators + " after " + describe(left.token()) + " but found " + describe(following));
        }

        private Operand parseOperand(Expect expect) {
            Token token = peek();
            Literal literal = literalOf(token);
            if (literal != null) {
                next();
                return new LiteralOperand(token, literal);
            }
            if (token.kind() != Kind.IDENT || isReserved(token)) {
                throw error(token, expect.message + " but found " + describe(token));
            }
            if (peek(1).kind() == Kind.LPAREN) {
                return new BoolOperand(token, parseFunction());
            }
            next();
            String variable = variable(token.text());
            if (variable != null) {
                if (peek().kind() == Kind.SLASH) {
                    throw error(
                            peek(),
                            "member access on lambda variable '" + variable + "' is not supported;"
                                    + " lambdas are supported over collections of primitive values");
                }
                return new RefOperand(token, new VariableRef(variable));
            }
            String property = canonicalByLowerName.get(lower(token.text()));
            if (property == null) {
                if (expect == Expect.LITERAL) {
                    throw error(
                            token,
                            "expected a literal but found '" + token.text()
                                    + "' (string literals must be enclosed in single quotes)");
                }
                throw unknownProperty(token.text());
            }
            used.add(property);
            if (peek().kind() == Kind.SLASH) {
                return new BoolOperand(token, parseLambda(property));
            }
            return new RefOperand(token, new PropertyRef(property));
        }

        /** {@code startswith(property, 'x')}, {@code endswith(...)} or {@code contains(...)}. */
        private Expr parseFunction() {
            Token name = next();
            Function function = Function.of(name.text());
            if (function == null) {
                throw error(
                        name,
                        "unknown or unsupported function '" + name.text()
                                + "'; supported functions are contains, endswith and startswith");
            }
            next(); // '('
            Operand subject = parseOperand(Expect.PROPERTY);
            if (!(subject instanceof RefOperand ref)) {
                throw error(
                        subject.token(),
                        "the first argument of " + function.displayName() + " must be a property or lambda variable");
            }
            expect(Kind.COMMA, "expected ',' after the first argument of " + function.displayName());
            Token argument = peek();
            if (!(literalOf(argument) instanceof StringLit string)) {
                throw error(
                        argument,
                        "expected a string literal as the second argument of " + function.displayName() + " but found "
                                + describe(argument));
            }
            next();
            expect(Kind.RPAREN, "expected ')' to close " + function.displayName() + "(");
            return new FunctionExpr(function, ref.ref(), lower(string.value()));
        }

        /** {@code property/any(t: ...)}, {@code property/all(t: ...)} or {@code property/any()}. */
        private Expr parseLambda(String property) {
            next(); // '/'
            Token operator = peek();
            boolean all;
            if (isKeyword(operator, "any")) {
                all = false;
            } else if (isKeyword(operator, "all")) {
                all = true;
            } else {
                throw error(
                        operator, "expected 'any' or 'all' after '" + property + "/' but found " + describe(operator));
            }
            next();
            String operatorName = lower(operator.text());
            expect(Kind.LPAREN, "expected '(' after '" + operatorName + "'");
            if (peek().kind() == Kind.RPAREN && !all) {
                next();
                return new LambdaExpr(property, false, null, null);
            }
            Token variable = peek();
            if (variable.kind() != Kind.IDENT || isReserved(variable)) {
                throw error(variable, "expected a lambda variable name but found " + describe(variable));
            }
            next();
            expect(Kind.COLON, "expected ':' after the lambda variable '" + variable.text() + "'");
            enter();
            variables.push(variable.text());
            Expr body = parseOr();
            variables.pop();
            depth--;
            expect(Kind.RPAREN, "expected ')' to close " + property + "/" + operatorName + "(");
            return new LambdaExpr(property, all, variable.text(), body);
        }

        /** The literal a token denotes, including the keywords true, false and null; {@code null} if none. */
        private static Literal literalOf(Token token) {
            if (token.kind() == Kind.LITERAL) {
                return token.literal();
            }
            if (isKeyword(token, "true")) {
                return new BoolLit(true);
            }
            if (isKeyword(token, "false")) {
                return new BoolLit(false);
            }
            if (isKeyword(token, "null")) {
                return new NullLit();
            }
            return null;
        }

        /** The declared name of the innermost lambda variable called {@code name}, or {@code null}. */
        private String variable(String name) {
            for (String variable : variables) {
                if (variable.equalsIgnoreCase(name)) {
                    return variable;
                }
            }
            return null;
        }

        private void enter() {
            if (++depth > MAX_DEPTH) {
                throw new ODataException(
                        INVALID + "The $filter expression is nested more than " + MAX_DEPTH + " levels deep.");
            }
        }

        private Token peek() {
            return peek(0);
        }

        private Token peek(int ahead) {
            return tokens.get(Math.min(index + ahead, tokens.size() - 1));
        }

        private Token next() {
            Token token = peek();
            if (index < tokens.size() - 1) {
                index++;
            }
            return token;
        }

        private void expect(Kind kind, String message) {
            Token token = peek();
            if (token.kind() != kind) {
                throw error(token, message + " but found " + describe(token));
            }
            next();
        }

        private static boolean isKeyword(Token token, String keyword) {
            return token.kind() == Kind.IDENT && token.text().equalsIgnoreCase(keyword);
        }

        private static boolean isReserved(Token token) {
            if (token.kind() != Kind.IDENT) {
                return false;
            }
            return switch (lower(token.text())) {
                case "and", "or", "not", "in", "eq", "ne", "gt", "ge", "lt", "le" -> true;
                default -> false;
            };
        }

        private static String describe(Token token) {
            if (token.kind() == Kind.END) {
                return "the end of the filter";
            }
            if (token.kind() == Kind.LITERAL && token.text().startsWith("'")) {
                return "the string " + token.text();
            }
            return "'" + token.text() + "'";
        }

        private ODataException error(Token token, String detail) {
            return syntaxError(text, token.position(), detail);
        }

        private ODataException unknownProperty(String name) {
            String list =
                    filterable.stream().sorted(String.CASE_INSENSITIVE_ORDER).collect(Collectors.joining(", "));
            return new ODataException(INVALID + "Could not find a filterable property named '" + name + "'. "
                    + (list.isEmpty()
                            ? "This entity has no filterable properties."
                            : "Filterable properties: " + list + "."));
        }
    }
}
