package dev.rampart.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.app.security.Audit;
import dev.rampart.app.security.Role;
import dev.rampart.app.security.Users;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.web.util.HtmlUtils;

/**
 * The server administration page over HTTP, signed in through the form like a browser: a server admin creates users
 * and projects, disables, enables, unlocks and deletes users, every change in the audit log; refusals are sentences
 * next to their field; anyone else is refused and sees no link to the page.
 */
class ServerAdminPagesIT {
    private static final String PASSWORD = "correct horse battery staple";
    private final TestServer server = TestServer.get();
    private final Users users = server.context.getBean(Users.class);

    private BrowserSession serverAdmin() {
        Users.User admin = server.user(TestServer.unique("root-"), true);
        BrowserSession s = BrowserSession.signIn(server, admin.username(), PASSWORD);
        assertThat(s).as("the server admin signs in").isNotNull();
        return s;
    }

    /** The page's text as a reader sees it (entities decoded). */
    private static String text(TestServer.Response r) {
        return HtmlUtils.htmlUnescape(r.body());
    }

    private static void assertNoStackTrace(TestServer.Response r) {
        assertThat(r.contentType()).startsWith("text/html");
        assertThat(r.body())
                .doesNotContainPattern("at [\\w$.]+\\([\\w$]+\\.java:\\d+\\)")
                .doesNotContain("Whitelabel");
    }

    /** The details of the newest audit entry with this action and target, or null. */
    private String audited(String action, String target) {
        return server.jdbc
                .sql("select details::text from audit_log where action = ? and target = ? order by id desc limit 1")
                .params(action, target)
                .query(String.class)
                .optional()
                .orElse(null);
    }

    @Test
    void aServerAdminShouldCreateAUserWhoIsThenListedAndCanSignIn() {
        BrowserSession admin = serverAdmin();
        TestServer.Response page = admin.get("/admin");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"server-admin-link\"").contains("<h2 id=\"h-audit\"");

        String name = TestServer.unique("alice-");
        TestServer.Response created = admin.post(
                "/admin/users",
                Map.of("username", name, "displayName", "Alice Example", "password", "a long passphrase 9"));
        assertThat(created.status()).isEqualTo(200);
        assertThat(text(created)).contains("role=\"status\"").contains("User " + name + " created.");
        Users.User alice = users.find(name).orElseThrow();
        assertThat(alice.admin()).isFalse();
        assertThat(alice.displayName()).isEqualTo("Alice Example");
        assertThat(created.body()).doesNotContain("a long passphrase 9");
        assertThat(audited("user.create", "user " + name))
                .contains("\"via\": \"ui\"")
                .contains("\"admin\": false");

        String row = admin.get("/admin").body();
        assertThat(row).contains("id=\"user-" + alice.id() + "\"").contains("Alice Example");
        BrowserSession asAlice = BrowserSession.signIn(server, name, "a long passphrase 9");
        assertThat(asAlice).as("the new user signs in").isNotNull();
        assertThat(asAlice.get("/admin").status()).isEqualTo(403);

        String root = TestServer.unique("root2-");
        admin.post("/admin/users", Map.of("username", root, "password", "another passphrase 7", "admin", "true"));
        assertThat(users.find(root).orElseThrow().admin()).isTrue();
    }

    @Test
    void aShortPasswordOrATakenNameShouldBeASentenceNextToItsFieldAndNothingIsCreated() {
        BrowserSession admin = serverAdmin();
        String name = TestServer.unique("bob-");
        TestServer.Response r =
                admin.post("/admin/users", Map.of("username", name, "displayName", "Bob", "password", "tiny-pw-7"));
        assertThat(r.status()).isEqualTo(200);
        assertNoStackTrace(r);
        assertThat(text(r))
                .containsPattern("id=\"user-password-error\" class=\"error\" role=\"alert\"[^>]*>The password must"
                        + " have " + Users.PASSWORD_RULE + ".<")
                .contains("aria-describedby=\"user-password-error\"")
                .contains("value=\"" + name + "\"")
                .doesNotContain("tiny-pw-7");
        assertThat(users.find(name)).isEmpty();

        Users.User taken = server.user(TestServer.unique("taken-"), false);
        TestServer.Response again =
                admin.post("/admin/users", Map.of("username", taken.username(), "password", "long enough passphrase"));
        assertThat(again.status()).isEqualTo(200);
        assertNoStackTrace(again);
        assertThat(text(again))
                .containsPattern("id=\"user-username-error\"[^>]*>There is already a user named '"
                        + Pattern.quote(taken.username()) + "'.<")
                .doesNotContain("long enough passphrase");

        TestServer.Response bad = admin.post("/admin/users", Map.of("username", "no spaces", "password", ""));
        assertThat(bad.status()).isEqualTo(200);
        assertThat(text(bad)).contains("A user name is 1 to 128 letters").contains("The password must have");
    }

    @Test
    void disableEnableUnlockAndDeleteShouldWorkAndBeAudited() {
        BrowserSession admin = serverAdmin();
        Users.User carol = server.user(TestServer.unique("carol-"), false);
        String target = "user " + carol.username();

        TestServer.Response off = admin.post("/admin/users/" + carol.id() + "/disable", Map.of());
        assertThat(off.status()).isEqualTo(200);
        assertThat(text(off)).contains(carol.username() + " is disabled.");
        assertThat(users.find(carol.id()).orElseThrow().enabled()).isFalse();
        assertThat(audited("user.update", target))
                .contains("\"enabled\": \"false\"")
                .contains("\"via\": \"ui\"");
        assertThat(BrowserSession.signIn(server, carol.username(), PASSWORD)).isNull();
        assertThat(off.body()).contains("/admin/users/" + carol.id() + "/enable");

        admin.post("/admin/users/" + carol.id() + "/enable", Map.of());
        assertThat(users.find(carol.id()).orElseThrow().enabled()).isTrue();
        assertThat(audited("user.update", target)).contains("\"enabled\": \"true\"");
        assertThat(BrowserSession.signIn(server, carol.username(), PASSWORD)).isNotNull();

        server.jdbc
                .sql("update app_user set failed_logins = 5, locked_until = now() + interval '1 hour' where id = ?")
                .param(carol.id())
                .update();
        assertThat(admin.get("/admin").body())
                .contains("/admin/users/" + carol.id() + "/unlock")
                .contains("data-confirm=\"Delete " + carol.username());
        admin.post("/admin/users/" + carol.id() + "/unlock", Map.of());
        assertThat(users.find(carol.id()).orElseThrow().lockedUntil()).isNull();
        assertThat(audited("user.unlock", target)).contains("\"via\": \"ui\"");

        TestServer.Response gone = admin.post("/admin/users/" + carol.id() + "/delete", Map.of());
        assertThat(gone.status()).isEqualTo(200);
        assertThat(users.find(carol.id())).isEmpty();
        assertThat(audited("user.delete", target)).contains("\"via\": \"ui\"");
        TestServer.Response twice = admin.post("/admin/users/" + carol.id() + "/delete", Map.of());
        assertThat(twice.status()).isEqualTo(404);
        assertNoStackTrace(twice);
        assertThat(text(twice)).contains("There is no user " + carol.id());
    }

    @Test
    void aServerAdminShouldNeitherDisableNorDeleteThemselves() {
        Users.User me = server.user(TestServer.unique("self-"), true);
        BrowserSession admin = BrowserSession.signIn(server, me.username(), PASSWORD);
        assertThat(admin).isNotNull();
        String page = admin.get("/admin").body();
        assertThat(page).doesNotContain("/admin/users/" + me.id() + "/disable");
        for (String action : List.of("disable", "delete")) {
            TestServer.Response r = admin.post("/admin/users/" + me.id() + "/" + action, Map.of());
            assertThat(r.status()).isEqualTo(200);
            assertNoStackTrace(r);
            assertThat(text(r)).containsPattern("role=\"alert\"[^>]*>You cannot " + action + " yourself");
        }
        Users.User still = users.find(me.id()).orElseThrow();
        assertThat(still.enabled()).isTrue();
    }

    @Test
    void aServerAdminShouldCreateAProjectWithTheApisRules() {
        BrowserSession admin = serverAdmin();
        String key = TestServer.unique("adm-");
        TestServer.Response r = admin.post("/admin/projects", Map.of("key", key, "name", "Contoso EU"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(text(r)).contains("Project " + key + " created.").contains("id=\"project-" + key + "\"");
        assertThat(server.jdbc
                        .sql("select name from project where key = ?")
                        .param(key)
                        .query(String.class)
                        .single())
                .isEqualTo("Contoso EU");
        assertThat(audited("project.create", key)).contains("\"via\": \"ui\"");

        TestServer.Response again = admin.post("/admin/projects", Map.of("key", key));
        assertThat(again.status()).isEqualTo(200);
        assertThat(text(again)).contains("There is already a project with the key '" + key + "'.");
        TestServer.Response bad = admin.post("/admin/projects", Map.of("key", "Not A Key"));
        assertThat(bad.status()).isEqualTo(200);
        assertNoStackTrace(bad);
        assertThat(text(bad)).containsPattern("id=\"project-key-error\"[^>]*>A project key is 1 to 63");
        // The API keeps the same rules (one implementation).
        String token = server.adminToken(key);
        assertThat(server.call("POST", "/api/v1/projects", token, "{\"key\":\"" + key + "\"}")
                        .status())
                .isEqualTo(409);
        assertThat(server.call("POST", "/api/v1/projects", token, "{\"key\":\"Not A Key\"}")
                        .status())
                .isEqualTo(400);
        String unnamed = TestServer.unique("adm-");
        admin.post("/admin/projects", Map.of("key", unnamed, "name", " "));
        assertThat(server.jdbc
                        .sql("select name from project where key = ?")
                        .param(unnamed)
                        .query(String.class)
                        .single())
                .isEqualTo(unnamed);
    }

    @Test
    void theAuditLogShouldPageToOlderEntries() {
        Audit audit = server.context.getBean(Audit.class);
        String marker = TestServer.unique("paging-");
        for (int i = 0; i < 101; i++) {
            audit.record("test", "system", null, null, "test.paging", marker + "-" + i, "success", Map.of());
        }
        BrowserSession admin = serverAdmin();
        String newest = admin.get("/admin").body();
        Matcher older =
                Pattern.compile("id=\"older\" href=\"/admin\\?before=(\\d+)\"").matcher(newest);
        assertThat(older.find()).as("an Older entries link").isTrue();
        TestServer.Response next = admin.get("/admin?before=" + older.group(1));
        assertThat(next.status()).isEqualTo(200);
        assertThat(next.body()).contains("before #" + older.group(1)).contains(marker + "-0<");
    }

    @Test
    void aProjectAdminShouldBeRefusedEverythingAndSeeNoLink() {
        String project = TestServer.unique("own-");
        Users.User owner = server.user(TestServer.unique("owner-"), false);
        users.setMembership(owner.id(), server.project(project), Role.ADMIN);
        Users.User other = server.user(TestServer.unique("other-"), false);
        BrowserSession s = BrowserSession.signIn(server, owner.username(), PASSWORD);
        assertThat(s).isNotNull();
        TestServer.Response own = s.get("/projects/" + project + "/admin");
        assertThat(own.status()).isEqualTo(200);
        assertThat(own.body()).doesNotContain("server-admin-link").doesNotContain("Server administration");

        assertThat(s.get("/admin").status()).isEqualTo(403);
        String sneaky = TestServer.unique("sneaky-");
        assertThat(s.post("/admin/users", Map.of("username", sneaky, "password", "long enough passphrase"))
                        .status())
                .isEqualTo(403);
        for (String action : List.of("enable", "disable", "unlock", "delete")) {
            assertThat(s.post("/admin/users/" + other.id() + "/" + action, Map.of())
                            .status())
                    .as(action)
                    .isEqualTo(403);
        }
        assertThat(s.post("/admin/projects", Map.of("key", sneaky)).status()).isEqualTo(403);
        assertThat(users.find(sneaky)).isEmpty();
        assertThat(users.find(other.id())).isPresent();
        assertThat(server.jdbc
                        .sql("select count(*) from project where key = ?")
                        .param(sneaky)
                        .query(Long.class)
                        .single())
                .isZero();
    }
}
