package dev.rampart.defender.http;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Sends one HTTP request and returns the response with its body as a stream. Pluggable so that tests and the sandbox
 * can route Microsoft hosts to an emulator ({@link SandboxTransport}), and so that MSAL4J's token calls go through the
 * same path ({@code MsalHttpClient}).
 */
public interface Transport {
    /** A request: method, absolute URI, headers and an optional body. */
    record Request(String method, URI uri, Map<String, String> headers, byte[] body) {}

    /** A response. The caller must close it; reading the body to its end and closing frees the connection. */
    interface Response extends Closeable {
        int status();

        List<String> headers(String name);

        default String header(String name) {
            List<String> v = headers(name);
            return v.isEmpty() ? null : v.get(0);
        }

        Map<String, List<String>> allHeaders();

        InputStream body();

        @Override
        default void close() throws IOException {
            body().close();
        }
    }

    Response send(Request request) throws IOException;
}
