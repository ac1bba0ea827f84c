package dev.rampart.emulator.hunting;

import static dev.rampart.emulator.hunting.Values.formatDateTime;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rampart.emulator.hunting.Stage.ProjectStage;
import dev.rampart.emulator.hunting.Stage.SourceIterator;
import dev.rampart.emulator.hunting.Stage.TakeStage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * An advanced hunting query in the subset of KQL (Kusto Query Language) the emulator supports, parsed once and then
 * run against the rows of one of the emulated tables.
 *
 * <h2>Tables</h2>
 *
 * <p>{@code DeviceInfo}, {@code DeviceTvmSoftwareVulnerabilities}, {@code DeviceTvmSoftwareInventory}, {@code
 * DeviceLogonEvents} and {@code DeviceNetworkInfo}, with the columns, order and types of Microsoft's table reference
 * ({@link HuntingTables}); any other table name fails with {@code Failed to resolve table or column expression named
 * 'X'}. A query's {@link #schema()} starts from its table's columns. Input rows are read by column name; fields not
 * in the table are ignored, and a value of the wrong JSON kind is converted when it can be (a numeric string in a long
 * column, a JSON array in a string column becomes its compact JSON text, JSON text in a dynamic column is read back)
 * and is null otherwise. As in Kusto, string values are never null: a missing or null string is the empty string.
 *
 * <p>In a table with a {@code Timestamp}, only rows whose timestamp is within {@link #RETENTION} (30 days) before
 * {@code now} are visible (rows with a later timestamp are visible too); rows without a parseable timestamp are never
 * visible. The vulnerability-management tables have no timestamp: their rows are the current state. At most {@link
 * #MAX_RESULT_ROWS} rows are returned; when the query produces more, the first ones are returned and {@link
 * HuntingResult#truncated()} is set.
 *
 * <h2>Operators</h2>
 *
 * <ul>
 *   <li>{@code where} (or {@code filter}) <i>predicate</i>, any number of times;
 *   <li>{@code summarize arg_max(Col, *) by Key, ...}, {@code arg_max(Col, Col1, Col2) by ...}, the same with {@code
 *       arg_min}, {@code summarize count() by ...} (optionally {@code Name = count()}), {@code summarize by ...}
 *       (distinct keys), each also without {@code by}; one aggregation per {@code summarize}; the keys are columns;
 *       the count column is named {@code count_} unless named;
 *   <li>{@code project Col, Name = expression, ...} and {@code project-away Col, ...};
 *   <li>{@code take N}, {@code limit N}, {@code top N by expression [asc|desc] [nulls first|last]}, {@code order by}
 *       or {@code sort by expression [asc|desc] [nulls first|last], ...};
 *   <li>{@code count}, giving one row with the column {@code Count}.
 * </ul>
 *
 * <p>Any other KQL operator ({@code join}, {@code extend}, {@code union}, {@code let} statements, ...) fails with a
 * message naming it. Comments ({@code //} to the end of the line) and line breaks may appear anywhere between tokens.
 * Keywords, function, table and column names are case-sensitive, as in Kusto.
 *
 * <p>Errors ({@link HuntingQueryException}): syntax errors read {@code Query could not be parsed at 'token' on line
 * [line,column]: hint} (1-based positions); unknown columns {@code 'where' operator: Failed to resolve scalar
 * expression named 'X'}; type errors {@code 'where' operator: Cannot compare values of types long and string. Try
 * adding explicit casts}; unsupported operators and functions {@code The 'join' operator is not supported by the
 * emulator (line [1,14]). Supported operators: ...}.
 *
 * <h2>Expressions</h2>
 *
 * <ul>
 *   <li>{@code and} (binding tighter), {@code or}, {@code not(...)} and parentheses, with Kusto's three-valued logic:
 *       a comparison with a null value is null, and {@code where} keeps only rows whose predicate is true;
 *   <li>{@code ==}, {@code !=}, {@code <}, {@code <=}, {@code >}, {@code >=} between values of the same type (long
 *       and real mix); {@code <} and the like only on numbers and datetimes; comparing other types fails with {@code
 *       Cannot compare values of types string and long};
 *   <li>{@code =~} and {@code !~} (case-insensitive equality of strings); {@code contains}, {@code has}, {@code
 *       startswith} and {@code endswith}, case-insensitive, each with a negated form ({@code !contains}) and a
 *       case-sensitive form ({@code contains_cs}, {@code !contains_cs}); {@code has} matches whole terms, a term being
 *       a run of letters and digits; non-string operands of these are converted to their string form;
 *   <li>{@code in (...)}, {@code !in (...)}, {@code in~ (...)}, {@code !in~ (...)} with a list of literals;
 *   <li>{@code isempty}, {@code isnotempty}, {@code isnull}, {@code isnotnull} (strings are never null);
 *   <li>literals: strings in double or single quotes (with backslash escapes) or verbatim ({@code @"..."}), integers
 *       (long), decimals (real), {@code true}, {@code false}, {@code datetime(2026-01-01)}, {@code
 *       datetime(2026-01-01T00:00:00Z)} (a date-time without offset is UTC); timespans ({@code 7d}, {@code 12h},
 *       {@code 30m}, {@code 10s}, {@code 500ms}, decimals allowed) only as the argument of {@code ago()} and {@code
 *       now()};
 *   <li>{@code ago(timespan)} is {@code now} minus the timespan, {@code now()} and {@code now(timespan)};
 *   <li>{@code hash(expression)} and {@code hash(expression, N)}: a non-negative long. <b>It is not Kusto's hash
 *       function</b>: it is the 64-bit FNV-1a hash of the UTF-8 bytes of the value's string form, with the sign bit
 *       cleared, or (with {@code N}) taken modulo {@code N} as an unsigned number. It is stable across runs and JVMs,
 *       so {@code hash(DeviceId, N) == k} for k = 0..N-1 partitions the devices, but the buckets differ from the real
 *       service's.
 * </ul>
 *
 * <h2>Results</h2>
 *
 * <p>Types are named as the advanced hunting APIs name them ({@code String}, {@code DateTime}, {@code Int64}, {@code
 * Boolean}, {@code Double}). Datetimes are written in UTC with up to seven fractional digits (Kusto's 100 ns
 * precision) and no trailing zeros, e.g. {@code 2026-01-01T10:00:00Z} or {@code 2026-01-01T10:00:00.1234567Z}. {@code
 * summarize} puts the keys first, then the aggregation's columns ({@code arg_max(Timestamp, *)}: {@code Timestamp},
 * then every other column in table order); groups come out in the order they were first seen; among rows tying on
 * the maximized value, {@code arg_max} keeps the first one seen, and rows whose value is null are only kept when the
 * group has no other. {@code order by} and {@code top} default to descending, with nulls last for descending and
 * first for ascending order; ties keep their input order; strings sort ordinally.
 *
 * <p>Memory: rows are streamed; {@code summarize} keeps one row per group, {@code order by} keeps its input (or, when
 * only {@code project} and {@code take} follow it, the rows that can still be returned) and {@code top N} keeps
 * {@code N} rows. Evaluation stops reading input as soon as a {@code take} or the result cap is satisfied.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class HuntingQuery {

    /** The table queries usually start with. */
    public static final String TABLE = "DeviceInfo";

    /** The most rows a query returns, as documented for the advanced hunting APIs. */
    public static final int MAX_RESULT_ROWS = 100_000;

    /** How far back data is visible, as documented for the advanced hunting APIs. */
    public static final Duration RETENTION = Duration.ofDays(30);

    /** The longest query accepted, in characters. */
    public static final int MAX_LENGTH = 100_000;

    /** The deepest nesting of parentheses and function calls accepted. */
    public static final int MAX_DEPTH = 64;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final String text;
    private final Table table;
    private final List<Stage> stages;
    private final List<Field> output;
    private final List<HuntingResult.Column> schema;
    private final boolean[] read;

    /**
     * Called by {@link Parser}; callers use {@link #parse(String)}.
     *
     * @param needed the names of the table columns the query reads or returns: only those are taken from the input
     *     rows, so that a query such as {@code summarize arg_max(Timestamp, *) by DeviceId | project DeviceId,
     *     LoggedOnUsers} over a large fleet keeps three columns per device in memory, not all of them
     */
    HuntingQuery(String text, Table table, List<Stage> stages, List<Field> output, java.util.Set<String> needed) {
        this.text = text;
        this.table = table;
        this.read = new boolean[table.columns().size()];
        for (int i = 0; i < read.length; i++) {
            read[i] = i == table.timestamp()
                    || needed.contains(table.columns().get(i).name());
        }
        this.stages = List.copyOf(stages);
        this.output = List.copyOf(output);
        List<HuntingResult.Column> columns = new ArrayList<>();
        for (Field field : output) {
            columns.add(new HuntingResult.Column(field.name(), field.type().apiName));
        }
        this.schema = List.copyOf(columns);
    }

    /**
     * Parses a query.
     *
     * @param kql the query text
     * @return the parsed query
     * @throws HuntingQueryException if the query is empty or too long, has a syntax error, names an unknown table or
     *     column, mixes types, or uses an operator or function outside the supported subset
     */
    public static HuntingQuery parse(String kql) {
        if (kql == null || kql.isBlank()) {
            throw new HuntingQueryException("The query is empty");
        }
        if (kql.length() > MAX_LENGTH) {
            throw new HuntingQueryException("The query is too long: " + kql.length()
                    + " characters, the emulator accepts at most " + MAX_LENGTH);
        }
        List<Token> tokens = new Lexer(kql).tokenize();
        return new Parser(tokens).parseQuery(kql);
    }

    /** The table the query reads, e.g. {@value #TABLE}. */
    public String table() {
        return table.name();
    }

    /** The names of the tables the emulator answers. */
    public static java.util.Set<String> tables() {
        return Table.ALL.keySet();
    }

    /** The columns every result of this query has, in order; known once the query is parsed. */
    public List<HuntingResult.Column> schema() {
        return schema;
    }

    /**
     * Runs the query over the rows of its table, returning at most {@link #MAX_RESULT_ROWS} rows.
     *
     * @param rows the table's rows, one object per record (several per device, at different timestamps), in any
     *     order; read once, and only as far as the query needs
     * @param now the emulator's clock: the base of {@code ago()}, {@code now()} and the 30-day window
     * @return the result
     */
    public HuntingResult execute(Iterator<ObjectNode> rows, Instant now) {
        return execute(rows, now, MAX_RESULT_ROWS);
    }

    /** As {@link #execute(Iterator, Instant)}, with the result cap given (for tests). */
    HuntingResult execute(Iterator<ObjectNode> rows, Instant now, int maxRows) {
        Objects.requireNonNull(rows, "rows");
        Objects.requireNonNull(now, "now");
        if (maxRows < 0) {
            throw new IllegalArgumentException("maxRows must not be negative: " + maxRows);
        }
        Iterator<Object[]> it = new SourceIterator(rows, now.minus(RETENTION), read, table);
        for (int i = 0; i < stages.size(); i++) {
            it = stages.get(i).apply(it, now, rowsNeededAfter(i, maxRows));
        }
        List<ObjectNode> result = new ArrayList<>();
        while (result.size() < maxRows && it.hasNext()) {
            result.add(toJson(it.next()));
        }
        boolean truncated = it.hasNext();
        return new HuntingResult(schema, result, truncated);
    }

    /** The query text. */
    @Override
    public String toString() {
        return text;
    }

    /**
     * How many of its rows, at most, the stage at {@code index} must produce for the result to be complete (one more
     * than the cap, so that truncation can be detected): bounded when only row-preserving stages and {@code take}
     * follow it.
     */
    private long rowsNeededAfter(int index, int maxRows) {
        long bound = (long) maxRows + 1;
        for (int i = index + 1; i < stages.size(); i++) {
            Stage stage = stages.get(i);
            if (stage instanceof TakeStage take) {
                return Math.min(bound, take.count());
            }
            if (!(stage instanceof ProjectStage)) {
                return Long.MAX_VALUE;
            }
        }
        return bound;
    }

    private ObjectNode toJson(Object[] row) {
        ObjectNode node = NODES.objectNode();
        for (int i = 0; i < output.size(); i++) {
            String name = output.get(i).name();
            Object value = row[i];
            if (value == null) {
                node.putNull(name);
            } else if (value instanceof String s) {
                node.put(name, s);
            } else if (value instanceof Long l) {
                node.put(name, l.longValue());
            } else if (value instanceof Double d) {
                node.put(name, d.doubleValue());
            } else if (value instanceof Boolean b) {
                node.put(name, b.booleanValue());
            } else if (value instanceof Instant t) {
                node.put(name, formatDateTime(t));
            } else if (value instanceof com.fasterxml.jackson.databind.JsonNode j) {
                node.set(name, j);
            } else {
                throw new IllegalStateException("Unexpected value " + value.getClass());
            }
        }
        return node;
    }
}
