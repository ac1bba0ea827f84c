package dev.rampart.emulator.fault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rampart.emulator.http.Call;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A fault to inject: which requests it hits (a glob over the request path, {@code *} matching any characters,
 * optionally one method), what happens to them, and how often (the next {@code count} matching requests, or each one
 * with a seeded {@code probability}).
 *
 * <p>Kinds: {@code status} (answer with {@code status}, 5xx and 429 bodies as the real service's, with
 * {@code retryAfter} seconds on 429), {@code reset} (drop the connection before any response), {@code delay} (wait
 * {@code delayMs} first), {@code truncate} (cut the body after {@code bytes} bytes, default 100, leaving invalid JSON),
 * {@code repeat-items} and {@code skip-items} (shift the offset of a continuation page back or forward by {@code items},
 * default 1, as {@code $skip} paging over a changing list does; a first page is never shifted, but it uses up the
 * count), {@code revoke-token} (revoke every token issued so far), and
 * {@code expire-urls} (every export download URL issued so far expires).
 */
public record FaultRule(
        String pathPattern,
        String method,
        String kind,
        int status,
        int count,
        double probability,
        long delayMs,
        long bytes,
        int items,
        int retryAfter,
        Pattern compiled) {

    public static final List<String> KINDS = List.of(
            "status", "reset", "delay", "truncate", "repeat-items", "skip-items", "revoke-token", "expire-urls");

    public static FaultRule fromJson(JsonNode n) {
        String pattern = text(n, "pathPattern");
        if (pattern == null || pattern.isBlank()) {
            throw new IllegalArgumentException("pathPattern is required, e.g. \"/api/machines*\"");
        }
        String kind = text(n, "kind");
        if (kind == null || !KINDS.contains(kind)) {
            throw new IllegalArgumentException("kind must be one of " + KINDS);
        }
        int status = n.path("status").asInt(kind.equals("status") ? 503 : 0);
        if (kind.equals("status") && (status < 400 || status > 599)) {
            throw new IllegalArgumentException("status must be an HTTP error status (400..599)");
        }
        boolean hasCount = n.has("count");
        boolean hasProbability = n.has("probability");
        if (hasCount && hasProbability) {
            throw new IllegalArgumentException("give count or probability, not both");
        }
        int count = hasCount ? n.get("count").asInt() : hasProbability ? Integer.MAX_VALUE : 1;
        double probability = hasProbability ? n.get("probability").asDouble() : 1.0;
        if (count < 1 || probability <= 0 || probability > 1) {
            throw new IllegalArgumentException("count must be >= 1 and probability in (0, 1]");
        }
        String method = text(n, "method");
        return new FaultRule(
                pattern,
                method == null ? null : method.toUpperCase(Locale.ROOT),
                kind,
                status,
                count,
                probability,
                n.path("delayMs").asLong(2000),
                n.path("bytes").asLong(100),
                n.path("items").asInt(1),
                n.path("retryAfter").asInt(1),
                glob(pattern));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    static Pattern glob(String pattern) {
        StringBuilder re = new StringBuilder();
        for (String part : pattern.split("\\*", -1)) {
            if (re.length() > 0) {
                re.append(".*");
            }
            re.append(Pattern.quote(part));
        }
        return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE);
    }

    public boolean matches(String method, String path) {
        return (this.method == null || this.method.equals(method))
                && compiled.matcher(path).matches();
    }

    public ObjectNode toJson() {
        ObjectNode o = Call.JSON.createObjectNode();
        o.put("pathPattern", pathPattern);
        if (method != null) {
            o.put("method", method);
        }
        o.put("kind", kind);
        if (kind.equals("status")) {
            o.put("status", status);
        }
        if (probability < 1.0) {
            o.put("probability", probability);
        } else {
            o.put("count", count);
        }
        return o;
    }
}
