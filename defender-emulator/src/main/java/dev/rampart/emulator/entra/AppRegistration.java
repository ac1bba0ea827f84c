package dev.rampart.emulator.entra;

import java.security.cert.X509Certificate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The sandbox tenant's app registration: its client id, its credentials (a client secret, optionally expired, and
 * optionally a certificate) and the application permissions an admin granted on Defender (WindowsDefenderATP) and on
 * Microsoft Graph. Mutable through the control API so tests can take a permission away or let the secret expire.
 */
public final class AppRegistration {
    /** Every Defender application role the emulator knows (REFERENCE.md section 13.5). */
    public static final List<String> DEFENDER_ROLES = List.of(
            "Machine.Read.All",
            "Vulnerability.Read.All",
            "Software.Read.All",
            "Alert.Read.All",
            "User.Read.All",
            "AdvancedQuery.Read.All",
            "Machine.Isolate",
            "Machine.Scan",
            "Score.Read.All");

    public static final List<String> GRAPH_ROLES =
            List.of("Organization.Read.All", "User.Read.All", "GroupMember.Read.All", "ThreatHunting.Read.All");

    private final String clientId;
    private volatile String clientSecret;
    private volatile boolean secretExpired;
    private volatile X509Certificate certificate;
    private volatile Set<String> defenderRoles = new LinkedHashSet<>(DEFENDER_ROLES);
    private volatile Set<String> graphRoles = new LinkedHashSet<>(GRAPH_ROLES);
    private volatile boolean adminConsent = true;

    public AppRegistration(String clientId, String clientSecret) {
        this.clientId = clientId;
        this.clientSecret = clientSecret;
    }

    public String clientId() {
        return clientId;
    }

    public boolean secretMatches(String presented) {
        String s = clientSecret;
        return s != null
                && presented != null
                && java.security.MessageDigest.isEqual(s.getBytes(), presented.getBytes());
    }

    public void clientSecret(String secret) {
        this.clientSecret = secret;
    }

    public boolean secretExpired() {
        return secretExpired;
    }

    public void secretExpired(boolean expired) {
        this.secretExpired = expired;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public void certificate(X509Certificate certificate) {
        this.certificate = certificate;
    }

    public Set<String> defenderRoles() {
        return Set.copyOf(defenderRoles);
    }

    public void defenderRoles(Set<String> roles) {
        this.defenderRoles = new LinkedHashSet<>(roles);
    }

    public Set<String> graphRoles() {
        return Set.copyOf(graphRoles);
    }

    public void graphRoles(Set<String> roles) {
        this.graphRoles = new LinkedHashSet<>(roles);
    }

    /** Without admin consent Entra still issues tokens, but with no {@code roles} claim. */
    public boolean adminConsent() {
        return adminConsent;
    }

    public void adminConsent(boolean granted) {
        this.adminConsent = granted;
    }
}
