package dev.rampart.emulator.hunting;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * The result of running a {@link HuntingQuery}: the output schema, the rows and whether rows were cut off at the
 * result cap.
 *
 * @param schema the output columns, in order
 * @param rows one object per row, holding every schema column (in schema order) with JSON {@code null} for a null
 *     value; {@code DateTime} values are ISO-8601 UTC strings, {@code Int64} values JSON numbers, {@code Boolean}
 *     values JSON booleans and {@code String} values JSON strings (never null, as in Kusto)
 * @param truncated whether the query produced more rows than the cap ({@link HuntingQuery#MAX_RESULT_ROWS}) and only
 *     the first ones were kept
 */
public record HuntingResult(List<Column> schema, List<ObjectNode> rows, boolean truncated) {

    public HuntingResult {
        schema = List.copyOf(schema);
        rows = List.copyOf(rows);
    }

    /**
     * One output column.
     *
     * @param name the column name
     * @param type the type as the advanced hunting APIs name it: {@code String}, {@code DateTime}, {@code Int64},
     *     {@code Int32}, {@code Boolean}, {@code Double} or {@code Object}
     */
    public record Column(String name, String type) {

        public Column {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
        }
    }
}
