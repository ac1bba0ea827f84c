package dev.rampart.defender;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Enumeration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the app proves who it is to Entra ID: a client secret, or a certificate with its private key. Never printed:
 * {@link #toString()} names the kind only.
 */
public sealed interface Credential {

    /** A client secret value (not the secret's id). */
    record ClientSecret(String value) implements Credential {
        public ClientSecret {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("the client secret is empty");
            }
        }

        @Override
        public String toString() {
            return "ClientSecret[***]";
        }
    }

    /** A certificate registered on the app and its private key. */
    record Certificate(PrivateKey key, X509Certificate certificate) implements Credential {
        @Override
        public String toString() {
            return "Certificate[" + certificate.getSubjectX500Principal().getName() + "]";
        }
    }

    static Credential secret(String value) {
        return new ClientSecret(value);
    }

    /** Reads a PEM file holding an unencrypted PKCS#8 private key and the certificate. */
    static Credential pem(Path file) {
        try {
            String pem = Files.readString(file, StandardCharsets.US_ASCII);
            Matcher key = Pattern.compile("-----BEGIN PRIVATE KEY-----([^-]+)-----END PRIVATE KEY-----")
                    .matcher(pem);
            Matcher cert = Pattern.compile("-----BEGIN CERTIFICATE-----([^-]+)-----END CERTIFICATE-----")
                    .matcher(pem);
            if (!key.find() || !cert.find()) {
                throw new IllegalArgumentException(file + " must hold a PKCS#8 'PRIVATE KEY' block and a 'CERTIFICATE'"
                        + " block (convert with: openssl pkcs8 -topk8 -nocrypt)");
            }
            byte[] keyDer = Base64.getMimeDecoder().decode(key.group(1));
            byte[] certDer = Base64.getMimeDecoder().decode(cert.group(1));
            X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new java.io.ByteArrayInputStream(certDer));
            PrivateKey k = KeyFactory.getInstance(c.getPublicKey().getAlgorithm())
                    .generatePrivate(new PKCS8EncodedKeySpec(keyDer));
            return new Certificate(k, c);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read the certificate file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a PKCS#12 (.pfx/.p12) file; the password may be empty. */
    static Credential pkcs12(Path file, char[] password) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password);
            for (Enumeration<String> aliases = ks.aliases(); aliases.hasMoreElements(); ) {
                String alias = aliases.nextElement();
                if (ks.isKeyEntry(alias)) {
                    return new Certificate(
                            (PrivateKey) ks.getKey(alias, password), (X509Certificate) ks.getCertificate(alias));
                }
            }
            throw new IllegalArgumentException(file + " holds no private key");
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read the PKCS#12 file " + file + ": " + e.getMessage(), e);
        }
    }
}
