/**
 * Who may do what: users with local passwords and lock-out, project memberships with roles, API tokens bound to a
 * project and role, the {@link dev.rampart.app.security.Requires} permission every endpoint states, and the audit log.
 */
package dev.rampart.app.security;
