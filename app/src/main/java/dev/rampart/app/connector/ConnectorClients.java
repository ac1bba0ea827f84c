package dev.rampart.app.connector;

import dev.rampart.app.outbound.OutboundPolicy;
import dev.rampart.defender.Credential;
import dev.rampart.defender.DefenderClient;
import dev.rampart.defender.DefenderClientBuilder;
import dev.rampart.defender.http.JdkTransport;
import java.net.URI;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Builds the server's Defender client for a connector: its credential is the one stored encrypted in the
 * {@link CredentialVault}, else its {@code env:}/{@code file:} reference as far as {@link CredentialReferences} allows;
 * every request goes through {@link OutboundTransport} (the connector's own hosts, addresses the
 * {@link OutboundPolicy} allows). The decrypted value lives only inside the client's credential.
 */
public final class ConnectorClients {
    private final CredentialVault vault;
    private final CredentialReferences references;
    private final OutboundPolicy outbound;

    public ConnectorClients(CredentialVault vault, CredentialReferences references, OutboundPolicy outbound) {
        this.vault = vault;
        this.references = references;
        this.outbound = outbound;
    }

    public DefenderClientBuilder builder(Connector c) {
        ConnectorSpec spec = c.spec();
        String stored = vault.read(c.id());
        String secret = stored != null ? stored : references.resolve(spec.secretRef());
        Set<String> own = new HashSet<>();
        for (String url : new String[] {spec.sandbox(), spec.baseUrl()}) {
            if (url != null && URI.create(url).getHost() != null) {
                own.add(URI.create(url).getHost().toLowerCase(Locale.ROOT));
            }
        }
        return spec.builder(credential(secret)).transport(new OutboundTransport(new JdkTransport(), outbound, own));
    }

    public DefenderClient client(Connector c) {
        return builder(c).build();
    }

    /** A secret as stored or referenced: a PEM certificate with its key, or a client secret. */
    static Credential credential(String secret) {
        if (secret.startsWith("-----BEGIN")) {
            return Pem.credential(secret);
        }
        return Credential.secret(secret);
    }
}
