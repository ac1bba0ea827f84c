package dev.rampart.app.server;

import static dev.rampart.app.server.UiIT.launch;
import static dev.rampart.app.server.UiIT.shot;
import static dev.rampart.app.server.UiIT.submit;
import static org.assertj.core.api.Assertions.assertThat;

import com.deque.html.axecore.playwright.AxeBuilder;
import com.deque.html.axecore.results.Rule;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.options.AriaRole;
import dev.rampart.app.security.Role;
import dev.rampart.app.security.Users;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Every page of the web UI in Debian's Chromium: each one passes Deque's axe-core check (WCAG 2 A and AA, no serious or
 * critical violation) and is captured under target/screenshots, also at phone width; then the asset list's metadata
 * and saved filters, a connector disabled and deleted through its confirmations, and the error pages.
 */
class UiPagesIT {
    private static final TestServer server = TestServer.get();
    private static String project;
    private static String admin;
    private static long connector;
    private static Playwright pw;
    private static Browser browser;

    @BeforeAll
    static void populate() {
        Assumptions.assumeTrue(
                Files.isExecutable(UiIT.CHROMIUM) || "true".equals(System.getenv("CI")),
                "Debian's chromium is not installed (.ci/run installs it)");
        project = TestServer.unique("pages-");
        admin = server.token(project, Role.ADMIN);
        connector = server.call(
                        "POST",
                        "/api/v1/projects/" + project + "/connectors",
                        admin,
                        server.connectorBody("pages", server.sandbox.clientSecret()))
                .json()
                .get("id")
                .asLong();
        for (int i = 0; i < 2; i++) { // two runs: the dashboard's chart has two bars
            long run = server.startRun(project, connector, admin);
            assertThat(server.awaitRun(project, run, admin).get("state").asString())
                    .isEqualTo("succeeded");
        }
        pw = Playwright.create();
        browser = launch(pw);
    }

    @AfterAll
    static void close() {
        if (pw != null) {
            pw.close();
        }
    }

    /** A new browser context signed in as a new user with the given role in the project (or a server admin). */
    static Page signedIn(Role role, boolean serverAdmin) {
        String name = TestServer.unique("ui-" + (serverAdmin ? "root" : role.key()) + "-");
        Users users = server.context.getBean(Users.class);
        Users.User u = users.create(name, null, "page passphrase 1", serverAdmin);
        if (!serverAdmin) {
            users.setMembership(u.id(), server.project(project), role);
        }
        BrowserContext context = browser.newContext();
        Page page = context.newPage();
        page.navigate(server.baseUrl + "/login");
        page.getByLabel("User name").fill(name);
        page.getByLabel("Password").fill("page passphrase 1");
        submit(page, page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")));
        return page;
    }

    /** The serious and critical axe-core violations of the page, one line each (rule, help, first element). */
    static List<String> violations(Page page) {
        List<String> found = new ArrayList<>();
        for (Rule r : new AxeBuilder(page)
                .withTags(List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa"))
                .analyze()
                .getViolations()) {
            if ("serious".equals(r.getImpact()) || "critical".equals(r.getImpact())) {
                found.add(r.getId() + " (" + r.getHelp() + "): "
                        + r.getNodes().stream().map(n -> n.getHtml()).limit(3).toList());
            }
        }
        return found;
    }

    /**
     * The hunting console in Chromium: an analyst runs KQL, reads the answer as a table, saves the query and finds it
     * in the saved hunts; a viewer sees the saved hunt but no editor.
     */
    @Test
    void anAnalystShouldHuntFromThePageAndSaveTheQuery() throws Exception {
        Page page = signedIn(Role.ANALYST, false);
        page.navigate(server.baseUrl + "/projects/" + project + "/hunting");
        page.locator("#query")
                .fill("DeviceInfo | summarize arg_max(Timestamp, *) by DeviceId | project DeviceName, OSPlatform"
                        + " | take 7");
        submit(page, page.locator("#hunt-run"));
        assertThat(page.locator("#hunt-results thead th").allTextContents().stream()
                        .map(t -> t.trim().split("\\s+")[0])
                        .toList())
                .containsExactly("DeviceName", "OSPlatform");
        assertThat(page.locator("#hunt-results tbody tr").count()).isEqualTo(7);
        assertThat(page.locator("#h-results").textContent()).contains("7 rows").contains("via Graph");
        assertThat(violations(page)).isEmpty();
        shot(page, "page-hunting-results");

        page.locator("#hunt-name").fill("Seven devices");
        submit(page, page.locator("#hunt-save"));
        assertThat(page.locator("#hunts a").allTextContents()).contains("Seven devices");
        assertThat(page.locator("#query").inputValue()).contains("take 7");

        page.locator("#query").fill("DeviceInfo | join (DeviceLogonEvents) on DeviceId");
        submit(page, page.locator("#hunt-run"));
        assertThat(page.locator("#hunt-error").textContent()).startsWith("Defender refused the query: ");

        Page viewer = signedIn(Role.VIEWER, false);
        viewer.navigate(server.baseUrl + "/projects/" + project + "/hunting");
        assertThat(viewer.locator("#hunts a").allTextContents()).contains("Seven devices");
        assertThat(viewer.locator("#hunt-form").count()).isZero();
    }

    /**
     * The query page in Chromium: a viewer runs a query and reads the table, sees where a bad query is wrong, saves a
     * query and opens it again from the saved queries.
     */
    @Test
    void aViewerShouldQueryFromThePageAndSaveTheQuery() throws Exception {
        Page page = signedIn(Role.VIEWER, false);
        page.navigate(server.baseUrl + "/projects/" + project + "/queries");
        page.locator("#query").fill("FIND Device WITH active = true RETURN Device.name, Device.osPlatform LIMIT 5");
        submit(page, page.locator("#query-run"));
        assertThat(page.locator("#query-results thead th").allTextContents().stream()
                        .map(t -> t.trim().split("\\s+")[0])
                        .toList())
                .containsExactly("Device.name", "Device.osPlatform");
        List<String> names =
                page.locator("#query-results tbody tr td:first-child").allTextContents();
        assertThat(names)
                .isEqualTo(server.jdbc
                        .sql("select name from asset where project_id = ? and active order by id limit 5")
                        .param(server.project(project))
                        .query(String.class)
                        .list());
        assertThat(violations(page)).isEmpty();
        shot(page, "page-queries-results");

        page.locator("#query-name").fill("Five devices");
        submit(page, page.locator("#query-save"));
        assertThat(page.locator("#saved-queries a").allTextContents()).contains("Five devices");
        assertThat(page.locator("#query").inputValue()).contains("LIMIT 5");

        page.locator("#query").fill("FIND Device\nWHERE active = true");
        submit(page, page.locator("#query-run"));
        assertThat(page.locator("#query-error p").textContent()).startsWith("Unexpected 'WHERE' at line 2, column 1");
        assertThat(page.locator("#query-error-at").textContent()).isEqualTo("WHERE active = true\n^");
        assertThat(violations(page)).isEmpty();

        // a query that only chooses devices opens in the asset list, as its filter
        String exposed = "FIND Device THAT HAS Finding WITH state = 'open' AND cvss >= 9";
        page.locator("#query").fill(exposed);
        submit(page, page.locator("#query-run"));
        int found = page.locator("#query-results tbody tr").count();
        submit(page, page.locator("#query-asset-list"));
        assertThat(page.url()).contains("/assets?query=");
        assertThat(page.locator("#asset-query").inputValue()).isEqualTo(exposed);
        assertThat(page.locator("main table tbody tr").count()).isEqualTo(Math.min(found, 50));
        assertThat(violations(page)).isEmpty();

        // a saved query that chooses devices is one of the asset list's saved filters
        page.navigate(server.baseUrl + "/projects/" + project + "/queries");
        page.locator("#query").fill(exposed);
        page.locator("#query-name").fill("Devices exposed at 9+");
        submit(page, page.locator("#query-save"));
        page.navigate(server.baseUrl + "/projects/" + project + "/assets");
        assertThat(page.locator("#asset-saved-queries a").allTextContents()).contains("Devices exposed at 9+");
        assertThat(page.locator("#asset-saved-queries a").allTextContents()).doesNotContain("Five devices");
        submit(
                page,
                page.locator("#asset-saved-queries a", new Page.LocatorOptions().setHasText("Devices exposed at 9+")));
        assertThat(page.locator("#asset-query").inputValue()).isEqualTo(exposed);
        assertThat(page.locator("main table tbody tr").count()).isEqualTo(Math.min(found, 50));
    }

    /**
     * The asset's graph in Chromium: the device and its neighbours drawn from the API, the same relationships in the
     * table, and a click on a finding bringing in its vulnerability.
     */
    @Test
    void theGraphTabShouldDrawTheNeighboursAndExpandOnClick() throws Exception {
        long p = server.project(project);
        long assetId = server.jdbc
                .sql("select min(asset_id) from finding where project_id = ? and state = 'open'")
                .param(p)
                .query(Long.class)
                .single();
        JsonNode around = server.call("GET", "/api/v1/projects/" + project + "/graph/Device/" + assetId, admin, null)
                .json();
        Page page = signedIn(Role.VIEWER, false);
        page.navigate(server.baseUrl + "/projects/" + project + "/assets/" + assetId + "?tab=graph");
        page.waitForSelector("#graph[data-nodes]");
        assertThat(page.locator("#graph").getAttribute("data-nodes"))
                .isEqualTo(String.valueOf(around.get("entities").size()));
        assertThat(page.locator("#graph-relationships tbody tr").count())
                .isEqualTo(around.get("relationships").size());
        assertThat(page.locator("#graph-status").textContent())
                .startsWith(around.get("entities").size() + " entities, "
                        + around.get("relationships").size() + " relationships");
        shot(page, "page-asset-graph");

        String finding = null;
        for (JsonNode e : around.get("entities")) {
            if (e.get("class").asString().equals("Finding")) {
                finding = e.get("id").asString();
                break;
            }
        }
        // the finding is moved to a corner of its own (the layout may draw others over it), then clicked there
        page.locator("#graph").scrollIntoViewIfNeeded();
        page.evaluate(
                "id => { const cy = document.getElementById('graph').cy; const n = cy.getElementById(id);"
                        + " cy.nodes().not(n).forEach((m, i) =>"
                        + " m.renderedPosition({x: 300 + (i % 15) * 40, y: 60 + Math.floor(i / 15) * 40}));"
                        + " n.renderedPosition({x: 30, y: 30}); }",
                finding);
        var box = page.locator("#graph").boundingBox();
        page.mouse().click(box.x + 30, box.y + 30);
        int before = around.get("entities").size();
        page.waitForCondition(() -> Integer.parseInt(page.locator("#graph").getAttribute("data-nodes")) > before);
        String cve = finding == null
                ? ""
                : server.jdbc
                        .sql("select cve_id from finding where id = ?")
                        .param(Long.parseLong(finding.substring("Finding:".length())))
                        .query(String.class)
                        .single();
        assertThat((Boolean) page.evaluate(
                        "id => !document.getElementById('graph').cy.getElementById(id).empty()",
                        "Vulnerability:" + cve))
                .isTrue();
    }

    @Test
    void everyPageShouldPassTheAccessibilityCheckAndBeCaptured() throws Exception {
        String p = "/projects/" + project;
        JsonNode asset = server.call("GET", "/api/v1" + p + "/assets?limit=1&sort=name", admin, null)
                .json()
                .get("items")
                .get(0);
        String cve = server.call("GET", "/api/v1" + p + "/vulnerabilities?limit=1", admin, null)
                .json()
                .get("items")
                .get(0)
                .get("cveId")
                .asString();
        long assetId = asset.get("id").asLong();
        Map<String, String> pages = new LinkedHashMap<>();
        pages.put("dashboard", p);
        pages.put("assets-list", p + "/assets");
        for (String tab : List.of(
                "overview",
                "findings",
                "software",
                "alerts",
                "users",
                "profiles",
                "sources",
                "risk",
                "response",
                "graph")) {
            pages.put("asset-" + tab, p + "/assets/" + assetId + "?tab=" + tab);
        }
        pages.put("vulnerabilities", p + "/vulnerabilities");
        pages.put("vulnerability", p + "/vulnerabilities/" + cve);
        pages.put("findings", p + "/findings");
        pages.put("software", p + "/software");
        pages.put("alerts", p + "/alerts");
        pages.put("profiles", p + "/profiles");
        pages.put("tickets", p + "/tickets");
        pages.put("changes", p + "/events");
        pages.put("sync-history", p + "/runs");
        pages.put("connectors", p + "/connectors");
        pages.put("connector-new", p + "/connectors/new");
        pages.put("connector", p + "/connectors/" + connector);
        pages.put("administration", p + "/admin");
        pages.put("actions", p + "/actions");
        pages.put("setup-guide", "/help/setup-entra");
        pages.put("actions-isolated", p + "/actions/isolated");
        pages.put("hunting", p + "/hunting");
        pages.put("queries", p + "/queries");
        pages.put("query-guide", "/help/queries");
        pages.put("server-administration", "/admin");
        pages.put("error-not-found", p + "/connectors/987654321");

        Page page = signedIn(Role.ADMIN, true);
        // The Content-Security-Policy allows no inline script or style: a page that needs one shows it here.
        List<String> blocked = new ArrayList<>();
        page.onConsoleMessage(m -> {
            if (m.text().contains("Content Security Policy")) {
                blocked.add(page.url() + ": " + m.text());
            }
        });
        pages.put("sign-in", "/login");
        Map<String, List<String>> failures = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : pages.entrySet()) {
            Response r = page.navigate(server.baseUrl + e.getValue());
            assertThat(r.status()).as(e.getValue()).isEqualTo(e.getKey().startsWith("error-") ? 404 : 200);
            assertThat(page.locator("h1").count())
                    .as("one h1 on " + e.getValue())
                    .isEqualTo(1);
            if (List.of("software", "alerts", "profiles", "changes", "findings", "vulnerabilities")
                    .contains(e.getKey())) {
                // The lists show the sandbox's data, not the empty-list line.
                assertThat(page.locator("main tbody tr").count()).as(e.getKey()).isPositive();
                assertThat(page.locator("main tbody").textContent())
                        .as(e.getKey())
                        .doesNotContain("Nothing matches")
                        .doesNotContain("No finding matches");
            }
            List<String> v = violations(page);
            if (!v.isEmpty()) {
                failures.put(e.getValue(), v);
            }
            shot(page, "page-" + e.getKey());
        }
        assertThat(failures).as("accessibility violations").isEmpty();
        assertThat(blocked).as("refused by the Content-Security-Policy").isEmpty();

        // The project switcher (a script of Rampart's own, no inline handler) opens the chosen project's assets.
        server.project(TestServer.unique("switch-to-"));
        page.navigate(server.baseUrl + p);
        String other = page.locator("#project-switcher option").allTextContents().stream()
                .filter(o -> !o.equals(project))
                .findFirst()
                .orElseThrow();
        page.selectOption("#project-switcher", other);
        page.waitForURL("**/projects/" + other + "/assets");

        // Software sorted by the number of assets that have it, most first, as the stored counts say.
        page.navigate(server.baseUrl + p + "/software?sort=-assets");
        List<Integer> counts = page.locator("main tbody tr td:nth-child(3)").allTextContents().stream()
                .map(t -> Integer.parseInt(t.trim().split("\\D", 2)[0]))
                .toList();
        assertThat(counts).isNotEmpty().isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(counts.get(0)).isPositive();

        // The dashboard charts the open findings after each run (ECharts draws them), the figures are also a table;
        // it leads with risk: the levels charted and counted as the API counts them.
        page.navigate(server.baseUrl + p);
        page.waitForSelector("#trend-chart canvas");
        List<Long> open = server.jdbc
                .sql("select (counts->>'openFindings')::bigint from sync_run where project_id = ? and state ="
                        + " 'succeeded' order by id")
                .param(server.project(project))
                .query(Long.class)
                .list();
        assertThat(page.locator("#trend-chart").getAttribute("data-values"))
                .isEqualTo(open.toString().replace(" ", ""));
        assertThat(page.locator("#trend-chart").getAttribute("role")).isEqualTo("img");
        JsonNode summary =
                server.call("GET", "/api/v1" + p + "/risk", admin, null).json();
        for (String level : List.of("Critical", "High", "Medium", "Low", "None")) {
            assertThat(page.locator("#risk-levels tr:has-text('" + level + "') td")
                            .textContent())
                    .as(level)
                    .isEqualTo(summary.get("levels").get(level).asString());
        }
        page.waitForSelector("#risk-chart canvas");
        // severities by rank, not by count
        assertThat(page.locator("section.card:has(h2:text-is('Open findings by severity')) th")
                        .allTextContents())
                .isSubsetOf("Critical", "High", "Medium", "Low")
                .isSortedAccordingTo(java.util.Comparator.comparing(
                        x -> List.of("Critical", "High", "Medium", "Low").indexOf(x)));
        // at 1400 px no card's table runs into the next one
        page.setViewportSize(1400, 900);
        assertThat(
                        page.evaluate(
                                "Array.from(document.querySelectorAll('.grid-16 > *')).every(c => c.scrollWidth <= c.clientWidth + 1)"))
                .isEqualTo(true);
        page.setViewportSize(1280, 720);
        assertThat(page.locator("#top-risk li").count()).isEqualTo(10);
        assertThat(page.locator("#top-risk li").first().locator(".badge").textContent())
                .isEqualTo(summary.get("top").get(0).get("level").asString());

        // Phone width: the same pages reflow (no horizontal scrolling of the page itself).
        page.setViewportSize(390, 844);
        for (String name : List.of("dashboard", "assets-list", "asset-risk", "findings")) {
            page.navigate(server.baseUrl + pages.get(name));
            shot(page, "phone-" + name);
            Object overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1");
            assertThat(overflow).as("horizontal overflow on " + name).isEqualTo(false);
        }
        page.context().close();
    }

    @Test
    void aResponderShouldIsolateADeviceFromItsPageAndWatchItEnd() throws Exception {
        dev.rampart.emulator.DefenderEmulator own = dev.rampart.emulator.DefenderEmulator.builder()
                .devices(12)
                .seed(21)
                .quotas("off")
                .vulnerabilitiesPerDevice(3)
                .start(java.time.Instant.parse("2026-06-01T08:00:00Z"))
                .start();
        try {
            String proj = TestServer.unique("ui-actions-");
            String root = server.adminToken(proj);
            var body = (tools.jackson.databind.node.ObjectNode)
                    TestServer.JSON.readTree(server.connectorBody("ui-actions", own.clientSecret()));
            body.put("tenantId", own.tenantId()).put("clientId", own.clientId()).put("sandbox", own.baseUrl());
            long conn = server.call("POST", "/api/v1/projects/" + proj + "/connectors", root, body.toString())
                    .json()
                    .get("id")
                    .asLong();
            server.awaitRun(proj, server.startRun(proj, conn, root), root);
            long asset = server.jdbc
                    .sql(
                            """
                            select id from asset where project_id = ? and active and health_status = 'Active'
                               and metadata->>'onboardingStatus' = 'Onboarded' and os_platform like 'Windows1%'
                             order by id limit 1
                            """)
                    .param(server.project(proj))
                    .query(Long.class)
                    .single();
            String name = TestServer.unique("ui-responder-");
            Users users = server.context.getBean(Users.class);
            Users.User u = users.create(name, null, "page passphrase 1", false);
            users.setMembership(u.id(), server.project(proj), Role.RESPONDER);
            BrowserContext context = browser.newContext();
            Page page = context.newPage();
            page.navigate(server.baseUrl + "/login");
            page.getByLabel("User name").fill(name);
            page.getByLabel("Password").fill("page passphrase 1");
            submit(page, page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")));

            // the Risk tab shows the level the API computed
            String level = server.call("GET", "/api/v1/projects/" + proj + "/assets/" + asset, root, null)
                    .json()
                    .get("risk")
                    .get("level")
                    .asString();
            page.navigate(server.baseUrl + "/projects/" + proj + "/assets/" + asset + "?tab=risk");
            assertThat(page.locator("#risk-level").textContent()).isEqualTo(level);
            assertThat(page.locator("#risk-contributors li").count()).isPositive();

            page.navigate(server.baseUrl + "/projects/" + proj + "/assets/" + asset + "?tab=response");
            page.onDialog(d -> d.accept());
            page.locator("#isolate-reason").fill("ticket 815: lateral movement seen");
            submit(page, page.locator("#isolate"));
            assertThat(page.locator("#action-message").textContent()).contains("Defender took the isolate (Pending)");
            assertThat(page.locator("#asset-actions .action-status").first().textContent())
                    .isEqualTo("Pending");
            shot(page, "asset-response-pending");
            // Defender finishes; the row follows on its own (htmx), without reloading the page
            own.advance(java.time.Duration.ofMinutes(5));
            page.waitForSelector(
                    "#asset-actions .action-status:text-is(\"Succeeded\")",
                    new Page.WaitForSelectorOptions().setTimeout(30_000));
            shot(page, "asset-response-succeeded");
            page.navigate(server.baseUrl + "/projects/" + proj + "/actions/isolated");
            assertThat(page.locator("#isolated tbody tr").first().textContent()).contains("ticket 815");
            assertThat(violations(page)).isEmpty();
            context.close();
        } finally {
            own.close();
        }
    }

    @Test
    void assetsShouldFilterOnAnyMetadataAndKeepSavedFilters() throws Exception {
        String p = "/projects/" + project;
        Page page = signedIn(Role.VIEWER, false);
        page.navigate(server.baseUrl + p + "/assets");
        page.getByLabel("Metadata key").fill("exposureLevel");
        page.getByLabel("equals").fill("High");
        submit(page, page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Apply")));
        assertThat(page.url()).contains("meta.exposureLevel=High");
        long high = server.jdbc
                .sql("select count(*) from asset where project_id = ? and metadata->>'exposureLevel' = 'High'")
                .param(server.project(project))
                .query(Long.class)
                .single();
        assertThat(high).isPositive();
        assertThat(page.locator("tbody tr").count()).isEqualTo((int) Math.min(50, high));
        // The metadata filter is now a field of its own, labelled by its key.
        assertThat(page.getByLabel("exposureLevel", new Page.GetByLabelOptions().setExact(true))
                        .inputValue())
                .isEqualTo("High");

        page.getByLabel("Save this filter as").fill("High exposure");
        submit(page, page.locator("#save-filter"));
        assertThat(page.locator("[role=status]").textContent()).contains("Saved as 'High exposure'");
        shot(page, "assets-saved-filter");

        page.navigate(server.baseUrl + p + "/assets");
        assertThat(page.locator("tbody tr").count()).isEqualTo(50);
        submit(page, page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("High exposure")));
        assertThat(page.url()).contains("meta.exposureLevel=High");
        assertThat(page.locator("tbody tr").count()).isEqualTo((int) Math.min(50, high));

        // Deleting asks first: dismissed, the filter stays; accepted, it goes.
        page.onceDialog(d -> d.dismiss());
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Delete saved filter High exposure"))
                .click();
        page.waitForTimeout(300);
        assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("High exposure"))
                        .count())
                .isEqualTo(1);
        page.onceDialog(d -> d.accept());
        submit(
                page,
                page.getByRole(
                        AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Delete saved filter High exposure")));
        assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("High exposure"))
                        .count())
                .isZero();

        // A bad metadata key is a sentence on an error page, not problem JSON.
        Response bad = page.navigate(server.baseUrl + p + "/assets?meta.bad%20key=1");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.headerValue("content-type")).startsWith("text/html");
        assertThat(page.locator("#error-sentence").textContent()).contains("metadata key");

        // A viewer is refused the administration page with a page that says why.
        Response refused = page.navigate(server.baseUrl + p + "/admin");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.headerValue("content-type")).startsWith("text/html");
        assertThat(page.locator("#error-sentence").textContent()).contains("project_admin");
        shot(page, "error-forbidden");
        Response unknown = page.navigate(server.baseUrl + p + "/no-such-page");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(page.locator("#error-sentence").textContent()).isEqualTo("There is no page at this address.");
        page.context().close();
    }

    @Test
    void aConnectorShouldBeDisabledAndDeletedOnlyAfterConfirmation() throws Exception {
        String p = "/projects/" + project;
        long id = server.call(
                        "POST",
                        "/api/v1" + p + "/connectors",
                        admin,
                        server.connectorBody(TestServer.unique("doomed-"), server.sandbox.clientSecret()))
                .json()
                .get("id")
                .asLong();
        Page page = signedIn(Role.CONNECTOR_EDITOR, false);
        page.navigate(server.baseUrl + p + "/connectors/" + id);

        page.onceDialog(d -> d.dismiss());
        page.locator("#disable").click();
        page.waitForTimeout(300);
        assertThat(server.call("GET", "/api/v1" + p + "/connectors/" + id, admin, null)
                        .json()
                        .get("enabled")
                        .asBoolean())
                .isTrue();

        page.onceDialog(d -> {
            assertThat(d.message()).contains("profiles it created are removed");
            d.accept();
        });
        submit(page, page.locator("#disable"));
        assertThat(page.locator("[role=status]").textContent()).startsWith("Connector disabled");
        assertThat(server.call("GET", "/api/v1" + p + "/connectors/" + id, admin, null)
                        .json()
                        .get("enabled")
                        .asBoolean())
                .isFalse();
        shot(page, "connector-disabled");
        submit(page, page.locator("#enable"));
        assertThat(page.locator("[role=status]").textContent()).startsWith("Connector enabled");

        page.onceDialog(d -> d.dismiss());
        page.locator("#delete").click();
        page.waitForTimeout(300);
        assertThat(server.call("GET", "/api/v1" + p + "/connectors/" + id, admin, null)
                        .status())
                .isEqualTo(200);
        page.onceDialog(d -> {
            assertThat(d.message()).contains("cannot be undone");
            d.accept();
        });
        submit(page, page.locator("#delete"));
        assertThat(page.url()).endsWith("/connectors?deleted");
        assertThat(page.locator("[role=status]").textContent()).isEqualTo("The connector was deleted.");
        assertThat(server.call("GET", "/api/v1" + p + "/connectors/" + id, admin, null)
                        .status())
                .isEqualTo(404);
        page.context().close();
    }
}
