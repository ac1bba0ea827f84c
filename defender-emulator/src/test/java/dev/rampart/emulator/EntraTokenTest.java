package dev.rampart.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.aad.msal4j.ClientCredentialFactory;
import com.microsoft.aad.msal4j.ClientCredentialParameters;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import com.microsoft.aad.msal4j.IClientCredential;
import com.microsoft.aad.msal4j.IHttpClient;
import com.microsoft.aad.msal4j.IHttpResponse;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EntraTokenTest {
    static TestCertificates.Credential cert;
    static DefenderEmulator emulator;
    static SandboxHttp http;

    @BeforeAll
    static void start() {
        cert = TestCertificates.create("rampart-test");
        emulator = DefenderEmulator.builder()
                .devices(20)
                .quotas("off")
                .start(Instant.parse("2026-03-02T06:00:00Z"))
                .certificate(cert.certificate())
                .start();
        http = new SandboxHttp(emulator);
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @AfterEach
    void resetApp() {
        http.control(
                "POST",
                "/app",
                "{\"adminConsent\":true,\"secretExpired\":false,\"defenderRoles\":"
                        + SandboxHttp.JSON.valueToTree(dev.rampart.emulator.entra.AppRegistration.DEFENDER_ROLES)
                        + "}");
    }

    @Test
    void v2TokenShouldCarryTenantAudienceRolesAndNumericLifetime() {
        var r = http.tokenRequest(emulator.tenantId(), true, http.secretForm(SandboxHttp.DEFENDER_SCOPE));
        assertThat(r.status()).isEqualTo(200);
        JsonNode body = r.json();
        assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.get("expires_in").isNumber()).isTrue();
        assertThat(body.get("expires_in").asInt()).isBetween(3600, 5400);
        JsonNode claims = SandboxHttp.claims(body.get("access_token").asText());
        assertThat(claims.get("tid").asText()).isEqualTo(emulator.tenantId());
        assertThat(claims.get("aud").asText()).isEqualTo("https://api.securitycenter.microsoft.com");
        assertThat(claims.get("roles"))
                .extracting(JsonNode::toString)
                .asString()
                .contains("Machine.Read.All", "Machine.Isolate");
        assertThat(claims.get("exp").asLong()).isGreaterThan(Instant.now().getEpochSecond());
        assertThat(claims.get("appid").asText()).isEqualTo(emulator.clientId());
    }

    @Test
    void v1TokenShouldUseStringsForEveryNumberAndEchoTheResource() {
        var r = http.tokenRequest(
                emulator.tenantId(),
                false,
                Map.of(
                        "grant_type",
                        "client_credentials",
                        "client_id",
                        emulator.clientId(),
                        "client_secret",
                        emulator.clientSecret(),
                        "resource",
                        "https://api.securitycenter.microsoft.com"));
        assertThat(r.status()).isEqualTo(200);
        JsonNode body = r.json();
        assertThat(body.get("expires_in").isTextual()).isTrue();
        assertThat(body.get("expires_on").isTextual()).isTrue();
        assertThat(body.get("resource").asText()).isEqualTo("https://api.securitycenter.microsoft.com");
    }

    @Test
    void graphTokenShouldCarryGraphRolesOnly() {
        JsonNode claims = SandboxHttp.claims(http.token(SandboxHttp.GRAPH_SCOPE));
        assertThat(claims.get("aud").asText()).isEqualTo("https://graph.microsoft.com");
        assertThat(claims.get("roles").toString()).contains("User.Read.All").doesNotContain("Machine.Read.All");
    }

    @Test
    void tenantMayBeGivenByItsVerifiedDomain() {
        var r = http.tokenRequest(emulator.tenant().initialDomain(), true, http.secretForm(SandboxHttp.DEFENDER_SCOPE));
        assertThat(r.status()).isEqualTo(200);
    }

    private static void assertSts(SandboxHttp.Response r, int status, String error, int code) {
        assertThat(r.status()).isEqualTo(status);
        JsonNode b = r.json();
        assertThat(b.get("error").asText()).isEqualTo(error);
        assertThat(b.get("error_codes").get(0).asInt()).isEqualTo(code);
        assertThat(b.get("error_description").asText())
                .startsWith("AADSTS" + code + ":")
                .contains("Trace ID:");
        assertThat(b.has("trace_id") && b.has("correlation_id") && b.has("timestamp"))
                .isTrue();
        assertThat(b.get("error_uri").asText()).endsWith("code=" + code);
    }

    @Test
    void unknownTenantShouldBeAadsts90002() {
        var r = http.tokenRequest(
                "11111111-2222-3333-4444-555555555555", true, http.secretForm(SandboxHttp.DEFENDER_SCOPE));
        assertSts(r, 400, "invalid_tenant", 90002);
    }

    @Test
    void malformedTenantShouldBeAadsts900023() {
        var r = http.tokenRequest("not_a_tenant", true, http.secretForm(SandboxHttp.DEFENDER_SCOPE));
        assertSts(r, 400, "invalid_request", 900023);
    }

    @Test
    void unknownClientShouldBeAadsts700016() {
        var f = http.secretForm(SandboxHttp.DEFENDER_SCOPE);
        f.put("client_id", "99999999-2222-3333-4444-555555555555");
        assertSts(http.tokenRequest(emulator.tenantId(), true, f), 400, "unauthorized_client", 700016);
    }

    @Test
    void wrongSecretShouldBeAadsts7000215AndNeverEchoTheSecret() {
        var f = http.secretForm(SandboxHttp.DEFENDER_SCOPE);
        f.put("client_secret", "the-secret-id-not-the-value");
        var r = http.tokenRequest(emulator.tenantId(), true, f);
        assertSts(r, 401, "invalid_client", 7000215);
        assertThat(r.text()).doesNotContain("the-secret-id-not-the-value").doesNotContain(emulator.clientSecret());
    }

    @Test
    void expiredSecretShouldBeAadsts7000222() {
        http.control("POST", "/app", "{\"secretExpired\":true}");
        assertSts(
                http.tokenRequest(emulator.tenantId(), true, http.secretForm(SandboxHttp.DEFENDER_SCOPE)),
                401,
                "invalid_client",
                7000222);
    }

    @Test
    void missingScopeShouldBeAadsts900144() {
        var f = http.secretForm(SandboxHttp.DEFENDER_SCOPE);
        f.remove("scope");
        assertSts(http.tokenRequest(emulator.tenantId(), true, f), 400, "invalid_request", 900144);
    }

    @Test
    void scopeWithoutDefaultSuffixShouldBeInvalidScope() {
        var f = http.secretForm("https://api.securitycenter.microsoft.com/Machine.Read.All");
        assertSts(http.tokenRequest(emulator.tenantId(), true, f), 400, "invalid_scope", 70011);
    }

    @Test
    void unknownResourceShouldBeAadsts500011() {
        var f = http.secretForm("https://example.com/.default");
        assertSts(http.tokenRequest(emulator.tenantId(), true, f), 400, "invalid_resource", 500011);
    }

    @Test
    void missingCredentialShouldBeAadsts7000218() {
        var f = http.secretForm(SandboxHttp.DEFENDER_SCOPE);
        f.remove("client_secret");
        assertSts(http.tokenRequest(emulator.tenantId(), true, f), 401, "invalid_client", 7000218);
    }

    @Test
    void missingAdminConsentShouldIssueATokenWithoutRolesThatTheApiRefuses() {
        http.control("POST", "/app", "{\"adminConsent\":false}");
        var r = http.tokenRequest(emulator.tenantId(), true, http.secretForm(SandboxHttp.DEFENDER_SCOPE));
        assertThat(r.status()).isEqualTo(200);
        String token = r.json().get("access_token").asText();
        assertThat(SandboxHttp.claims(token).has("roles")).isFalse();
        var api = http.get("/api/machines", token);
        assertThat(api.status()).isEqualTo(403);
        assertThat(api.json().at("/error/message").asText())
                .startsWith("Missing application roles. API required roles: Machine.Read.All, Machine.ReadWrite.All");
    }

    /** Routes MSAL4J's requests for Microsoft hosts to the emulator, as the Rampart client will. */
    static final class SandboxTransport implements IHttpClient {
        final java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        final List<String> urls = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public IHttpResponse send(com.microsoft.aad.msal4j.HttpRequest request) throws Exception {
            urls.add(request.url().toString());
            URI real = request.url().toURI();
            URI local = URI.create(emulator.baseUrl()
                    + real.getRawPath()
                    + (real.getRawQuery() == null ? "" : "?" + real.getRawQuery()));
            HttpRequest.Builder b = HttpRequest.newBuilder(local);
            request.headers().forEach((k, v) -> {
                if (!k.equalsIgnoreCase("Host")
                        && !k.equalsIgnoreCase("Content-Length")
                        && !k.equalsIgnoreCase("Connection")) {
                    b.header(k, v);
                }
            });
            b.header("X-Forwarded-Host", real.getHost());
            b.method(
                    request.httpMethod().name(),
                    request.body() == null
                            ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(request.body()));
            var r = http.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            com.microsoft.aad.msal4j.HttpResponse out = new com.microsoft.aad.msal4j.HttpResponse();
            out.statusCode(r.statusCode());
            out.body(r.body());
            out.addHeaders(r.headers().map());
            return out;
        }
    }

    private static IAuthenticationResult msal(IClientCredential credential, SandboxTransport transport)
            throws Exception {
        ConfidentialClientApplication app = ConfidentialClientApplication.builder(emulator.clientId(), credential)
                .authority("https://login.microsoftonline.com/" + emulator.tenantId() + "/")
                .instanceDiscovery(false)
                .httpClient(transport)
                .build();
        return app.acquireToken(ClientCredentialParameters.builder(Set.of(SandboxHttp.DEFENDER_SCOPE))
                        .build())
                .get();
    }

    @Test
    void msal4jShouldAcquireATokenWithASecretThroughASwappedTransport() throws Exception {
        SandboxTransport transport = new SandboxTransport();
        IAuthenticationResult result =
                msal(ClientCredentialFactory.createFromSecret(emulator.clientSecret()), transport);
        assertThat(transport.urls)
                .anyMatch(u -> u.startsWith(
                        "https://login.microsoftonline.com/" + emulator.tenantId() + "/oauth2/v2.0/token"));
        assertThat(SandboxHttp.claims(result.accessToken()).get("tid").asText()).isEqualTo(emulator.tenantId());
        assertThat(http.get("/api/machines?$top=1", result.accessToken()).status())
                .isEqualTo(200);
    }

    @Test
    void msal4jShouldAcquireATokenWithACertificate() throws Exception {
        SandboxTransport transport = new SandboxTransport();
        IAuthenticationResult result =
                msal(ClientCredentialFactory.createFromCertificate(cert.key(), cert.certificate()), transport);
        assertThat(SandboxHttp.claims(result.accessToken()).get("appidacr").asText())
                .isEqualTo("2");
    }

    @Test
    void certificateNotRegisteredOnTheAppShouldBeRefused() {
        TestCertificates.Credential other = TestCertificates.create("someone-else");
        SandboxTransport transport = new SandboxTransport();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> msal(
                        ClientCredentialFactory.createFromCertificate(other.key(), other.certificate()), transport))
                .hasStackTraceContaining("AADSTS700027");
    }
}
