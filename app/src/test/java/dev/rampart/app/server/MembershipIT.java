package dev.rampart.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.app.security.Role;
import dev.rampart.app.security.Users;
import org.junit.jupiter.api.Test;

/** A project admin adds people by the user name they know, and learns nothing about the server's other users. */
class MembershipIT {
    private final TestServer server = TestServer.get();

    @Test
    void aProjectAdminShouldAddPeopleByNameAndLearnNothingFromIds() {
        String project = TestServer.unique("members-");
        String base = "/api/v1/projects/" + project + "/members";
        String admin = server.token(project, Role.ADMIN);
        Users.User stranger = server.user(TestServer.unique("stranger-"), false);

        var byId = server.call("PUT", base + "/" + stranger.id(), admin, "{\"role\":\"viewer\"}");
        var noSuchId = server.call("PUT", base + "/999999999", admin, "{\"role\":\"viewer\"}");
        assertThat(byId.status()).isEqualTo(404);
        assertThat(noSuchId.status()).isEqualTo(404);
        assertThat(byId.json().get("detail").asString().replace(String.valueOf(stranger.id()), "N"))
                .isEqualTo(noSuchId.json().get("detail").asString().replace("999999999", "N"));
        assertThat(byId.body()).doesNotContain(stranger.username());
        assertThat(server.context.getBean(Users.class).roleIn(stranger.id(), server.project(project)))
                .isEmpty();

        var added =
                server.call("POST", base, admin, "{\"username\":\"" + stranger.username() + "\",\"role\":\"analyst\"}");
        assertThat(added.status()).isEqualTo(201);
        assertThat(added.json().get("username").asString()).isEqualTo(stranger.username());
        assertThat(added.json().get("role").asString()).isEqualTo("analyst");
        var changed =
                server.call("POST", base, admin, "{\"username\":\"" + stranger.username() + "\",\"role\":\"viewer\"}");
        assertThat(changed.status()).isEqualTo(200);
        // a member's role can be changed by id as before
        assertThat(server.call("PUT", base + "/" + stranger.id(), admin, "{\"role\":\"responder\"}")
                        .json()
                        .get("role")
                        .asString())
                .isEqualTo("responder");
        var unknown = server.call("POST", base, admin, "{\"username\":\"nobody-at-all-x\",\"role\":\"viewer\"}");
        assertThat(unknown.status()).isEqualTo(404);

        // a server administrator knows the ids and may add anyone by id
        Users.User other = server.user(TestServer.unique("other-"), false);
        assertThat(server.call("PUT", base + "/" + other.id(), server.adminToken(project), "{\"role\":\"viewer\"}")
                        .status())
                .isEqualTo(200);
    }
}
