package dev.rampart.emulator.hunting;

/** A scalar type: its KQL name (for messages) and its name in the APIs' result schema. */
enum Type {
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
