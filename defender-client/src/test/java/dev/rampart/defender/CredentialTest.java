package dev.rampart.defender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialTest {
    static KeyPair pair;
    static X509Certificate cert;

    @BeforeAll
    static void make() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        pair = g.generateKeyPair();
        X500Name name = new X500Name("CN=rampart-credential-test");
        Instant now = Instant.now();
        cert = new JcaX509CertificateConverter()
                .getCertificate(new JcaX509v3CertificateBuilder(
                                name,
                                BigInteger.TEN,
                                Date.from(now.minusSeconds(60)),
                                Date.from(now.plusSeconds(86400)),
                                name,
                                pair.getPublic())
                        .build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    @Test
    void pemWithKeyAndCertificateShouldLoad(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("app.pem");
        Files.writeString(
                file, pem("PRIVATE KEY", pair.getPrivate().getEncoded()) + pem("CERTIFICATE", cert.getEncoded()));
        Credential.Certificate c = (Credential.Certificate) Credential.pem(file);
        assertThat(c.certificate()).isEqualTo(cert);
        assertThat(c.key().getEncoded()).isEqualTo(pair.getPrivate().getEncoded());
        assertThat(c.toString()).contains("rampart-credential-test").doesNotContain("PRIVATE");
    }

    @Test
    void pemWithoutAKeyShouldSayWhatIsMissing(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("cert-only.pem");
        Files.writeString(file, pem("CERTIFICATE", cert.getEncoded()));
        assertThatThrownBy(() -> Credential.pem(file))
                .hasMessageContaining("PKCS#8")
                .hasMessageContaining("openssl pkcs8");
    }

    @Test
    void pkcs12ShouldLoadWithItsPassword(@TempDir Path dir) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("app", pair.getPrivate(), "pw".toCharArray(), new Certificate[] {cert});
        Path file = dir.resolve("app.pfx");
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, "pw".toCharArray());
        }
        Credential.Certificate c = (Credential.Certificate) Credential.pkcs12(file, "pw".toCharArray());
        assertThat(c.certificate()).isEqualTo(cert);
        assertThatThrownBy(() -> Credential.pkcs12(file, "wrong".toCharArray())).hasMessageContaining("cannot read");
    }

    @Test
    void emptySecretShouldBeRefused() {
        assertThatThrownBy(() -> Credential.secret(" ")).hasMessageContaining("empty");
    }
}
