package dev.rampart.app.connector;

import dev.rampart.defender.Credential;
import dev.rampart.defender.DefenderClient;
import dev.rampart.defender.DefenderClientBuilder;
import java.util.function.Function;

/**
 * Builds a connector's Defender client with its credential: the one stored encrypted in the {@link CredentialVault},
 * else the {@code env:}/{@code file:} reference. The decrypted value lives only inside the client's credential.
 */
public final class ConnectorClients {
    private final CredentialVault vault;
    private final Function<String, String> env;

    public ConnectorClients(CredentialVault vault, Function<String, String> env) {
        this.vault = vault;
        this.env = env;
    }

    public DefenderClientBuilder builder(Connector c) {
        String stored = vault.read(c.id());
        if (stored != null) {
            return c.spec().builder(credential(stored));
        }
        return c.spec().builder(env);
    }

    public DefenderClient client(Connector c) {
        return builder(c).build();
    }

    /** A stored credential: a PEM certificate with its key, or a client secret. */
    static Credential credential(String stored) {
        if (stored.startsWith("-----BEGIN")) {
            return Pem.credential(stored);
        }
        return Credential.secret(stored);
    }
}
