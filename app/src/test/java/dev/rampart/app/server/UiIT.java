package dev.rampart.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.AriaRole;
import dev.rampart.app.security.Role;
import dev.rampart.app.security.Users;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The web UI in Debian's Chromium, driven by Playwright: sign in as a viewer, the asset list with a filter, the asset
 * detail and its Risk › Microsoft Defender tab with the portal links. Screenshots go to target/screenshots.
 */
class UiIT {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private final TestServer server = TestServer.get();

    static Browser launch(Playwright pw) {
        return pw.chromium()
                .launch(new BrowserType.LaunchOptions()
                        .setExecutablePath(CHROMIUM)
                        .setHeadless(true)
                        .setArgs(List.of(
                                "--headless",
                                "--no-sandbox",
                                "--disable-gpu",
                                "--disable-quic",
                                "--no-first-run",
                                "--disable-background-networking",
                                "--disable-component-update",
                                "--disable-sync")));
    }

    /** Clicks a button that submits a form and waits for the answer page (else the next step may act on the old one). */
    @SuppressWarnings("deprecation")
    static void submit(Page page, com.microsoft.playwright.Locator button) {
        page.waitForNavigation(button::click);
    }

    static void shot(Page page, String name) throws Exception {
        Files.createDirectories(SCREENSHOTS);
        // a whole page, however long: the server administration page lists every user and project the test run
        // made, and capturing it on two busy cores took longer than Playwright's default 30 s once
        page.screenshot(new Page.ScreenshotOptions()
                .setPath(SCREENSHOTS.resolve(name + ".png"))
                .setFullPage(true)
                .setTimeout(120_000));
    }

    @Test
    void aViewerShouldSignInBrowseAssetsAndFollowTheDefenderLinksOfAnAsset() throws Exception {
        Assumptions.assumeTrue(
                Files.isExecutable(CHROMIUM) || "true".equals(System.getenv("CI")),
                "Debian's chromium is not installed (.ci/run installs it)");
        String project = TestServer.unique("ui-");
        String admin = server.token(project, Role.ADMIN);
        var created = server.call(
                "POST",
                "/api/v1/projects/" + project + "/connectors",
                admin,
                server.connectorBody("ui", server.sandbox.clientSecret()));
        long run = server.startRun(project, created.json().get("id").asLong(), admin);
        assertThat(server.awaitRun(project, run, admin).get("state").asString()).isEqualTo("succeeded");
        String name = TestServer.unique("viewer-");
        Users users = server.context.getBean(Users.class);
        Users.User viewer = users.create(name, null, "viewer passphrase 1", false);
        users.setMembership(viewer.id(), server.project(project), Role.VIEWER);

        try (Playwright pw = Playwright.create();
                Browser browser = launch(pw)) {
            Page page = browser.newPage();
            page.navigate(server.baseUrl + "/projects/" + project + "/assets");
            page.waitForURL("**/login");
            page.getByLabel("User name").fill(name);
            page.getByLabel("Password").fill("viewer passphrase 1");
            shot(page, "sign-in");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in"))
                    .click();
            page.waitForURL("**/projects/" + project + "/assets**");
            assertThat(page.locator("tbody tr").count()).isEqualTo(50);
            assertThat(page.locator("h1").textContent()).contains("(60)");
            shot(page, "assets-list");

            JsonNode first = server.call("GET", "/api/v1/projects/" + project + "/assets?limit=1", admin, null)
                    .json()
                    .get("items")
                    .get(0);
            page.getByLabel("Name, host name or FQDN")
                    .fill(first.get("hostname").asString());
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Apply"))
                    .click();
            page.waitForURL("**q=*");
            assertThat(page.locator("tbody tr").count()).isEqualTo(1);

            page.getByRole(
                            AriaRole.LINK,
                            new Page.GetByRoleOptions()
                                    .setName(first.get("name").asString()))
                    .click();
            page.waitForURL("**/assets/" + first.get("id").asLong());
            assertThat(page.locator("h1").textContent())
                    .isEqualTo(first.get("name").asString());
            shot(page, "asset-overview");
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Risk"))
                    .click();
            page.waitForURL("**tab=risk");
            assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Microsoft Defender"))
                            .getAttribute("aria-current"))
                    .isEqualTo("page");
            String machine = first.get("defenderMachineId").asString();
            String overview = "https://security.microsoft.com/machines/v2/" + machine + "/overview?tid="
                    + server.sandbox.tenantId();
            assertThat(page.locator("#overview-link").getAttribute("href")).isEqualTo(overview);
            assertThat(page.locator("#alerts-link").getAttribute("href")).isEqualTo(overview);
            long open = server.jdbc
                    .sql("select count(distinct cve_id) from finding where asset_id = ? and state =" + " 'open'")
                    .param(first.get("id").asLong())
                    .query(Long.class)
                    .single();
            assertThat(page.locator("#vulnerabilities-link").textContent()).isEqualTo(open + " vulnerabilities");
            if (open > 0) {
                assertThat(page.locator("#top-vulnerability").getAttribute("href"))
                        .startsWith("https://security.microsoft.com/vulnerabilities/vulnerability/CVE-");
            }
            assertThat(page.locator("#exposure-badge").textContent()).isNotBlank();
            shot(page, "asset-risk-defender");
            for (String tab : List.of("findings", "software", "alerts", "users", "profiles", "sources")) {
                page.navigate(server.baseUrl + "/projects/" + project + "/assets/"
                        + first.get("id").asLong() + "?tab=" + tab);
                assertThat(page.locator("main h2").first().textContent()).isNotBlank();
                shot(page, "asset-" + tab);
            }
            page.navigate(server.baseUrl + "/projects/" + project);
            assertThat(page.locator("h1").textContent()).isEqualTo("Dashboard");
            assertThat(page.locator("main").textContent())
                    .contains("Assets by health")
                    .contains("Last runs");
            shot(page, "dashboard");
            page.getByRole(
                            AriaRole.LINK,
                            new Page.GetByRoleOptions()
                                    .setName("Vulnerabilities")
                                    .setExact(true))
                    .click();
            page.waitForURL("**/vulnerabilities**");
            assertThat(page.locator("tbody tr").count()).isPositive();
            shot(page, "vulnerabilities");
            page.locator("tbody tr a").first().click();
            page.waitForURL("**/vulnerabilities/CVE-*");
            assertThat(page.locator("h1").textContent()).startsWith("CVE-");
            assertThat(page.locator("tbody tr").count()).isPositive();
            shot(page, "vulnerability");
            page.getByRole(
                            AriaRole.LINK,
                            new Page.GetByRoleOptions().setName("Findings").setExact(true))
                    .click();
            page.waitForURL("**/findings**");
            assertThat(page.locator("tbody tr").count()).isEqualTo(50);
            shot(page, "findings");

            // Live progress: a run whose Defender reads are slowed shows as running, then turns succeeded in place.
            server.sandbox.addFault(TestServer.delay("/api/vulnerabilities*", 4000));
            long live = server.startRun(project, created.json().get("id").asLong(), admin);
            page.navigate(server.baseUrl + "/projects/" + project + "/runs");
            var row = page.locator("#run-" + live);
            assertThat(row.locator(".run-state").textContent()).isEqualTo("running");
            assertThat(row.getAttribute("hx-trigger")).isEqualTo("every 2s");
            shot(page, "sync-history-running");
            page.locator("#run-" + live + " .run-state:text('succeeded')")
                    .waitFor(new com.microsoft.playwright.Locator.WaitForOptions().setTimeout(30_000));
            assertThat(page.locator("#run-" + live).getAttribute("hx-trigger")).isNull();
            shot(page, "sync-history");

            assertThat(page.getByRole(
                                    AriaRole.LINK,
                                    new Page.GetByRoleOptions()
                                            .setName("Administration")
                                            .setExact(true))
                            .count())
                    .isZero();
            assertThat(page.navigate(server.baseUrl + "/projects/" + project + "/admin")
                            .status())
                    .isEqualTo(403);
            page.navigate(server.baseUrl + "/projects/" + project + "/connectors");
            assertThat(page.locator("#add-connector").count()).isZero();
            // No edit or action control anywhere on these pages for a viewer, and the API refuses the writes.
            assertThat(page.locator("main form[method=post], main button[hx-post]")
                            .count())
                    .isZero();
            assertThat(page.request()
                            .post(server.baseUrl + "/api/v1/projects/" + project + "/connectors")
                            .status())
                    .isIn(403);
        }
    }

    @Test
    void theWholeSetupFromAnEmptyProjectShouldEndOnAPopulatedAssetList() throws Exception {
        Assumptions.assumeTrue(
                Files.isExecutable(CHROMIUM) || "true".equals(System.getenv("CI")),
                "Debian's chromium is not installed (.ci/run installs it)");
        String project = TestServer.unique("setup-");
        String name = TestServer.unique("owner-");
        Users users = server.context.getBean(Users.class);
        Users.User owner = users.create(name, null, "owner passphrase 1", false);
        users.setMembership(owner.id(), server.project(project), Role.ADMIN);
        try (Playwright pw = Playwright.create();
                Browser browser = launch(pw)) {
            Page page = browser.newPage();
            page.navigate(server.baseUrl + "/login");
            page.getByLabel("User name").fill(name);
            page.getByLabel("Password").fill("owner passphrase 1");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in"))
                    .click();
            page.waitForURL("**/projects/" + project + "/assets**");
            page.navigate(server.baseUrl + "/projects/" + project + "/connectors");
            shot(page, "connectors-empty");
            page.locator("#add-connector").click();
            page.waitForURL("**/connectors/new");
            page.getByLabel("Name (account name)").fill("Contoso");
            page.getByLabel("Directory (tenant) id").fill(server.sandbox.tenantId());
            page.getByLabel("Application (client) id").fill(server.sandbox.clientId());
            page.getByLabel("Client secret (its Value, not its Secret ID)").fill("not-the-secret");
            page.getByLabel("Cloud").selectOption("sandbox");
            page.getByLabel("Base URL (custom or sandbox only)").fill(server.sandbox.baseUrl());
            shot(page, "connector-new");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save and continue"))
                    .click();
            page.waitForURL("**/connectors/*?created");

            submit(page, page.locator("#verify"));
            page.locator("#sign-in-error").waitFor();
            assertThat(page.locator("#sign-in-error").textContent()).containsIgnoringCase("secret");
            shot(page, "verify-wrong-secret");
            page.getByLabel("Enter a new client secret").fill(server.sandbox.clientSecret());
            submit(page, page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Store the new secret")));
            submit(page, page.locator("#verify"));
            page.locator("#verify-ok").waitFor();
            shot(page, "verify-ok");

            page.getByLabel("Device tags").check();
            submit(page, page.locator("#preview"));
            page.locator("#matched").waitFor();
            var tags =
                    page.locator("fieldset:has(legend:text('Device tags found in the tenant')) input[type=checkbox]");
            assertThat(tags.count()).isPositive();
            tags.first().check();
            // The page reloads with the new preview; until then the old one (0 matched) is still shown.
            submit(page, page.locator("#preview"));
            int matched =
                    Integer.parseInt(page.locator("#matched").textContent().split(" ")[0]);
            shot(page, "scope-preview-tag");
            assertThat(matched).isBetween(2, 59);
            page.locator("input[name=picked]").first().uncheck();
            shot(page, "scope-preview");
            submit(page, page.locator("#save"));
            page.locator("text=Scope and schedule saved.").waitFor();
            page.locator("#run-now").click();
            page.waitForURL("**/projects/" + project + "/runs");
            page.locator("tbody tr .run-state:text('succeeded')")
                    .waitFor(new com.microsoft.playwright.Locator.WaitForOptions().setTimeout(60_000));
            shot(page, "setup-run-done");
            page.navigate(server.baseUrl + "/projects/" + project + "/assets");
            assertThat(page.locator("h1").textContent()).contains("(" + (matched - 1) + ")");
            shot(page, "setup-assets");

            // Administration: a token is shown once, then only its first characters; the audit log has the setup.
            page.getByRole(
                            AriaRole.LINK,
                            new Page.GetByRoleOptions()
                                    .setName("Administration")
                                    .setExact(true))
                    .click();
            page.waitForURL("**/admin");
            page.getByLabel("Name", new Page.GetByLabelOptions().setExact(true)).fill("ci");
            submit(page, page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create token")));
            page.locator("#new-token").waitFor();
            String token = page.locator("#new-token").textContent();
            assertThat(token).startsWith("rmp_");
            shot(page, "administration");
            page.navigate(server.baseUrl + "/projects/" + project + "/admin");
            assertThat(page.content()).doesNotContain(token).contains(token.substring(0, 10));
            assertThat(page.locator("main").textContent())
                    .contains("connector.create")
                    .contains("connector.verify")
                    .contains("run.start")
                    .contains("token.create");
        }
    }
}
