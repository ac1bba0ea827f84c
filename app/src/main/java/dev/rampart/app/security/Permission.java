package dev.rampart.app.security;

/**
 * What an endpoint needs. Project permissions come from the caller's role in the project named by the request's
 * {@code {project}} path variable; {@link #SERVER_ADMIN}, {@link #AUTHENTICATED} and {@link #PUBLIC} do not depend on a
 * project.
 */
public enum Permission {
    /** Anyone, signed in or not (health, the OpenAPI document). */
    PUBLIC,
    /** Any signed-in user or valid token. */
    AUTHENTICATED,
    /** Read the project's inventory, runs and connectors (never their secrets). */
    READ,
    /** Work findings, tickets and rules. */
    TRIAGE,
    /** Machine actions through Defender (F18). */
    RESPOND,
    /** Create and edit connectors, verify, preview, start and cancel imports, push imports. */
    EDIT_CONNECTOR,
    /** The project's members, all its tokens and its audit log. */
    PROJECT_ADMIN,
    /** Users, projects and the whole audit log: server administrators only. */
    SERVER_ADMIN
}
