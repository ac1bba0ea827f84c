package dev.rampart.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.app.security.ApiTokens;
import dev.rampart.app.security.Role;
import dev.rampart.app.security.Users;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Authority comes from the current state of the account and its memberships, on every request: a session or token
 * made earlier carries no power the account has lost since. Each test follows a session or a token through one change
 * made by someone else.
 */
class AuthorityIT {
    private static final String PASSWORD = "correct horse battery staple";
    private final TestServer server = TestServer.get();
    private final Users users = server.context.getBean(Users.class);

    private Users.User serverAdmin() {
        return server.user(TestServer.unique("root-"), true);
    }

    private String json(String s) {
        return s.replace('\'', '"');
    }

    @Test
    void aDemotedServerAdministratorsSessionShouldLoseItsPowersAtOnce() {
        String project = TestServer.unique("demote-");
        Users.User root = serverAdmin();
        BrowserSession session = BrowserSession.signIn(server, root.username(), PASSWORD);
        assertThat(session).isNotNull();
        assertThat(session.api("GET", "/api/v1/users", null).status()).isEqualTo(200);
        assertThat(session.api("GET", "/api/v1/me", null).json().get("admin").asBoolean())
                .isTrue();

        String other = server.adminToken(project);
        assertThat(server.call("PUT", "/api/v1/users/" + root.id(), other, json("{'admin': false}"))
                        .status())
                .isEqualTo(200);

        assertThat(session.api("GET", "/api/v1/users", null).status()).isEqualTo(403);
        assertThat(session.get("/admin").status()).isEqualTo(403);
        assertThat(session.api("GET", "/api/v1/me", null).json().get("admin").asBoolean())
                .isFalse();
        String name = TestServer.unique("made-by-demoted-");
        TestServer.Response create = session.api(
                "POST",
                "/api/v1/users",
                json("{'username': '" + name + "', 'password': 'a long passphrase 1', 'admin': true}"));
        assertThat(create.status()).isEqualTo(403);
        assertThat(users.find(name)).isEmpty();
        // the project pages follow too: no project of the server any more, since it has no membership
        assertThat(session.get("/projects/" + project + "/assets").status()).isEqualTo(403);
    }

    @Test
    void disablingAnAccountShouldEndItsSessionsForGoodAndSuspendItsTokens() {
        String project = TestServer.unique("disable-");
        Users.User u = server.user(TestServer.unique("worker-"), false);
        users.setMembership(u.id(), server.project(project), Role.ANALYST);
        String token = server.context
                .getBean(ApiTokens.class)
                .issue(
                        u.id(),
                        server.project(project),
                        Role.ANALYST,
                        "t",
                        Instant.now().plus(Duration.ofDays(1)))
                .value();
        BrowserSession session = BrowserSession.signIn(server, u.username(), PASSWORD);
        assertThat(session).isNotNull();
        String assets = "/api/v1/projects/" + project + "/assets";
        assertThat(session.api("GET", assets, null).status()).isEqualTo(200);
        assertThat(server.call("GET", assets, token, null).status()).isEqualTo(200);

        String root = server.adminToken(project);
        server.call("PUT", "/api/v1/users/" + u.id(), root, json("{'enabled': false}"));
        TestServer.Response refused = session.api("GET", assets, null);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(server.call("GET", assets, token, null).status()).isEqualTo(401);
        // a page asks to sign in again, by a relative address
        assertThat(session.get("/projects/" + project + "/assets").body()).isEqualTo("/login");

        // enabled again: the old session stays ended (its epoch is gone), the token works again
        server.call("PUT", "/api/v1/users/" + u.id(), root, json("{'enabled': true}"));
        assertThat(session.api("GET", assets, null).status()).isEqualTo(401);
        assertThat(server.call("GET", assets, token, null).status()).isEqualTo(200);

        // deleted: nothing of it works
        BrowserSession again = BrowserSession.signIn(server, u.username(), PASSWORD);
        assertThat(again).isNotNull();
        assertThat(server.call("DELETE", "/api/v1/users/" + u.id(), root, null).status())
                .isEqualTo(204);
        assertThat(again.api("GET", "/api/v1/me", null).status()).isEqualTo(401);
        assertThat(server.call("GET", "/api/v1/me", token, null).status()).isEqualTo(401);
    }

    @Test
    void aNewPasswordShouldEndTheSessionsMadeWithTheOldOne() {
        String project = TestServer.unique("passwd-");
        Users.User u = server.user(TestServer.unique("passwd-"), false);
        users.setMembership(u.id(), server.project(project), Role.VIEWER);
        BrowserSession session = BrowserSession.signIn(server, u.username(), PASSWORD);
        assertThat(session.api("GET", "/api/v1/me", null).status()).isEqualTo(200);
        server.call(
                "PUT",
                "/api/v1/users/" + u.id(),
                server.adminToken(project),
                json("{'password': 'another long passphrase'}"));
        assertThat(session.api("GET", "/api/v1/me", null).status()).isEqualTo(401);
        assertThat(BrowserSession.signIn(server, u.username(), "another long passphrase"))
                .isNotNull();
    }

    @Test
    void aTokenShouldReachNoMoreThanItsOwnerMayNowAndDieWithTheMembership() {
        String project = TestServer.unique("reach-");
        String base = "/api/v1/projects/" + project;
        long p = server.project(project);
        Users.User u = server.user(TestServer.unique("owner-"), false);
        users.setMembership(u.id(), p, Role.ADMIN);
        ApiTokens.Issued issued = server.context
                .getBean(ApiTokens.class)
                .issue(u.id(), p, Role.ADMIN, "t", Instant.now().plus(Duration.ofDays(1)));
        String token = issued.value();
        assertThat(server.call("GET", base + "/members", token, null).status()).isEqualTo(200);

        // an administrator makes the owner a viewer: the admin token is a viewer's now
        String root = server.adminToken(project);
        assertThat(server.call("PUT", base + "/members/" + u.id(), root, json("{'role': 'viewer'}"))
                        .status())
                .isEqualTo(200);
        assertThat(server.call("GET", base + "/assets", token, null).status()).isEqualTo(200);
        assertThat(server.call("GET", base + "/exports/assets?format=csv", token, null)
                        .status())
                .isEqualTo(200);
        assertThat(server.call("GET", base + "/members", token, null).status()).isEqualTo(403);
        assertThat(server.call("GET", base + "/audit", token, null).status()).isEqualTo(403);
        assertThat(server.call("PUT", base + "/members/" + u.id(), token, json("{'role': 'admin'}"))
                        .status())
                .isEqualTo(403);
        TestServer.Response mint = server.call("POST", base + "/tokens", token, json("{'name': 'x', 'role': 'admin'}"));
        assertThat(mint.status()).isEqualTo(400);
        assertThat(mint.body()).contains("cannot be stronger than your own role (viewer)");
        assertThat(server.call("GET", "/api/v1/me", token, null)
                        .json()
                        .get("projects")
                        .get(0)
                        .get("role")
                        .asString())
                .isEqualTo("viewer");
        assertThat(users.roleIn(u.id(), p)).contains(Role.VIEWER);

        // removed from the project: the token dies, and coming back does not revive it
        assertThat(server.call("DELETE", base + "/members/" + u.id(), root, null)
                        .status())
                .isEqualTo(204);
        TestServer.Response gone = server.call("GET", base + "/assets", token, null);
        assertThat(gone.status()).isEqualTo(401);
        assertThat(gone.json().get("type").asString()).isEqualTo("/problems/invalid-token");
        users.setMembership(u.id(), p, Role.ADMIN);
        assertThat(server.call("GET", base + "/assets", token, null).status()).isEqualTo(401);
        assertThat(server.context
                        .getBean(ApiTokens.class)
                        .find(issued.token().id())
                        .orElseThrow()
                        .revokedAt())
                .isNotNull();
    }

    @Test
    void aServerAdministratorsTokenShouldNotOutliveTheAdministratorFlag() {
        String project = TestServer.unique("flag-");
        Users.User root = serverAdmin();
        String token = server.context
                .getBean(ApiTokens.class)
                .issue(
                        root.id(),
                        server.project(project),
                        Role.ADMIN,
                        "t",
                        Instant.now().plus(Duration.ofDays(1)))
                .value();
        assertThat(server.call("GET", "/api/v1/users", token, null).status()).isEqualTo(200);
        server.call("PUT", "/api/v1/users/" + root.id(), server.adminToken(project), json("{'admin': false}"));
        assertThat(server.call("GET", "/api/v1/users", token, null).status()).isEqualTo(401);
        assertThat(server.call("GET", "/api/v1/projects/" + project + "/assets", token, null)
                        .status())
                .isEqualTo(401);
    }
}
