package dev.rampart.app.security;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** A member's role in a project (F23) and the permissions it carries. */
public enum Role {
    VIEWER(EnumSet.of(Permission.READ)),
    ANALYST(EnumSet.of(Permission.READ, Permission.TRIAGE)),
    RESPONDER(EnumSet.of(Permission.READ, Permission.RESPOND)),
    CONNECTOR_EDITOR(EnumSet.of(Permission.READ, Permission.EDIT_CONNECTOR)),
    ADMIN(EnumSet.of(
            Permission.READ,
            Permission.TRIAGE,
            Permission.RESPOND,
            Permission.EDIT_CONNECTOR,
            Permission.PROJECT_ADMIN));

    private final Set<Permission> permissions;

    Role(Set<Permission> permissions) {
        this.permissions = permissions;
    }

    public boolean allows(Permission p) {
        return permissions.contains(p);
    }

    /** True when this role has every permission of {@code other}: a token may not carry more than its creator. */
    public boolean covers(Role other) {
        return permissions.containsAll(other.permissions);
    }

    /**
     * The role with the permissions both roles have: what a token reaches when its owner's role in the project is no
     * longer the one the token was made with (a token never reaches more than its owner now may).
     */
    public Role meet(Role other) {
        if (covers(other)) {
            return other;
        }
        if (other.covers(this)) {
            return this;
        }
        Set<Permission> both = EnumSet.copyOf(permissions);
        both.retainAll(other.permissions);
        for (Role r : values()) {
            if (r.permissions.equals(both)) {
                return r;
            }
        }
        return VIEWER; // every role reads; no two roles share more than that without one covering the other
    }

    /** As stored and in the API: {@code admin}, {@code connector_editor}, {@code responder}, {@code analyst}, ... */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role parse(String s) {
        for (Role r : values()) {
            if (r.key().equals(s)) {
                return r;
            }
        }
        throw new IllegalArgumentException(
                "unknown role '" + s + "' (admin, connector_editor, responder, analyst or" + " viewer)");
    }
}
