package dev.rampart.app.connector;

import dev.rampart.app.outbound.OutboundPolicy;
import dev.rampart.app.outbound.OutboundRefusedException;
import dev.rampart.defender.Cloud;
import dev.rampart.defender.error.DefenderException;
import dev.rampart.defender.http.Transport;
import java.io.IOException;
import java.net.URI;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * A connector's way out: every request (Entra tokens, the Defender API, Graph, export files) goes only to the hosts the
 * connector is configured for, and only to addresses the {@link OutboundPolicy} allows. Those hosts are the national
 * clouds' Microsoft hosts (login, API, Graph, and Azure Blob storage for export files), plus the connector's own custom
 * base URL or sandbox. A refused request fails at once (it is not retried); redirects are never followed (the client's
 * transport does not follow them).
 */
final class OutboundTransport implements Transport {
    private static final Set<String> MICROSOFT = microsoftHosts();
    private static final String[] MICROSOFT_SUFFIXES = {".blob.core.windows.net", ".blob.core.usgovcloudapi.net"};

    private final Transport inner;
    private final OutboundPolicy policy;
    private final Set<String> ownHosts;

    /** @param ownHosts the hosts of the connector's custom base URL or sandbox, if any */
    OutboundTransport(Transport inner, OutboundPolicy policy, Set<String> ownHosts) {
        this.inner = inner;
        this.policy = policy;
        this.ownHosts = Set.copyOf(ownHosts);
    }

    /** A refused call: not retryable, a configuration matter. */
    static final class AddressRefusedException extends DefenderException {
        private static final long serialVersionUID = 1L;

        AddressRefusedException(String message, String method, String host) {
            super(message, 0, null, method, "https://" + host + "/...", "AddressRefused", message, null);
        }

        @Override
        public boolean retryable() {
            return false;
        }
    }

    @Override
    public Response send(Request request) throws IOException {
        URI uri = request.uri();
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (!permitted(host)) {
            throw new AddressRefusedException(
                    "the connector may not call " + host + ": only Microsoft's hosts and its own configured address",
                    request.method(),
                    host);
        }
        try {
            policy.check(uri);
        } catch (OutboundRefusedException e) {
            throw new AddressRefusedException(e.getMessage(), request.method(), host);
        }
        return inner.send(request);
    }

    boolean permitted(String host) {
        if (ownHosts.contains(host) || MICROSOFT.contains(host)) {
            return true;
        }
        for (String suffix : MICROSOFT_SUFFIXES) {
            if (host.endsWith(suffix)) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> microsoftHosts() {
        Set<String> hosts = new HashSet<>();
        for (Cloud c : Cloud.values()) {
            hosts.add(c.loginAuthority().getHost());
            hosts.add(c.apiBase().getHost());
            hosts.add(c.graphBase().getHost());
        }
        return Set.copyOf(hosts);
    }
}
