package dev.rampart.defender.http;

import java.io.IOException;
import java.net.URI;
import java.util.Locale;

/**
 * Sends requests for Microsoft hosts (Entra login, Defender API, Graph, export blob storage) to a sandbox base URL,
 * keeping path and query, so that a client configured for a real cloud talks to the emulator unchanged. MSAL4J refuses
 * http authorities, so this is how a sandbox tenant gets its tokens: the authority stays
 * {@code https://login.microsoftonline.com/...} and only the transport moves.
 */
public final class SandboxTransport implements Transport {
    private final Transport inner;
    private final URI sandbox;

    public SandboxTransport(Transport inner, URI sandbox) {
        this.inner = inner;
        String s = sandbox.toString();
        this.sandbox = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    }

    public static boolean microsoftHost(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.endsWith(".microsoft.com")
                || h.endsWith(".microsoft.us")
                || h.endsWith(".microsoftonline.com")
                || h.endsWith(".microsoftonline.us")
                || h.endsWith(".windows.net")
                || h.endsWith(".apps.mil")
                || h.equals("graph.microsoft.com");
    }

    URI map(URI uri) {
        if (uri.getHost() == null || !microsoftHost(uri.getHost())) {
            return uri;
        }
        return URI.create(sandbox + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
    }

    @Override
    public Response send(Request request) throws IOException {
        return inner.send(new Request(request.method(), map(request.uri()), request.headers(), request.body()));
    }
}
