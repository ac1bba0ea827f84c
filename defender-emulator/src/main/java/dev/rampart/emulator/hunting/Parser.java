package dev.rampart.emulator.hunting;

import static dev.rampart.emulator.hunting.HuntingQuery.TABLE;
import static dev.rampart.emulator.hunting.Lexer.syntaxError;

import dev.rampart.emulator.hunting.Expr.ColumnRef;
import dev.rampart.emulator.hunting.Stage.Aggregation;
import dev.rampart.emulator.hunting.Stage.CountStage;
import dev.rampart.emulator.hunting.Stage.ProjectStage;
import dev.rampart.emulator.hunting.Stage.SortKey;
import dev.rampart.emulator.hunting.Stage.SortStage;
import dev.rampart.emulator.hunting.Stage.SummarizeStage;
import dev.rampart.emulator.hunting.Stage.TakeStage;
import dev.rampart.emulator.hunting.Stage.WhereStage;
import dev.rampart.emulator.hunting.Token.Kind;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Parses a query: the table, then its pipeline of operators, each turned into a {@link Stage}; tracks the columns
 * each operator outputs, so that the next one resolves its column names against them. Expressions are parsed by
 * {@link ExpressionParser}.
 */
final class Parser extends ExpressionParser {

    private static final String SUPPORTED_OPERATORS =
            "where, summarize, project, project-away, take, limit, top, order by, sort by, count";

    /** KQL tabular operators and statements the emulator does not support. */
    private static final Set<String> UNSUPPORTED_OPERATORS = Set.of(
            "as",
            "consume",
            "datatable",
            "distinct",
            "evaluate",
            "extend",
            "externaldata",
            "facet",
            "find",
            "fork",
            "getschema",
            "invoke",
            "join",
            "let",
            "lookup",
            "macro-expand",
            "make-graph",
            "make-series",
            "mv-apply",
            "mv-expand",
            "parse",
            "parse-kv",
            "parse-where",
            "partition",
            "print",
            "project-keep",
            "project-rename",
            "project-reorder",
            "range",
            "reduce",
            "render",
            "sample",
            "sample-distinct",
            "scan",
            "search",
            "serialize",
            "top-hitters",
            "top-nested",
            "union",
            "graph-match",
            "graph-merge",
            "graph-to-table",
            "set");

    Parser(List<Token> tokens) {
        super(tokens);
    }

    HuntingQuery parseQuery(String text) {
        Token first = peek();
        if (first.kind() != Kind.IDENT) {
            throw syntaxError(first, "expected a table name");
        }
        if (first.text().equals("let") || first.text().equals("set")) {
            throw new HuntingQueryException("'" + first.text() + "' statements are not supported by the emulator;"
                    + " start the query with the " + TABLE + " table");
        }
        if (UNSUPPORTED_OPERATORS.contains(first.text())) {
            throw unsupportedOperator(first);
        }
        next();
        Table table = Table.find(first.text());
        if (table == null) {
            throw new HuntingQueryException(
                    "Failed to resolve table or column expression named '" + first.text() + "'");
        }
        schema = table.columns();
        List<Stage> stages = new ArrayList<>();
        while (peek().kind() == Kind.PIPE) {
            next();
            stages.add(parseOperator());
        }
        if (peek().kind() == Kind.SEMICOLON) {
            next();
        }
        if (peek().kind() != Kind.EOF) {
            throw syntaxError(peek(), "expected '|' or the end of the query");
        }
        java.util.Set<String> needed = new java.util.HashSet<>(referenced);
        schema.forEach(field -> needed.add(field.name()));
        return new HuntingQuery(text, table, stages, schema, needed);
    }

    // -- operators ----------------------------------------------------------------------------------------------

    private Stage parseOperator() {
        Token token = next();
        if (token.kind() != Kind.IDENT) {
            throw syntaxError(token, "expected a query operator after '|'");
        }
        operator = token.text();
        switch (token.text()) {
            case "where":
            case "filter":
                return parseWhere();
            case "project":
                return parseProject();
            case "project-away":
                return parseProjectAway();
            case "take":
            case "limit":
                return new TakeStage(parseRowCount());
            case "top": {
                long count = parseRowCount();
                expectWord("by");
                return new SortStage(List.of(parseSortKey()), count);
            }
            case "order":
            case "sort": {
                expectWord("by");
                List<SortKey> keys = new ArrayList<>();
                do {
                    keys.add(parseSortKey());
                } while (acceptComma());
                return new SortStage(List.copyOf(keys), Long.MAX_VALUE);
            }
            case "summarize":
                return parseSummarize();
            case "count":
                schema = List.of(new Field("Count", Type.LONG));
                return new CountStage();
            default:
                if (UNSUPPORTED_OPERATORS.contains(token.text())) {
                    throw unsupportedOperator(token);
                }
                throw syntaxError(
                        token,
                        "'" + token.text() + "' is not a query operator; the emulator supports " + SUPPORTED_OPERATORS);
        }
    }

    private Stage parseWhere() {
        Expr predicate = parseExpression();
        Token after = peek();
        if (after.kind() != Kind.PIPE && after.kind() != Kind.SEMICOLON && after.kind() != Kind.EOF) {
            throw syntaxError(after, "expected '|' or the end of the query");
        }
        if (predicate.type() != Type.BOOL) {
            throw semanticError("the predicate must be of type bool, but it is of type " + predicate.type().kqlName);
        }
        return new WhereStage(predicate);
    }

    private Stage parseProject() {
        List<Field> fields = new ArrayList<>();
        List<Expr> exprs = new ArrayList<>();
        do {
            Token token = peek();
            String name;
            Expr expr;
            if (isName(token) && peek(1).kind() == Kind.ASSIGN) {
                next();
                next();
                name = token.text();
                expr = parseExpression();
            } else {
                if (!isName(token)) {
                    throw syntaxError(token, "expected a column name");
                }
                expr = parseExpression();
                if (!(expr instanceof ColumnRef column)) {
                    throw semanticError("an expression must be given a column name: Name = expression");
                }
                name = column.name();
            }
            if (indexOf(fields, name) >= 0) {
                throw semanticError("the column '" + name + "' is specified more than once");
            }
            fields.add(new Field(name, expr.type()));
            exprs.add(expr);
        } while (acceptComma());
        schema = List.copyOf(fields);
        return new ProjectStage(List.copyOf(exprs));
    }

    private Stage parseProjectAway() {
        Set<String> removed = new HashSet<>();
        do {
            Token token = next();
            if (!isName(token)) {
                throw syntaxError(token, "expected a column name");
            }
            resolve(token.text());
            removed.add(token.text());
        } while (acceptComma());
        List<Field> fields = new ArrayList<>();
        List<Expr> exprs = new ArrayList<>();
        for (int i = 0; i < schema.size(); i++) {
            Field field = schema.get(i);
            if (!removed.contains(field.name())) {
                fields.add(field);
                exprs.add(new ColumnRef(field.name(), i, field.type()));
            }
        }
        schema = List.copyOf(fields);
        return new ProjectStage(List.copyOf(exprs));
    }

    private long parseRowCount() {
        Token token = next();
        if (token.kind() != Kind.LONG) {
            throw syntaxError(token, "expected a non-negative integer number of rows");
        }
        return (Long) token.value();
    }

    private SortKey parseSortKey() {
        Expr expr = parseExpression();
        boolean ascending = false;
        if (atWord("asc")) {
            next();
            ascending = true;
        } else if (atWord("desc")) {
            next();
        }
        boolean nullsFirst = ascending;
        if (atWord("nulls")) {
            next();
            if (atWord("first")) {
                nullsFirst = true;
            } else if (!atWord("last")) {
                throw syntaxError(peek(), "expected 'first' or 'last' after 'nulls'");
            } else {
                nullsFirst = false;
            }
            next();
        }
        return new SortKey(expr, ascending, nullsFirst);
    }

    private Stage parseSummarize() {
        Aggregation aggregation = Aggregation.DISTINCT;
        String countName = "count_";
        ColumnRef argument = null;
        List<ColumnRef> returned = null;
        if (!atWord("by")) {
            Token token = peek();
            String alias = null;
            if (isName(token) && peek(1).kind() == Kind.ASSIGN) {
                alias = token.text();
                next();
                next();
                token = peek();
            }
            if (token.kind() != Kind.IDENT || peek(1).kind() != Kind.LPAREN) {
                throw syntaxError(token, "expected an aggregation such as count() or arg_max(Timestamp, *)");
            }
            next();
            next();
            switch (token.text()) {
                case "count" -> {
                    expect(Kind.RPAREN, "expected ')': count() takes no arguments");
                    aggregation = Aggregation.COUNT;
                    if (alias != null) {
                        countName = alias;
                    }
                }
                case "arg_max", "arg_min" -> {
                    if (alias != null) {
                        throw semanticError(
                                "naming the result of " + token.text() + "() is not supported by the emulator");
                    }
                    aggregation = token.text().equals("arg_max") ? Aggregation.ARG_MAX : Aggregation.ARG_MIN;
                    argument = parseColumnName();
                    expect(Kind.COMMA, "expected ',' and the columns to return, or '*' for all");
                    if (peek().kind() == Kind.STAR) {
                        next();
                    } else {
                        returned = new ArrayList<>();
                        do {
                            returned.add(parseColumnName());
                        } while (acceptComma());
                    }
                    expect(Kind.RPAREN, "expected ')'");
                }
                default -> throw new HuntingQueryException("The aggregation function '" + token.text()
                        + "' is not supported by the emulator. Supported aggregations: arg_max, arg_min, count");
            }
            if (peek().kind() == Kind.COMMA) {
                throw semanticError("the emulator supports a single aggregation per summarize");
            }
        }
        List<ColumnRef> keys = new ArrayList<>();
        if (atWord("by")) {
            next();
            do {
                Expr key = parseExpression();
                if (!(key instanceof ColumnRef column)) {
                    throw semanticError("the emulator supports only column names after 'by'");
                }
                if (keys.stream().anyMatch(k -> k.name().equals(column.name()))) {
                    throw semanticError("the column '" + column.name() + "' is specified more than once");
                }
                keys.add(column);
            } while (acceptComma());
        } else if (aggregation == Aggregation.DISTINCT) {
            throw syntaxError(peek(), "expected an aggregation or 'by'");
        }

        List<Field> fields = new ArrayList<>();
        List<Integer> sources = new ArrayList<>();
        for (ColumnRef key : keys) {
            fields.add(schema.get(key.index()));
            sources.add(key.index());
        }
        int argPosition = -1;
        switch (aggregation) {
            case COUNT -> {
                if (indexOf(fields, countName) >= 0) {
                    throw semanticError("the column '" + countName + "' is specified more than once");
                }
                schema = append(fields, new Field(countName, Type.LONG));
            }
            case ARG_MAX, ARG_MIN -> {
                argPosition = addColumn(fields, sources, argument.index());
                if (returned == null) {
                    for (int i = 0; i < schema.size(); i++) {
                        addColumn(fields, sources, i);
                    }
                } else {
                    for (ColumnRef column : returned) {
                        addColumn(fields, sources, column.index());
                    }
                }
                schema = List.copyOf(fields);
            }
            default -> schema = List.copyOf(fields);
        }
        int[] sourceArray = sources.stream().mapToInt(Integer::intValue).toArray();
        return new SummarizeStage(aggregation, keys.size(), sourceArray, argPosition);
    }

    /** Adds the input column at {@code index} unless already there; returns its output position. */
    private int addColumn(List<Field> fields, List<Integer> sources, int index) {
        int existing = sources.indexOf(index);
        if (existing >= 0) {
            return existing;
        }
        fields.add(schema.get(index));
        sources.add(index);
        return sources.size() - 1;
    }

    private ColumnRef parseColumnName() {
        Token token = next();
        if (!isName(token)) {
            throw syntaxError(token, "expected a column name");
        }
        return resolve(token.text());
    }

    // -- helpers ------------------------------------------------------------------------------------------------

    private HuntingQueryException unsupportedOperator(Token token) {
        return new HuntingQueryException("The '" + token.text() + "' operator is not supported by the emulator"
                + " (line [" + token.line() + "," + token.column() + "]). Supported operators: "
                + SUPPORTED_OPERATORS);
    }

    private static List<Field> append(List<Field> fields, Field field) {
        List<Field> all = new ArrayList<>(fields);
        all.add(field);
        return List.copyOf(all);
    }
}
