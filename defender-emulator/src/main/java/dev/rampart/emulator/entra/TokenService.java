package dev.rampart.emulator.entra;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.rampart.emulator.http.ApiError;
import dev.rampart.emulator.http.Call;
import dev.rampart.emulator.tenant.Hash;
import dev.rampart.emulator.tenant.SyntheticTenant;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Entra ID's client-credentials token endpoints (v2 {@code /{tenant}/oauth2/v2.0/token} and v1
 * {@code /{tenant}/oauth2/token}) and the check of the bearer tokens it issued.
 *
 * <p>Sources: REFERENCE.md sections 1.2 to 1.7 (endpoints, scope and resource values, response shapes, error body and
 * AADSTS codes), Entra's error code reference (https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes)
 * and the certificate credential format
 * (https://learn.microsoft.com/en-us/entra/identity-platform/certificate-credentials). Without admin consent Entra
 * still issues a token, only without a {@code roles} claim (Microsoft Q&A 5672988); the APIs then refuse it.
 */
public final class TokenService {
    /** Resource identifiers accepted for Defender (REFERENCE.md section 1.3 and 18 item 1). */
    public static final List<String> DEFENDER_AUDIENCES = List.of(
            "https://api.securitycenter.microsoft.com",
            "https://api.security.microsoft.com",
            "https://securitycenter.onmicrosoft.com/windowsatpservice",
            "https://api.securitycenter.windows.com",
            "https://api-gcc.securitycenter.microsoft.us",
            "https://api-gov.securitycenter.microsoft.us",
            "fc780465-2017-40d4-a0c5-307022471b92");

    public static final List<String> GRAPH_AUDIENCES = List.of(
            "https://graph.microsoft.com",
            "https://graph.microsoft.us",
            "https://dod-graph.microsoft.us",
            "00000003-0000-0000-c000-000000000000");

    private static final DateTimeFormatter STS_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    /** What the token check concluded about a bearer token. */
    public enum Kind {
        DEFENDER,
        GRAPH
    }

    private final SyntheticTenant tenant;
    private final AppRegistration app;
    private final Clock wall;
    private final Duration fixedLifetime;
    private final java.util.concurrent.CompletableFuture<KeyPair> keys;
    private final String keyId;
    private final AtomicLong serial = new AtomicLong();
    private volatile long revokedUpTo = 0;

    public TokenService(SyntheticTenant tenant, AppRegistration app, Clock wall, Duration fixedLifetime) {
        this.tenant = tenant;
        this.app = app;
        this.wall = wall;
        this.fixedLifetime = fixedLifetime;
        // An RSA key takes a few hundred milliseconds to make: make it while the emulator starts, not before.
        this.keys = new java.util.concurrent.CompletableFuture<>();
        Thread maker = new Thread(
                () -> {
                    try {
                        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                        g.initialize(2048);
                        keys.complete(g.generateKeyPair());
                    } catch (NoSuchAlgorithmException | RuntimeException e) {
                        keys.completeExceptionally(e);
                    }
                },
                "emulator-token-key");
        maker.setDaemon(true);
        maker.start();
        this.keyId = Hash.hex(Hash.of(tenant.seed(), 907), 16);
    }

    /** Every token issued so far stops working: the "token revoked in the middle of a run" fault. */
    public void revokeAll() {
        revokedUpTo = serial.get();
    }

    // ------------------------------------------------------------------ token endpoint

    public void token(Call call, boolean v2) {
        String tenantSegment = call.pathParam("tenant");
        Map<String, String> form = form(call.bodyText());
        String clientId = form.get("client_id");
        if (!knownTenant(tenantSegment)) {
            if (!tenantSegment.contains(".") && !looksLikeGuid(tenantSegment)) {
                throw sts(
                        400,
                        "invalid_request",
                        900023,
                        "Specified tenant identifier '" + tenantSegment
                                + "' is neither a valid DNS name, nor a valid external domain.");
            }
            throw sts(
                    400,
                    "invalid_tenant",
                    90002,
                    "Tenant '" + tenantSegment
                            + "' not found. Check to make sure you have the correct tenant ID and are signing into the correct"
                            + " cloud. Check with your subscription administrator, this may happen if there are no active"
                            + " subscriptions for the tenant.");
        }
        String grant = form.get("grant_type");
        if (grant == null) {
            throw sts(
                    400,
                    "invalid_request",
                    900144,
                    "The request body must contain the following parameter: 'grant_type'.");
        }
        if (!grant.equals("client_credentials")) {
            throw sts(
                    400,
                    "unsupported_grant_type",
                    70003,
                    "The app requested an unsupported grant type '" + grant + "'.");
        }
        if (clientId == null || clientId.isBlank()) {
            throw sts(
                    400,
                    "invalid_request",
                    900144,
                    "The request body must contain the following parameter: 'client_id'.");
        }
        if (!clientId.equalsIgnoreCase(app.clientId())) {
            throw sts(
                    400,
                    "unauthorized_client",
                    700016,
                    "Application with identifier '" + clientId
                            + "' was not found in the directory '" + tenant.organizationName()
                            + "'. This can happen if the"
                            + " application has not been installed by the administrator of the tenant or consented to by any"
                            + " user in the tenant. You may have sent your authentication request to the wrong tenant.");
        }
        String resource = v2 ? resourceFromScope(form.get("scope")) : resourceFromV1(form.get("resource"));
        Kind kind = kindOf(resource);
        if (kind == null) {
            throw sts(
                    400,
                    "invalid_resource",
                    500011,
                    "The resource principal named " + resource
                            + " was not found in the tenant named " + tenant.organizationName()
                            + ". This can happen if the"
                            + " application has not been installed by the administrator of the tenant or consented to by any"
                            + " user in the tenant. You might have sent your authentication request to the wrong tenant.");
        }
        String appidacr = authenticateClient(call, form);
        issue(call, v2, resource, kind, appidacr);
    }

    private String authenticateClient(Call call, Map<String, String> form) {
        String secret = form.get("client_secret");
        String assertion = form.get("client_assertion");
        if (secret == null && assertion == null) {
            throw sts(
                    401,
                    "invalid_client",
                    7000218,
                    "The request body must contain the following parameter:"
                            + " 'client_assertion' or 'client_secret'.");
        }
        if (assertion != null) {
            checkAssertion(call, form.get("client_assertion_type"), assertion);
            return "2";
        }
        if (!app.secretMatches(secret)) {
            throw sts(
                    401,
                    "invalid_client",
                    7000215,
                    "Invalid client secret provided. Ensure the secret being sent in"
                            + " the request is the client secret value, not the client secret ID, for a secret added to app '"
                            + app.clientId() + "'.");
        }
        if (app.secretExpired()) {
            throw sts(
                    401,
                    "invalid_client",
                    7000222,
                    "The provided client secret keys for app '" + app.clientId()
                            + "' are expired. Visit the Azure portal to create new keys for your app:"
                            + " https://aka.ms/NewClientSecret, or consider using certificate credentials for added security:"
                            + " https://aka.ms/certCreds.");
        }
        return "1";
    }

    private void checkAssertion(Call call, String type, String assertion) {
        if (!"urn:ietf:params:oauth:client-assertion-type:jwt-bearer".equals(type)) {
            throw sts(
                    400,
                    "invalid_request",
                    900144,
                    "The request body must contain the following parameter:" + " 'client_assertion_type'.");
        }
        var cert = app.certificate();
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(assertion);
        } catch (ParseException e) {
            throw sts(400, "invalid_request", 50027, "JWT token is invalid or malformed.");
        }
        if (cert == null || !thumbprintMatches(jwt.getHeader(), cert)) {
            throw sts(
                    401,
                    "invalid_client",
                    700027,
                    "Client assertion failed signature validation. [Reason - The key"
                            + " was not found., Thumbprint of key used by client: '" + thumbprintOf(jwt.getHeader())
                            + "']");
        }
        try {
            if (!jwt.verify(new RSASSAVerifier((RSAPublicKey) cert.getPublicKey()))) {
                throw sts(401, "invalid_client", 700027, "Client assertion failed signature validation.");
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            Instant now = wall.instant();
            if (claims.getExpirationTime() == null
                    || claims.getExpirationTime().toInstant().isBefore(now.minusSeconds(300))
                    || claims.getNotBeforeTime() != null
                            && claims.getNotBeforeTime().toInstant().isAfter(now.plusSeconds(300))) {
                throw sts(401, "invalid_client", 700024, "Client assertion is not within its valid time range.");
            }
            if (!app.clientId().equalsIgnoreCase(claims.getIssuer())
                    || !app.clientId().equalsIgnoreCase(claims.getSubject())) {
                throw sts(
                        401,
                        "invalid_client",
                        700023,
                        "Client assertion audience claim does not match Realm issuer,"
                                + " or its issuer and subject are not the client id.");
            }
            boolean audOk = claims.getAudience().stream()
                    .anyMatch(a -> a.toLowerCase(Locale.ROOT).contains("/oauth2/"));
            if (!audOk) {
                throw sts(
                        401,
                        "invalid_client",
                        700023,
                        "Client assertion audience claim does not match the token" + " endpoint.");
            }
        } catch (JOSEException | ParseException e) {
            throw sts(401, "invalid_client", 700027, "Client assertion failed signature validation.");
        }
    }

    private static String thumbprintOf(JWSHeader h) {
        if (h.getX509CertSHA256Thumbprint() != null) {
            return h.getX509CertSHA256Thumbprint().toString();
        }
        @SuppressWarnings("deprecation")
        Base64URL sha1 = h.getX509CertThumbprint();
        return sha1 == null ? "" : sha1.toString();
    }

    private static boolean thumbprintMatches(JWSHeader h, java.security.cert.X509Certificate cert) {
        try {
            byte[] der = cert.getEncoded();
            // MSAL4J sends the thumbprint in standard base64, RFC 7515 says base64url: accept both.
            if (h.getX509CertSHA256Thumbprint() != null) {
                return sameBytes(
                        h.getX509CertSHA256Thumbprint(),
                        MessageDigest.getInstance("SHA-256").digest(der));
            }
            @SuppressWarnings("deprecation")
            Base64URL sha1 = h.getX509CertThumbprint();
            if (sha1 != null) {
                return sameBytes(sha1, MessageDigest.getInstance("SHA-1").digest(der));
            }
            return h.getX509CertChain() != null
                    && !h.getX509CertChain().isEmpty()
                    && java.util.Arrays.equals(h.getX509CertChain().get(0).decode(), der);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            return false;
        }
    }

    private static boolean sameBytes(Base64URL presented, byte[] expected) {
        String text = presented.toString().replace('+', '-').replace('/', '_').replace("=", "");
        return java.util.Arrays.equals(java.util.Base64.getUrlDecoder().decode(text), expected);
    }

    private String resourceFromScope(String scope) {
        if (scope == null || scope.isBlank()) {
            throw sts(
                    400, "invalid_request", 900144, "The request body must contain the following parameter: 'scope'.");
        }
        String resource = null;
        for (String s : scope.trim().split("\\s+")) {
            if (Set.of("openid", "profile", "offline_access", "email").contains(s.toLowerCase(Locale.ROOT))) {
                continue; // MSAL adds these to every request
            }
            if (!s.endsWith("/.default")) {
                throw sts(
                        400,
                        "invalid_scope",
                        70011,
                        "The provided request must include a 'scope' input parameter."
                                + " The provided value for the input parameter 'scope' is not valid. The scope " + scope
                                + " is not valid. Client credential flows must have a scope value with /.default suffixed to"
                                + " the resource identifier (application ID URI).");
            }
            if (resource != null) {
                throw sts(
                        400,
                        "invalid_scope",
                        70011,
                        "The provided value for the input parameter 'scope' is not" + " valid. The scope " + scope
                                + " is not valid. Only one resource can be requested at a time.");
            }
            resource = s.substring(0, s.length() - "/.default".length());
        }
        if (resource == null) {
            throw sts(
                    400,
                    "invalid_scope",
                    70011,
                    "The provided value for the input parameter 'scope' is not valid." + " The scope " + scope
                            + " does not name a resource.");
        }
        return resource;
    }

    private String resourceFromV1(String resource) {
        if (resource == null || resource.isBlank()) {
            throw sts(
                    400,
                    "invalid_request",
                    900144,
                    "The request body must contain the following parameter: 'resource'.");
        }
        return resource.endsWith("/") ? resource.substring(0, resource.length() - 1) : resource;
    }

    static Kind kindOf(String resource) {
        String r = resource.toLowerCase(Locale.ROOT);
        if (r.endsWith("/")) {
            r = r.substring(0, r.length() - 1);
        }
        if (DEFENDER_AUDIENCES.contains(r)) {
            return Kind.DEFENDER;
        }
        if (GRAPH_AUDIENCES.contains(r)) {
            return Kind.GRAPH;
        }
        return null;
    }

    private void issue(Call call, boolean v2, String resource, Kind kind, String appidacr) {
        Instant now = wall.instant();
        long s = serial.incrementAndGet();
        Duration lifetime = fixedLifetime != null
                ? fixedLifetime
                : Duration.ofMinutes(60 + Hash.below(Hash.of(tenant.seed(), 908, s), 31));
        // JWT times are whole seconds: round up, so a token is never expired sooner than its lifetime says
        Instant exp = now.plus(lifetime).plusNanos(999_999_999).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        List<String> roles = new ArrayList<>();
        if (app.adminConsent()) {
            roles.addAll(kind == Kind.DEFENDER ? app.defenderRoles() : app.graphRoles());
            roles.sort(null);
        }
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .audience(resource)
                .issuer("https://sts.windows.net/" + tenant.tenantId() + "/")
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now.minusSeconds(300)))
                .expirationTime(Date.from(exp))
                .claim("aio", Hash.hex(Hash.of(tenant.seed(), 909, s), 16))
                .claim("appid", app.clientId())
                .claim("appidacr", appidacr)
                .claim("idp", "https://sts.windows.net/" + tenant.tenantId() + "/")
                .claim("oid", tenant.servicePrincipalId())
                .claim("rh", "0.emulator")
                .subject(tenant.servicePrincipalId())
                .claim("tid", tenant.tenantId())
                .claim("uti", Long.toString(s, 36) + "." + Hash.hex(Hash.of(tenant.seed(), 910, s), 12))
                .claim("ver", "1.0");
        if (!roles.isEmpty()) {
            claims.claim("roles", roles);
        }
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID(keyId)
                        .type(com.nimbusds.jose.JOSEObjectType.JWT)
                        .build(),
                claims.build());
        try {
            jwt.sign(new RSASSASigner(keys.join().getPrivate()));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        ObjectNode body = Call.JSON.createObjectNode();
        body.put("token_type", "Bearer");
        long seconds = lifetime.toSeconds();
        if (v2) {
            body.put("expires_in", seconds);
            body.put("ext_expires_in", seconds);
        } else {
            body.put("expires_in", Long.toString(seconds));
            body.put("ext_expires_in", Long.toString(seconds));
            body.put("expires_on", Long.toString(exp.getEpochSecond()));
            body.put("not_before", Long.toString(now.minusSeconds(300).getEpochSecond()));
            body.put("resource", resource);
        }
        body.put("access_token", jwt.serialize());
        call.header("Cache-Control", "no-store, no-cache");
        call.header("Pragma", "no-cache");
        call.json(200, body);
    }

    // ------------------------------------------------------------------ bearer check

    /**
     * Checks a bearer token for a Defender or Graph call. Throws a 401 {@link ApiError} with the service's wording when
     * it is missing, malformed, expired, revoked, for another tenant or for another audience.
     */
    public Call.Principal authenticate(String authorization, Kind kind) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw unauthorized(kind, "Authorization header is missing or is not a bearer token.");
        }
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(authorization.substring(7).trim());
            if (!jwt.verify(new RSASSAVerifier((RSAPublicKey) keys.join().getPublic()))) {
                throw unauthorized(kind, "Token signature is invalid.");
            }
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException | JOSEException | IllegalStateException e) {
            throw unauthorized(kind, "Token is malformed.");
        }
        if (claims.getExpirationTime() == null
                || !claims.getExpirationTime().toInstant().isAfter(wall.instant())) {
            throw unauthorized(
                    kind,
                    kind == Kind.GRAPH
                            ? "Lifetime validation failed, the token is expired."
                            : "Unauthorized request - Token is expired.");
        }
        Object uti = claims.getClaim("uti");
        long s = uti == null
                ? 0
                : Long.parseLong(uti.toString().substring(0, uti.toString().indexOf('.')), 36);
        if (s <= revokedUpTo) {
            throw unauthorized(
                    kind,
                    kind == Kind.GRAPH
                            ? "Access token validation failure. The token has been revoked."
                            : "Unauthorized request - Token has been revoked.");
        }
        String aud = claims.getAudience().isEmpty() ? "" : claims.getAudience().get(0);
        if (kindOf(aud) != kind) {
            throw unauthorized(
                    kind,
                    kind == Kind.GRAPH
                            ? "Invalid audience."
                            : "Unauthorized request - Token audience " + aud + " is not valid for this API.");
        }
        Object tid = claims.getClaim("tid");
        if (tid == null || !tenant.tenantId().equals(tid.toString())) {
            throw unauthorized(kind, "Unauthorized request - Token is for another tenant.");
        }
        @SuppressWarnings("unchecked")
        List<String> roles = (List<String>) claims.getClaim("roles");
        return new Call.Principal(
                tenant.tenantId(),
                String.valueOf(claims.getClaim("appid")),
                roles == null ? Set.of() : Set.copyOf(roles),
                aud);
    }

    private static ApiError unauthorized(Kind kind, String message) {
        return new ApiError(401, kind == Kind.GRAPH ? "InvalidAuthenticationToken" : "Unauthorized", message);
    }

    // ------------------------------------------------------------------ helpers

    private boolean knownTenant(String segment) {
        return segment != null
                && (segment.equalsIgnoreCase(tenant.tenantId()) || segment.equalsIgnoreCase(tenant.initialDomain()));
    }

    private static boolean looksLikeGuid(String s) {
        try {
            UUID.fromString(s);
            return s.length() == 36;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(k, v);
        }
        return out;
    }

    /** An Entra STS error, rendered as the OAuth error body (REFERENCE.md section 1.6). */
    public static final class StsError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        public final int status;
        public final String error;
        public final int code;

        StsError(int status, String error, int code, String description) {
            super(description, null, false, false);
            this.status = status;
            this.error = error;
            this.code = code;
        }

        public ObjectNode body(Instant now) {
            String trace = UUID.randomUUID().toString();
            String correlation = UUID.randomUUID().toString();
            String ts = STS_TIME.format(now);
            ObjectNode b = Call.JSON.createObjectNode();
            b.put("error", error);
            b.put(
                    "error_description",
                    "AADSTS" + code + ": " + getMessage() + "\r\nTrace ID: " + trace + "\r\nCorrelation ID: "
                            + correlation + "\r\nTimestamp: " + ts);
            b.putArray("error_codes").add(code);
            b.put("timestamp", ts);
            b.put("trace_id", trace);
            b.put("correlation_id", correlation);
            b.put("error_uri", "https://login.microsoftonline.com/error?code=" + code);
            return b;
        }
    }

    private static StsError sts(int status, String error, int code, String description) {
        return new StsError(status, error, code, description);
    }
}
