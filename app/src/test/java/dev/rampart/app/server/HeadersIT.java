package dev.rampart.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What every answer says to the browser: a Content-Security-Policy without inline script, a Referrer-Policy, a session
 * cookie that scripts cannot read and other sites do not get; redirects that carry a path, never the Host the client
 * sent; and a server that listens on the loopback interface unless told otherwise.
 */
class HeadersIT {
    private final TestServer server = TestServer.get();

    @Test
    void everyAnswerShouldCarryTheBrowserPolicies() throws Exception {
        for (String path : List.of("/login", "/api/v1/me", "/css/rampart.css", "/projects/x/assets")) {
            HttpResponse<String> r = server.http.send(
                    HttpRequest.newBuilder(URI.create(server.baseUrl + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.headers().firstValue("Content-Security-Policy"))
                    .as(path)
                    .contains(SecurityConfig.CSP);
            assertThat(SecurityConfig.CSP).contains("script-src 'self';").doesNotContain("unsafe");
            assertThat(r.headers().firstValue("Referrer-Policy")).as(path).contains("same-origin");
            assertThat(r.headers().firstValue("X-Content-Type-Options"))
                    .as(path)
                    .contains("nosniff");
            assertThat(r.headers().firstValue("X-Frame-Options")).as(path).contains("DENY");
        }
        HttpResponse<String> login = server.http.send(
                HttpRequest.newBuilder(URI.create(server.baseUrl + "/login")).build(),
                HttpResponse.BodyHandlers.ofString());
        String cookie = login.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("JSESSIONID="))
                .findFirst()
                .orElseThrow();
        assertThat(cookie).contains("HttpOnly").contains("SameSite=Lax").doesNotContain("Secure");
        assertThat(login.body())
                .doesNotContain("<style")
                .doesNotContain("<script>")
                .doesNotContainPattern(" on[a-z]+=");
    }

    /** One request with the Host header of our choosing: the status line, the headers and the body. */
    private String raw(String method, String path, String host, String cookie, String form) throws IOException {
        int port = URI.create(server.baseUrl).getPort();
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            byte[] body = form == null ? new byte[0] : form.getBytes(StandardCharsets.UTF_8);
            String req = method + " " + path + " HTTP/1.1\r\nHost: " + host
                    + "\r\nConnection: close\r\nAccept: text/html\r\n"
                    + (cookie == null ? "" : "Cookie: " + cookie + "\r\n")
                    + (form == null ? "" : "Content-Type: application/x-www-form-urlencoded\r\n")
                    + "Content-Length: " + body.length + "\r\n\r\n";
            OutputStream out = s.getOutputStream();
            out.write(req.getBytes(StandardCharsets.UTF_8));
            out.write(body);
            out.flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String header(String answer, String name) {
        Matcher m = Pattern.compile("(?im)^" + name + ": ([^\r\n]*)").matcher(answer);
        return m.find() ? m.group(1) : null;
    }

    @Test
    void redirectsShouldCarryAPathNeverTheHostTheClientSent() throws IOException {
        String project = TestServer.unique("redir-");
        var u = server.user(TestServer.unique("redir-"), false);
        server.context
                .getBean(dev.rampart.app.security.Users.class)
                .setMembership(u.id(), server.project(project), dev.rampart.app.security.Role.VIEWER);
        String evil = "evil.example";
        String first = raw("GET", "/projects/" + project + "/assets?q=ws", evil, null, null);
        assertThat(first).startsWith("HTTP/1.1 302");
        assertThat(header(first, "Location")).isEqualTo("/login");
        String cookie = header(first, "Set-Cookie").split(";")[0];
        String form = raw("GET", "/login", evil, cookie, null);
        Matcher csrf = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(form);
        assertThat(csrf.find()).isTrue();
        String token = URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8);
        String failed =
                raw("POST", "/login", evil, cookie, "username=" + u.username() + "&password=wrong&_csrf=" + token);
        assertThat(header(failed, "Location")).isEqualTo("/login?error");
        String signedIn = raw(
                "POST",
                "/login",
                evil,
                cookie,
                "username=" + u.username() + "&password="
                        + URLEncoder.encode("correct horse battery staple", StandardCharsets.UTF_8) + "&_csrf="
                        + token);
        assertThat(header(signedIn, "Location")).isEqualTo("/projects/" + project + "/assets?q=ws");
    }

    @Test
    void theServerShouldListenOnTheLoopbackInterfaceUnlessToldOtherwise() throws Exception {
        assertThat(server.context.getEnvironment().getProperty("server.address"))
                .isEqualTo("127.0.0.1");
        int port = URI.create(server.baseUrl).getPort();
        for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : Collections.list(n.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress(a, port), 2000);
                        throw new AssertionError("the server answers on " + a);
                    } catch (IOException expected) {
                        // refused: nothing listens there
                    }
                }
            }
        }
    }
}
