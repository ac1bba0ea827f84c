package dev.rampart.app.security;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The permission an endpoint needs. Every handler method of Rampart's controllers carries one; a handler without it
 * is refused to everyone ({@link AccessInterceptor}), so a forgotten annotation fails closed.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface Requires {
    Permission value();
}
