package dev.rampart.app.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A token's role capped by its owner's current role: the permissions both have. */
class RoleTest {
    @Test
    void meetShouldKeepOnlyThePermissionsBothRolesHave() {
        assertThat(Role.ADMIN.meet(Role.VIEWER)).isEqualTo(Role.VIEWER);
        assertThat(Role.VIEWER.meet(Role.ADMIN)).isEqualTo(Role.VIEWER);
        assertThat(Role.ADMIN.meet(Role.ADMIN)).isEqualTo(Role.ADMIN);
        assertThat(Role.ADMIN.meet(Role.RESPONDER)).isEqualTo(Role.RESPONDER);
        assertThat(Role.CONNECTOR_EDITOR.meet(Role.ADMIN)).isEqualTo(Role.CONNECTOR_EDITOR);
        assertThat(Role.ANALYST.meet(Role.RESPONDER)).isEqualTo(Role.VIEWER);
        assertThat(Role.CONNECTOR_EDITOR.meet(Role.ANALYST)).isEqualTo(Role.VIEWER);
        for (Role a : Role.values()) {
            for (Role b : Role.values()) {
                Role m = a.meet(b);
                assertThat(a.covers(m) && b.covers(m)).as(a + " meet " + b).isTrue();
                assertThat(m).isEqualTo(b.meet(a));
            }
        }
    }
}
