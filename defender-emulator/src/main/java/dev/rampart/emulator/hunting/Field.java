package dev.rampart.emulator.hunting;

/** A column of a (possibly intermediate) result. */
record Field(String name, Type type) {}
