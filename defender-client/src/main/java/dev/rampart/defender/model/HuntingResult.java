package dev.rampart.defender.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The answer to an advanced hunting query: legacy MDE {@code {"Schema": [...], "Results": [...]}} (REFERENCE 11.1) or
 * Graph {@code runHuntingQuery} {@code {"schema": [...], "results": [...]}} (11.2); keys are matched ignoring case.
 * Rows stay JSON: {@link #rows()} returns copies, and the cell accessors read one value by row index and column name
 * (also ignoring case) with the same lenient conversions as the other models.
 */
public record HuntingResult(List<HuntingColumn> columns, ObjectNode raw) {

    public HuntingResult {
        columns = Json.list(columns);
        raw = Json.copy(raw);
    }

    public static HuntingResult from(JsonNode node) {
        ObjectNode o = Json.asObject(node);
        return new HuntingResult(Json.objects(o, "schema", HuntingColumn::from), o);
    }

    /** Column names in schema order. */
    public List<String> columnNames() {
        List<String> names = new ArrayList<>(columns.size());
        for (HuntingColumn column : columns) {
            names.add(column.name());
        }
        return Json.list(names);
    }

    /** Number of result rows. */
    public int rowCount() {
        JsonNode results = results();
        return results == null ? 0 : results.size();
    }

    /**
     * Copies of the result rows, in order (a row that is not a JSON object becomes an empty object, so indexes match
     * {@link #rowCount()}). Each call copies every row: call it once per result.
     */
    public List<ObjectNode> rows() {
        int count = rowCount();
        List<ObjectNode> rows = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            rows.add(row(i));
        }
        return List.copyOf(rows);
    }

    /** A copy of row {@code index}; an empty object when out of range or not an object. */
    public ObjectNode row(int index) {
        JsonNode row = rowNode(index);
        return row instanceof ObjectNode object ? object.deepCopy() : JsonNodeFactory.instance.objectNode();
    }

    /** A copy of one cell, or {@code null} when the row or column is absent or the value is JSON null. */
    public JsonNode cell(int row, String column) {
        JsonNode value = Json.field(rowNode(row), column);
        return value == null ? null : value.deepCopy();
    }

    /** One cell as text (numbers and booleans as their JSON text; objects and arrays as {@code null}). */
    public String text(int row, String column) {
        return Json.text(rowNode(row), column);
    }

    /** One cell as a whole number, from a number or numeric text. */
    public Long longValue(int row, String column) {
        return Json.longValue(rowNode(row), column);
    }

    /** One cell as a number, from a number or numeric text. */
    public Double doubleValue(int row, String column) {
        return Json.doubleValue(rowNode(row), column);
    }

    /** One cell as a boolean. */
    public Boolean bool(int row, String column) {
        return Json.bool(rowNode(row), column);
    }

    /** One cell as an instant ({@code DateTime} columns); {@code null} when unparseable. */
    public Instant instant(int row, String column) {
        return Json.instant(rowNode(row), column);
    }

    /** A copy of the original JSON object, unknown fields included. */
    @Override
    public ObjectNode raw() {
        return raw.deepCopy();
    }

    private JsonNode results() {
        JsonNode results = Json.field(raw, "results");
        return results != null && results.isArray() ? results : null;
    }

    private JsonNode rowNode(int index) {
        JsonNode results = results();
        return results == null || index < 0 || index >= results.size() ? null : results.get(index);
    }
}
