package dev.rampart.app.server;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.web.util.HtmlUtils;

/**
 * A browser's session with one Rampart server: its cookies, and the CSRF token of the last page that had one, sent
 * with every post (as a form field) and every API write (as the {@code X-CSRF-TOKEN} header). A 302 answers with its
 * Location as the body.
 */
final class BrowserSession {
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");
    private final String baseUrl;
    private final TestServer log;
    final CookieManager cookies = new CookieManager();
    private final HttpClient http = HttpClient.newBuilder()
            .cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private String csrf;

    BrowserSession(String baseUrl, TestServer log) {
        this.baseUrl = baseUrl;
        this.log = log;
    }

    /** Signs in through the form of the test server; null when the sign-in failed. */
    static BrowserSession signIn(TestServer server, String username, String password) {
        return signIn(server.baseUrl, server, username, password);
    }

    /** Signs in through the form of the server at {@code baseUrl}; null when the sign-in failed. */
    static BrowserSession signIn(String baseUrl, TestServer log, String username, String password) {
        BrowserSession s = new BrowserSession(baseUrl, log);
        s.get("/login");
        TestServer.Response r = s.post("/login", Map.of("username", username, "password", password));
        if (r.status() != 302 || r.body().contains("error") || r.body().contains("throttled")) {
            return null;
        }
        // Spring Security gives the session a new CSRF token at sign-in: take it from the page it lands on.
        for (int hops = 0; hops < 3 && r.status() == 302; hops++) {
            r = s.get(URI.create(r.body()).getPath());
        }
        return s;
    }

    TestServer.Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Accept", "text/html")
                .GET());
    }

    /** Posts a form with the session's CSRF token. */
    TestServer.Response post(String path, Map<String, String> form) {
        Map<String, String> all = new LinkedHashMap<>(form);
        if (csrf != null) {
            all.put("_csrf", csrf);
        }
        String body = all.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Accept", "text/html")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** An API call with the session's cookie (and CSRF header on writes), JSON in and out. */
    TestServer.Response api(String method, String path, String json) {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Accept", "application/json");
        if (csrf != null) {
            b.header("X-CSRF-TOKEN", csrf);
        }
        if (json != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return send(b);
    }

    private TestServer.Response send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r =
                    http.send(b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            Matcher m = CSRF.matcher(r.body());
            if (m.find()) {
                csrf = HtmlUtils.htmlUnescape(m.group(1));
            }
            if (log != null) {
                log.responses.add(r.headers().map() + "\n" + r.body());
            }
            String body =
                    r.statusCode() == 302 ? r.headers().firstValue("Location").orElse("") : r.body();
            return new TestServer.Response(
                    r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
