package dev.rampart.app.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rampart.app.security.Users;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Sign-in through the form: one count and one audit entry per failure, lock-out per account and client address (so
 * that nobody can lock someone else out from everywhere), the same work for every refusal, user names checked before
 * they reach the audit log, and the form's own CSRF token.
 */
class SignInIT {
    private static final String PASSWORD = "correct horse battery staple";
    private final TestServer server = TestServer.get();
    private final Users users = server.context.getBean(Users.class);

    private int failures(String name) {
        return server.jdbc
                .sql("select failed_logins from app_user where username = ?")
                .param(name)
                .query(Integer.class)
                .single();
    }

    private long auditRows(String name) {
        return server.jdbc
                .sql("select count(*) from audit_log where action = 'user.sign-in' and actor = ?")
                .param(name)
                .query(Long.class)
                .single();
    }

    @Test
    void eachFailedSignInShouldCountOnceAndBeAuditedOnce() {
        Users.User u = server.user(TestServer.unique("once-"), false);
        for (int i = 1; i < Users.MAX_FAILURES; i++) {
            assertThat(BrowserSession.signIn(server, u.username(), "wrong password " + i))
                    .isNull();
            assertThat(failures(u.username())).isEqualTo(i);
            assertThat(auditRows(u.username())).isEqualTo(i);
        }
        assertThat(BrowserSession.signIn(server, u.username(), PASSWORD)).isNotNull();
        assertThat(failures(u.username())).isZero();
    }

    /** An HTTP/1.1 client from another loopback address (127.0.0.x), so that the server sees another client. */
    static final class FromAddress {
        private final String address;
        private final int port;
        private String cookie;
        private String csrf;

        FromAddress(String address, String baseUrl) {
            this.address = address;
            this.port = URI.create(baseUrl).getPort();
        }

        /** The status line and headers, then the body, of one request on a fresh connection. */
        String send(String method, String path, String contentType, String body) throws IOException {
            try (Socket s = new Socket()) {
                s.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
                s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                s.setSoTimeout(30_000);
                byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
                StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                        + "\r\nConnection: close\r\nAccept: text/html\r\n");
                if (cookie != null) {
                    req.append("Cookie: ").append(cookie).append("\r\n");
                }
                if (contentType != null) {
                    req.append("Content-Type: ").append(contentType).append("\r\n");
                }
                req.append("Content-Length: ").append(b.length).append("\r\n\r\n");
                OutputStream out = s.getOutputStream();
                out.write(req.toString().getBytes(StandardCharsets.UTF_8));
                out.write(b);
                out.flush();
                InputStream in = s.getInputStream();
                String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                Matcher c =
                        Pattern.compile("(?im)^Set-Cookie: (JSESSIONID=[^;]+)").matcher(answer);
                if (c.find()) {
                    cookie = c.group(1);
                }
                Matcher t =
                        Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(answer);
                if (t.find()) {
                    csrf = t.group(1);
                }
                return answer;
            }
        }

        /** Signs in through the form; the Location the server answers with. */
        String signIn(String user, String password) throws IOException {
            send("GET", "/login", null, null);
            String answer = send(
                    "POST",
                    "/login",
                    "application/x-www-form-urlencoded",
                    "username=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password="
                            + URLEncoder.encode(password, StandardCharsets.UTF_8) + "&_csrf="
                            + URLEncoder.encode(csrf, StandardCharsets.UTF_8));
            Matcher m = Pattern.compile("(?im)^Location: (\\S+)").matcher(answer);
            return m.find() ? m.group(1) : answer.lines().findFirst().orElse("");
        }
    }

    @Test
    void aStrangerShouldLockAnAccountOnlyForTheirOwnAddress() throws IOException {
        Users.User u = server.user(TestServer.unique("victim-"), false);
        FromAddress stranger = new FromAddress("127.0.0.77", server.baseUrl);
        for (int i = 0; i < Users.MAX_FAILURES; i++) {
            assertThat(stranger.signIn(u.username(), "guess " + i)).isEqualTo("/login?error");
        }
        assertThat(stranger.signIn(u.username(), PASSWORD))
                .as("locked for the stranger's address, even with the right password")
                .isEqualTo("/login?error");
        String lastReason = server.jdbc
                .sql("select details->>'reason' from audit_log where action = 'user.sign-in' and actor = ?"
                        + " order by id desc limit 1")
                .param(u.username())
                .query(String.class)
                .single();
        assertThat(lastReason).isEqualTo("locked for this address after repeated failures");
        // the owner, from their own address, is not locked out
        assertThat(BrowserSession.signIn(server, u.username(), PASSWORD)).isNotNull();
        // an administrator sees the lock and can lift it
        String root = server.adminToken(TestServer.unique("locks-"));
        assertThat(server.call("GET", "/api/v1/users/" + u.id(), root, null)
                        .json()
                        .get("locked")
                        .asBoolean())
                .isTrue();
        server.call("POST", "/api/v1/users/" + u.id() + "/unlock", root, null);
        assertThat(stranger.signIn(u.username(), PASSWORD)).isEqualTo("/");
    }

    @Test
    void manyAddressesShouldLockTheAccountEverywhere() {
        Users.User u = server.user(TestServer.unique("spray-"), false);
        for (int i = 0; i < Users.MAX_ACCOUNT_FAILURES; i++) {
            String from = "198.51.100." + (i / (Users.MAX_FAILURES - 1));
            assertThatThrownBy(() -> users.signIn(u.username(), "guess", from))
                    .isInstanceOf(Users.SignInException.class);
        }
        assertThatThrownBy(() -> users.signIn(u.username(), PASSWORD, "203.0.113.9"))
                .isInstanceOfSatisfying(Users.SignInException.class, e -> assertThat(e.refusal())
                        .isEqualTo(Users.Refusal.LOCKED));
    }

    @Test
    void everyRefusalShouldCostOnePasswordComparison() {
        AtomicInteger comparisons = new AtomicInteger();
        PasswordEncoder real = PasswordEncoderFactories.createDelegatingPasswordEncoder();
        PasswordEncoder counting = new PasswordEncoder() {
            @Override
            public String encode(CharSequence raw) {
                return real.encode(raw);
            }

            @Override
            public boolean matches(CharSequence raw, String encoded) {
                comparisons.incrementAndGet();
                return real.matches(raw, encoded);
            }
        };
        Users counted = new Users(server.dataSource, Clock.systemUTC(), counting, Users.SignInPolicy.DEFAULT);
        String name = TestServer.unique("cost-");
        counted.create(name, null, PASSWORD, false);
        String disabled = TestServer.unique("cost-off-");
        counted.update(counted.create(disabled, null, PASSWORD, false).id(), null, null, false);
        List<String> refusals = new ArrayList<>();
        Map<String, Runnable> attempts = new java.util.LinkedHashMap<>();
        attempts.put("unknown name", () -> counted.signIn("nobody-" + name, "x", "192.0.2.1"));
        attempts.put("malformed name", () -> counted.signIn("bad name\n", "x", "192.0.2.1"));
        attempts.put("wrong password", () -> counted.signIn(name, "wrong", "192.0.2.1"));
        attempts.put("too long a password", () -> counted.signIn(name, "x".repeat(100), "192.0.2.1"));
        attempts.put("disabled", () -> counted.signIn(disabled, PASSWORD, "192.0.2.1"));
        for (int i = 0; i < Users.MAX_FAILURES; i++) {
            try {
                counted.signIn(name, "wrong", "192.0.2.2");
            } catch (Users.SignInException e) {
                // locking it for that address
            }
        }
        attempts.put("locked", () -> counted.signIn(name, PASSWORD, "192.0.2.2"));
        for (Map.Entry<String, Runnable> a : attempts.entrySet()) {
            comparisons.set(0);
            try {
                a.getValue().run();
                refusals.add(a.getKey() + ": not refused");
            } catch (Users.SignInException e) {
                assertThat(e.getMessage()).as(a.getKey()).isEqualTo("wrong user name or password");
                if (comparisons.get() != 1) {
                    refusals.add(a.getKey() + ": " + comparisons.get() + " comparisons");
                }
            }
        }
        assertThat(refusals).isEmpty();
    }

    @Test
    void aLockedAccountShouldTakeAsLongToRefuseAsAnUnknownName() {
        Users.User u = server.user(TestServer.unique("slow-"), false);
        for (int i = 0; i < Users.MAX_FAILURES; i++) {
            assertThatThrownBy(() -> users.signIn(u.username(), "wrong", "192.0.2.3"))
                    .isInstanceOf(Users.SignInException.class);
        }
        long[] unknown = new long[7];
        long[] locked = new long[7];
        for (int i = 0; i < unknown.length; i++) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> users.signIn("nobody-" + u.username(), "x", "192.0.2.3"));
            long t1 = System.nanoTime();
            assertThatThrownBy(() -> users.signIn(u.username(), PASSWORD, "192.0.2.3"));
            long t2 = System.nanoTime();
            unknown[i] = t1 - t0;
            locked[i] = t2 - t1;
        }
        java.util.Arrays.sort(unknown);
        java.util.Arrays.sort(locked);
        // bcrypt dominates both; before, a locked account answered in a twentieth of the time
        assertThat(locked[3]).as("median ns, locked vs unknown %d", unknown[3]).isGreaterThan(unknown[3] / 2);
    }

    @Test
    void aUserNameThatIsNotOneShouldNeverReachTheAuditLogOrTheLogAsTyped() throws IOException {
        FromAddress client = new FromAddress("127.0.0.78", server.baseUrl);
        String forged = "eve\n12:00:00.000 INFO  audit [] admin user.delete success";
        assertThat(client.signIn(forged, "x")).isEqualTo("/login?error");
        String big = "a".repeat(60_000);
        assertThat(client.signIn(big, "x")).isEqualTo("/login?error");
        List<Map<String, Object>> rows = server.jdbc
                .sql("select actor, target, details::text as details from audit_log where action = 'user.sign-in'"
                        + " and remote_addr = '127.0.0.78' order by id")
                .query()
                .listOfRows();
        assertThat(rows).hasSize(2);
        for (Map<String, Object> r : rows) {
            assertThat(r.get("actor")).isEqualTo("unknown");
            assertThat(r.get("target")).isNull();
            assertThat(r.get("details").toString()).contains("\"reason\": \"malformed user name\"");
            assertThat(r.get("details").toString().length()).isLessThan(300);
        }
        assertThat(rows.get(0).get("details").toString()).contains("eve\\\\u000a12:00:00.0");
        assertThat(rows.get(1).get("details").toString()).contains("\"userNameLength\": 60000");
        // a NUL is refused before sign-in is even tried
        assertThat(client.send(
                        "POST",
                        "/login",
                        "application/x-www-form-urlencoded",
                        "username=eve%00&password=x&_csrf=whatever"))
                .startsWith("HTTP/1.1 400");
    }

    @Test
    void theSignInFormShouldNeedItsCsrfToken() throws IOException {
        Users.User u = server.user(TestServer.unique("csrf-"), false);
        String form = "username=" + u.username() + "&password=" + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8);
        // no session at all (the attacker's page posting a victim's browser into the attacker's account)
        FromAddress fresh = new FromAddress("127.0.0.79", server.baseUrl);
        assertThat(fresh.send("POST", "/login", "application/x-www-form-urlencoded", form))
                .startsWith("HTTP/1.1 403");
        // a session, but not its token
        fresh.send("GET", "/login", null, null);
        assertThat(fresh.send("POST", "/login", "application/x-www-form-urlencoded", form + "&_csrf=forged"))
                .startsWith("HTTP/1.1 403");
        assertThat(auditRows(u.username())).isZero();
        assertThat(fresh.signIn(u.username(), PASSWORD)).isEqualTo("/");
    }
}
