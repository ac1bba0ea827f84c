package dev.rampart.defender.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rampart.defender.auth.AccessToken;
import dev.rampart.defender.auth.EntraErrors;
import dev.rampart.defender.auth.TokenProvider;
import dev.rampart.defender.error.ActionPendingException;
import dev.rampart.defender.error.AuthenticationException;
import dev.rampart.defender.error.DefenderException;
import dev.rampart.defender.error.NotFoundException;
import dev.rampart.defender.error.PermissionException;
import dev.rampart.defender.error.ThrottledException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The path of every API call: client-side rate limit, bearer token, request id, send, and on failure retry or map to
 * the error family. Retries I/O errors, 408, 429 (honouring {@code Retry-After}) and 5xx with exponential backoff and
 * jitter; never other 4xx. A 401 gets one fresh token before it is believed (tokens can be revoked or expire early).
 * The same request id goes with every attempt of one call.
 */
public final class HttpPipeline {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern REQUIRED_ROLES =
            Pattern.compile("API required roles:\\s*([^\\r\\n]*?)(?:,\\s*application roles:|$)");

    /** Which token a call needs. */
    public enum Auth {
        DEFENDER,
        GRAPH,
        NONE
    }

    /**
     * One call: method, absolute URI, the endpoint's name (quota key), its quota, which token, an optional JSON body,
     * and the roles any one of which the endpoint needs (to name them when Graph refuses without saying).
     */
    public record Call(
            String method,
            URI uri,
            String endpoint,
            RateLimiter.Quota quota,
            Auth auth,
            byte[] body,
            List<String> roles) {
        public static Call get(URI uri, String endpoint, RateLimiter.Quota quota, Auth auth, List<String> roles) {
            return new Call("GET", uri, endpoint, quota, auth, null, roles);
        }
    }

    private final Transport transport;
    private final TokenProvider tokens;
    private final String defenderScope;
    private final String graphScope;
    private final RateLimiter limiter;
    private final RetryPolicy retry;
    private final RateLimiter.Sleeper sleeper;
    private final String userAgent;
    private final CallStats stats;

    public HttpPipeline(
            Transport transport,
            TokenProvider tokens,
            String defenderScope,
            String graphScope,
            RateLimiter limiter,
            RetryPolicy retry,
            RateLimiter.Sleeper sleeper,
            String userAgent,
            CallStats stats) {
        this.transport = transport;
        this.tokens = tokens;
        this.defenderScope = defenderScope;
        this.graphScope = graphScope;
        this.limiter = limiter;
        this.retry = retry;
        this.sleeper = sleeper;
        this.userAgent = userAgent;
        this.stats = stats;
    }

    public CallStats stats() {
        return stats;
    }

    public TokenProvider tokens() {
        return tokens;
    }

    public String scope(Auth auth) {
        return auth == Auth.GRAPH ? graphScope : defenderScope;
    }

    /** Sends the call; returns a 2xx response whose body the caller reads and closes. */
    public Transport.Response execute(Call call) {
        String requestId = UUID.randomUUID().toString();
        String url = redact(call.uri());
        boolean refreshed = false;
        int attempt = 0;
        while (true) {
            try {
                stats.waited(limiter.acquire(call.endpoint(), call.quota()), true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DefenderException("interrupted", 0, requestId, call.method(), url, null, null, e);
            }
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("User-Agent", userAgent);
            headers.put("client-request-id", requestId);
            headers.put("x-ms-client-request-id", requestId);
            headers.put("Accept", "application/json");
            if (call.body() != null) {
                headers.put("Content-Type", "application/json");
            }
            if (call.auth() != Auth.NONE) {
                AccessToken token = tokens.token(scope(call.auth()), false);
                headers.put("Authorization", "Bearer " + token.value());
            }
            Transport.Response response;
            stats.call();
            try {
                response = transport.send(new Transport.Request(call.method(), call.uri(), headers, call.body()));
            } catch (IOException e) {
                if (attempt < retry.maxRetries()) {
                    backoff(attempt++, null, requestId, call, url);
                    continue;
                }
                throw new DefenderException(
                        "no answer from " + call.uri().getHost() + " after " + (attempt + 1) + " attempts: "
                                + e.getMessage(),
                        0,
                        requestId,
                        call.method(),
                        url,
                        null,
                        null,
                        e);
            }
            int status = response.status();
            String sandboxDate = response.header("Sandbox-Date"); // the sandbox's clock (docs/emulator.md)
            stats.serverDate(sandboxDate != null ? sandboxDate : response.header("Date"));
            if (status >= 200 && status < 300) {
                return counting(response);
            }
            String retryAfter = response.header("Retry-After");
            ErrorBody error = readError(response);
            if (status == 401 && call.auth() != Auth.NONE && !refreshed) {
                refreshed = true;
                tokens.token(scope(call.auth()), true);
                continue;
            }
            boolean retryable = status == 408 || status == 429 || status >= 500;
            if (retryable && attempt < retry.maxRetries()) {
                if (status == 429) {
                    stats.throttled();
                }
                backoff(attempt++, status == 429 ? retryAfter : null, requestId, call, url);
                continue;
            }
            throw map(call, status, error, requestId, url, retryAfter);
        }
    }

    private void backoff(int attempt, String retryAfter, String requestId, Call call, String url) {
        Duration wait =
                retryAfter == null ? retry.backoff(attempt) : parseRetryAfter(retryAfter, retry.backoff(attempt));
        stats.retry();
        stats.waited(wait, false);
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DefenderException(
                    "interrupted while backing off", 0, requestId, call.method(), url, null, null, e);
        }
    }

    static Duration parseRetryAfter(String value, Duration fallback) {
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return d.isNegative() ? Duration.ZERO : d;
            } catch (RuntimeException e2) {
                return fallback;
            }
        }
    }

    private record ErrorBody(String code, String message) {}

    private ErrorBody readError(Transport.Response response) {
        try (response) {
            byte[] bytes = response.body().readNBytes(64 * 1024);
            stats.bytes(bytes.length);
            String text = new String(bytes, StandardCharsets.UTF_8);
            if (text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
            if (text.trim().startsWith("<")) {
                Matcher code = Pattern.compile("<Code>([^<]*)</Code>").matcher(text);
                Matcher message = Pattern.compile("<Message>([^<]*)</Message>").matcher(text);
                return new ErrorBody(
                        code.find() ? code.group(1) : null,
                        message.find() ? message.group(1).trim() : null);
            }
            JsonNode n = JSON.readTree(text);
            JsonNode e = n == null ? null : n.get("error");
            if (e != null && e.isObject()) {
                return new ErrorBody(
                        e.path("code").asText(null), e.path("message").asText(null));
            }
            if (e != null && e.isTextual()) { // an Entra body
                return new ErrorBody(e.asText(), n.path("error_description").asText(null));
            }
            return new ErrorBody(null, text.length() > 300 ? text.substring(0, 300) : text);
        } catch (IOException | RuntimeException ex) {
            return new ErrorBody(null, null);
        }
    }

    private DefenderException map(Call call, int status, ErrorBody e, String requestId, String url, String retryAfter) {
        String m = e.message() == null ? "" : e.message();
        String what = call.method() + " " + call.endpoint();
        java.util.function.Function<String, DefenderException> plain =
                summary -> new DefenderException(summary, status, requestId, call.method(), url, e.code(), m, null);
        switch (status) {
            case 401 -> {
                if (m.contains("not provisioned")) {
                    return plain.apply("Microsoft Defender for Endpoint is not provisioned in this tenant (no"
                            + " licence or no workspace): " + m);
                }
                if (m.contains("No Tvm license")) {
                    return plain.apply("This tenant has no Defender Vulnerability Management licence, so"
                            + " vulnerability and software data are not available");
                }
                int aadsts = EntraErrors.code(m);
                return new AuthenticationException(
                        "The API refused the token even after a fresh one was issued: " + m,
                        aadsts,
                        status,
                        requestId,
                        call.method(),
                        url,
                        e.code(),
                        m,
                        null);
            }
            case 403 -> {
                List<String> roles = requiredRoles(m, call.roles());
                String api = call.auth() == Auth.GRAPH ? "Microsoft Graph" : "WindowsDefenderATP";
                AccessToken token = call.auth() == Auth.NONE ? null : tokens.token(scope(call.auth()), false);
                String summary = token != null && token.roles().isEmpty()
                        ? EntraErrors.noConsent(api)
                        : "Missing permission for " + what + ": the app needs " + (roles.size() == 1 ? "" : "one of ")
                                + String.join(", ", roles) + " (application permission on " + api
                                + "; grant it under App registrations > API permissions"
                                + (call.auth() == Auth.GRAPH ? "" : " > APIs my organization uses > WindowsDefenderATP")
                                + ", then grant admin consent)";
                return new PermissionException(summary, roles, api, status, requestId, call.method(), url, e.code(), m);
            }
            case 404 -> {
                return new NotFoundException(
                        "Not found: " + what + (m.isEmpty() ? "" : " (" + m + ")"),
                        status,
                        requestId,
                        call.method(),
                        url,
                        e.code(),
                        m);
            }
            case 429 -> {
                return new ThrottledException(
                        "Still throttled after " + retry.maxRetries() + " retries: " + what,
                        parseRetryAfter(retryAfter == null ? "" : retryAfter, Duration.ZERO),
                        requestId,
                        call.method(),
                        url,
                        e.code(),
                        m);
            }
            default -> {
                if ("ActiveRequestAlreadyExists".equals(e.code())) {
                    return new ActionPendingException(
                            "An action of this type is already pending for the device: "
                                    + (m.isEmpty() ? "Action is already in progress" : m),
                            null,
                            requestId,
                            call.method(),
                            url,
                            m);
                }
                return plain.apply(what + " failed with " + status + (e.code() == null ? "" : " " + e.code())
                        + (m.isEmpty() ? "" : ": " + m));
            }
        }
    }

    static List<String> requiredRoles(String message, List<String> known) {
        Matcher matcher = REQUIRED_ROLES.matcher(message);
        if (matcher.find()) {
            List<String> out = new ArrayList<>();
            Arrays.stream(matcher.group(1).split(","))
                    .map(String::trim)
                    .filter(s -> !s.isEmpty())
                    .forEach(out::add);
            if (!out.isEmpty()) {
                return out;
            }
        }
        return known == null ? List.of() : known;
    }

    /** Keeps scheme, host, path and the names of query parameters; every query value becomes {@code ***}. */
    public static String redact(URI uri) {
        StringBuilder sb = new StringBuilder();
        sb.append(uri.getScheme()).append("://").append(uri.getHost());
        if (uri.getPort() > 0) {
            sb.append(':').append(uri.getPort());
        }
        sb.append(uri.getRawPath() == null ? "" : uri.getRawPath());
        if (uri.getRawQuery() != null) {
            sb.append('?');
            String[] pairs = uri.getRawQuery().split("&");
            for (int i = 0; i < pairs.length; i++) {
                String name = pairs[i].contains("=") ? pairs[i].substring(0, pairs[i].indexOf('=')) : pairs[i];
                sb.append(i == 0 ? "" : "&").append(name).append("=***");
            }
        }
        return sb.toString();
    }

    private Transport.Response counting(Transport.Response r) {
        InputStream counted = new FilterInputStream(r.body()) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    stats.bytes(1);
                }
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                int n = super.read(buf, off, len);
                if (n > 0) {
                    stats.bytes(n);
                }
                return n;
            }
        };
        return new Transport.Response() {
            @Override
            public int status() {
                return r.status();
            }

            @Override
            public List<String> headers(String name) {
                return r.headers(name);
            }

            @Override
            public Map<String, List<String>> allHeaders() {
                return r.allHeaders();
            }

            @Override
            public InputStream body() {
                return counted;
            }
        };
    }
}
