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
