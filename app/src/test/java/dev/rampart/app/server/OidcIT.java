package dev.rampart.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.rampart.app.database.TestDatabase;
import dev.rampart.app.security.Users;
import java.io.IOException;
import java.net.CookieManager;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * OIDC sign-in by configuration, against a small identity provider of the test's own (authorization code flow, RS256
 * ID tokens): a person whose preferred_username names a Rampart user is signed in as that user; anyone else is
 * refused while auto-create is off.
 */
class OidcIT {
    private static HttpServer idp;
    private static RSAKey key;
    private static final Map<String, String> NONCES = new ConcurrentHashMap<>();
    private static volatile String nextUsername;
    private static ConfigurableApplicationContext rampart;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("test").generate();
        idp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String issuer = "http://127.0.0.1:" + idp.getAddress().getPort();
        idp.createContext("/authorize", ex -> {
            Map<String, String> q = query(ex.getRequestURI().getRawQuery());
            String code = UUID.randomUUID().toString();
            NONCES.put(code, q.get("nonce"));
            ex.getResponseHeaders()
                    .add(
                            "Location",
                            q.get("redirect_uri") + "?code=" + code + "&state="
                                    + URLEncoder.encode(q.get("state"), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        idp.createContext("/token", ex -> {
            Map<String, String> form = query(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            try {
                JWTClaimsSet claims = new JWTClaimsSet.Builder()
                        .issuer(issuer)
                        .subject("subject-of-" + nextUsername)
                        .audience("rampart-test")
                        .issueTime(new Date())
                        .expirationTime(new Date(System.currentTimeMillis() + 300_000))
                        .claim("nonce", NONCES.remove(form.get("code")))
                        .claim("preferred_username", nextUsername)
                        .build();
                SignedJWT jwt = new SignedJWT(
                        new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("test").build(), claims);
                jwt.sign(new RSASSASigner(key));
                byte[] body = ("{\"access_token\":\"at-" + UUID.randomUUID() + "\",\"token_type\":\"Bearer\","
                                + "\"expires_in\":300,\"scope\":\"openid profile\",\"id_token\":\"" + jwt.serialize()
                                + "\"}")
                        .getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            } catch (Exception e) {
                ex.sendResponseHeaders(500, -1);
            }
            ex.close();
        });
        idp.createContext("/jwks", ex -> {
            byte[] body = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        idp.start();
        String r = "--spring.security.oauth2.client.registration.test.";
        String p = "--spring.security.oauth2.client.provider.test.";
        rampart = RampartServer.start(
                "--server.port=0",
                "--rampart.home=" + Files.createTempDirectory("rampart-oidc"),
                "--rampart.database.url=" + TestDatabase.url(),
                "--rampart.scheduler.enabled=false",
                "--rampart.node=oidc-" + ProcessHandle.current().pid(),
                r + "client-id=rampart-test",
                r + "client-secret=test-client-secret",
                r + "client-name=Test IdP",
                r + "authorization-grant-type=authorization_code",
                r + "redirect-uri={baseUrl}/login/oauth2/code/{registrationId}",
                r + "scope=openid,profile",
                p + "authorization-uri=" + issuer + "/authorize",
                p + "token-uri=" + issuer + "/token",
                p + "jwk-set-uri=" + issuer + "/jwks",
                p + "user-name-attribute=sub");
        base = "http://127.0.0.1:" + rampart.getEnvironment().getProperty("local.server.port");
    }

    @AfterAll
    static void stop() {
        if (rampart != null) {
            rampart.close();
        }
        if (idp != null) {
            idp.stop(0);
        }
    }

    private static Map<String, String> query(String q) {
        Map<String, String> m = new HashMap<>();
        if (q != null) {
            for (String pair : q.split("&")) {
                int i = pair.indexOf('=');
                if (i > 0) {
                    m.put(
                            URLDecoder.decode(pair.substring(0, i), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(i + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return m;
    }

    /** Follows the sign-in through the provider; returns the client, signed in or not, and the last location. */
    private static Map.Entry<HttpClient, String> signIn(String username) throws IOException, InterruptedException {
        nextUsername = username;
        HttpClient http = HttpClient.newBuilder()
                .cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        String location = base + "/oauth2/authorization/test";
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(location)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 302) {
                break;
            }
            String next = r.headers().firstValue("Location").orElseThrow();
            location = next.startsWith("/") ? base + next : next;
            if (next.startsWith(base) && !next.contains("/login/oauth2/code/") && i > 0) {
                break;
            }
        }
        return Map.entry(http, location);
    }

    @Test
    void aKnownPersonShouldBeSignedInAsTheirRampartUserAndAStrangerRefused() throws Exception {
        String name = TestServer.unique("sso-");
        rampart.getBean(Users.class).create(name, null, "a password never used here", false);
        var known = signIn(name);
        assertThat(known.getValue()).doesNotContain("error");
        HttpResponse<String> me = known.getKey()
                .send(
                        HttpRequest.newBuilder(URI.create(base + "/api/v1/me")).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
        assertThat(me.body()).contains("\"username\":\"" + name + "\"").contains("\"via\":\"session\"");
        // a single sign-on session follows the account like any other: made a server admin, it is one; disabled, over
        Users users = rampart.getBean(Users.class);
        long id = users.find(name).orElseThrow().id();
        users.update(id, null, true, null);
        assertThat(known.getKey()
                        .send(
                                HttpRequest.newBuilder(URI.create(base + "/api/v1/users"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(200);
        users.update(id, null, false, false);
        assertThat(known.getKey()
                        .send(
                                HttpRequest.newBuilder(URI.create(base + "/api/v1/me"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(401);

        var stranger = signIn(TestServer.unique("stranger-"));
        assertThat(stranger.getValue()).contains("/login?error");
        HttpResponse<String> refused = stranger.getKey()
                .send(
                        HttpRequest.newBuilder(URI.create(base + "/api/v1/me")).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(401);

        HttpResponse<String> page = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(base + "/login")).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(page.body()).contains("Sign in with Test IdP");
    }
}
