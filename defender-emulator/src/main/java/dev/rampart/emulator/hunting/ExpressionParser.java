package dev.rampart.emulator.hunting;

import static dev.rampart.emulator.hunting.HuntingQuery.MAX_DEPTH;
import static dev.rampart.emulator.hunting.Lexer.isIdentifierPart;
import static dev.rampart.emulator.hunting.Lexer.isIdentifierStart;
import static dev.rampart.emulator.hunting.Lexer.syntaxError;

import dev.rampart.emulator.hunting.Expr.And;
import dev.rampart.emulator.hunting.Expr.ColumnRef;
import dev.rampart.emulator.hunting.Expr.Compare;
import dev.rampart.emulator.hunting.Expr.CompareOp;
import dev.rampart.emulator.hunting.Expr.EmptyTest;
import dev.rampart.emulator.hunting.Expr.Hash;
import dev.rampart.emulator.hunting.Expr.InList;
import dev.rampart.emulator.hunting.Expr.Literal;
import dev.rampart.emulator.hunting.Expr.Not;
import dev.rampart.emulator.hunting.Expr.NullTest;
import dev.rampart.emulator.hunting.Expr.Or;
import dev.rampart.emulator.hunting.Expr.RelativeTime;
import dev.rampart.emulator.hunting.Expr.StringOp;
import dev.rampart.emulator.hunting.Expr.StringOpSpec;
import dev.rampart.emulator.hunting.Expr.StringTest;
import dev.rampart.emulator.hunting.Token.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The expression half of the recursive-descent parser: reads scalar expressions ({@link Expr}) from the token stream,
 * resolving column names against the input columns of the operator being parsed and checking types as it goes. The
 * cursor over the tokens lives here too; {@link Parser} adds the query and its operators.
 */
abstract class ExpressionParser {

    private static final String SUPPORTED_FUNCTIONS =
            "ago, datetime, hash, isempty, isnotempty, isnotnull, isnull, not, now";

    private static final Map<String, StringOpSpec> STRING_OPERATORS = stringOperators();

    /** KQL scalar operators written as words that the emulator does not support. */
    private static final Set<String> UNSUPPORTED_WORD_OPERATORS = Set.of(
            "between",
            "!between",
            "matches",
            "has_any",
            "has_all",
            "hasprefix",
            "!hasprefix",
            "hasprefix_cs",
            "!hasprefix_cs",
            "hassuffix",
            "!hassuffix",
            "hassuffix_cs",
            "!hassuffix_cs",
            "has_any_cs",
            "contains_any",
            "in_cidr");

    private static final Set<String> AGGREGATIONS = Set.of("count", "arg_max", "arg_min");

    private static final Set<String> RESERVED = Set.of("and", "or", "by", "asc", "desc", "in", "nulls");

    private static final Set<String> BOOLEANS_TRUE = Set.of("true", "True", "TRUE");

    private static final Set<String> BOOLEANS_FALSE = Set.of("false", "False", "FALSE");

    private final List<Token> tokens;
    private int position;
    private int depth;

    /** The columns of the current operator's input, against which column names resolve. */
    List<Field> schema = List.of();

    /** The operator being parsed, named in semantic errors. */
    String operator = "where";

    ExpressionParser(List<Token> tokens) {
        this.tokens = tokens;
    }

    // -- expressions --------------------------------------------------------------------------------------------

    Expr parseExpression() {
        Expr left = parseConjunction();
        while (atWord("or")) {
            Token token = next();
            Expr right = parseConjunction();
            requireBool(token, left, right);
            left = new Or(left, right);
        }
        return left;
    }

    private Expr parseConjunction() {
        Expr left = parseComparison();
        while (atWord("and")) {
            Token token = next();
            Expr right = parseComparison();
            requireBool(token, left, right);
            left = new And(left, right);
        }
        return left;
    }

    private void requireBool(Token operatorToken, Expr left, Expr right) {
        for (Expr operand : List.of(left, right)) {
            if (operand.type() != Type.BOOL) {
                throw semanticError("the operands of '" + operatorToken.text()
                        + "' must be of type bool, but one is of type " + operand.type().kqlName);
            }
        }
    }

    private Expr parseComparison() {
        Expr left = parseOperand();
        Token token = peek();
        if (token.kind() == Kind.OP) {
            next();
            Expr right = parseOperand();
            CompareOp op = CompareOp.of(token.text());
            checkComparable(left.type(), right.type());
            if (op.isOrdering() && !left.type().isOrdered()) {
                throw semanticError(
                        "the '" + op.symbol + "' operator cannot be applied to values of type " + left.type().kqlName);
            }
            return new Compare(op, left, right);
        }
        if (token.kind() == Kind.ASSIGN) {
            throw syntaxError(token, "use '==' to compare values");
        }
        if (token.kind() == Kind.IDENT) {
            String word = token.text();
            StringOpSpec spec = STRING_OPERATORS.get(word);
            if (spec != null) {
                next();
                return new StringTest(spec, left, parseOperand());
            }
            if (word.equals("in") || word.equals("!in") || word.equals("in~") || word.equals("!in~")) {
                next();
                return parseIn(word, left);
            }
            if (UNSUPPORTED_WORD_OPERATORS.contains(word)) {
                throw new HuntingQueryException("The '" + word + "' operator is not supported by the emulator"
                        + " (line [" + token.line() + "," + token.column() + "]). Supported comparisons: ==, !=,"
                        + " <, <=, >, >=, =~, !~, contains, has, startswith, endswith (also negated with '!' and"
                        + " case-sensitive with '_cs'), in, !in, in~, !in~");
            }
        }
        return left;
    }

    /** A primary expression, which arithmetic must not follow. */
    private Expr parseOperand() {
        Expr operand = parsePrimary();
        Token token = peek();
        if (token.kind() == Kind.MINUS
                || token.kind() == Kind.STAR
                || (token.kind() == Kind.OTHER && "+/%".contains(token.text()))) {
            throw new HuntingQueryException("Arithmetic operators such as '" + token.text()
                    + "' are not supported by the emulator (line [" + token.line() + "," + token.column() + "])");
        }
        return operand;
    }

    private Expr parseIn(String word, Expr left) {
        boolean ignoreCase = word.endsWith("~");
        if (ignoreCase && left.type() != Type.STRING) {
            throw semanticError(
                    "the '" + word + "' operator needs a string, but the value is of type " + left.type().kqlName);
        }
        expect(Kind.LPAREN, "expected '(' and a list of values");
        List<Object> values = new ArrayList<>();
        do {
            Expr value = parsePrimary();
            if (!(value instanceof Literal literal)) {
                throw semanticError("the emulator supports only literal values in the list of '" + word + "'");
            }
            checkComparable(left.type(), literal.type());
            values.add(literal.value());
        } while (acceptComma());
        expect(Kind.RPAREN, "expected ',' or ')'");
        return new InList(left, List.copyOf(values), ignoreCase, word.startsWith("!"));
    }

    private void checkComparable(Type a, Type b) {
        if (a != b && !(a.isNumeric() && b.isNumeric())) {
            throw semanticError("Cannot compare values of types " + a.kqlName + " and " + b.kqlName
                    + ". Try adding explicit casts");
        }
    }

    private Expr parsePrimary() {
        Token token = peek();
        switch (token.kind()) {
            case LPAREN: {
                next();
                enter();
                Expr inner = parseExpression();
                expect(Kind.RPAREN, "expected ')'");
                depth--;
                return inner;
            }
            case STRING:
                next();
                return new Literal(Type.STRING, token.value());
            case LONG:
                next();
                return new Literal(Type.LONG, token.value());
            case REAL:
                next();
                return new Literal(Type.REAL, token.value());
            case DATETIME:
                next();
                return new Literal(Type.DATETIME, token.value());
            case MINUS: {
                next();
                Token number = next();
                if (number.kind() == Kind.LONG) {
                    return new Literal(Type.LONG, -(Long) number.value());
                }
                if (number.kind() == Kind.REAL) {
                    return new Literal(Type.REAL, -(Double) number.value());
                }
                throw syntaxError(number, "expected a number after '-'");
            }
            case TIMESPAN:
                throw semanticError("the timespan literal '" + token.text() + "' (line [" + token.line() + ","
                        + token.column() + "]) can only be used as the argument of ago() or now()"
                        + " in the emulator");
            case IDENT: {
                if (peek(1).kind() == Kind.LPAREN) {
                    return parseFunction();
                }
                if (BOOLEANS_TRUE.contains(token.text())) {
                    next();
                    return new Literal(Type.BOOL, Boolean.TRUE);
                }
                if (BOOLEANS_FALSE.contains(token.text())) {
                    next();
                    return new Literal(Type.BOOL, Boolean.FALSE);
                }
                if (!isName(token) || (indexOf(schema, token.text()) < 0 && RESERVED.contains(token.text()))) {
                    throw syntaxError(token, "expected an expression");
                }
                next();
                return resolve(token.text());
            }
            default:
                throw syntaxError(token, "expected an expression");
        }
    }

    private Expr parseFunction() {
        Token name = next();
        next();
        enter();
        Expr result;
        switch (name.text()) {
            case "ago" -> result = new RelativeTime(parseTimespanArgument(name).negated());
            case "now" -> result =
                    new RelativeTime(peek().kind() == Kind.RPAREN ? Duration.ZERO : parseTimespanArgument(name));
            case "hash" -> {
                Expr argument = parseExpression();
                long modulo = 0;
                if (acceptComma()) {
                    Token token = next();
                    if (token.kind() != Kind.LONG || (Long) token.value() <= 0) {
                        throw syntaxError(token, "expected a positive integer modulo");
                    }
                    modulo = (Long) token.value();
                }
                result = new Hash(argument, modulo);
            }
            case "isempty", "isnotempty" -> result =
                    new EmptyTest(parseExpression(), name.text().equals("isnotempty"));
            case "isnull", "isnotnull" -> result =
                    new NullTest(parseExpression(), name.text().equals("isnotnull"));
            case "not" -> {
                Expr argument = parseExpression();
                if (argument.type() != Type.BOOL) {
                    throw semanticError(
                            "the argument of not() must be of type bool, but it is of type " + argument.type().kqlName);
                }
                result = new Not(argument);
            }
            default -> {
                if (AGGREGATIONS.contains(name.text())) {
                    throw semanticError(
                            "the aggregation function '" + name.text() + "' can only be used in 'summarize'");
                }
                throw new HuntingQueryException("The function '" + name.text() + "' is not supported by the"
                        + " emulator (line [" + name.line() + "," + name.column() + "]). Supported functions: "
                        + SUPPORTED_FUNCTIONS);
            }
        }
        expect(Kind.RPAREN, "expected ')'");
        depth--;
        return result;
    }

    private Duration parseTimespanArgument(Token function) {
        boolean negative = false;
        if (peek().kind() == Kind.MINUS) {
            next();
            negative = true;
        }
        Token token = next();
        if (token.kind() != Kind.TIMESPAN) {
            throw syntaxError(token, function.text() + "() expects a timespan such as 7d, 12h, 30m, 10s or 500ms");
        }
        Duration span = (Duration) token.value();
        return negative ? span.negated() : span;
    }

    // -- helpers ------------------------------------------------------------------------------------------------

    /**
     * The names of every column the query reads, at any stage. Together with the names of the output columns, they
     * are the table columns the query needs; the others need not be read at all.
     */
    final java.util.Set<String> referenced = new java.util.HashSet<>();

    ColumnRef resolve(String name) {
        int index = indexOf(schema, name);
        if (index < 0) {
            throw semanticError("Failed to resolve scalar expression named '" + name + "'");
        }
        referenced.add(name);
        return new ColumnRef(name, index, schema.get(index).type());
    }

    HuntingQueryException semanticError(String message) {
        return new HuntingQueryException("'" + operator + "' operator: " + message);
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw new HuntingQueryException("The query is nested too deeply: the emulator accepts at most " + MAX_DEPTH
                    + " levels of parentheses and function calls");
        }
    }

    Token peek() {
        return tokens.get(position);
    }

    Token peek(int ahead) {
        return tokens.get(Math.min(position + ahead, tokens.size() - 1));
    }

    Token next() {
        Token token = tokens.get(position);
        if (token.kind() != Kind.EOF) {
            position++;
        }
        return token;
    }

    boolean atWord(String word) {
        Token token = peek();
        return token.kind() == Kind.IDENT && token.text().equals(word);
    }

    void expectWord(String word) {
        if (!atWord(word)) {
            throw syntaxError(peek(), "expected '" + word + "'");
        }
        next();
    }

    Token expect(Kind kind, String hint) {
        if (peek().kind() != kind) {
            throw syntaxError(peek(), hint);
        }
        return next();
    }

    boolean acceptComma() {
        if (peek().kind() == Kind.COMMA) {
            next();
            return true;
        }
        return false;
    }

    static boolean isName(Token token) {
        return token.kind() == Kind.IDENT
                && isIdentifierStart(token.text().charAt(0))
                && token.text().chars().allMatch(c -> isIdentifierPart((char) c));
    }

    static int indexOf(List<Field> fields, String name) {
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static Map<String, StringOpSpec> stringOperators() {
        Map<String, StringOpSpec> map = new LinkedHashMap<>();
        for (StringOp op : StringOp.values()) {
            String name = op.name().toLowerCase(Locale.ROOT);
            map.put(name, new StringOpSpec(op, false, false));
            map.put("!" + name, new StringOpSpec(op, false, true));
            map.put(name + "_cs", new StringOpSpec(op, true, false));
            map.put("!" + name + "_cs", new StringOpSpec(op, true, true));
        }
        return Map.copyOf(map);
    }
}
