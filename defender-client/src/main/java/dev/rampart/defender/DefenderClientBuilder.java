package dev.rampart.defender;

import dev.rampart.defender.auth.MsalTokenProvider;
import dev.rampart.defender.auth.TokenProvider;
import dev.rampart.defender.http.CallStats;
import dev.rampart.defender.http.HttpPipeline;
import dev.rampart.defender.http.JdkTransport;
import dev.rampart.defender.http.RateLimiter;
import dev.rampart.defender.http.RetryPolicy;
import dev.rampart.defender.http.SandboxTransport;
import dev.rampart.defender.http.Transport;
import java.net.URI;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Builds an immutable {@link DefenderClient}.
 *
 * <pre>{@code
 * DefenderClient client = new DefenderClientBuilder()
 *         .tenantId(tenant).clientId(client).credential(Credential.secret(secret))
 *         .cloud(Cloud.GLOBAL)
 *         .build();
 * }</pre>
 *
 * <p>{@link #sandbox(URI)} sends every Microsoft host to an emulator while the client keeps the real URLs (MSAL4J
 * refuses http authorities); {@link #customBaseUrl(URI)} replaces the Defender API host only.
 */
public final class DefenderClientBuilder {
    static final String VERSION = "0.1.0";
    private static final Pattern COMPONENT = Pattern.compile("[A-Za-z0-9]+");

    private String tenantId;
    private String clientId;
    private Credential credential;
    private Cloud cloud = Cloud.GLOBAL;
    private URI customBaseUrl;
    private URI sandbox;
    private String defenderScope;
    private Transport transport;
    private TokenProvider tokenProvider;
    private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
    private boolean rateLimit = true;
    private RateLimiter.Sleeper sleeper = RateLimiter.Sleeper.SYSTEM;
    private String component = "Client";

    public DefenderClientBuilder tenantId(String tenantId) {
        this.tenantId = tenantId;
        return this;
    }

    public DefenderClientBuilder clientId(String clientId) {
        this.clientId = clientId;
        return this;
    }

    public DefenderClientBuilder credential(Credential credential) {
        this.credential = credential;
        return this;
    }

    public DefenderClientBuilder cloud(Cloud cloud) {
        this.cloud = Objects.requireNonNull(cloud);
        return this;
    }

    /** A Defender API base other than the cloud's (login and Graph stay the cloud's). Callers must vet it: SSRF. */
    public DefenderClientBuilder customBaseUrl(URI base) {
        this.customBaseUrl = base;
        return this;
    }

    /** Sends every Microsoft host to this sandbox (an emulator's base URL). */
    public DefenderClientBuilder sandbox(URI sandbox) {
        this.sandbox = sandbox;
        return this;
    }

    /** The Defender token scope, when the cloud's default is not the one the tenant accepts. */
    public DefenderClientBuilder defenderScope(String scope) {
        this.defenderScope = scope;
        return this;
    }

    public DefenderClientBuilder transport(Transport transport) {
        this.transport = transport;
        return this;
    }

    /** Replaces MSAL4J, for tests that hand out tokens themselves. */
    public DefenderClientBuilder tokenProvider(TokenProvider provider) {
        this.tokenProvider = provider;
        return this;
    }

    public DefenderClientBuilder retryPolicy(RetryPolicy policy) {
        this.retryPolicy = Objects.requireNonNull(policy);
        return this;
    }

    /** Whether to pace calls at the documented quotas (default true). */
    public DefenderClientBuilder rateLimit(boolean on) {
        this.rateLimit = on;
        return this;
    }

    public DefenderClientBuilder sleeper(RateLimiter.Sleeper sleeper) {
        this.sleeper = Objects.requireNonNull(sleeper);
        return this;
    }

    /** The component in the User-Agent: {@code MdatpPartner-Rampart-<component>/<version>}. */
    public DefenderClientBuilder component(String component) {
        if (!COMPONENT.matcher(component).matches()) {
            throw new IllegalArgumentException("the component is letters and digits only");
        }
        this.component = component;
        return this;
    }

    public DefenderClient build() {
        if (tenantId == null || tenantId.isBlank()) {
            throw new IllegalArgumentException("tenantId is required");
        }
        if (clientId == null || clientId.isBlank()) {
            throw new IllegalArgumentException("clientId is required");
        }
        if (credential == null && tokenProvider == null) {
            throw new IllegalArgumentException("a credential (client secret or certificate) is required");
        }
        Transport t = transport != null ? transport : new JdkTransport();
        if (sandbox != null) {
            t = new SandboxTransport(t, sandbox);
        }
        TokenProvider tokens =
                tokenProvider != null ? tokenProvider : new MsalTokenProvider(tenantId, clientId, credential, cloud, t);
        String scope = defenderScope != null ? defenderScope : cloud.defenderScope();
        HttpPipeline pipeline = new HttpPipeline(
                t,
                tokens,
                scope,
                cloud.graphScope(),
                new RateLimiter(rateLimit, sleeper),
                retryPolicy,
                sleeper,
                "MdatpPartner-Rampart-" + component + "/" + VERSION,
                new CallStats());
        URI api = customBaseUrl != null ? customBaseUrl : cloud.apiBase();
        return new DefenderClient(tenantId, clientId, cloud, api, cloud.graphBase(), pipeline, retryPolicy, sleeper);
    }
}
