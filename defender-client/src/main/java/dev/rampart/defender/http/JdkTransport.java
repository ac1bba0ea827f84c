package dev.rampart.defender.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The default transport, on the JDK's HTTP client (HTTP/1.1, 30 s connect timeout, a per-request read timeout). */
public final class JdkTransport implements Transport {
    private static final Set<String> RESTRICTED = Set.of("host", "connection", "content-length", "expect", "upgrade");
    private final HttpClient http;
    private final Duration timeout;

    public JdkTransport(Duration timeout) {
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(30))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.timeout = timeout;
    }

    public JdkTransport() {
        this(Duration.ofMinutes(5));
    }

    @Override
    public Response send(Request request) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(request.uri()).timeout(timeout);
        request.headers().forEach((k, v) -> {
            if (!RESTRICTED.contains(k.toLowerCase(java.util.Locale.ROOT))) {
                b.header(k, v);
            }
        });
        b.method(
                request.method(),
                request.body() == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        HttpResponse<InputStream> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException(
                    "interrupted while waiting for " + request.uri().getHost());
        }
        return new Response() {
            @Override
            public int status() {
                return r.statusCode();
            }

            @Override
            public List<String> headers(String name) {
                return r.headers().allValues(name);
            }

            @Override
            public Map<String, List<String>> allHeaders() {
                return r.headers().map();
            }

            @Override
            public InputStream body() {
                return r.body();
            }
        };
    }
}
