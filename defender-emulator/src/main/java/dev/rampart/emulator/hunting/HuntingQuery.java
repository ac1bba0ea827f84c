package dev.rampart.emulator.hunting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * An advanced hunting query in the subset of KQL (Kusto Query Language) the emulator supports, parsed once and then
 * run against the rows of the emulated {@code DeviceInfo} table.
 *
 * <h2>Table</h2>
 *
 * <p>The only table is {@code DeviceInfo}; any other table name fails with {@code Failed to resolve table or column
 * expression named 'X'}. Its columns are fixed (they are the {@link #schema()} of the query {@code DeviceInfo}), in
 * the order of the real table's documentation: {@code Timestamp} (datetime), {@code DeviceId}, {@code DeviceName}, {@code
 * ClientVersion}, {@code PublicIP}, {@code OSArchitecture}, {@code OSPlatform}, {@code OSBuild} (long), {@code
 * IsAzureADJoined} (bool), {@code AadDeviceId}, {@code LoggedOnUsers}, {@code OSVersion}, {@code MachineGroup}, {@code
 * ReportId} (long), {@code OnboardingStatus}, {@code DeviceCategory}, {@code DeviceType}, {@code OSDistribution},
 * {@code SensorHealthState}, {@code IsExcluded} (bool), {@code ExposureLevel}, {@code AssetValue}, {@code
 * DeviceManualTags} and {@code DeviceDynamicTags} (all others string). Input rows are read by column name; fields not
 * in the table are ignored, and a value of the wrong JSON kind is converted when it can be (a numeric string in a long
 * column, a JSON array in a string column becomes its compact JSON text) and is null otherwise. As in Kusto, string
 * values are never null: a missing or null string is the empty string.
 *
 * <p>Only rows whose {@code Timestamp} is within {@link #RETENTION} (30 days) before {@code now} are visible (rows
 * with a later timestamp are visible too); rows without a parseable timestamp are never visible. At most {@link
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

    /** The only table the emulator knows. */
    public static final String TABLE = "DeviceInfo";

    /** The most rows a query returns, as documented for the advanced hunting APIs. */
    public static final int MAX_RESULT_ROWS = 100_000;

    /** How far back data is visible, as documented for the advanced hunting APIs. */
    public static final Duration RETENTION = Duration.ofDays(30);

    /** The longest query accepted, in characters. */
    public static final int MAX_LENGTH = 100_000;

    /** The deepest nesting of parentheses and function calls accepted. */
    public static final int MAX_DEPTH = 64;

    private static final List<Field> DEVICE_INFO = List.of(
            new Field("Timestamp", Type.DATETIME),
            new Field("DeviceId", Type.STRING),
            new Field("DeviceName", Type.STRING),
            new Field("ClientVersion", Type.STRING),
            new Field("PublicIP", Type.STRING),
            new Field("OSArchitecture", Type.STRING),
            new Field("OSPlatform", Type.STRING),
            new Field("OSBuild", Type.LONG),
            new Field("IsAzureADJoined", Type.BOOL),
            new Field("AadDeviceId", Type.STRING),
            new Field("LoggedOnUsers", Type.STRING),
            new Field("OSVersion", Type.STRING),
            new Field("MachineGroup", Type.STRING),
            new Field("ReportId", Type.LONG),
            new Field("OnboardingStatus", Type.STRING),
            new Field("DeviceCategory", Type.STRING),
            new Field("DeviceType", Type.STRING),
            new Field("OSDistribution", Type.STRING),
            new Field("SensorHealthState", Type.STRING),
            new Field("IsExcluded", Type.BOOL),
            new Field("ExposureLevel", Type.STRING),
            new Field("AssetValue", Type.STRING),
            new Field("DeviceManualTags", Type.STRING),
            new Field("DeviceDynamicTags", Type.STRING));

    /** The index of {@code Timestamp} in {@link #DEVICE_INFO}. */
    private static final int TIMESTAMP = 0;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final String text;
    private final List<Stage> stages;
    private final List<Field> output;
    private final List<HuntingResult.Column> schema;

    private HuntingQuery(String text, List<Stage> stages, List<Field> output) {
        this.text = text;
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

    /** The table the query reads: always {@value #TABLE}. */
    public String table() {
        return TABLE;
    }

    /** The columns every result of this query has, in order; known once the query is parsed. */
    public List<HuntingResult.Column> schema() {
        return schema;
    }

    /**
     * Runs the query over the rows of the {@code DeviceInfo} table, returning at most {@link #MAX_RESULT_ROWS} rows.
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
        Iterator<Object[]> it = new SourceIterator(rows, now.minus(RETENTION));
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
            } else {
                throw new IllegalStateException("Unexpected value " + value.getClass());
            }
        }
        return node;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Types and values
    // ---------------------------------------------------------------------------------------------------------------

    /** A scalar type: its KQL name (for messages) and its name in the APIs' result schema. */
    private enum Type {
        STRING("string", "String"),
        LONG("long", "Int64"),
        REAL("real", "Double"),
        BOOL("bool", "Boolean"),
        DATETIME("datetime", "DateTime");

        final String kqlName;
        final String apiName;

        Type(String kqlName, String apiName) {
            this.kqlName = kqlName;
            this.apiName = apiName;
        }

        boolean isNumeric() {
            return this == LONG || this == REAL;
        }

        boolean isOrdered() {
            return isNumeric() || this == DATETIME;
        }
    }

    /** A column of a (possibly intermediate) result. */
    private record Field(String name, Type type) {}

    private static final DateTimeFormatter SECONDS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** Runtime values: String (never null for string columns), Long, Double, Boolean, Instant, or null. */
    private static Object fromJson(JsonNode node, Type type) {
        boolean absent = node == null || node.isNull() || node.isMissingNode();
        switch (type) {
            case STRING:
                if (absent) {
                    return "";
                }
                if (node.isTextual()) {
                    return node.textValue();
                }
                return node.isContainerNode() ? node.toString() : node.asText();
            case LONG:
                if (absent) {
                    return null;
                }
                if (node.isNumber()) {
                    return node.longValue();
                }
                if (node.isTextual()) {
                    try {
                        return Long.parseLong(node.textValue().trim());
                    } catch (NumberFormatException e) {
                        return null;
                    }
                }
                return null;
            case REAL:
                if (absent) {
                    return null;
                }
                if (node.isNumber()) {
                    return node.doubleValue();
                }
                if (node.isTextual()) {
                    try {
                        return Double.parseDouble(node.textValue().trim());
                    } catch (NumberFormatException e) {
                        return null;
                    }
                }
                return null;
            case BOOL:
                if (absent) {
                    return null;
                }
                if (node.isBoolean()) {
                    return node.booleanValue();
                }
                if (node.isTextual()) {
                    String s = node.textValue().trim();
                    if (s.equalsIgnoreCase("true")) {
                        return Boolean.TRUE;
                    }
                    if (s.equalsIgnoreCase("false")) {
                        return Boolean.FALSE;
                    }
                }
                return null;
            case DATETIME:
                return absent || !node.isTextual() ? null : parseDateTime(node.textValue());
            default:
                throw new IllegalStateException("Unexpected type " + type);
        }
    }

    /**
     * Parses an ISO-8601 date-time with an offset or {@code Z}, a date-time without one (UTC; a space may separate
     * date and time), or a date (midnight UTC); truncated to 100 ns. Returns null if the text is none of these.
     */
    private static Instant parseDateTime(String raw) {
        Instant fast = parseUtcDateTime(raw);
        if (fast != null) {
            return fast;
        }
        String s = raw.trim();
        if (s.isEmpty()) {
            return null;
        }
        String t = s.length() > 10 && s.charAt(10) == ' ' ? s.substring(0, 10) + 'T' + s.substring(11) : s;
        Instant instant = null;
        try {
            instant = OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException e) {
            try {
                instant = LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                try {
                    instant = LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
                } catch (DateTimeParseException e3) {
                    return null;
                }
            }
        }
        return instant.minusNanos(instant.getNano() % 100);
    }

    /**
     * A fast path for the common form {@code 2026-01-01T00:00:00[.fffffff]Z}; returns null for anything else,
     * including invalid dates, which the general path then rejects.
     */
    private static Instant parseUtcDateTime(String s) {
        int length = s.length();
        if (length < 20
                || s.charAt(length - 1) != 'Z'
                || s.charAt(4) != '-'
                || s.charAt(7) != '-'
                || s.charAt(10) != 'T'
                || s.charAt(13) != ':'
                || s.charAt(16) != ':') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 7);
        int day = digits(s, 8, 10);
        int hour = digits(s, 11, 13);
        int minute = digits(s, 14, 16);
        int second = digits(s, 17, 19);
        if ((year | month | day | hour | minute | second) < 0
                || month < 1
                || month > 12
                || day < 1
                || day > 31
                || hour > 23
                || minute > 59
                || second > 59) {
            return null;
        }
        int nanos = 0;
        if (length > 20) {
            int fractionDigits = length - 21;
            if (s.charAt(19) != '.' || fractionDigits < 1 || fractionDigits > 7) {
                return null;
            }
            int fraction = digits(s, 20, length - 1);
            if (fraction < 0) {
                return null;
            }
            nanos = fraction;
            for (int i = fractionDigits; i < 9; i++) {
                nanos *= 10;
            }
        } else if (s.charAt(19) != 'Z') {
            return null;
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException e) {
            return null;
        }
        return Instant.ofEpochSecond(epochDay * 86_400L + hour * 3_600L + minute * 60L + second, nanos);
    }

    /** The non-negative number written in {@code s[from, to)}, or -1 if a character is not a digit. */
    private static int digits(String s, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static String formatDateTime(Instant t) {
        StringBuilder out = new StringBuilder(SECONDS.format(t));
        int ticks = t.getNano() / 100;
        if (ticks != 0) {
            String fraction = String.format(Locale.ROOT, "%07d", ticks);
            int end = fraction.length();
            while (fraction.charAt(end - 1) == '0') {
                end--;
            }
            out.append('.').append(fraction, 0, end);
        }
        return out.append('Z').toString();
    }

    /** The string form of a value, as the string operators and {@code hash} see it. */
    private static String toKustoString(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Instant t) {
            return formatDateTime(t);
        }
        return value.toString();
    }

    /** Compares two non-null values of comparable types (the parser guarantees it). */
    private static int compareValues(Object a, Object b) {
        if (a instanceof String x && b instanceof String y) {
            return x.compareTo(y);
        }
        if (a instanceof Long x && b instanceof Long y) {
            return Long.compare(x, y);
        }
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue());
        }
        if (a instanceof Instant x && b instanceof Instant y) {
            return x.compareTo(y);
        }
        if (a instanceof Boolean x && b instanceof Boolean y) {
            return Boolean.compare(x, y);
        }
        throw new IllegalStateException("Cannot compare " + a.getClass() + " with " + b.getClass());
    }

    private static boolean valuesEqual(Object a, Object b, boolean ignoreCase) {
        if (ignoreCase && a instanceof String x && b instanceof String y) {
            return x.equalsIgnoreCase(y);
        }
        return compareValues(a, b) == 0;
    }

    /** 64-bit FNV-1a over the UTF-8 bytes of {@code s}. */
    private static long fnv1a64(String s) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Expressions
    // ---------------------------------------------------------------------------------------------------------------

    private interface Expr {
        Type type();

        /** The value for a row: String, Long, Double, Boolean, Instant or null. */
        Object eval(Object[] row, Instant now);
    }

    private record Literal(Type type, Object value) implements Expr {
        @Override
        public Object eval(Object[] row, Instant now) {
            return value;
        }
    }

    private record ColumnRef(String name, int index, Type type) implements Expr {
        @Override
        public Object eval(Object[] row, Instant now) {
            return row[index];
        }
    }

    /** {@code ago(span)} and {@code now(offset)}: {@code now + offset}. */
    private record RelativeTime(Duration offset) implements Expr {
        @Override
        public Type type() {
            return Type.DATETIME;
        }

        @Override
        public Object eval(Object[] row, Instant now) {
            return now.plus(offset);
        }
    }

    private record Hash(Expr argument, long modulo) implements Expr {
        @Override
        public Type type() {
            return Type.LONG;
        }

        @Override
        public Object eval(Object[] row, Instant now) {
            Object value = argument.eval(row, now);
            if (value == null) {
                return null;
            }
            long hash = fnv1a64(toKustoString(value));
            return modulo > 0 ? Long.remainderUnsigned(hash, modulo) : hash & Long.MAX_VALUE;
        }
    }

    private record EmptyTest(Expr argument, boolean negated) implements Expr {
        @Override
        public Type type() {
            return Type.BOOL;
        }

        @Override
        public Object eval(Object[] row, Instant now) {
            Object value = argument.eval(row, now);
            boolean empty = value == null || (value instanceof String s && s.isEmpty());
            return empty != negated;
        }
    }

    private record NullTest(Expr argument, boolean negated) implements Expr {
        @Override
        public Type type() {
            return Type.BOOL;
        }

        @Override
        public Object eval(Object[] row, Instant now) {
            return (argument.eval(row, now) == null) != negated;
        }
    }

    private record Not(Expr argument) implements Expr {
        @Override
        public Type type() {
            return Type.BOOL;
        }

        @Override
        public Object eval(Object[] row, Instant now) {
            Object value = argument.eval(row, now);
            return value == null ? null : !(Boolean) value;
        }
    }

    private record And(Expr left, Expr right) implements Expr {
        @Override
        public Type type() {
            return Type.BOOL;
        }

        @Override
        public Object eval(Object[] row, Instant now) {
            Object a = left.eval(row, now);
            if (Boolean.FALSE.equals(a)) {
                return Boolean.FALSE;
            }
            Object b = right.eval(row, now);
            if (Boolean.FALSE.equals(b)) {
                return Boolean.FALSE;
            }
            return a == null || b == null ? null : Boolean.TRUE;
        }
    }

    private record Or(Expr left, Expr right) implements Expr {
        @Override
        public Type type() {
            return Type.BOOL;
        }

        @Override
        public Object eval(Object[] row, Instant now) {
            Object a = left.eval(row, now);
            if (Boolean.TRUE.equals(a)) {
                return Boolean.TRUE;
            }
            Object b = right.eval(row, now);
            if (Boolean.TRUE.equals(b)) {
                return Boolean.TRUE;
            }
            return a == null || b == null ? null : Boolean.FALSE;
        }
    }

    private enum CompareOp {
        EQ("=="),
        NE("!="),
        LT("<"),
        LE("<="),
        GT(">"),
        GE(">="),
        EQ_CI("=~"),
        NE_CI("!~");

        final String symbol;

        CompareOp(String symbol) {
            this.symbol = symbol;
        }

        boolean isOrdering() {
            return this == LT || this == LE || this == GT || this == GE;
        }

        static CompareOp of(String symbol) {
            for (CompareOp op : values()) {
                if (op.symbol.equals(symbol)) {
                    return op;
                }
            }
            return null;
        }
    }

    private record Compare(CompareOp op, Expr left, Expr right) implements Expr {
        @Override
        public Type type() {
            return Type.BOOL;
        }

        @Override
        public Object eval(Object[] row, Instant now) {
            Object a = left.eval(row, now);
            Object b = right.eval(row, now);
            if (a == null || b == null) {
                return null;
            }
            switch (op) {
                case EQ_CI:
                    return valuesEqual(a, b, true);
                case NE_CI:
                    return !valuesEqual(a, b, true);
                default:
                    break;
            }
            int c = compareValues(a, b);
            return switch (op) {
                case EQ -> c == 0;
                case NE -> c != 0;
                case LT -> c < 0;
                case LE -> c <= 0;
                case GT -> c > 0;
                case GE -> c >= 0;
                default -> throw new IllegalStateException(op.name());
            };
        }
    }

    private enum StringOp {
        CONTAINS,
        HAS,
        STARTSWITH,
        ENDSWITH
    }

    /** A string operator as written: {@code has}, {@code !has}, {@code has_cs}, {@code !has_cs}, ... */
    private record StringOpSpec(StringOp op, boolean caseSensitive, boolean negated) {}

    private record StringTest(StringOpSpec spec, Expr left, Expr right) implements Expr {
        @Override
        public Type type() {
            return Type.BOOL;
        }

        @Override
        public Object eval(Object[] row, Instant now) {
            String haystack = toKustoString(left.eval(row, now));
            String needle = toKustoString(right.eval(row, now));
            boolean ignoreCase = !spec.caseSensitive();
            boolean match =
                    switch (spec.op()) {
                        case CONTAINS -> indexOf(haystack, needle, ignoreCase, 0) >= 0;
                        case HAS -> hasTerm(haystack, needle, ignoreCase);
                        case STARTSWITH -> haystack.regionMatches(ignoreCase, 0, needle, 0, needle.length());
                        case ENDSWITH -> haystack.length() >= needle.length()
                                && haystack.regionMatches(
                                        ignoreCase, haystack.length() - needle.length(), needle, 0, needle.length());
                    };
            return match != spec.negated();
        }

        private static int indexOf(String haystack, String needle, boolean ignoreCase, int from) {
            if (!ignoreCase) {
                return haystack.indexOf(needle, from);
            }
            for (int i = from; i + needle.length() <= haystack.length(); i++) {
                if (haystack.regionMatches(true, i, needle, 0, needle.length())) {
                    return i;
                }
            }
            return -1;
        }

        /**
         * Whether {@code needle} occurs in {@code haystack} starting and ending on term boundaries: an alphanumeric
         * first (last) character of the needle must not be preceded (followed) by an alphanumeric character.
         */
        private static boolean hasTerm(String haystack, String needle, boolean ignoreCase) {
            if (needle.isEmpty()) {
                return true;
            }
            int n = needle.length();
            boolean checkStart = Character.isLetterOrDigit(needle.charAt(0));
            boolean checkEnd = Character.isLetterOrDigit(needle.charAt(n - 1));
            for (int i = indexOf(haystack, needle, ignoreCase, 0);
                    i >= 0;
                    i = indexOf(haystack, needle, ignoreCase, i + 1)) {
                if (checkStart && i > 0 && Character.isLetterOrDigit(haystack.charAt(i - 1))) {
                    continue;
                }
                if (checkEnd && i + n < haystack.length() && Character.isLetterOrDigit(haystack.charAt(i + n))) {
                    continue;
                }
                return true;
            }
            return false;
        }
    }

    private record InList(Expr left, List<Object> values, boolean ignoreCase, boolean negated) implements Expr {
        @Override
        public Type type() {
            return Type.BOOL;
        }

        @Override
        public Object eval(Object[] row, Instant now) {
            Object value = left.eval(row, now);
            if (value == null) {
                return null;
            }
            boolean found = false;
            for (Object candidate : values) {
                if (valuesEqual(value, candidate, ignoreCase)) {
                    found = true;
                    break;
                }
            }
            return found != negated;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Pipeline stages
    // ---------------------------------------------------------------------------------------------------------------

    private interface Stage {
        /**
         * Wraps the stage's input.
         *
         * @param needed how many rows, at most, the rest of the pipeline will read from this stage
         */
        Iterator<Object[]> apply(Iterator<Object[]> input, Instant now, long needed);
    }

    /** An iterator computing its next element on demand; {@link #compute()} returns null at the end. */
    private abstract static class Lookahead implements Iterator<Object[]> {
        private Object[] pending;
        private boolean done;

        protected abstract Object[] compute();

        @Override
        public final boolean hasNext() {
            if (pending == null && !done) {
                pending = compute();
                done = pending == null;
            }
            return pending != null;
        }

        @Override
        public final Object[] next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Object[] row = pending;
            pending = null;
            return row;
        }
    }

    /** An iterator over rows computed all at once, when first asked for. */
    private abstract static class Deferred implements Iterator<Object[]> {
        private Iterator<Object[]> rows;

        protected abstract List<Object[]> compute();

        private Iterator<Object[]> rows() {
            if (rows == null) {
                rows = compute().iterator();
            }
            return rows;
        }

        @Override
        public final boolean hasNext() {
            return rows().hasNext();
        }

        @Override
        public final Object[] next() {
            return rows().next();
        }
    }

    /** The visible rows of {@code DeviceInfo}, converted to runtime values. */
    private static final class SourceIterator extends Lookahead {
        private final Iterator<ObjectNode> rows;
        private final Instant horizon;

        SourceIterator(Iterator<ObjectNode> rows, Instant horizon) {
            this.rows = rows;
            this.horizon = horizon;
        }

        @Override
        protected Object[] compute() {
            while (rows.hasNext()) {
                ObjectNode node = rows.next();
                if (node == null) {
                    continue;
                }
                Instant timestamp =
                        (Instant) fromJson(node.get(DEVICE_INFO.get(TIMESTAMP).name()), Type.DATETIME);
                if (timestamp == null || timestamp.isBefore(horizon)) {
                    continue;
                }
                Object[] row = new Object[DEVICE_INFO.size()];
                row[TIMESTAMP] = timestamp;
                for (int i = 0; i < row.length; i++) {
                    if (i != TIMESTAMP) {
                        Field field = DEVICE_INFO.get(i);
                        row[i] = fromJson(node.get(field.name()), field.type());
                    }
                }
                return row;
            }
            return null;
        }
    }

    private record WhereStage(Expr predicate) implements Stage {
        @Override
        public Iterator<Object[]> apply(Iterator<Object[]> input, Instant now, long needed) {
            return new Lookahead() {
                @Override
                protected Object[] compute() {
                    while (input.hasNext()) {
                        Object[] row = input.next();
                        if (Boolean.TRUE.equals(predicate.eval(row, now))) {
                            return row;
                        }
                    }
                    return null;
                }
            };
        }
    }

    /** {@code project} and {@code project-away}: one output row per input row. */
    private record ProjectStage(List<Expr> columns) implements Stage {
        @Override
        public Iterator<Object[]> apply(Iterator<Object[]> input, Instant now, long needed) {
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return input.hasNext();
                }

                @Override
                public Object[] next() {
                    Object[] row = input.next();
                    Object[] out = new Object[columns.size()];
                    for (int i = 0; i < out.length; i++) {
                        out[i] = columns.get(i).eval(row, now);
                    }
                    return out;
                }
            };
        }
    }

    private record TakeStage(long count) implements Stage {
        @Override
        public Iterator<Object[]> apply(Iterator<Object[]> input, Instant now, long needed) {
            return new Iterator<>() {
                private long taken;

                @Override
                public boolean hasNext() {
                    return taken < count && input.hasNext();
                }

                @Override
                public Object[] next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    taken++;
                    return input.next();
                }
            };
        }
    }

    private record SortKey(Expr expr, boolean ascending, boolean nullsFirst) {}

    private record SortEntry(Object[] row, Object[] keys, long sequence) {}

    /** {@code order by} ({@code limit} unbounded) and {@code top} ({@code limit} N). */
    private record SortStage(List<SortKey> keys, long limit) implements Stage {
        @Override
        public Iterator<Object[]> apply(Iterator<Object[]> input, Instant now, long needed) {
            long keep = Math.min(limit, needed);
            Comparator<SortEntry> order = this::compare;
            return new Deferred() {
                @Override
                protected List<Object[]> compute() {
                    if (keep <= 0) {
                        return List.of();
                    }
                    List<SortEntry> entries;
                    long sequence = 0;
                    if (keep < Integer.MAX_VALUE) {
                        PriorityQueue<SortEntry> heap = new PriorityQueue<>(order.reversed());
                        while (input.hasNext()) {
                            SortEntry entry = entry(input.next(), now, sequence++);
                            if (heap.size() < keep) {
                                heap.add(entry);
                            } else if (order.compare(entry, heap.peek()) < 0) {
                                heap.poll();
                                heap.add(entry);
                            }
                        }
                        entries = new ArrayList<>(heap);
                    } else {
                        entries = new ArrayList<>();
                        while (input.hasNext()) {
                            entries.add(entry(input.next(), now, sequence++));
                        }
                    }
                    entries.sort(order);
                    List<Object[]> rows = new ArrayList<>(entries.size());
                    for (SortEntry entry : entries) {
                        rows.add(entry.row());
                    }
                    return rows;
                }
            };
        }

        private SortEntry entry(Object[] row, Instant now, long sequence) {
            Object[] values = new Object[keys.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = keys.get(i).expr().eval(row, now);
            }
            return new SortEntry(row, values, sequence);
        }

        private int compare(SortEntry a, SortEntry b) {
            for (int i = 0; i < keys.size(); i++) {
                SortKey key = keys.get(i);
                Object x = a.keys()[i];
                Object y = b.keys()[i];
                int c;
                if (x == null || y == null) {
                    c = x == y ? 0 : (x == null) == key.nullsFirst() ? -1 : 1;
                } else {
                    c = key.ascending() ? compareValues(x, y) : compareValues(y, x);
                }
                if (c != 0) {
                    return c;
                }
            }
            return Long.compare(a.sequence(), b.sequence());
        }
    }

    private enum Aggregation {
        DISTINCT,
        COUNT,
        ARG_MAX,
        ARG_MIN
    }

    /**
     * {@code summarize}. Each output row holds the input columns {@code sources} (the keys first) and, for {@code
     * count()}, the count last; for {@code arg_max}/{@code arg_min}, {@code argPosition} is the position of the
     * compared column in the output row.
     */
    private static final class SummarizeStage implements Stage {
        private final Aggregation aggregation;
        private final int keyCount;
        private final int[] sources;
        private final int argPosition;

        SummarizeStage(Aggregation aggregation, int keyCount, int[] sources, int argPosition) {
            this.aggregation = aggregation;
            this.keyCount = keyCount;
            this.sources = sources.clone();
            this.argPosition = argPosition;
        }

        @Override
        public Iterator<Object[]> apply(Iterator<Object[]> input, Instant now, long needed) {
            return new Deferred() {
                @Override
                protected List<Object[]> compute() {
                    return aggregate(input);
                }
            };
        }

        private List<Object[]> aggregate(Iterator<Object[]> input) {
            Map<Object, Object[]> groups = new LinkedHashMap<>();
            Map<Object, long[]> counts = aggregation == Aggregation.COUNT ? new LinkedHashMap<>() : Map.of();
            int sign = aggregation == Aggregation.ARG_MIN ? -1 : 1;
            while (input.hasNext()) {
                Object[] row = input.next();
                Object key = key(row);
                Object[] current = groups.get(key);
                if (current == null) {
                    groups.put(key, project(row));
                    if (aggregation == Aggregation.COUNT) {
                        counts.put(key, new long[] {1});
                    }
                } else if (aggregation == Aggregation.COUNT) {
                    counts.get(key)[0]++;
                } else if (aggregation == Aggregation.ARG_MAX || aggregation == Aggregation.ARG_MIN) {
                    Object candidate = row[sources[argPosition]];
                    Object best = current[argPosition];
                    if (candidate != null && (best == null || sign * compareValues(candidate, best) > 0)) {
                        groups.put(key, project(row));
                    }
                }
            }
            List<Object[]> result = new ArrayList<>(groups.size());
            if (aggregation == Aggregation.COUNT) {
                if (groups.isEmpty() && keyCount == 0) {
                    result.add(new Object[] {0L});
                }
                for (Map.Entry<Object, Object[]> group : groups.entrySet()) {
                    Object[] out = Arrays.copyOf(group.getValue(), sources.length + 1);
                    out[sources.length] = counts.get(group.getKey())[0];
                    result.add(out);
                }
            } else {
                result.addAll(groups.values());
            }
            return result;
        }

        private Object key(Object[] row) {
            if (keyCount == 1) {
                return row[sources[0]];
            }
            Object[] key = new Object[keyCount];
            for (int i = 0; i < keyCount; i++) {
                key[i] = row[sources[i]];
            }
            return Arrays.asList(key);
        }

        private Object[] project(Object[] row) {
            Object[] out = new Object[sources.length];
            for (int i = 0; i < sources.length; i++) {
                out[i] = row[sources[i]];
            }
            return out;
        }
    }

    private record CountStage() implements Stage {
        @Override
        public Iterator<Object[]> apply(Iterator<Object[]> input, Instant now, long needed) {
            return new Deferred() {
                @Override
                protected List<Object[]> compute() {
                    long count = 0;
                    while (input.hasNext()) {
                        input.next();
                        count++;
                    }
                    return Collections.singletonList(new Object[] {count});
                }
            };
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Lexer
    // ---------------------------------------------------------------------------------------------------------------

    private enum Kind {
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

    /** A token; {@code line} and {@code column} are 1-based. */
    private record Token(Kind kind, String text, int line, int column, Object value) {}

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

    private static HuntingQueryException syntaxError(String text, int line, int column, String hint) {
        String at = text.isEmpty() ? "end of query" : "'" + abbreviate(text) + "'";
        return new HuntingQueryException("Query could not be parsed at " + at + " on line [" + line + "," + column + "]"
                + (hint == null ? "" : ": " + hint));
    }

    private static HuntingQueryException syntaxError(Token token, String hint) {
        return syntaxError(token.text(), token.line(), token.column(), hint);
    }

    private static String abbreviate(String text) {
        String oneLine = text.replace('\n', ' ').replace('\r', ' ');
        return oneLine.length() <= 50 ? oneLine : oneLine.substring(0, 47) + "...";
    }

    private static boolean isIdentifierStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    private static boolean isIdentifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static final class Lexer {
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
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Parser
    // ---------------------------------------------------------------------------------------------------------------

    private static final String SUPPORTED_OPERATORS =
            "where, summarize, project, project-away, take, limit, top, order by, sort by, count";

    private static final String SUPPORTED_FUNCTIONS =
            "ago, datetime, hash, isempty, isnotempty, isnotnull, isnull, not, now";

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

    private static final class Parser {
        private final List<Token> tokens;
        private int position;
        private List<Field> schema = DEVICE_INFO;
        private String operator = "where";
        private int depth;

        Parser(List<Token> tokens) {
            this.tokens = tokens;
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
            if (!first.text().equals(TABLE)) {
                throw new HuntingQueryException(
                        "Failed to resolve table or column expression named '" + first.text() + "'");
            }
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
            return new HuntingQuery(text, stages, schema);
        }

        // -- operators ------------------------------------------------------------------------------------------

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
                            "'" + token.text() + "' is not a query operator; the emulator supports "
                                    + SUPPORTED_OPERATORS);
            }
        }

        private Stage parseWhere() {
            Expr predicate = parseExpression();
            Token after = peek();
            if (after.kind() != Kind.PIPE && after.kind() != Kind.SEMICOLON && after.kind() != Kind.EOF) {
                throw syntaxError(after, "expected '|' or the end of the query");
            }
            if (predicate.type() != Type.BOOL) {
                throw semanticError(
                        "the predicate must be of type bool, but it is of type " + predicate.type().kqlName);
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

        // -- expressions ----------------------------------------------------------------------------------------

        private Expr parseExpression() {
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
                    throw semanticError("the '" + op.symbol + "' operator cannot be applied to values of type "
                            + left.type().kqlName);
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
                case "ago" -> result =
                        new RelativeTime(parseTimespanArgument(name).negated());
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
                        throw semanticError("the argument of not() must be of type bool, but it is of type "
                                + argument.type().kqlName);
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

        // -- helpers --------------------------------------------------------------------------------------------

        private ColumnRef resolve(String name) {
            int index = indexOf(schema, name);
            if (index < 0) {
                throw semanticError("Failed to resolve scalar expression named '" + name + "'");
            }
            return new ColumnRef(name, index, schema.get(index).type());
        }

        private HuntingQueryException semanticError(String message) {
            return new HuntingQueryException("'" + operator + "' operator: " + message);
        }

        private HuntingQueryException unsupportedOperator(Token token) {
            return new HuntingQueryException("The '" + token.text() + "' operator is not supported by the emulator"
                    + " (line [" + token.line() + "," + token.column() + "]). Supported operators: "
                    + SUPPORTED_OPERATORS);
        }

        private void enter() {
            if (++depth > MAX_DEPTH) {
                throw new HuntingQueryException("The query is nested too deeply: the emulator accepts at most "
                        + MAX_DEPTH + " levels of parentheses and function calls");
            }
        }

        private Token peek() {
            return tokens.get(position);
        }

        private Token peek(int ahead) {
            return tokens.get(Math.min(position + ahead, tokens.size() - 1));
        }

        private Token next() {
            Token token = tokens.get(position);
            if (token.kind() != Kind.EOF) {
                position++;
            }
            return token;
        }

        private boolean atWord(String word) {
            Token token = peek();
            return token.kind() == Kind.IDENT && token.text().equals(word);
        }

        private void expectWord(String word) {
            if (!atWord(word)) {
                throw syntaxError(peek(), "expected '" + word + "'");
            }
            next();
        }

        private Token expect(Kind kind, String hint) {
            if (peek().kind() != kind) {
                throw syntaxError(peek(), hint);
            }
            return next();
        }

        private boolean acceptComma() {
            if (peek().kind() == Kind.COMMA) {
                next();
                return true;
            }
            return false;
        }

        private static boolean isName(Token token) {
            return token.kind() == Kind.IDENT
                    && isIdentifierStart(token.text().charAt(0))
                    && token.text().chars().allMatch(c -> isIdentifierPart((char) c));
        }

        private static int indexOf(List<Field> fields, String name) {
            for (int i = 0; i < fields.size(); i++) {
                if (fields.get(i).name().equals(name)) {
                    return i;
                }
            }
            return -1;
        }

        private static List<Field> append(List<Field> fields, Field field) {
            List<Field> all = new ArrayList<>(fields);
            all.add(field);
            return List.copyOf(all);
        }
    }
}
