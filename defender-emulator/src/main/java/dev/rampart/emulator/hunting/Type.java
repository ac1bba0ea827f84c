package dev.rampart.emulator.hunting;

/** A scalar type: its KQL name (for messages) and its name in the APIs' result schema. */
enum Type {
    STRING("string", "String"),
    LONG("long", "Int64"),
    INT("int", "Int32"),
    REAL("real", "Double"),
    BOOL("bool", "Boolean"),
    DATETIME("datetime", "DateTime"),
    /** JSON (arrays, objects): the APIs name it {@code Object} and return the JSON itself. */
    DYNAMIC("dynamic", "Object");

    final String kqlName;
    final String apiName;

    Type(String kqlName, String apiName) {
        this.kqlName = kqlName;
        this.apiName = apiName;
    }

    boolean isNumeric() {
        return this == LONG || this == INT || this == REAL;
    }

    boolean isOrdered() {
        return isNumeric() || this == DATETIME;
    }
}
