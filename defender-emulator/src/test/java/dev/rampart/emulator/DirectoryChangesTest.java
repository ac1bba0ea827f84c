package dev.rampart.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rampart.emulator.junit.EmulatorExtension;
import dev.rampart.emulator.junit.Sandbox;
import dev.rampart.emulator.tenant.Directory;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The directory changes a test may make through the tenant's state: a deleted user and a renamed UPN. */
@ExtendWith(EmulatorExtension.class)
@Sandbox(devices = 50)
class DirectoryChangesTest {
    private final DefenderEmulator emulator;
    private final SandboxHttp http;

    DirectoryChangesTest(DefenderEmulator emulator) {
        this.emulator = emulator;
        this.http = new SandboxHttp(emulator);
    }

    private Set<String> upns() {
        Set<String> out = new HashSet<>();
        http.get("/v1.0/users?$top=999")
                .json()
                .get("value")
                .forEach(u -> out.add(u.get("userPrincipalName").asText()));
        return out;
    }

    @Test
    void aDeletedUserShouldLeaveTheListsAndARenamedOneShowItsNewName() {
        var t = emulator.tenant();
        int users = t.userCount();
        String deletedUpn = Directory.upn(t, 0);
        String deletedId = Directory.id(t, 0);
        String oldUpn = Directory.upn(t, 1);
        assertThat(upns()).contains(deletedUpn, oldUpn).hasSize(users);

        t.state().deleteUser(0);
        t.state().renameUser(1, "new.name@corp.contoso.com");

        assertThat(upns()).hasSize(users - 1).doesNotContain(deletedUpn, oldUpn).contains("new.name@corp.contoso.com");
        assertThat(http.get("/v1.0/users/" + deletedId).status()).isEqualTo(404);
        JsonNode renamed = http.get("/v1.0/users/" + Directory.id(t, 1)).json();
        assertThat(renamed.get("userPrincipalName").asText()).isEqualTo("new.name@corp.contoso.com");
        assertThat(renamed.get("mail").asText()).isEqualTo("new.name@corp.contoso.com");

        // All Staff held user 0 directly; it holds it no more, transitively either
        String allStaff = null;
        for (JsonNode g : http.get("/v1.0/groups?$top=999").json().get("value")) {
            if (g.get("displayName").asText().equals("All Staff")) {
                allStaff = g.get("id").asText();
            }
        }
        Set<String> members = new HashSet<>();
        http.get("/v1.0/groups/" + allStaff + "/transitiveMembers?$top=999")
                .json()
                .get("value")
                .forEach(m -> members.add(m.get("id").asText()));
        assertThat(members).doesNotContain(deletedId).contains(Directory.id(t, 1));
    }
}
