package dev.rampart.emulator.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP request and its response, with the helpers every endpoint needs: decoded path and query, the caller's
 * identity once authenticated, the effects of faults that change paging or truncate the body, and JSON output
 * (buffered for small bodies, streamed with Jackson's generator for pages of any size).
 */
public final class Call {
    public static final ObjectMapper JSON = new ObjectMapper();
    public static final String ODATA_JSON =
            "application/json; odata.metadata=minimal; odata.streaming=true; charset=utf-8";
    private static final int MAX_BODY = 4 * 1024 * 1024;

    private final HttpExchange exchange;
    private final String path;
    private final Map<String, String> query = new LinkedHashMap<>();
    private byte[] body;
    private int status;
    private java.util.function.IntConsumer statusListener = s -> {};
    private Map<String, String> pathParams = Map.of();

    /** Set by the token check: the tenant, app and roles of the caller. */
    public Principal principal;
    /** Set by a repeat-items (negative) or skip-items (positive) fault: shifts a continuation page's offset. */
    public int pagingShift;
    /** Set by a truncate fault: the body is cut after this many bytes. */
    public long truncateAfter = -1;

    public record Principal(String tenantId, String appId, java.util.Set<String> roles, String audience) {}

    public Call(HttpExchange exchange) {
        this.exchange = exchange;
        String raw = exchange.getRequestURI().getRawPath();
        this.path = URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        String q = exchange.getRequestURI().getRawQuery();
        if (q != null) {
            for (String pair : q.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String k = decode(eq < 0 ? pair : pair.substring(0, eq));
                String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
                query.putIfAbsent(k, v);
            }
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    public String method() {
        return exchange.getRequestMethod();
    }

    public String path() {
        return path;
    }

    public String rawQuery() {
        return exchange.getRequestURI().getRawQuery();
    }

    /** A query parameter; names match case-insensitively (clients send {@code $top} and {@code $Top}). */
    public String query(String name) {
        String v = query.get(name);
        if (v != null) {
            return v;
        }
        for (Map.Entry<String, String> e : query.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    public Map<String, String> queryParams() {
        return query;
    }

    public String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    public String pathParam(String name) {
        return pathParams.get(name);
    }

    public void pathParams(Map<String, String> params) {
        this.pathParams = params;
    }

    /**
     * The scheme and authority the caller used, so that links point back where the caller came from; behind a proxy
     * (a TLS terminator in front of the sandbox) the ones in {@code X-Forwarded-Proto} and {@code X-Forwarded-Host}.
     */
    public String base() {
        String forwardedHost = firstForwarded("X-Forwarded-Host");
        String host = forwardedHost != null ? forwardedHost : header("Host");
        if (host == null) {
            host = exchange.getLocalAddress().getHostString() + ":"
                    + exchange.getLocalAddress().getPort();
        }
        String h = host.toLowerCase(Locale.ROOT);
        boolean microsoft = h.endsWith(".microsoft.com")
                || h.endsWith(".microsoft.us")
                || h.endsWith(".windows.net")
                || h.endsWith(".microsoftonline.com")
                || h.endsWith(".apps.mil");
        String proto = firstForwarded("X-Forwarded-Proto");
        if (proto != null && (proto.equalsIgnoreCase("https") || proto.equalsIgnoreCase("http"))) {
            return proto.toLowerCase(Locale.ROOT) + "://" + host;
        }
        return (microsoft ? "https://" : "http://") + host;
    }

    /** The first (client-most) value of a forwarding header, or null when absent or not a plain host or scheme. */
    private String firstForwarded(String name) {
        String value = header(name);
        if (value == null) {
            return null;
        }
        String first = value.split(",")[0].trim();
        return first.isEmpty() || !first.matches("[A-Za-z0-9.\\-:\\[\\]]+") ? null : first;
    }

    /**
     * This request's own URL, on the host the caller used, with one query parameter set to a new value and the others
     * kept as sent: how the real APIs build {@code @odata.nextLink}.
     */
    public String linkWith(String param, String value) {
        StringBuilder q = new StringBuilder();
        String raw = rawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                String key = decode(pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair);
                if (!pair.isEmpty() && !key.equalsIgnoreCase(param)) {
                    q.append(q.length() == 0 ? "" : "&").append(pair);
                }
            }
        }
        q.append(q.length() == 0 ? "" : "&").append(param).append('=').append(value);
        return base() + exchange.getRequestURI().getRawPath() + "?" + q;
    }

    public byte[] body() {
        if (body == null) {
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readNBytes(MAX_BODY + 1);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (body.length > MAX_BODY) {
                throw new ApiError(413, "BadRequest", "Request body is too large.");
            }
        }
        return body;
    }

    public String bodyText() {
        return new String(body(), StandardCharsets.UTF_8);
    }

    public int status() {
        return status;
    }

    /** Told the status just before the response goes out, so that the request log is complete when the client reads. */
    public void onStatus(java.util.function.IntConsumer listener) {
        this.statusListener = listener;
    }

    private void status(int status) {
        this.status = status;
        statusListener.accept(status);
    }

    public boolean responded() {
        return status != 0;
    }

    public HttpExchange exchange() {
        return exchange;
    }

    public void header(String name, String value) {
        exchange.getResponseHeaders().set(name, value);
    }

    public void json(int status, JsonNode node) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        send(status, "application/json; charset=utf-8", bytes);
    }

    /** An OData response (Defender API): the OData content type and version header. */
    public void odata(int status, JsonNode node) {
        header("OData-Version", "4.0");
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        send(status, ODATA_JSON, bytes);
    }

    public void send(int status, String contentType, byte[] bytes) {
        if (contentType != null) {
            header("Content-Type", contentType);
        }
        try {
            if (truncateAfter >= 0 && truncateAfter < bytes.length) {
                status(status);
                exchange.sendResponseHeaders(status, 0);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes, 0, (int) truncateAfter);
                }
                return;
            }
            status(status);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a body of any size with Jackson's streaming generator; memory holds one buffer. */
    public interface BodyWriter {
        void write(JsonGenerator g) throws IOException;
    }

    public void stream(int status, String contentType, BodyWriter writer) {
        header("Content-Type", contentType);
        if (contentType.startsWith("application/json; odata")) {
            header("OData-Version", "4.0");
        }
        status(status);
        try {
            exchange.sendResponseHeaders(status, 0);
            OutputStream raw = exchange.getResponseBody();
            OutputStream out = truncateAfter >= 0 ? new Truncating(raw, truncateAfter) : raw;
            try (JsonGenerator g = JSON.getFactory().createGenerator(new BufferedOutputStream(out, 64 * 1024))) {
                writer.write(g);
            }
        } catch (Truncating.Done done) {
            exchange.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a non-JSON body of any size (export files). */
    public interface RawWriter {
        void write(OutputStream out) throws IOException;
    }

    public void streamRaw(int status, String contentType, RawWriter writer) {
        header("Content-Type", contentType);
        status(status);
        try {
            exchange.sendResponseHeaders(status, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                writer.write(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void stream(int status, BodyWriter writer) {
        stream(status, ODATA_JSON, writer);
    }

    /** Cuts a body short: the response ends cleanly, but the JSON in it is incomplete. */
    static final class Truncating extends OutputStream {
        static final class Done extends RuntimeException {
            private static final long serialVersionUID = 1L;

            Done() {
                super(null, null, false, false);
            }
        }

        private final OutputStream out;
        private long left;

        Truncating(OutputStream out, long limit) {
            this.out = out;
            this.left = limit;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                out.close();
                throw new Done();
            }
            int n = (int) Math.min(len, left);
            out.write(b, off, n);
            left -= n;
            if (n < len) {
                out.close();
                throw new Done();
            }
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
