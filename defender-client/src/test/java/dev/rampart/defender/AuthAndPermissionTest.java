package dev.rampart.defender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rampart.defender.error.AuthenticationException;
import dev.rampart.defender.error.PermissionException;
import dev.rampart.emulator.DefenderEmulator;
import dev.rampart.emulator.entra.AppRegistration;
import java.net.URI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AuthAndPermissionTest {
    DefenderEmulator emulator;

    @BeforeEach
    void start() {
        emulator = Sandboxes.emulator(30);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private static AuthenticationException authFailure(DefenderClient client) {
        try {
            client.listMachines().iterator().hasNext();
        } catch (AuthenticationException e) {
            return e;
        }
        throw new AssertionError("expected an authentication failure");
    }

    @Test
    void wrongSecretShouldSaySoWithoutShowingIt() {
        DefenderClient c = Sandboxes.client(emulator, b -> b.credential(Credential.secret("not-the-secret-value-123")));
        AuthenticationException e = authFailure(c);
        assertThat(e.aadsts()).isEqualTo(7000215);
        assertThat(e.sentence()).contains("client secret is wrong").contains("Value");
        assertThat(e.getMessage()).doesNotContain("not-the-secret-value-123").doesNotContain(emulator.clientSecret());
        assertThat(e.retryable()).isFalse();
    }

    @Test
    void expiredSecretShouldSaySo() {
        Sandboxes.control(emulator, "POST", "/app", "{\"secretExpired\":true}");
        AuthenticationException e = authFailure(Sandboxes.client(emulator));
        assertThat(e.aadsts()).isEqualTo(7000222);
        assertThat(e.sentence()).contains("has expired");
    }

    @Test
    void unknownTenantShouldSaySo() {
        DefenderClient c = Sandboxes.client(emulator, b -> b.tenantId("11111111-2222-3333-4444-555555555555"));
        AuthenticationException e = authFailure(c);
        assertThat(e.aadsts()).isEqualTo(90002);
        assertThat(e.sentence())
                .contains("11111111-2222-3333-4444-555555555555")
                .contains("was not found");
    }

    @Test
    void unknownApplicationShouldSaySo() {
        DefenderClient c = Sandboxes.client(emulator, b -> b.clientId("99999999-2222-3333-4444-555555555555"));
        assertThat(authFailure(c).sentence())
                .contains("No application with client ID '99999999-2222-3333-4444-555555555555'");
    }

    @Test
    void missingRoleShouldNameItAndWhereToGrantIt() {
        Sandboxes.control(emulator, "POST", "/app", "{\"defenderRoles\":[\"Machine.Read.All\"]}");
        DefenderClient c = Sandboxes.client(emulator);
        assertThat(c.listMachines().iterator().hasNext()).isTrue();
        assertThatThrownBy(() -> c.listAlerts(null, false).iterator().hasNext())
                .isInstanceOf(PermissionException.class)
                .satisfies(ex -> {
                    PermissionException p = (PermissionException) ex;
                    assertThat(p.requiredRoles()).containsExactly("Alert.Read.All", "Alert.ReadWrite.All");
                    assertThat(p.api()).isEqualTo("WindowsDefenderATP");
                    assertThat(p.getMessage()).contains("API permissions").contains("admin consent");
                });
    }

    @Test
    void graphPermissionShouldBeNamedFromWhatTheEndpointNeeds() {
        Sandboxes.control(emulator, "POST", "/app", "{\"graphRoles\":[\"Organization.Read.All\"]}");
        DefenderClient c = Sandboxes.client(emulator);
        assertThatThrownBy(() -> c.listUsers().iterator().hasNext())
                .isInstanceOf(PermissionException.class)
                .satisfies(ex ->
                        assertThat(((PermissionException) ex).requiredRoles()).contains("User.Read.All"));
    }

    @Test
    void missingAdminConsentShouldSaySo() {
        Sandboxes.control(emulator, "POST", "/app", "{\"adminConsent\":false}");
        assertThatThrownBy(() ->
                        Sandboxes.client(emulator).listMachines().iterator().hasNext())
                .isInstanceOf(PermissionException.class)
                .hasMessageContaining("Admin consent is missing");
    }

    @Test
    void certificateCredentialShouldSignIn() throws Exception {
        var kp = java.security.KeyPairGenerator.getInstance("RSA");
        kp.initialize(2048);
        var pair = kp.generateKeyPair();
        var name = new org.bouncycastle.asn1.x500.X500Name("CN=rampart-client-test");
        var now = java.time.Instant.now();
        var cert = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter()
                .getCertificate(new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(
                                name,
                                java.math.BigInteger.ONE,
                                java.util.Date.from(now.minusSeconds(3600)),
                                java.util.Date.from(now.plusSeconds(86400)),
                                name,
                                pair.getPublic())
                        .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withRSA")
                                .build(pair.getPrivate())));
        try (DefenderEmulator e = DefenderEmulator.builder()
                .devices(5)
                .quotas("off")
                .certificate(cert)
                .start()) {
            DefenderClient c = new DefenderClientBuilder()
                    .tenantId(e.tenantId())
                    .clientId(e.clientId())
                    .credential(new Credential.Certificate(pair.getPrivate(), cert))
                    .sandbox(URI.create(e.baseUrl()))
                    .build();
            assertThat(c.listMachines().iterator().next().id()).hasSize(40);
        }
    }

    @Test
    void credentialsShouldNeverPrint() {
        assertThat(Credential.secret("s3cr3t-value").toString()).doesNotContain("s3cr3t");
        assertThat(AppRegistration.DEFENDER_ROLES).contains("Machine.Read.All");
    }

    @Test
    void tokensShouldBeCachedAndRenewedBeforeTheyExpire() throws InterruptedException {
        try (DefenderEmulator e = DefenderEmulator.builder()
                .devices(5)
                .quotas("off")
                .tokenLifetime(java.time.Duration.ofSeconds(2))
                .start()) {
            DefenderClient c = Sandboxes.client(e);
            String tokenPath = "/" + e.tenantId() + "/oauth2/v2.0/token";
            c.listMachines().forEach(m -> {});
            c.listMachines().forEach(m -> {});
            long first = e.requests().count("POST", tokenPath);
            Thread.sleep(2100);
            c.listMachines().forEach(m -> {});
            assertThat(e.requests().count("POST", tokenPath))
                    .as("a fresh token once the old one lapsed")
                    .isGreaterThan(first);
            assertThat(e.requests().count("GET", "/api/machines")).isEqualTo(3);
        }
        try (DefenderEmulator e = DefenderEmulator.builder()
                .devices(5)
                .quotas("off")
                .tokenLifetime(java.time.Duration.ofHours(1))
                .start()) {
            DefenderClient c = Sandboxes.client(e);
            for (int i = 0; i < 5; i++) {
                c.listMachines().forEach(m -> {});
            }
            assertThat(e.requests().count("POST", "/" + e.tenantId() + "/oauth2/v2.0/token"))
                    .as("cached")
                    .isEqualTo(1);
        }
    }
}
