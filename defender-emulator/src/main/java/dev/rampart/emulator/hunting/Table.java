package dev.rampart.emulator.hunting;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A table the emulator's advanced hunting answers: its name, its columns in the order of Microsoft's table reference,
 * and the position of the column that holds each row's time ({@code -1} for the vulnerability-management tables,
 * whose rows are the current state and have no {@code Timestamp}).
 */
record Table(String name, List<Field> columns, int timestamp) {

    /** The tables, by name. */
    static final Map<String, Table> ALL = tables();

    private static Map<String, Table> tables() {
        Map<String, Table> m = new LinkedHashMap<>();
        for (Table t : HuntingTables.all()) {
            m.put(t.name(), t);
        }
        return Map.copyOf(m);
    }

    /** The table of that name (case-sensitive, as in Kusto), or null. */
    static Table find(String name) {
        return ALL.get(name);
    }

    /** A table whose time column is {@code Timestamp} when it has one. */
    static Table of(String name, List<Field> columns) {
        int timestamp = -1;
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals("Timestamp")) {
                timestamp = i;
            }
        }
        return new Table(name, List.copyOf(columns), timestamp);
    }
}
