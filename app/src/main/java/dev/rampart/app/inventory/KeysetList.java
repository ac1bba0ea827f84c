package dev.rampart.app.inventory;

import dev.rampart.app.web.ApiProblem;
import dev.rampart.app.web.CursorPage;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.postgresql.util.PGobject;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * A list endpoint's query: a select whose column aliases are the API's keys, filters added as SQL conditions, a sort
 * chosen from named expressions, and keyset paging on (sort value, tie-breaker) so that page 1,000 costs what page 1
 * costs. The cursor carries the last row's sort value and tie-breaker.
 */
final class KeysetList {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final char SEP = '\u001f';

    private final String select;
    private final Map<String, Key> sorts;
    private final String defaultSort;
    private final Key tiebreak;
    private final List<String> where = new ArrayList<>();
    private final List<Object> params = new ArrayList<>();

    /**
     * A sort key: a SQL expression that is never null (coalesce to a sentinel) and its type, so that a cursor's value
     * is compared as that type and an index on the expression serves the page.
     */
    record Key(String expr, String type) {
        static Key of(String expr, String type) {
            return new Key(expr, type);
        }
    }

    /**
     * @param select everything up to (not including) the WHERE clause
     * @param sorts the sort names and their keys
     * @param tiebreak a unique key of the row (its id)
     */
    KeysetList(String select, Map<String, Key> sorts, String defaultSort, Key tiebreak) {
        this.select = select;
        this.sorts = sorts;
        this.defaultSort = defaultSort;
        this.tiebreak = tiebreak;
    }

    KeysetList where(String condition, Object... values) {
        where.add(condition);
        params.addAll(List.of(values));
        return this;
    }

    /** Adds {@code condition} when {@code value} is given. */
    KeysetList whereIf(Object value, String condition) {
        if (value != null && !(value instanceof String s && s.isBlank())) {
            where(condition, value);
        }
        return this;
    }

    CursorPage<Map<String, Object>> page(JdbcClient jdbc, String sort, String cursor, Integer limit) {
        int n = CursorPage.limit(limit);
        String s = sort == null || sort.isBlank() ? defaultSort : sort;
        boolean desc = s.startsWith("-");
        Key key = sorts.get(desc ? s.substring(1) : s);
        if (key == null) {
            throw ApiProblem.invalid("sort", "must be one of " + sorts.keySet() + ", with '-' in front for descending");
        }
        List<String> conditions = new ArrayList<>(where);
        List<Object> values = new ArrayList<>(params);
        String raw = CursorPage.decode(cursor);
        if (raw != null) {
            String[] parts = raw.split(String.valueOf(SEP), -1);
            if (parts.length != 3 || !parts[0].equals(s)) {
                throw ApiProblem.invalid("cursor", "belongs to another list or sort; start again without a cursor");
            }
            if (!fits(parts[1], key.type()) || !fits(parts[2], tiebreak.type())) {
                throw ApiProblem.invalid("cursor", "is not a cursor this API returned");
            }
            conditions.add("(" + key.expr() + ", " + tiebreak.expr() + ") " + (desc ? "<" : ">") + " (cast(? as "
                    + key.type() + "), cast(? as " + tiebreak.type() + "))");
            values.add(parts[1]);
            values.add(parts[2]);
        }
        String sortCol = "__sort";
        String tieCol = "__tie";
        // The sort value and tie-breaker ride along as two extra text columns, removed from the row before it is
        // returned; text casts of PostgreSQL values cast back to the same value.
        String keyed = select.replaceFirst(
                        "(?is)^select ",
                        "select (" + key.expr() + ")::text as " + sortCol + ", (" + tiebreak.expr() + ")::text as "
                                + tieCol + ", ")
                + (conditions.isEmpty() ? "" : " where " + String.join(" and ", conditions))
                + " order by " + key.expr() + (desc ? " desc" : "") + ", " + tiebreak.expr() + (desc ? " desc" : "")
                + " limit " + (n + 1);
        List<Map<String, Object>> rows = new ArrayList<>();
        List<String[]> keys = new ArrayList<>();
        jdbc.sql(keyed).params(values).query((ResultSet rs) -> {
            Map<String, Object> row = row(rs);
            keys.add(new String[] {String.valueOf(row.remove(sortCol)), String.valueOf(row.remove(tieCol))});
            rows.add(row);
        });
        if (rows.size() <= n) {
            return new CursorPage<>(rows, null);
        }
        String[] last = keys.get(n - 1);
        return new CursorPage<>(List.copyOf(rows.subList(0, n)), CursorPage.encode(s + SEP + last[0] + SEP + last[1]));
    }

    private static final java.util.regex.Pattern TIMESTAMP = java.util.regex.Pattern.compile(
            "-?infinity|\\d{4,}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}(\\.\\d{1,6})?[+-]\\d{2}(:\\d{2}){0,2}( BC)?");

    /**
     * Whether a cursor's value can be the text PostgreSQL writes for a value of this type, so that a forged cursor is
     * the caller's error, not the database's.
     */
    static boolean fits(String v, String type) {
        if (v.indexOf('\0') >= 0) {
            return false;
        }
        try {
            return switch (type) {
                case "bigint" -> {
                    Long.parseLong(v);
                    yield true;
                }
                case "integer" -> {
                    Integer.parseInt(v);
                    yield true;
                }
                case "double precision" -> v.matches("-?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?|NaN|-?Infinity");
                case "timestamptz" -> TIMESTAMP.matcher(v).matches();
                default -> true;
            };
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** A LIKE pattern for "contains {@code q}", case-insensitive: '%', '_' and '\\' in q match themselves. */
    static String contains(String q) {
        return "%"
                + q.toLowerCase(java.util.Locale.ROOT)
                        .replace("\\", "\\\\")
                        .replace("%", "\\%")
                        .replace("_", "\\_")
                + "%";
    }

    /** A row as the API shows it: JSON columns as JSON, times in UTC ISO-8601. */
    static Map<String, Object> row(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            m.put(md.getColumnLabel(i), value(rs.getObject(i)));
        }
        return m;
    }

    static Object value(Object v) {
        if (v instanceof Timestamp t) {
            return t.toInstant().atOffset(ZoneOffset.UTC);
        }
        if (v instanceof PGobject pg && pg.getType() != null && pg.getType().startsWith("json")) {
            return pg.getValue() == null ? null : JSON.readTree(pg.getValue());
        }
        if (v instanceof java.sql.Array a) {
            try {
                return a.getArray();
            } catch (SQLException e) {
                return null;
            }
        }
        return v;
    }
}
