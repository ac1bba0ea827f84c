package dev.rampart.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code rampart demo} end to end, as a user runs it: a process of its own on the embedded PostgreSQL; its
 * {@code RAMPART_DEMO} line carries a URL, a user, a password, a token and a project; the inventory is populated; the
 * API answers the token, and the password signs in through the form.
 */
class DemoIT {

    @Test
    void demoShouldPrintItsLineWithAPopulatedInventoryAndWorkingCredentials() throws Exception {
        Path home = Files.createTempDirectory("rampart-demo-test");
        Process p = Processes.rampart(
                        Map.of("RAMPART_HOME", home.toString()), "demo", "--devices", "120", "--port", "0")
                .redirectError(home.resolve("stderr").toFile())
                .start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
                try {
                    for (String l = out.readLine(); l != null; l = out.readLine()) {
                        if (l.startsWith("RAMPART_DEMO ")) {
                            return l;
                        }
                    }
                    return null;
                } catch (java.io.IOException e) {
                    return null;
                }
            });
            String demo = line.get(180, TimeUnit.SECONDS);
            assertThat(demo)
                    .as("stderr: " + Files.readString(home.resolve("stderr")))
                    .isNotNull();
            JsonNode d = TestServer.JSON.readTree(demo.substring("RAMPART_DEMO ".length()));
            for (String key : new String[] {"url", "user", "password", "apiToken", "project"}) {
                assertThat(d.hasNonNull(key)).as(key).isTrue();
            }
            assertThat(d.get("assets").asLong()).isEqualTo(120);
            String url = d.get("url").asString();
            HttpClient http = HttpClient.newBuilder()
                    .cookieHandler(new CookieManager())
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();
            HttpResponse<String> assets = http.send(
                    HttpRequest.newBuilder(URI.create(
                                    url + "/api/v1/projects/" + d.get("project").asString() + "/assets?limit=5"))
                            .header(
                                    "Authorization",
                                    "Bearer " + d.get("apiToken").asString())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(assets.statusCode()).isEqualTo(200);
            assertThat(TestServer.JSON.readTree(assets.body()).get("items").size())
                    .isEqualTo(5);

            HttpResponse<String> form = http.send(
                    HttpRequest.newBuilder(URI.create(url + "/login")).build(), HttpResponse.BodyHandlers.ofString());
            Matcher csrf =
                    Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(form.body());
            assertThat(csrf.find()).as(form.body()).isTrue();
            String body = "username=" + enc(d.get("user").asString()) + "&password="
                    + enc(d.get("password").asString()) + "&_csrf=" + enc(csrf.group(1));
            HttpResponse<String> signIn = http.send(
                    HttpRequest.newBuilder(URI.create(url + "/login"))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(signIn.statusCode()).isEqualTo(302);
            assertThat(signIn.headers().firstValue("Location").orElse("")).doesNotContain("error");
            HttpResponse<String> me = http.send(
                    HttpRequest.newBuilder(URI.create(url + "/api/v1/me")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(me.statusCode()).isEqualTo(200);
            assertThat(TestServer.JSON.readTree(me.body()).get("via").asString())
                    .isEqualTo("session");
        } finally {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static Duration timeout() {
        return Duration.ofSeconds(180);
    }
}
