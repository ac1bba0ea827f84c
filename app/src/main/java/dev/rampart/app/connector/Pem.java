package dev.rampart.app.connector;

import dev.rampart.defender.Credential;
import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A certificate credential given as PEM text: an unencrypted PKCS#8 private key and the certificate. */
final class Pem {
    private static final Pattern KEY = Pattern.compile("-----BEGIN PRIVATE KEY-----([^-]+)-----END PRIVATE KEY-----");
    private static final Pattern CERT = Pattern.compile("-----BEGIN CERTIFICATE-----([^-]+)-----END CERTIFICATE-----");

    private Pem() {}

    static X509Certificate certificate(String pem) {
        Matcher cert = CERT.matcher(pem);
        if (!cert.find()) {
            throw new IllegalArgumentException("the PEM text has no CERTIFICATE block");
        }
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(
                            new ByteArrayInputStream(Base64.getMimeDecoder().decode(cert.group(1))));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("the PEM CERTIFICATE block is not an X.509 certificate");
        }
    }

    static Credential credential(String pem) {
        X509Certificate c = certificate(pem);
        Matcher key = KEY.matcher(pem);
        if (!key.find()) {
            throw new IllegalArgumentException("the PEM text has no unencrypted PKCS#8 'PRIVATE KEY' block (convert"
                    + " with: openssl pkcs8 -topk8 -nocrypt)");
        }
        try {
            PrivateKey k = KeyFactory.getInstance(c.getPublicKey().getAlgorithm())
                    .generatePrivate(
                            new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(key.group(1))));
            return new Credential.Certificate(k, c);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("the PEM PRIVATE KEY block is not a key for the certificate");
        }
    }
}
