/** A JUnit 5 extension that starts one sandbox per test class. */
package dev.rampart.emulator.junit;
