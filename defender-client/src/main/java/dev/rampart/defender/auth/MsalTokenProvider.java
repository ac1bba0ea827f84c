package dev.rampart.defender.auth;

import com.microsoft.aad.msal4j.ClientCredentialFactory;
import com.microsoft.aad.msal4j.ClientCredentialParameters;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import com.microsoft.aad.msal4j.IClientCredential;
import com.microsoft.aad.msal4j.IHttpClient;
import com.microsoft.aad.msal4j.IHttpResponse;
import com.microsoft.aad.msal4j.MsalServiceException;
import dev.rampart.defender.Cloud;
import dev.rampart.defender.Credential;
import dev.rampart.defender.error.AuthenticationException;
import dev.rampart.defender.error.DefenderException;
import dev.rampart.defender.http.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/**
 * Tokens from Entra ID through MSAL4J, which caches them per scope and refreshes them before they expire. MSAL's HTTP
 * goes through the client's {@link Transport}, with instance discovery off, so that a sandbox can answer for
 * {@code login.microsoftonline.com} (MSAL refuses http authorities).
 */
public final class MsalTokenProvider implements TokenProvider {
    private final ConfidentialClientApplication app;
    private final String tenant;
    private final String clientId;
    private final Cloud cloud;

    public MsalTokenProvider(String tenant, String clientId, Credential credential, Cloud cloud, Transport transport) {
        this.tenant = tenant;
        this.clientId = clientId;
        this.cloud = cloud;
        IClientCredential c;
        if (credential instanceof Credential.ClientSecret s) {
            c = ClientCredentialFactory.createFromSecret(s.value());
        } else {
            Credential.Certificate cert = (Credential.Certificate) credential;
            c = ClientCredentialFactory.createFromCertificate(cert.key(), cert.certificate());
        }
        try {
            this.app = ConfidentialClientApplication.builder(clientId, c)
                    .authority(cloud.loginAuthority() + "/" + tenant + "/")
                    .instanceDiscovery(false)
                    .validateAuthority(false)
                    .httpClient(new Adapter(transport))
                    .logPii(false)
                    .build();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("invalid tenant '" + tenant + "'", e);
        }
    }

    @Override
    public AccessToken token(String scope, boolean forceRefresh) {
        ClientCredentialParameters params = ClientCredentialParameters.builder(Set.of(scope))
                .skipCache(forceRefresh)
                .build();
        try {
            IAuthenticationResult r = app.acquireToken(params).get();
            return new AccessToken(r.accessToken(), r.expiresOnDate().toInstant());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DefenderException("interrupted while signing in", 0, null, null, null, null, null, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String login = cloud.loginAuthority() + "/" + tenant + "/oauth2/v2.0/token";
            if (cause instanceof MsalServiceException m) {
                int code = EntraErrors.code(m.getMessage());
                throw new AuthenticationException(
                        EntraErrors.sentence(
                                code, tenant, clientId, cloud.name().toLowerCase()),
                        code,
                        m.statusCode(),
                        m.correlationId(),
                        "POST",
                        login,
                        m.errorCode(),
                        firstLine(m.getMessage()),
                        null);
            }
            throw new DefenderException(
                    "could not reach Entra ID at " + cloud.loginAuthority().getHost() + ": "
                            + (cause == null ? e.getMessage() : cause.getMessage()),
                    0,
                    null,
                    "POST",
                    login,
                    null,
                    null,
                    cause);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return null;
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }

    /** MSAL4J's HTTP through the client's transport. */
    static final class Adapter implements IHttpClient {
        private final Transport transport;

        Adapter(Transport transport) {
            this.transport = transport;
        }

        @Override
        public IHttpResponse send(com.microsoft.aad.msal4j.HttpRequest request) throws IOException {
            Map<String, String> headers = new LinkedHashMap<>(request.headers() == null ? Map.of() : request.headers());
            byte[] body = request.body() == null ? null : request.body().getBytes(StandardCharsets.UTF_8);
            try (Transport.Response r = transport.send(new Transport.Request(
                    request.httpMethod().name(),
                    java.net.URI.create(request.url().toString()),
                    headers,
                    body))) {
                com.microsoft.aad.msal4j.HttpResponse out = new com.microsoft.aad.msal4j.HttpResponse();
                out.statusCode(r.status());
                try (InputStream in = r.body()) {
                    out.body(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
                out.addHeaders(r.allHeaders());
                return out;
            }
        }
    }
}
