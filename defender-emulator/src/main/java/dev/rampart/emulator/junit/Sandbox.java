package dev.rampart.emulator.junit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The synthetic tenant an {@link EmulatorExtension} starts for a test class. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Inherited
public @interface Sandbox {
    int devices() default 100;

    long seed() default 7;

    /** {@code real}, {@code off} or {@code scaled:N}. */
    String quotas() default "off";

    double vulnerabilitiesPerDevice() default 66;

    /** The clock's start, ISO-8601; empty means a fixed default so timestamps repeat between runs. */
    String start() default "2026-03-02T06:00:00Z";
}
