package dev.rampart.app.query;

import dev.rampart.app.graph.GraphModel;
import dev.rampart.app.graph.GraphModel.EntityClass;
import dev.rampart.app.graph.GraphModel.Property;
import dev.rampart.app.graph.GraphModel.Relationship;
import dev.rampart.app.graph.GraphModel.Type;
import dev.rampart.app.query.RampartQueryParser.AndConditionContext;
import dev.rampart.app.query.RampartQueryParser.ComparisonContext;
import dev.rampart.app.query.RampartQueryParser.ConditionContext;
import dev.rampart.app.query.RampartQueryParser.CountItemContext;
import dev.rampart.app.query.RampartQueryParser.GroupConditionContext;
import dev.rampart.app.query.RampartQueryParser.InListContext;
import dev.rampart.app.query.RampartQueryParser.IsNullContext;
import dev.rampart.app.query.RampartQueryParser.LikeContext;
import dev.rampart.app.query.RampartQueryParser.NotConditionContext;
import dev.rampart.app.query.RampartQueryParser.OrConditionContext;
import dev.rampart.app.query.RampartQueryParser.OrderItemContext;
import dev.rampart.app.query.RampartQueryParser.PredicateConditionContext;
import dev.rampart.app.query.RampartQueryParser.PropertyContext;
import dev.rampart.app.query.RampartQueryParser.PropertyItemContext;
import dev.rampart.app.query.RampartQueryParser.ReturnItemContext;
import dev.rampart.app.query.RampartQueryParser.StepContext;
import dev.rampart.app.query.RampartQueryParser.TraversalContext;
import dev.rampart.app.query.RampartQueryParser.ValueContext;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.IntervalSet;

/**
 * Compiles a query (docs/queries.md) into one SQL statement over the inventory. The statement's text comes only from
 * {@link GraphModel}'s fragments and the compiler's own keywords; every value a query names (strings, numbers, times,
 * the limit) and the project id are bound parameters.
 *
 * <p>Steps whose entities the answer shows (in RETURN, ORDER BY or COUNT) are joined; the steps after them become
 * nested {@code EXISTS} (or {@code NOT EXISTS} after {@code THAT NOT}), so that a device with 40 matching findings is
 * one row when only the device is returned.
 */
public final class QueryCompiler {
    /** Queries longer than this are refused before parsing. */
    public static final int MAX_LENGTH = 10_000;

    /** A column of the answer: its name ({@code Device.name}, {@code count(Finding)}) and type. */
    public record Column(String name, Type type) {}

    /**
     * The statement, its parameters in order, its columns, and the rows to show: at most {@code limit}; the statement
     * fetches one more when the limit is the server's, so that the answer can say it was cut.
     */
    public record Compiled(String sql, List<Object> params, List<Column> columns, int limit, boolean serverLimit) {}

    private static final class Step {
        final int index;
        final EntityClass cls;
        final String name;
        final boolean named;
        final Token token;
        final StepContext ctx;
        boolean negated;
        Relationship rel;

        Step(int index, EntityClass cls, String alias, Token token, StepContext ctx) {
            this.index = index;
            this.cls = cls;
            this.name = alias == null ? cls.name() : alias;
            this.named = alias != null;
            this.token = token;
            this.ctx = ctx;
        }

        String alias() {
            return "e" + index;
        }
    }

    private record Ref(Step step, Property property) {
        String sql() {
            return property.sql(step.alias());
        }
    }

    /** A RETURN item: a property, or a count of a step's entities ({@code step == null} with count: all rows). */
    private record Item(Ref ref, boolean count, Step counted, Token token) {
        String sql() {
            if (!count) {
                return ref.sql();
            }
            return counted == null
                    ? "count(*)"
                    : "count(distinct " + counted.cls.id().replace("{a}", counted.alias()) + ")";
        }

        String name() {
            return count
                    ? (counted == null ? "count" : "count(" + counted.name + ")")
                    : ref.step.name + "." + ref.property.name();
        }
    }

    private final String text;
    private final long projectId;
    private final int maxRows;
    private final Instant now;
    private final List<Step> steps = new ArrayList<>();
    private final List<Object> params = new ArrayList<>();

    private QueryCompiler(String text, long projectId, int maxRows, Instant now) {
        this.text = text;
        this.projectId = projectId;
        this.maxRows = maxRows;
        this.now = now;
    }

    /**
     * Compiles {@code text} for a project.
     *
     * @param maxRows the server's row limit
     * @param now the time {@code NOW} means
     * @throws QueryException when the query does not parse or names what the graph does not have
     */
    public static Compiled compile(String text, long projectId, int maxRows, Instant now) {
        checkText(text, "and an entity class");
        return new QueryCompiler(text, projectId, maxRows, now).compile();
    }

    /** Refuses an empty query (saying it starts with FIND {@code what}) and one longer than {@link #MAX_LENGTH}. */
    private static void checkText(String text, String what) {
        if (text == null || text.isBlank()) {
            throw new QueryException("the query is empty: start with FIND " + what, 0, 1, 1, List.of("FIND"));
        }
        if (text.length() > MAX_LENGTH) {
            throw new QueryException(
                    "the query is longer than " + MAX_LENGTH + " characters", MAX_LENGTH, 1, 1, List.of());
        }
    }

    /** Parses only: the tree, or the first syntax error. */
    static RampartQueryParser.QueryContext parse(String text) {
        RampartQueryLexer lexer = new RampartQueryLexer(CharStreams.fromString(text));
        lexer.removeErrorListeners();
        RampartQueryParser parser = new RampartQueryParser(new CommonTokenStream(lexer));
        parser.removeErrorListeners();
        parser.addErrorListener(new BaseErrorListener() {
            @Override
            public void syntaxError(
                    Recognizer<?, ?> recognizer,
                    Object offending,
                    int line,
                    int column,
                    String msg,
                    RecognitionException e) {
                Token t = (Token) offending;
                IntervalSet expected = e != null && e.getExpectedTokens() != null
                        ? e.getExpectedTokens()
                        : ((Parser) recognizer).getExpectedTokens();
                List<String> names = new ArrayList<>();
                for (int type : expected.toList()) {
                    names.add(tokenName(type));
                }
                String found = t.getType() == Token.EOF ? "the end of the query" : "'" + t.getText() + "'";
                String instead =
                        t.getText() == null ? null : SQL_WORDS.get(t.getText().toUpperCase(Locale.ROOT));
                if (instead != null) {
                    names.remove(instead);
                    names.add(0, instead);
                }
                throw new QueryException(
                        "unexpected " + found + " at line " + line + ", column " + (column + 1) + ": expected "
                                + oneOf(names) + (instead == null ? "" : " (this language says " + instead + ")"),
                        t.getType() == Token.EOF ? textLength(recognizer) : t.getStartIndex(),
                        line,
                        column + 1,
                        names);
            }
        });
        return parser.query();
    }

    /** SQL's words for what this language says otherwise, named first among what is expected. */
    private static final java.util.Map<String, String> SQL_WORDS =
            java.util.Map.of("WHERE", "WITH", "SELECT", "FIND", "JOIN", "THAT", "FROM", "FIND", "TOP", "LIMIT");

    private static int textLength(Recognizer<?, ?> recognizer) {
        return ((Parser) recognizer)
                .getInputStream()
                .getTokenSource()
                .getInputStream()
                .size();
    }

    private static String tokenName(int type) {
        if (type == Token.EOF) {
            return "end of query";
        }
        switch (type) {
            case RampartQueryLexer.IDENT:
                return "a name";
            case RampartQueryLexer.NUMBER:
                return "a number";
            case RampartQueryLexer.STRING:
                return "a string";
            default:
                String literal = RampartQueryLexer.VOCABULARY.getLiteralName(type);
                if (literal == null) {
                    return RampartQueryLexer.VOCABULARY.getDisplayName(type);
                }
                String bare = literal.substring(1, literal.length() - 1);
                return Character.isLetter(bare.charAt(0)) ? bare.toUpperCase(Locale.ROOT) : bare;
        }
    }

    private static String oneOf(List<String> names) {
        if (names.isEmpty()) {
            return "nothing more";
        }
        if (names.size() == 1) {
            return names.get(0);
        }
        return "one of " + String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }

    private QueryException error(Token at, String message, List<String> expected) {
        return new QueryException(
                message + " (line " + at.getLine() + ", column " + (at.getCharPositionInLine() + 1) + ")",
                at.getStartIndex(),
                at.getLine(),
                at.getCharPositionInLine() + 1,
                expected);
    }

    // ------------------------------------------------------------------ compiling

    /** A query as a filter of one class's ids: {@code sql} selects them, with its parameters. */
    public record Filter(String sql, List<Object> params) {}

    /**
     * Compiles {@code text} as a filter of {@code cls}'s entities: {@code FIND <cls> [WITH ...] [THAT ...]}, without
     * RETURN, ORDER BY or LIMIT, into a statement that selects their ids (the asset list filtered by a query).
     */
    public static Filter compileFilter(String text, String cls, long projectId, Instant now) {
        checkText(text, cls);
        QueryCompiler c = new QueryCompiler(text, projectId, 1, now);
        RampartQueryParser.QueryContext q = c.steps(parse(text));
        Step first = c.steps.get(0);
        if (!first.cls.name().equals(cls)) {
            throw c.error(first.token, "this list takes FIND " + cls + ", not FIND " + first.cls.name(), List.of(cls));
        }
        ParserRuleContext extra = q.returnClause() != null
                ? q.returnClause()
                : q.orderClause() != null ? q.orderClause() : q.limitClause();
        if (extra != null) {
            throw c.error(
                    extra.getStart(),
                    "a list filter chooses " + cls + "s only: leave out RETURN, ORDER BY and LIMIT (the list sorts and"
                            + " pages)",
                    List.of("THAT", "end of query"));
        }
        String where = c.conditions(first) + (c.steps.size() > 1 ? " and " + c.tail(1) : "");
        return new Filter(
                "select " + first.cls.id().replace("{a}", first.alias()) + " from "
                        + first.cls.from().replace("{a}", first.alias()) + " where " + where,
                List.copyOf(c.params));
    }

    /** Parses and resolves the steps: classes, aliases, relationships. */
    private RampartQueryParser.QueryContext steps(RampartQueryParser.QueryContext q) {
        addStep(q.step(), null);
        for (TraversalContext t : q.traversal()) {
            Step previous = steps.get(steps.size() - 1);
            Step s = addStep(t.step(), t);
            s.negated = t.negated != null;
            s.rel = relationship(previous, s, t.verb().getStart());
        }
        return q;
    }

    private Compiled compile() {
        RampartQueryParser.QueryContext q = steps(parse(text));

        List<Item> items = new ArrayList<>();
        if (q.returnClause() == null) {
            for (String p : steps.get(0).cls.defaults()) {
                items.add(new Item(
                        new Ref(steps.get(0), steps.get(0).cls.property(p).orElseThrow()), false, null, null));
            }
        } else {
            for (ReturnItemContext r : q.returnClause().returnItem()) {
                items.addAll(item(r));
            }
        }
        List<Item> orders = new ArrayList<>();
        List<Boolean> descending = new ArrayList<>();
        if (q.orderClause() != null) {
            for (OrderItemContext o : q.orderClause().orderItem()) {
                List<Item> one = item(o.returnItem());
                if (one.size() != 1) {
                    throw error(o.getStart(), "ORDER BY takes a property or a count, not a whole entity", List.of());
                }
                orders.add(one.get(0));
                descending.add(o.DESC() != null);
            }
        }
        boolean grouped = items.stream().anyMatch(Item::count);

        int joined = 1;
        for (Item i : concat(items, orders)) {
            Step s = i.count ? i.counted : i.ref.step;
            if (s != null) {
                joined = Math.max(joined, s.index + 1);
            }
        }
        for (Item i : concat(items, orders)) {
            Step s = i.count ? i.counted : i.ref.step;
            for (Step n : steps) {
                if (s != null && n.negated && n.index <= s.index) {
                    throw error(
                            i.token,
                            s.name + " comes after THAT NOT: there is none to show; return what comes before it",
                            List.of());
                }
            }
        }
        if (grouped) {
            for (Item o : orders) {
                if (!o.count && items.stream().noneMatch(i -> !i.count && i.ref.equals(o.ref))) {
                    throw error(
                            o.token,
                            "with a count, ORDER BY takes what RETURN shows: " + o.name() + " is not returned",
                            items.stream().map(Item::name).toList());
                }
            }
        }

        StringBuilder from = new StringBuilder();
        StringBuilder where = new StringBuilder();
        for (int i = 0; i < joined; i++) {
            Step s = steps.get(i);
            from.append(i == 0 ? "" : ", ").append(s.cls.from().replace("{a}", s.alias()));
            where.append(i == 0 ? "" : " and ").append(conditions(s));
        }
        if (joined < steps.size()) {
            where.append(" and ").append(tail(joined));
        }

        StringBuilder sql = new StringBuilder("select ");
        for (int i = 0; i < items.size(); i++) {
            sql.append(i == 0 ? "" : ", ")
                    .append(items.get(i).sql())
                    .append(" as c")
                    .append(i + 1);
        }
        sql.append(" from ").append(from).append(" where ").append(where);
        List<String> groupBy = new ArrayList<>();
        if (grouped) {
            Set<String> g = new LinkedHashSet<>();
            for (Item i : items) {
                if (!i.count) {
                    g.add(i.sql());
                }
            }
            groupBy.addAll(g);
            if (!groupBy.isEmpty()) {
                sql.append(" group by ").append(String.join(", ", groupBy));
            }
        }
        List<String> orderBy = new ArrayList<>();
        for (int i = 0; i < orders.size(); i++) {
            orderBy.add(orders.get(i).sql() + (descending.get(i) ? " desc" : " asc") + " nulls last");
        }
        if (grouped) {
            items.stream().filter(Item::count).findFirst().ifPresent(c -> orderBy.add(c.sql() + " desc"));
            orderBy.addAll(groupBy);
        } else {
            for (int i = 0; i < joined; i++) {
                orderBy.add(steps.get(i).cls.id().replace("{a}", steps.get(i).alias()));
            }
        }
        if (!orderBy.isEmpty()) {
            sql.append(" order by ").append(String.join(", ", orderBy));
        }

        int limit = maxRows;
        boolean serverLimit = true;
        if (q.limitClause() != null) {
            Token n = q.limitClause().NUMBER().getSymbol();
            long asked;
            try {
                asked = Long.parseLong(n.getText());
            } catch (NumberFormatException e) {
                throw error(n, "LIMIT takes a whole number", List.of("a number"));
            }
            if (asked < 1) {
                throw error(n, "LIMIT is at least 1", List.of("a number"));
            }
            if (asked <= maxRows) {
                limit = (int) asked;
                serverLimit = false;
            }
        }
        sql.append(" limit ?");
        params.add(serverLimit ? limit + 1 : limit);

        List<Column> columns = items.stream()
                .map(i -> new Column(i.name(), i.count ? Type.NUMBER : i.ref.property.type()))
                .toList();
        return new Compiled(sql.toString(), List.copyOf(params), columns, limit, serverLimit);
    }

    private static List<Item> concat(List<Item> a, List<Item> b) {
        List<Item> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private Step addStep(StepContext ctx, TraversalContext traversal) {
        Token classToken = ctx.entity;
        EntityClass cls = GraphModel.entityClass(classToken.getText())
                .orElseThrow(() -> error(
                        classToken,
                        "there is no entity class '" + classToken.getText() + "'",
                        GraphModel.classes().stream().map(EntityClass::name).toList()));
        String alias = ctx.alias == null ? null : ctx.alias.getText();
        if (alias != null) {
            for (Step s : steps) {
                if (s.named && s.name.equalsIgnoreCase(alias)) {
                    throw error(ctx.alias, "the alias '" + alias + "' names an earlier step already", List.of());
                }
            }
        }
        Step s = new Step(steps.size(), cls, alias, classToken, ctx);
        steps.add(s);
        return s;
    }

    private Relationship relationship(Step a, Step b, Token verb) {
        List<Relationship> pair = GraphModel.between(a.cls.name(), b.cls.name());
        for (Relationship r : pair) {
            if (r.verb().equalsIgnoreCase(verb.getText())) {
                return r;
            }
        }
        if (pair.isEmpty()) {
            List<String> reachable = new ArrayList<>();
            for (Relationship r : GraphModel.relationships()) {
                if (r.from().equals(a.cls.name())) {
                    reachable.add(r.verb() + " " + r.to());
                } else if (r.to().equals(a.cls.name())) {
                    reachable.add(r.verb() + " " + r.from());
                }
            }
            throw error(
                    b.token,
                    a.cls.name() + " has no relationship with " + b.cls.name() + "; it has: "
                            + String.join(", ", reachable),
                    reachable);
        }
        List<String> verbs = pair.stream().map(Relationship::verb).distinct().toList();
        throw error(
                verb,
                a.cls.name() + " and " + b.cls.name() + " are related by " + oneOf(verbs) + ", not '" + verb.getText()
                        + "'",
                verbs);
    }

    /** A step's own conditions: its project, its relationship with the step before, its WITH. */
    private String conditions(Step s) {
        StringBuilder b = new StringBuilder();
        b.append(s.cls.project().replace("{a}", s.alias())).append(" = ?");
        params.add(projectId);
        if (s.rel != null) {
            Step previous = steps.get(s.index - 1);
            boolean forward =
                    s.rel.from().equals(previous.cls.name()) && s.rel.to().equals(s.cls.name());
            Step f = forward ? previous : s;
            Step t = forward ? s : previous;
            String on = s.rel.condition(f.alias(), t.alias(), "l" + s.index);
            b.append(" and ").append(on);
        }
        if (s.ctx.condition() != null) {
            b.append(" and ").append(condition(s.ctx.condition(), s));
        }
        return b.toString();
    }

    /** The steps from {@code i} on, nested: each one's EXISTS holds the next. */
    private String tail(int i) {
        Step s = steps.get(i);
        StringBuilder b = new StringBuilder(s.negated ? "not exists (select 1 from " : "exists (select 1 from ");
        b.append(s.cls.from().replace("{a}", s.alias())).append(" where ").append(conditions(s));
        if (i + 1 < steps.size()) {
            b.append(" and ").append(tail(i + 1));
        }
        return b.append(")").toString();
    }

    private String condition(ConditionContext c, Step home) {
        if (c instanceof NotConditionContext n) {
            return "not (" + condition(n.condition(), home) + ")";
        }
        if (c instanceof AndConditionContext a) {
            String left = condition(a.condition(0), home);
            return "(" + left + " and " + condition(a.condition(1), home) + ")";
        }
        if (c instanceof OrConditionContext o) {
            String left = condition(o.condition(0), home);
            return "(" + left + " or " + condition(o.condition(1), home) + ")";
        }
        if (c instanceof GroupConditionContext g) {
            return "(" + condition(g.condition(), home) + ")";
        }
        ParserRuleContext p = ((PredicateConditionContext) c).predicate();
        if (p instanceof ComparisonContext cmp) {
            return comparison(cmp, home);
        }
        if (p instanceof InListContext in) {
            Ref ref = ref(in.property(), home, home.index);
            List<String> marks = new ArrayList<>();
            for (ValueContext v : in.value()) {
                params.add(literal(v, ref.property));
                marks.add("?");
            }
            String list = ref.sql() + " in (" + String.join(", ", marks) + ")";
            return in.NOT() == null ? list : "not coalesce(" + list + ", false)";
        }
        if (p instanceof LikeContext like) {
            Ref ref = ref(like.property(), home, home.index);
            if (ref.property.type() != Type.TEXT && ref.property.type() != Type.ENUM) {
                throw error(
                        like.LIKE().getSymbol(),
                        ref.property.name() + " is " + article(ref.property.type()) + ": LIKE compares text",
                        List.of("=", "!=", "<", "<=", ">", ">="));
            }
            params.add(pattern(unquote(like.STRING().getText())));
            String match = ref.sql() + " ilike ? escape '\\'";
            return like.NOT() == null ? match : "not coalesce(" + match + ", false)";
        }
        IsNullContext isNull = (IsNullContext) p;
        Ref ref = ref(isNull.property(), home, home.index);
        return ref.sql() + (isNull.NOT() == null ? " is null" : " is not null");
    }

    private String comparison(ComparisonContext cmp, Step home) {
        Ref ref = ref(cmp.property(), home, home.index);
        String op = cmp.op.getText();
        Type type = ref.property.type();
        if (cmp.value() instanceof RampartQueryParser.NullValueContext) {
            throw error(
                    cmp.value().getStart(),
                    "compare with null by IS NULL or IS NOT NULL",
                    List.of("a string", "a number", "TRUE", "FALSE", "NOW"));
        }
        boolean ordering = !op.equals("=") && !op.equals("!=") && !op.equals("<>");
        if (ordering && type == Type.BOOLEAN) {
            throw error(cmp.op, ref.property.name() + " is true or false: compare it with = or !=", List.of("=", "!="));
        }
        Object value = literal(cmp.value(), ref.property);
        if (ordering && type == Type.ENUM) {
            // the values are declared in their order (Low < Medium < High < Critical): a range is a list
            List<String> values = ref.property.values();
            int at = values.indexOf(value);
            List<String> marks = new ArrayList<>();
            for (int i = 0; i < values.size(); i++) {
                boolean in =
                        switch (op) {
                            case "<" -> i < at;
                            case "<=" -> i <= at;
                            case ">" -> i > at;
                            default -> i >= at;
                        };
                if (in) {
                    params.add(values.get(i));
                    marks.add("?");
                }
            }
            return marks.isEmpty() ? "false" : ref.sql() + " in (" + String.join(", ", marks) + ")";
        }
        params.add(value);
        return switch (op) {
            case "!=", "<>" -> ref.sql() + " is distinct from ?";
            default -> ref.sql() + " " + op + " ?";
        };
    }

    private static String article(Type t) {
        return switch (t) {
            case NUMBER -> "a number";
            case BOOLEAN -> "true or false";
            case TIME -> "a time";
            default -> "text";
        };
    }

    /** A property reference, resolved against the steps up to {@code visible}: unqualified means {@code home}'s. */
    private Ref ref(PropertyContext p, Step home, int visible) {
        Step s = p.qualifier == null ? home : step(p.qualifier, visible);
        Token name = p.name;
        Property property = s.cls.property(name.getText())
                .orElseThrow(() -> error(
                        name,
                        s.cls.name() + " has no property '" + name.getText() + "'",
                        s.cls.properties().stream().map(Property::name).toList()));
        return new Ref(s, property);
    }

    /** The step a qualifier names: an alias, or a class named once among the steps up to {@code visible}. */
    private Step step(Token qualifier, int visible) {
        Step found = findStep(qualifier.getText(), visible, qualifier);
        if (found == null) {
            List<String> names =
                    steps.subList(0, visible + 1).stream().map(s -> s.name).toList();
            throw error(
                    qualifier,
                    "'" + qualifier.getText() + "' names no step "
                            + (visible + 1 < steps.size() ? "before this one" : "of the query"),
                    names);
        }
        return found;
    }

    private Step findStep(String name, int visible, Token at) {
        for (int i = 0; i <= visible && i < steps.size(); i++) {
            if (steps.get(i).named && steps.get(i).name.equalsIgnoreCase(name)) {
                return steps.get(i);
            }
        }
        Step found = null;
        for (int i = 0; i <= visible && i < steps.size(); i++) {
            Step s = steps.get(i);
            if (s.cls.name().equalsIgnoreCase(name)) {
                if (found != null) {
                    throw error(at, s.cls.name() + " names two steps: give them names with AS", List.of());
                }
                found = s;
            }
        }
        return found;
    }

    private List<Item> item(ReturnItemContext r) {
        if (r instanceof CountItemContext c) {
            Step counted = c.star != null ? null : step(c.target, steps.size() - 1);
            return List.of(new Item(null, true, counted, c.getStart()));
        }
        PropertyContext p = ((PropertyItemContext) r).property();
        if (p.qualifier == null) {
            Step whole = findStep(p.name.getText(), steps.size() - 1, p.name);
            if (whole != null) {
                List<Item> all = new ArrayList<>();
                for (String d : whole.cls.defaults()) {
                    all.add(new Item(new Ref(whole, whole.cls.property(d).orElseThrow()), false, null, p.name));
                }
                return all;
            }
        }
        return List.of(new Item(ref(p, steps.get(0), steps.size() - 1), false, null, p.getStart()));
    }

    // ------------------------------------------------------------------ literals

    static String unquote(String quoted) {
        char q = quoted.charAt(0);
        return quoted.substring(1, quoted.length() - 1).replace("" + q + q, "" + q);
    }

    /** A LIKE pattern: {@code *} any run of characters, {@code ?} one; everything else literally. */
    static String pattern(String wildcards) {
        StringBuilder b = new StringBuilder();
        for (char ch : wildcards.toCharArray()) {
            switch (ch) {
                case '*' -> b.append('%');
                case '?' -> b.append('_');
                case '%', '_', '\\' -> b.append('\\').append(ch);
                default -> b.append(ch);
            }
        }
        return b.toString();
    }

    private Object literal(ValueContext v, Property p) {
        Token at = v.getStart();
        Type type = p.type();
        if (v instanceof RampartQueryParser.NullValueContext) {
            throw error(at, "null is not a value here: use IS NULL or IS NOT NULL", List.of("a string", "a number"));
        }
        if (v instanceof RampartQueryParser.StringValueContext s) {
            String value = unquote(s.STRING().getText());
            return switch (type) {
                case TEXT -> value;
                case ENUM -> p.values().stream()
                        .filter(x -> x.equalsIgnoreCase(value))
                        .findFirst()
                        .orElseThrow(() -> error(at, p.name() + " is " + oneOf(p.values()), p.values()));
                case TIME -> time(value, at);
                case NUMBER -> throw error(at, p.name() + " is a number: write it without quotes", List.of("a number"));
                case BOOLEAN -> throw error(
                        at, p.name() + " is true or false, without quotes", List.of("TRUE", "FALSE"));
            };
        }
        if (v instanceof RampartQueryParser.NumberValueContext n) {
            if (type != Type.NUMBER) {
                throw error(at, p.name() + " is " + article(type) + ": " + hint(p), expected(p));
            }
            BigDecimal d = new BigDecimal(n.getText());
            try {
                return d.longValueExact();
            } catch (ArithmeticException fraction) {
                return d.doubleValue();
            }
        }
        if (v instanceof RampartQueryParser.BooleanValueContext b) {
            if (type != Type.BOOLEAN) {
                throw error(at, p.name() + " is " + article(type) + ": " + hint(p), expected(p));
            }
            return b.TRUE() != null;
        }
        RampartQueryParser.TimeValueContext t = (RampartQueryParser.TimeValueContext) v;
        if (type != Type.TIME) {
            throw error(at, p.name() + " is " + article(type) + ": " + hint(p), expected(p));
        }
        Instant when = now;
        if (t.amount != null) {
            long amount;
            try {
                amount = new BigDecimal(t.amount.getText()).longValueExact();
            } catch (ArithmeticException e) {
                throw error(t.amount, "NOW moves by whole numbers", List.of("a number"));
            }
            Duration unit =
                    switch (t.unit.getText().toLowerCase(Locale.ROOT)) {
                        case "minute", "minutes" -> Duration.ofMinutes(1);
                        case "hour", "hours" -> Duration.ofHours(1);
                        case "day", "days" -> Duration.ofDays(1);
                        case "week", "weeks" -> Duration.ofDays(7);
                        default -> throw error(
                                t.unit,
                                "NOW moves by MINUTES, HOURS, DAYS or WEEKS",
                                List.of("MINUTES", "HOURS", "DAYS", "WEEKS"));
                    };
            if (amount > 100 * 365) {
                throw error(t.amount, "NOW moves by at most a century", List.of("a number"));
            }
            Duration d = unit.multipliedBy(amount);
            when = t.sign.getText().equals("-") ? now.minus(d) : now.plus(d);
        }
        return OffsetDateTime.ofInstant(when, ZoneOffset.UTC);
    }

    private static String hint(Property p) {
        return switch (p.type()) {
            case TEXT -> "put the value in quotes";
            case ENUM -> "put one of " + String.join(", ", p.values()) + " in quotes";
            case NUMBER -> "write a number";
            case BOOLEAN -> "write TRUE or FALSE";
            case TIME -> "write a date in quotes ('2026-01-31') or NOW - 7 DAYS";
        };
    }

    private static List<String> expected(Property p) {
        return switch (p.type()) {
            case TEXT, ENUM -> List.of("a string");
            case NUMBER -> List.of("a number");
            case BOOLEAN -> List.of("TRUE", "FALSE");
            case TIME -> List.of("a string", "NOW");
        };
    }

    private OffsetDateTime time(String value, Token at) {
        try {
            return OffsetDateTime.parse(value);
        } catch (DateTimeParseException notOffset) {
            try {
                return LocalDateTime.parse(value).atOffset(ZoneOffset.UTC);
            } catch (DateTimeParseException notLocal) {
                try {
                    return LocalDate.parse(value).atStartOfDay().atOffset(ZoneOffset.UTC);
                } catch (DateTimeParseException notDate) {
                    throw error(
                            at,
                            "'" + value + "' is not a time: write 2026-01-31, 2026-01-31T08:00:00Z or NOW - 7 DAYS",
                            List.of("a string", "NOW"));
                }
            }
        }
    }
}
