package dev.rampart.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.rampart.emulator.api.DefenderApi;
import dev.rampart.emulator.control.ControlApi;
import dev.rampart.emulator.entra.AppRegistration;
import dev.rampart.emulator.entra.TokenService;
import dev.rampart.emulator.fault.FaultRule;
import dev.rampart.emulator.fault.Faults;
import dev.rampart.emulator.graph.GraphApi;
import dev.rampart.emulator.http.ApiError;
import dev.rampart.emulator.http.Call;
import dev.rampart.emulator.http.Router;
import dev.rampart.emulator.http.Router.Service;
import dev.rampart.emulator.hunting.HuntingQueryException;
import dev.rampart.emulator.odata.ODataException;
import dev.rampart.emulator.quota.Quotas;
import dev.rampart.emulator.tenant.EmulatorClock;
import dev.rampart.emulator.tenant.SyntheticTenant;
import dev.rampart.emulator.tenant.TenantSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A local emulator of Entra ID's token endpoint, the Microsoft Defender for Endpoint API and the Microsoft Graph calls
 * Rampart uses, serving one synthetic tenant on one plain-HTTP port on 127.0.0.1. Their paths do not collide, so one
 * base URL serves all of them: {@code /{tenant}/oauth2/v2.0/token}, {@code /api/...}, {@code /v1.0/...}, the export
 * file downloads under {@code /tvm-export/...} and the control API under {@code /_emulator}.
 *
 * <pre>{@code
 * try (DefenderEmulator emulator = DefenderEmulator.builder().devices(500).seed(7).quotas("off").start()) {
 *     String token = ... POST emulator.loginUrl() + "/" + emulator.tenantId() + "/oauth2/v2.0/token" ...;
 *     ... GET emulator.apiUrl() + "/api/machines" ...
 * }
 * }</pre>
 */
public final class DefenderEmulator implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(DefenderEmulator.class.getName());
    public static final String CONTROL_PREFIX = "/_emulator";

    static {
        // Small responses on kept-alive connections otherwise wait for delayed ACKs (about 40 ms each).
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final SyntheticTenant tenant;
    private final EmulatorClock clock;
    private final AppRegistration app;
    private final TokenService tokens;
    private final Quotas quotas;
    private final Faults faults;
    private final RequestLog requests = new RequestLog();
    private final Router router = new Router();
    private final ControlApi control;
    private final DefenderApi defender;
    private final HttpServer server;
    private final ExecutorService executor;
    private volatile boolean defenderLicence = true;
    private volatile boolean tvmLicence = true;

    private DefenderEmulator(Builder b) throws IOException {
        Instant start = b.start != null ? b.start : Instant.now().truncatedTo(ChronoUnit.SECONDS);
        this.clock = new EmulatorClock(start, b.clockSpeed);
        this.tenant = new SyntheticTenant(
                new TenantSpec(
                        b.seed,
                        b.devices,
                        b.cves > 0 ? b.cves : TenantSpec.defaultCves(b.devices),
                        b.vulnerabilitiesPerDevice,
                        b.alertsPerThousandDevicesPerDay),
                start);
        this.app = new AppRegistration(tenant.clientId(), tenant.clientSecret());
        this.app.certificate(b.certificate);
        this.tokens = new TokenService(tenant, app, clock.wall(), b.tokenLifetime);
        this.quotas = Quotas.parse(b.quotas);
        this.faults = new Faults(b.seed);
        this.defender = new DefenderApi(tenant, clock);
        defender.register(router);
        new GraphApi(tenant, defender.hunting()).register(router);
        router.add(
                "POST", "/{tenant}/oauth2/v2.0/token", Service.ENTRA, Router.Policy.NONE, c -> tokens.token(c, true));
        router.add("POST", "/{tenant}/oauth2/token", Service.ENTRA, Router.Policy.NONE, c -> tokens.token(c, false));
        router.add(
                "GET",
                "/{tenant}/v2.0/.well-known/openid-configuration",
                Service.ENTRA,
                Router.Policy.NONE,
                this::openidConfiguration);
        this.control = new ControlApi(this);
        this.server = HttpServer.create(new InetSocketAddress(b.host, b.port), 256);
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(b.threads, r -> {
            Thread t = new Thread(r, "emulator-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** How to make an emulator. Defaults: seed 7, 1,000 devices, real quotas, a free port, a frozen clock at now. */
    public static final class Builder {
        private long seed = 7;
        private int devices = 1000;
        private int cves;
        private double vulnerabilitiesPerDevice = 66;
        private double alertsPerThousandDevicesPerDay = 8;
        private String quotas = "real";
        private String host = "127.0.0.1";
        private int port;
        private Instant start;
        private double clockSpeed;
        private Duration tokenLifetime;
        private X509Certificate certificate;
        private int threads = 8;

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder devices(int devices) {
            this.devices = devices;
            return this;
        }

        public Builder cves(int cves) {
            this.cves = cves;
            return this;
        }

        public Builder vulnerabilitiesPerDevice(double mean) {
            this.vulnerabilitiesPerDevice = mean;
            return this;
        }

        public Builder alertsPerThousandDevicesPerDay(double rate) {
            this.alertsPerThousandDevicesPerDay = rate;
            return this;
        }

        /** {@code real}, {@code off} or {@code scaled:N}. */
        public Builder quotas(String quotas) {
            Quotas.parse(quotas);
            this.quotas = quotas;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** Where the tenant's clock starts (default: now). Tests pin it for repeatable timestamps. */
        public Builder start(Instant start) {
            this.start = start;
            return this;
        }

        /** Emulated seconds per wall second: 0 (the default) freezes the clock between explicit advances. */
        public Builder clockSpeed(double speed) {
            if (speed < 0) {
                throw new IllegalArgumentException("clock speed must be >= 0");
            }
            this.clockSpeed = speed;
            return this;
        }

        /** A fixed access-token lifetime; by default each token lives a random 60 to 90 minutes, as Entra's do. */
        public Builder tokenLifetime(Duration lifetime) {
            this.tokenLifetime = lifetime;
            return this;
        }

        /** Registers a certificate credential on the app, for client-assertion sign-in. */
        public Builder certificate(X509Certificate certificate) {
            this.certificate = certificate;
            return this;
        }

        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        public DefenderEmulator start() {
            try {
                return new DefenderEmulator(this);
            } catch (IOException e) {
                throw new UncheckedIOException("could not start the emulator: " + e.getMessage(), e);
            }
        }
    }

    // ------------------------------------------------------------------ what callers need

    public int port() {
        return server.getAddress().getPort();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** The login authority base: append {@code /{tenant}/oauth2/v2.0/token}. */
    public String loginUrl() {
        return baseUrl();
    }

    /** The Defender API base: append {@code /api/...}. */
    public String apiUrl() {
        return baseUrl();
    }

    /** The Graph base including the version: append {@code /organization}, {@code /users}... */
    public String graphUrl() {
        return baseUrl() + "/v1.0";
    }

    public String controlUrl() {
        return baseUrl() + CONTROL_PREFIX;
    }

    public String tenantId() {
        return tenant.tenantId();
    }

    public String clientId() {
        return app.clientId();
    }

    public String clientSecret() {
        return tenant.clientSecret();
    }

    public SyntheticTenant tenant() {
        return tenant;
    }

    public EmulatorClock clock() {
        return clock;
    }

    public AppRegistration app() {
        return app;
    }

    public TokenService tokens() {
        return tokens;
    }

    public Faults faults() {
        return faults;
    }

    public RequestLog requests() {
        return requests;
    }

    public Quotas quotas() {
        return quotas;
    }

    public DefenderApi defenderApi() {
        return defender;
    }

    public void addFault(FaultRule rule) {
        faults.add(rule);
    }

    /** Advances the tenant's clock; the change model applies to everything served afterwards. */
    public void advance(Duration d) {
        clock.advance(d);
    }

    public boolean defenderLicence() {
        return defenderLicence;
    }

    public void defenderLicence(boolean on) {
        this.defenderLicence = on;
    }

    public boolean tvmLicence() {
        return tvmLicence;
    }

    public void tvmLicence(boolean on) {
        this.tvmLicence = on;
    }

    /**
     * The connection facts as one JSON object: the first line the standalone emulator prints. It holds the sandbox's
     * client secret on purpose: the sandbox has no real secret to protect, and a client needs it to sign in.
     */
    public ObjectNode describe() {
        ObjectNode o = Call.JSON.createObjectNode();
        o.put("tenantId", tenantId());
        o.put("clientId", clientId());
        o.put("clientSecret", clientSecret());
        o.put("loginUrl", loginUrl());
        o.put("apiUrl", apiUrl());
        o.put("graphUrl", graphUrl());
        o.put("controlUrl", controlUrl());
        o.put("tenantDomain", tenant.initialDomain());
        o.put("devices", tenant.deviceCount());
        o.put("seed", tenant.seed());
        o.put("quotas", quotas.mode());
        o.put("clock", clock.instant().toString());
        return o;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ------------------------------------------------------------------ dispatch

    private static final class Reset extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Reset() {
            super(null, null, false, false);
        }
    }

    private void handle(HttpExchange exchange) {
        Call call = new Call(exchange);
        // The service's time, which a client needs for the delta export's sinceTime. Real services tell it in Date
        // (RFC 9110 section 6.6.1); the JDK's server writes Date from the host clock, so the sandbox's own clock,
        // which may be frozen or fast, goes in Sandbox-Date.
        call.header(
                "Sandbox-Date",
                java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                        clock.instant().atOffset(java.time.ZoneOffset.UTC)));
        String method = call.method();
        String path = call.path();
        Service service = serviceOf(path);
        if (service != Service.CONTROL) {
            call.onStatus(status -> requests.record(method, path, status));
        }
        try {
            if (service == Service.CONTROL) {
                control.handle(call);
                return;
            }
            applyFaults(call, service);
            String routePath = path.regionMatches(true, 0, "/api/v1.0/", 0, 10) ? "/api/" + path.substring(10) : path;
            boolean[] otherMethod = {false};
            Router.Match match = router.match(method, routePath, otherMethod);
            if (match == null) {
                if (otherMethod[0]) {
                    throw new ApiError(
                            405, "BadRequest", "The requested resource does not support http method '" + method + "'.");
                }
                throw new ApiError(
                        404,
                        service == Service.GRAPH ? "Request_ResourceNotFound" : "NotFound",
                        "No HTTP resource was found that matches the request URI '" + path + "'.");
            }
            service = match.route().service();
            call.pathParams(match.params());
            if (service == Service.DEFENDER || service == Service.GRAPH) {
                authorize(call, match.route());
            }
            match.route().handler().handle(call);
        } catch (Reset r) {
            // answer nothing: closing the exchange before the headers drops the connection
        } catch (TokenService.StsError e) {
            call.json(e.status, e.body(clock.wall().instant()));
        } catch (ApiError e) {
            renderError(call, service, e);
        } catch (ODataException e) {
            renderError(call, service, new ApiError(400, "ODataError", e.getMessage()));
        } catch (HuntingQueryException e) {
            renderError(call, service, new ApiError(400, "BadRequest", e.getMessage()));
        } catch (IllegalArgumentException e) {
            renderError(call, service, new ApiError(400, "BadRequest", e.getMessage()));
        } catch (UncheckedIOException e) {
            // the client went away; nothing to answer
            LOG.log(Level.FINE, "client connection lost", e);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "emulator error on " + method + " " + path, e);
            if (!call.responded()) {
                renderError(call, service, new ApiError(500, "InternalServerError", "An error has occurred."));
            }
        } finally {
            if (service != Service.CONTROL && !call.responded()) {
                requests.record(method, path, 0); // the connection was dropped without an answer
            }
            exchange.close();
        }
    }

    private void applyFaults(Call call, Service service) {
        List<FaultRule> fired = faults.fire(call.method(), call.path());
        for (FaultRule f : fired) {
            switch (f.kind()) {
                case "delay" -> {
                    try {
                        Thread.sleep(f.delayMs());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new Reset();
                    }
                }
                case "reset" -> throw new Reset();
                case "status" -> {
                    if (f.status() == 429) {
                        throw new ApiError(
                                429,
                                "429",
                                "API calls quota exceeded! Maximum allowed 100 per 00:01:00 for the"
                                        + " key Destination+TenantID+AppID. You can send requests again in "
                                        + f.retryAfter()
                                        + " seconds.",
                                Map.of("Retry-After", Integer.toString(f.retryAfter())));
                    }
                    throw new ApiError(
                            f.status(),
                            f.status() >= 500
                                    ? (f.status() == 503 ? "ServiceUnavailable" : "InternalServerError")
                                    : "BadRequest",
                            f.status() >= 500 ? "An error has occurred." : "Injected fault.");
                }
                case "truncate" -> call.truncateAfter = f.bytes();
                case "repeat-items" -> call.pagingShift -= f.items();
                case "skip-items" -> call.pagingShift += f.items();
                case "revoke-token" -> tokens.revokeAll();
                case "expire-urls" -> defender.exports().expireAll();
                default -> throw new IllegalStateException(f.kind());
            }
        }
    }

    private void authorize(Call call, Router.Route route) {
        boolean graph = route.service() == Service.GRAPH;
        call.principal = tokens.authenticate(
                call.header("Authorization"), graph ? TokenService.Kind.GRAPH : TokenService.Kind.DEFENDER);
        Router.Policy policy = route.policy();
        if (!graph && !defenderLicence) {
            throw new ApiError(401, "Unauthorized", "Unauthorized request - Account is not provisioned.");
        }
        Quotas.Throttle t = quotas.acquire(
                policy.quotaKey() + "|" + call.principal.tenantId() + "|" + call.principal.appId(),
                policy.perMinute(),
                policy.perHour());
        if (t != null) {
            throw new ApiError(
                    429,
                    "429",
                    "API calls quota exceeded! Maximum allowed " + t.limit() + " per "
                            + t.windowText()
                            + " for the key Destination+TenantID+AppID. You can send requests again in "
                            + t.retryAfterSeconds() + " seconds.",
                    Map.of("Retry-After", Long.toString(t.retryAfterSeconds())));
        }
        if (!policy.roles().isEmpty() && policy.roles().stream().noneMatch(call.principal.roles()::contains)) {
            if (graph) {
                throw new ApiError(
                        403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
            }
            throw new ApiError(
                    403,
                    "Forbidden",
                    "Missing application roles. API required roles: "
                            + String.join(", ", policy.roles()) + ", application roles: "
                            + String.join(
                                    ", ",
                                    call.principal.roles().stream().sorted().toList()));
        }
        if (policy.tvm() && !tvmLicence) {
            throw new ApiError(401, "Unauthorized", "Unauthorized request - reason of failure: No Tvm license");
        }
    }

    private static Service serviceOf(String path) {
        String p = path.toLowerCase(java.util.Locale.ROOT);
        if (p.startsWith(CONTROL_PREFIX + "/") || p.equals(CONTROL_PREFIX)) {
            return Service.CONTROL;
        }
        if (p.startsWith("/api/") || p.equals("/api")) {
            return Service.DEFENDER;
        }
        if (p.startsWith("/v1.0/") || p.startsWith("/beta/")) {
            return Service.GRAPH;
        }
        if (p.startsWith("/tvm-export/")) {
            return Service.BLOB;
        }
        return Service.ENTRA;
    }

    private void renderError(Call call, Service service, ApiError e) {
        if (call.responded()) {
            return;
        }
        e.headers().forEach(call::header);
        String requestId = UUID.randomUUID().toString();
        switch (service) {
            case GRAPH -> {
                ObjectNode body = Call.JSON.createObjectNode();
                ObjectNode err = body.putObject("error");
                err.put("code", e.status() == 429 ? "TooManyRequests" : e.code());
                err.put("message", e.getMessage());
                ObjectNode inner = err.putObject("innerError");
                inner.put(
                        "date",
                        clock.wall().instant().truncatedTo(ChronoUnit.SECONDS).toString());
                inner.put("request-id", requestId);
                inner.put(
                        "client-request-id",
                        call.header("client-request-id") == null ? requestId : call.header("client-request-id"));
                call.header("request-id", requestId);
                call.json(e.status(), body);
            }
            case BLOB -> {
                String xml = "\uFEFF<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>" + e.code()
                        + "</Code><Message>" + e.getMessage() + "\nRequestId:" + requestId + "\nTime:"
                        + clock.wall().instant() + "</Message></Error>";
                call.header("x-ms-request-id", requestId);
                call.send(e.status(), "application/xml", xml.getBytes(StandardCharsets.UTF_8));
            }
            case ENTRA -> {
                ObjectNode body = Call.JSON.createObjectNode();
                body.put("error", e.status() >= 500 ? "temporarily_unavailable" : "invalid_request");
                body.put("error_description", e.getMessage());
                body.putArray("error_codes");
                call.json(e.status(), body);
            }
            default -> {
                ObjectNode body = Call.JSON.createObjectNode();
                ObjectNode err = body.putObject("error");
                err.put("code", e.code());
                err.put("message", e.getMessage());
                err.put("target", e.status() == 429 ? tenant.tenantId() : requestId);
                call.json(e.status(), body);
            }
        }
    }

    private void openidConfiguration(Call call) {
        String base = call.base() + "/" + call.pathParam("tenant");
        ObjectNode o = Call.JSON.createObjectNode();
        o.put("token_endpoint", base + "/oauth2/v2.0/token");
        o.putArray("token_endpoint_auth_methods_supported")
                .add("client_secret_post")
                .add("private_key_jwt")
                .add("client_secret_basic");
        o.put("issuer", "https://login.microsoftonline.com/" + tenant.tenantId() + "/v2.0");
        o.put("tenant_region_scope", "EU");
        call.json(200, o);
    }
}
