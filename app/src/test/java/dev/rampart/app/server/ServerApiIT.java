package dev.rampart.app.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rampart.app.security.ApiTokens;
import dev.rampart.app.security.Role;
import dev.rampart.app.security.Users;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The API's behaviour beyond permissions: accounts, tokens, connectors, runs, lists, exports and metrics. */
class ServerApiIT {
    private final TestServer server = TestServer.get();

    @Test
    void fiveFailedSignInsShouldLockTheAccountUntilAnAdminUnlocksIt() {
        Users users = server.context.getBean(Users.class);
        String name = TestServer.unique("lock-");
        Users.User u = users.create(name, null, "the right password!", false);
        for (int i = 0; i < Users.MAX_FAILURES; i++) {
            assertThatThrownBy(() -> users.signIn(name, "wrong", "192.0.2.7"))
                    .isInstanceOf(Users.SignInException.class);
        }
        assertThatThrownBy(() -> users.signIn(name, "the right password!", "192.0.2.7"))
                .isInstanceOfSatisfying(Users.SignInException.class, e -> assertThat(e.refusal())
                        .isEqualTo(Users.Refusal.LOCKED_FOR_ADDRESS))
                .hasMessage("wrong user name or password");
        String project = TestServer.unique("lock-");
        String root = server.adminToken(project);
        assertThat(server.call("GET", "/api/v1/users/" + u.id(), root, null)
                        .json()
                        .get("locked")
                        .asBoolean())
                .isTrue();
        assertThat(server.call("POST", "/api/v1/users/" + u.id() + "/unlock", root, null)
                        .status())
                .isEqualTo(200);
        assertThat(users.signIn(name, "the right password!", "192.0.2.7").username())
                .isEqualTo(name);
        assertThatThrownBy(() -> users.signIn("nobody-" + name, "x", "192.0.2.7"))
                .hasMessage("wrong user name or password");
    }

    @Test
    void tokensShouldReachOnlyTheirProjectAndStopWhenRevokedOrExpired() throws Exception {
        String a = TestServer.unique("tok-a-");
        String b = TestServer.unique("tok-b-");
        String analyst = server.token(a, Role.ANALYST);
        server.project(b);
        assertThat(server.call("GET", "/api/v1/projects/" + a + "/assets", analyst, null)
                        .status())
                .isEqualTo(200);
        assertThat(server.call("GET", "/api/v1/projects/" + b + "/assets", analyst, null)
                        .status())
                .isEqualTo(403);
        var stronger = server.call(
                "POST",
                "/api/v1/projects/" + a + "/tokens",
                analyst,
                "{\"name\":\"x\",\"role\":\"admin\",\"expiresInDays\":1}");
        assertThat(stronger.status()).isEqualTo(400);
        assertThat(stronger.body()).contains("\"field\":\"role\"");

        ApiTokens tokens = server.context.getBean(ApiTokens.class);
        Users.User u = server.user(TestServer.unique("short-"), false);
        server.context.getBean(Users.class).setMembership(u.id(), server.project(a), Role.VIEWER);
        ApiTokens.Issued soon = tokens.issue(
                u.id(), server.project(a), Role.VIEWER, "soon", Instant.now().plusMillis(1500));
        assertThat(server.call("GET", "/api/v1/me", soon.value(), null).status())
                .isEqualTo(200);
        Thread.sleep(1600);
        assertThat(server.call("GET", "/api/v1/me", soon.value(), null).status())
                .isEqualTo(401);

        var created = server.call(
                "POST",
                "/api/v1/projects/" + a + "/tokens",
                analyst,
                "{\"name\":\"mine\",\"role\":\"viewer\",\"expiresAt\":\""
                        + Instant.now().plusSeconds(3600) + "\"}");
        assertThat(created.status()).isEqualTo(201);
        String value = created.json().get("token").asString();
        long id = created.json().get("info").get("id").asLong();
        assertThat(server.call("GET", "/api/v1/me", value, null).status()).isEqualTo(200);
        var list = server.call("GET", "/api/v1/projects/" + a + "/tokens", analyst, null);
        assertThat(list.body()).contains("\"prefix\"").doesNotContain(value);
        assertThat(server.call("DELETE", "/api/v1/projects/" + a + "/tokens/" + id, analyst, null)
                        .status())
                .isEqualTo(204);
        assertThat(server.call("GET", "/api/v1/me", value, null).status()).isEqualTo(401);
    }

    @Test
    void connectorsShouldKeepTheirCredentialWriteOnlyAndWarnBeforeItExpires() {
        String project = TestServer.unique("conn-");
        String editor = server.token(project, Role.CONNECTOR_EDITOR);
        String admin = server.token(project, Role.ADMIN);
        var body = TestServer.JSON.readTree(server.connectorBody("expiring", "a-secret-value-123"));
        ((tools.jackson.databind.node.ObjectNode) body.get("credential"))
                .put("expiresAt", Instant.now().plus(Duration.ofDays(5)).toString());
        var created = server.call("POST", "/api/v1/projects/" + project + "/connectors", admin, body.toString());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode credential = created.json().get("credential");
        assertThat(credential.get("set").asBoolean()).isTrue();
        assertThat(credential.get("kind").asString()).isEqualTo("secret");
        assertThat(credential.get("expiresInDays").asLong()).isBetween(4L, 5L);
        assertThat(credential.get("warning").asString()).contains("expires in");
        assertThat(created.body()).doesNotContain("a-secret-value-123");
        long id = created.json().get("id").asLong();

        // An editor keeps the stored secret by leaving the credential out, and may not point the connector elsewhere.
        var keep = TestServer.JSON.readTree(server.connectorBody("expiring", "x"));
        ((tools.jackson.databind.node.ObjectNode) keep).remove("credential");
        ((tools.jackson.databind.node.ObjectNode) keep).put("description", "renamed");
        ((tools.jackson.databind.node.ObjectNode) keep).remove("sandbox");
        ((tools.jackson.databind.node.ObjectNode) keep).put("cloud", "global");
        var updated = server.call("PUT", "/api/v1/projects/" + project + "/connectors/" + id, editor, keep.toString());
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        assertThat(updated.json().get("credential").get("set").asBoolean()).isTrue();
        assertThat(updated.json().get("version").asInt()).isEqualTo(2);
        ((tools.jackson.databind.node.ObjectNode) keep).remove("cloud");
        ((tools.jackson.databind.node.ObjectNode) keep).put("baseUrl", "https://attacker.example");
        var custom = server.call("PUT", "/api/v1/projects/" + project + "/connectors/" + id, editor, keep.toString());
        assertThat(custom.status()).isEqualTo(400);
        assertThat(custom.body()).contains("\"field\":\"baseUrl\"");
        // A project admin may not either: a custom base URL is a server administrator's (it decides where the token
        // goes), and even theirs must be https.
        var byAdmin = server.call("PUT", "/api/v1/projects/" + project + "/connectors/" + id, admin, keep.toString());
        assertThat(byAdmin.status()).isEqualTo(400);
        assertThat(byAdmin.json().get("errors").get(0).get("message").asString())
                .startsWith("only a server administrator may set a custom base URL");
        String root = server.adminToken(project);
        ((tools.jackson.databind.node.ObjectNode) keep).put("baseUrl", "http://plain.example");
        var plain = server.call("PUT", "/api/v1/projects/" + project + "/connectors/" + id, root, keep.toString());
        assertThat(plain.status()).isEqualTo(400);
        assertThat(plain.json().get("errors").get(0).get("message").asString())
                .isEqualTo("must be an absolute https URL");

        String metrics = "";
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!metrics.contains("project=\"" + project) && System.nanoTime() < deadline) {
            metrics = server.call("GET", "/actuator/prometheus", root, null).body();
        }
        assertThat(metrics.lines()
                        .filter(l -> l.startsWith("rampart_connector_credential_expiry_days{")
                                && l.contains("project=\"" + project + "\"")))
                .as(metrics.lines()
                        .filter(l -> l.startsWith("rampart_"))
                        .toList()
                        .toString())
                .singleElement()
                .satisfies(l -> assertThat(l).endsWith(" 4.0"));
    }

    @Test
    void aRunShouldBeReadableWhileItGoesAndStopWhenCancelled() throws Exception {
        String project = TestServer.unique("cancel-");
        String editor = server.token(project, Role.CONNECTOR_EDITOR);
        var created = server.call(
                "POST",
                "/api/v1/projects/" + project + "/connectors",
                server.token(project, Role.ADMIN),
                server.connectorBody("slow", server.sandbox.clientSecret()));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String c = "/api/v1/projects/" + project + "/connectors/"
                + created.json().get("id").asLong();
        server.sandbox.addFault(TestServer.delay("/api/vulnerabilities*", 3000));
        var started = server.call("POST", c + "/runs", editor, null);
        assertThat(started.status()).isEqualTo(202);
        long run = started.json().get("id").asLong();
        assertThat(server.call("POST", c + "/runs", editor, null).status()).isEqualTo(409);
        JsonNode during = server.call("GET", c + "/runs/" + run, editor, null).json();
        assertThat(during.get("state").asString()).isEqualTo("running");
        assertThat(server.call("POST", c + "/runs/" + run + "/cancel", editor, null)
                        .status())
                .isEqualTo(202);
        JsonNode done = server.awaitRun(project, run, editor);
        assertThat(done.get("state").asString()).isEqualTo("cancelled");
        assertThat(server.jdbc
                        .sql("select count(*) from asset a join project p on p.id = a.project_id where p.key = ?")
                        .param(project)
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(server.call("POST", c + "/runs/" + run + "/cancel", editor, null)
                        .status())
                .isEqualTo(409);
    }

    @Test
    void listsShouldPageWithoutLossOrRepeatAndFilterOnMetadata() {
        String project = TestServer.unique("lists-");
        String admin = server.token(project, Role.ADMIN);
        var created = server.call(
                "POST",
                "/api/v1/projects/" + project + "/connectors",
                admin,
                server.connectorBody("lists", server.sandbox.clientSecret()));
        String base = "/api/v1/projects/" + project;
        long run = server.startRun(project, created.json().get("id").asLong(), admin);
        assertThat(server.awaitRun(project, run, admin).get("state").asString()).isEqualTo("succeeded");
        for (String sort : new String[] {"name", "-name", "firstSeen", "-id", "os"}) {
            Set<Long> seen = new HashSet<>();
            String cursor = null;
            int pages = 0;
            do {
                var page = server.call(
                                "GET",
                                base + "/assets?limit=7&sort=" + sort + (cursor == null ? "" : "&cursor=" + cursor),
                                admin,
                                null)
                        .json();
                page.get("items").forEach(i -> assertThat(seen.add(i.get("id").asLong()))
                        .as(sort)
                        .isTrue());
                cursor = page.get("nextCursor").isNull()
                        ? null
                        : page.get("nextCursor").asString();
                pages++;
            } while (cursor != null && pages < 50);
            assertThat(seen).as(sort).hasSize(60);
        }
        JsonNode one = server.call("GET", base + "/assets?limit=1", admin, null)
                .json()
                .get("items")
                .get(0);
        JsonNode detail = server.call("GET", base + "/assets/" + one.get("id").asLong(), admin, null)
                .json();
        assertThat(detail.has("metadata")).isTrue();
        for (String key : new String[] {"findings", "software", "alerts", "logonUsers", "profiles", "sources"}) {
            assertThat(detail.has(key)).as(key).isTrue();
        }
        String os = detail.get("metadata").get("osPlatform").asString();
        var filtered = server.call("GET", base + "/assets?limit=1000&meta.osPlatform=" + os, admin, null)
                .json();
        assertThat(filtered.get("items").size()).isPositive();
        filtered.get("items")
                .forEach(i -> assertThat(i.get("osPlatform").asString()).isEqualTo(os));
        assertThat(server.call("GET", base + "/assets?colour=red", admin, null).status())
                .isEqualTo(400);

        var open = server.call("GET", base + "/findings?state=open&limit=5&sort=-cvss", admin, null)
                .json();
        assertThat(open.get("items").size()).isEqualTo(5);
        double previous = Double.MAX_VALUE;
        for (JsonNode f : open.get("items")) {
            assertThat(f.get("state").asString()).isEqualTo("open");
            double cvss = f.get("cvss").isNull() ? -1 : f.get("cvss").asDouble();
            assertThat(cvss).isLessThanOrEqualTo(previous);
            previous = cvss;
        }
        for (String list : new String[] {"vulnerabilities", "software", "alerts", "profiles", "events"}) {
            var r = server.call("GET", base + "/" + list + "?limit=3", admin, null);
            assertThat(r.status()).as(list).isEqualTo(200);
            assertThat(r.json().get("items").size()).as(list).isPositive();
        }
        assertThat(server.call("GET", base + "/tickets?state=open", admin, null).status())
                .isEqualTo(200);
        String cve = server.call("GET", base + "/vulnerabilities?limit=1&sort=-exposed", admin, null)
                .json()
                .get("items")
                .get(0)
                .get("cveId")
                .asString();
        assertThat(server.call("GET", base + "/vulnerabilities/" + cve, admin, null)
                        .json()
                        .get("assets")
                        .size())
                .isPositive();

        String ocsf = server.call("GET", base + "/exports/findings?format=ocsf", admin, null)
                .body();
        JsonNode first = TestServer.JSON.readTree(ocsf.lines().findFirst().orElseThrow());
        assertThat(first.get("class_uid").asInt()).isEqualTo(2002);
        assertThat(first.get("category_uid").asInt()).isEqualTo(2);
        assertThat(first.get("type_uid").asInt()).isEqualTo(200201);
        assertThat(first.get("vulnerabilities").get(0).get("cve").get("uid").asString())
                .startsWith("CVE-");
        assertThat(first.get("finding_info").get("uid").asString()).isNotBlank();
        long openCount = server.jdbc
                .sql("select count(*) from finding f join project p on p.id = f.project_id" + " where p.key = ?")
                .param(project)
                .query(Long.class)
                .single();
        assertThat(ocsf.lines().count()).isEqualTo(openCount);
        String csv = server.call("GET", base + "/exports/findings?format=csv", admin, null)
                .body();
        assertThat(csv.lines().findFirst().orElseThrow()).startsWith("project,id,");
    }

    /** A self-signed certificate and its key as PEM, made with the JDK's keytool. */
    static String certificatePem(java.nio.file.Path dir) throws Exception {
        java.nio.file.Path store = dir.resolve("cert.p12");
        Process p = new ProcessBuilder(
                        java.nio.file.Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "app",
                        "-keyalg",
                        "RSA",
                        "-keysize",
                        "2048",
                        "-validity",
                        "200",
                        "-dname",
                        "CN=rampart-test",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        store.toString(),
                        "-storepass",
                        "changeit",
                        "-keypass",
                        "changeit")
                .redirectErrorStream(true)
                .start();
        assertThat(p.waitFor()).isZero();
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        try (var in = java.nio.file.Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        var enc = java.util.Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return "-----BEGIN PRIVATE KEY-----\n"
                + enc.encodeToString(ks.getKey("app", "changeit".toCharArray()).getEncoded())
                + "\n-----END PRIVATE KEY-----\n-----BEGIN CERTIFICATE-----\n"
                + enc.encodeToString(ks.getCertificate("app").getEncoded()) + "\n-----END CERTIFICATE-----\n";
    }

    @Test
    void aCertificateCredentialShouldBeStoredWriteOnlyWithItsExpiryAndUsedToSignIn() throws Exception {
        String project = TestServer.unique("cert-");
        String admin = server.token(project, Role.ADMIN);
        String pem = certificatePem(java.nio.file.Files.createTempDirectory("cert"));
        var body = (tools.jackson.databind.node.ObjectNode)
                TestServer.JSON.readTree(server.connectorBody("certified", "x"));
        body.putObject("credential").put("certificatePem", pem);
        var created = server.call("POST", "/api/v1/projects/" + project + "/connectors", admin, body.toString());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode credential = created.json().get("credential");
        assertThat(credential.get("kind").asString()).isEqualTo("certificate");
        assertThat(credential.get("expiresInDays").asLong()).isBetween(198L, 200L);
        assertThat(created.body()).doesNotContain("PRIVATE KEY").doesNotContain("BEGIN CERTIFICATE");
        // The sandbox does not know this certificate: verify must say so in a sentence, not fail.
        var verify = server.call(
                "POST",
                "/api/v1/projects/" + project + "/connectors/"
                        + created.json().get("id").asLong() + "/verify",
                admin,
                null);
        assertThat(verify.status()).as(verify.body()).isEqualTo(200);
        assertThat(verify.json().get("token").get("defender").get("ok").asBoolean())
                .isFalse();
        assertThat(verify.json().get("token").get("defender").get("error").asString())
                .isNotBlank();

        body.putObject("credential")
                .put("certificatePem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----");
        var bad = server.call("POST", "/api/v1/projects/" + project + "/connectors", admin, body.toString());
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("\"field\":\"credential.certificatePem\"");
    }

    /** The stored counts of the software and vulnerability lists against a count of the inventory itself. */
    private void assertCatalogCountsMatch(String project, String token, boolean expectSome) {
        long p = server.project(project);
        String base = "/api/v1/projects/" + project;
        java.util.Map<String, Long> software = new java.util.HashMap<>();
        server.jdbc
                .sql(
                        """
                        select x.software_key, count(distinct x.asset_id) from asset_software x
                          join asset a on a.id = x.asset_id where a.project_id = ? group by 1
                        """)
                .param(p)
                .query((rs, n) -> software.put(rs.getString(1), rs.getLong(2)))
                .list();
        JsonNode sw = server.call("GET", base + "/software?limit=1000&sort=-assets", token, null)
                .json()
                .get("items");
        assertThat(sw.size()).isPositive();
        long previous = Long.MAX_VALUE;
        for (JsonNode s : sw) {
            long assets = s.get("assets").asLong();
            assertThat(assets)
                    .as(s.get("softwareKey").asString())
                    .isEqualTo(software.getOrDefault(s.get("softwareKey").asString(), 0L));
            assertThat(assets).isLessThanOrEqualTo(previous);
            previous = assets;
        }
        java.util.Map<String, Long> exposed = new java.util.HashMap<>();
        server.jdbc
                .sql("select cve_id, count(distinct asset_id) from finding where project_id = ? and state = 'open'"
                        + " group by 1")
                .param(p)
                .query((rs, n) -> exposed.put(rs.getString(1), rs.getLong(2)))
                .list();
        JsonNode vulns = server.call("GET", base + "/vulnerabilities?limit=1000", token, null)
                .json()
                .get("items");
        assertThat(vulns.size()).isPositive();
        for (JsonNode v : vulns) {
            assertThat(v.get("exposedAssets").asLong())
                    .as(v.get("cveId").asString())
                    .isEqualTo(exposed.getOrDefault(v.get("cveId").asString(), 0L));
        }
        assertThat(software.isEmpty() && exposed.isEmpty()).isEqualTo(!expectSome);
    }

    @Test
    void theSoftwareAndVulnerabilityCountsShouldFollowRunsAndDeletions() {
        String project = TestServer.unique("counts-");
        String admin = server.token(project, Role.ADMIN);
        long id = server.call(
                        "POST",
                        "/api/v1/projects/" + project + "/connectors",
                        admin,
                        server.connectorBody("counted", server.sandbox.clientSecret()))
                .json()
                .get("id")
                .asLong();
        long run = server.startRun(project, id, admin);
        assertThat(server.awaitRun(project, run, admin).get("state").asString()).isEqualTo("succeeded");
        assertCatalogCountsMatch(project, admin, true);
        // Deleting the connector takes its assets; the catalogs stay, with nothing counted.
        assertThat(server.call("DELETE", "/api/v1/projects/" + project + "/connectors/" + id, admin, null)
                        .status())
                .isEqualTo(204);
        assertCatalogCountsMatch(project, admin, false);
    }

    @Test
    void disablingAConnectorShouldStopItsImportsAndRemoveItsProfiles() {
        String project = TestServer.unique("switch-");
        String admin = server.token(project, Role.ADMIN);
        var created = server.call(
                "POST",
                "/api/v1/projects/" + project + "/connectors",
                admin,
                server.connectorBody("switched", server.sandbox.clientSecret()));
        long id = created.json().get("id").asLong();
        String c = "/api/v1/projects/" + project + "/connectors/" + id;
        long run = server.startRun(project, id, admin);
        assertThat(server.awaitRun(project, run, admin).get("state").asString()).isEqualTo("succeeded");
        String profiles = "select count(*) from profile where connector_id = ?";
        assertThat(server.jdbc.sql(profiles).param(id).query(Long.class).single())
                .isPositive();

        var off = (tools.jackson.databind.node.ObjectNode)
                TestServer.JSON.readTree(server.connectorBody("switched", "x"));
        off.remove("credential");
        off.put("enabled", false);
        var updated = server.call("PUT", c, admin, off.toString());
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        assertThat(updated.json().get("enabled").asBoolean()).isFalse();
        assertThat(server.jdbc.sql(profiles).param(id).query(Long.class).single())
                .isZero();
        var refused = server.call("POST", c + "/runs", admin, null);
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.body()).contains("disabled");
        assertThat(server.call("GET", "/api/v1/projects/" + project + "/assets", admin, null)
                        .json()
                        .get("items")
                        .size())
                .isPositive();

        off.put("enabled", true);
        assertThat(server.call("PUT", c, admin, off.toString()).status()).isEqualTo(200);
        assertThat(server.jdbc.sql(profiles).param(id).query(Long.class).single())
                .isPositive();
        assertThat(server.call("DELETE", c, admin, null).status()).isEqualTo(204);
        assertThat(server.call("GET", "/api/v1/projects/" + project + "/assets", admin, null)
                        .json()
                        .get("items")
                        .size())
                .isZero();
    }

    @Test
    void aOneTimeRunWhoseTimeHasPassedShouldRunOnceRightAway() throws Exception {
        // A one-time run whose time passed while no node was up (or that was set in the past) runs now, once.
        String project = TestServer.unique("misfire-");
        String admin = server.token(project, Role.ADMIN);
        var body = (tools.jackson.databind.node.ObjectNode)
                TestServer.JSON.readTree(server.connectorBody("missed", server.sandbox.clientSecret()));
        body.putObject("schedule")
                .put("kind", "once")
                .put("at", Instant.now().minus(Duration.ofMinutes(10)).toString());
        var created = server.call("POST", "/api/v1/projects/" + project + "/connectors", admin, body.toString());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        long id = created.json().get("id").asLong();
        String runs = "select count(*) from sync_run where connector_id = ? and trigger = 'schedule' and state <>"
                + " 'running'";
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (server.jdbc.sql(runs).param(id).query(Long.class).single() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        Thread.sleep(2000);
        assertThat(server.jdbc.sql(runs).param(id).query(Long.class).single()).isEqualTo(1);
        server.context.getBean(dev.rampart.app.sync.RunScheduler.class).reconcile();
        Thread.sleep(1500);
        assertThat(server.jdbc
                        .sql("select count(*) from sync_run where connector_id = ?")
                        .param(id)
                        .query(Long.class)
                        .single())
                .as("a one-time run that happened is not scheduled again")
                .isEqualTo(1);
    }

    @Test
    void aCredentialCloseToExpiryShouldBeWarnedInTheLogOncePerThreshold() {
        ch.qos.logback.classic.Logger log =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(Housekeeping.class);
        var captured = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        captured.start();
        log.addAppender(captured);
        try {
            String project = TestServer.unique("expiry-");
            String admin = server.token(project, Role.ADMIN);
            var body = (tools.jackson.databind.node.ObjectNode)
                    TestServer.JSON.readTree(server.connectorBody("lapsing", "secret-value-expiring"));
            ((tools.jackson.databind.node.ObjectNode) body.get("credential"))
                    .put("expiresAt", Instant.now().plus(Duration.ofHours(20)).toString());
            assertThat(server.call("POST", "/api/v1/projects/" + project + "/connectors", admin, body.toString())
                            .status())
                    .isEqualTo(201);
            Housekeeping h = server.context.getBean(Housekeeping.class);
            h.expiryWarnings();
            h.expiryWarnings();
            var lines = captured.list.stream()
                    .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                    .filter(m -> m.contains("lapsing") && m.contains(project))
                    .toList();
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0)).contains("expires within a day").doesNotContain("secret-value-expiring");
        } finally {
            log.detachAppender(captured);
        }
    }

    /** The open findings of a project as /actuator/prometheus reports them, summed over severities. */
    private static long openFindingsMetric(String metrics, String project) {
        return Math.round(metrics.lines()
                .filter(l -> l.startsWith("rampart_findings{")
                        && l.contains("project=\"" + project + "\"")
                        && l.contains("state=\"open\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum());
    }

    @Test
    void theFindingMetricsShouldFollowEveryRunAndImport() throws Exception {
        String project = TestServer.unique("metrics-");
        String admin = server.adminToken(project);
        server.imported(project, admin, "metrics");
        String root = server.adminToken(project);
        long open = server.jdbc
                .sql("select count(*) from finding where project_id = ? and state = 'open'")
                .param(server.project(project))
                .query(Long.class)
                .single();
        assertThat(open).isPositive();
        long[] shown = {-1};
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (shown[0] != open && System.nanoTime() < deadline) {
            shown[0] = openFindingsMetric(
                    server.call("GET", "/actuator/prometheus", root, null).body(), project);
        }
        assertThat(shown[0]).isEqualTo(open);

        // an import adds two findings: the counts are taken again (the project's risk version moved)
        var pushed = server.call(
                "POST",
                "/api/v1/projects/" + project + "/imports",
                admin,
                """
                {"source": "scanner", "assets": [{"id": "s1", "name": "lab-printer", "findings": [
                  {"cveId": "CVE-2024-1111", "productName": "firmware", "severity": "High"},
                  {"cveId": "CVE-2024-2222", "productName": "firmware", "severity": "Low"}]}]}
                """);
        assertThat(pushed.status()).as(pushed.body()).isEqualTo(201);
        deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (shown[0] != open + 2 && System.nanoTime() < deadline) {
            shown[0] = openFindingsMetric(
                    server.call("GET", "/actuator/prometheus", root, null).body(), project);
        }
        assertThat(shown[0]).isEqualTo(open + 2);
    }
}
