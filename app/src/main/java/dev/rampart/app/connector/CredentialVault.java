package dev.rampart.app.connector;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Connector credentials encrypted at rest: AES-256-GCM, a fresh 96-bit nonce per value, the connector's id as
 * associated data (a ciphertext copied to another connector does not decrypt). Stored as nonce || ciphertext+tag,
 * with the key's id.
 */
public final class CredentialVault {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;

    private final DataSource dataSource;
    private final JdbcClient jdbc;
    private volatile MasterKey key;

    public CredentialVault(DataSource dataSource, MasterKey key) {
        this.dataSource = dataSource;
        this.jdbc = JdbcClient.create(dataSource);
        this.key = key;
    }

    public record Sealed(byte[] bytes, String keyId) {}

    Sealed seal(long connectorId, String secret) {
        return seal(connectorId, secret, key);
    }

    private static Sealed seal(long connectorId, String secret, MasterKey key) {
        try {
            byte[] nonce = new byte[NONCE];
            RANDOM.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key.current(), new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(aad(connectorId));
            byte[] ct = c.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return new Sealed(
                    ByteBuffer.allocate(NONCE + ct.length).put(nonce).put(ct).array(), key.currentId());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "could not encrypt the credential: " + e.getClass().getSimpleName());
        }
    }

    String open(long connectorId, byte[] sealed, String keyId) {
        return open(connectorId, sealed, keyId, key);
    }

    private static String open(long connectorId, byte[] sealed, String keyId, MasterKey key) {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key.byId(keyId), new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE));
            c.updateAAD(aad(connectorId));
            return new String(c.doFinal(sealed, NONCE, sealed.length - NONCE), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the stored credential of connector " + connectorId
                    + " does not decrypt under its master key (was the key replaced?); enter the credential again");
        }
    }

    private static byte[] aad(long connectorId) {
        return ("rampart-connector:" + connectorId).getBytes(StandardCharsets.UTF_8);
    }

    /** Encrypts and stores a connector's credential; clears any env:/file: reference. */
    public void store(long connectorId, String secret) {
        Sealed s = seal(connectorId, secret);
        jdbc.sql(
                        """
                        update connector set secret_ciphertext = ?, secret_key_id = ?, secret_ref = null,
                               expiry_warned = null, updated_at = now() where id = ?
                        """)
                .params(s.bytes(), s.keyId(), connectorId)
                .update();
    }

    /** The decrypted credential of a connector, or null when it has none stored (it may have a reference). */
    public String read(long connectorId) {
        return jdbc.sql("select secret_ciphertext, secret_key_id from connector where id = ?")
                .param(connectorId)
                .query((rs, n) -> {
                    byte[] b = rs.getBytes(1);
                    return b == null ? null : open(connectorId, b, rs.getString(2));
                })
                .optional()
                .orElse(null);
    }

    /** What a re-encryption did: how many credentials moved to the new key, and how many no known key opens. */
    public record Rotation(int reencrypted, List<Long> unreadable) {}

    /**
     * Re-encrypts every stored credential under {@code next}'s current key, in one transaction (all or none), then
     * makes {@code next} the key in use. Credentials under a key that neither this vault's nor {@code next}'s keys
     * know are left as they are and reported (they were unreadable before, and stay so until entered again).
     */
    public Rotation reencryptAll(MasterKey next) throws java.sql.SQLException {
        record Row(long id, byte[] bytes, String keyId) {}
        List<Row> rows = jdbc.sql(
                        "select id, secret_ciphertext, secret_key_id from connector where secret_ciphertext is not null")
                .query((rs, n) -> new Row(rs.getLong(1), rs.getBytes(2), rs.getString(3)))
                .list();
        List<Long> unreadable = new java.util.ArrayList<>();
        int done = dev.rampart.app.database.Transactions.run(dataSource, tx -> {
            int n = 0;
            for (Row r : rows) {
                if (!next.knows(r.keyId()) && !key.knows(r.keyId())) {
                    unreadable.add(r.id());
                    continue;
                }
                String plain = open(r.id(), r.bytes(), r.keyId(), next.knows(r.keyId()) ? next : key);
                Sealed s = seal(r.id(), plain, next);
                tx.sql("update connector set secret_ciphertext = ?, secret_key_id = ? where id = ?")
                        .params(s.bytes(), s.keyId(), r.id())
                        .update();
                n++;
            }
            return n;
        });
        this.key = next;
        return new Rotation(done, List.copyOf(unreadable));
    }
}
