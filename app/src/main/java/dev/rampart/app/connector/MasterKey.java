package dev.rampart.app.connector;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AES-256 keys that protect stored credentials: the current one, and earlier ones still able to decrypt until
 * {@code rampart key rotate} has re-encrypted everything. The key comes from configuration or the environment
 * ({@code RAMPART_MASTER_KEY}, base64 of 32 bytes; {@code RAMPART_MASTER_KEY_PREVIOUS} for the one it replaces), or
 * from a key file created with mode 0600 on first start ({@code $RAMPART_HOME/master.key}; rotation keeps the old key
 * as {@code master.key.previous}). Each key has an id (a hash prefix) stored beside every ciphertext.
 */
public final class MasterKey {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKey current;
    private final List<SecretKey> previous;
    private final Path file;

    private MasterKey(SecretKey current, List<SecretKey> previous, Path file) {
        this.current = current;
        this.previous = List.copyOf(previous);
        this.file = file;
    }

    /** From base64 values (configuration or environment); {@code previous} may be null. */
    public static MasterKey of(String base64, String previousBase64) {
        List<SecretKey> prev = new ArrayList<>();
        if (previousBase64 != null && !previousBase64.isBlank()) {
            prev.add(decode(previousBase64, "the previous master key"));
        }
        return new MasterKey(decode(base64, "the master key"), prev, null);
    }

    /** From the key file, created (0600, 32 random bytes) when it does not exist. */
    public static MasterKey fromFile(Path file) {
        try {
            if (!Files.exists(file)) {
                write(file, newKeyBytes());
            }
            List<SecretKey> prev = new ArrayList<>();
            Path old = previousFile(file);
            if (Files.exists(old)) {
                prev.add(read(old));
            }
            return new MasterKey(read(file), prev, file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the master key file " + file, e);
        }
    }

    static Path previousFile(Path file) {
        return file.resolveSibling(file.getFileName() + ".previous");
    }

    private static SecretKey read(Path file) throws IOException {
        return decode(Files.readString(file).trim(), "the master key file " + file);
    }

    private static SecretKey decode(String base64, String what) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not base64");
        }
        if (bytes.length != 32) {
            throw new IllegalArgumentException(
                    what + " must be 32 bytes (AES-256), base64-encoded; it has " + bytes.length);
        }
        return new SecretKeySpec(bytes, "AES");
    }

    static byte[] newKeyBytes() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return b;
    }

    /** Writes a key file readable by its owner only, atomically (a temporary file renamed over the target). */
    private static void write(Path file, byte[] key) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp);
        }
        Files.writeString(tmp, Base64.getEncoder().encodeToString(key) + "\n", StandardOpenOption.TRUNCATE_EXISTING);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * For the key file: keeps the current key as the previous one and makes a new current key. The caller then
     * re-encrypts every stored credential ({@link CredentialVault#reencryptAll}) and calls {@link #forgetPrevious}.
     */
    public MasterKey rotateFile() {
        if (file == null) {
            throw new IllegalStateException("the master key is given by configuration or the environment: set the new"
                    + " key as RAMPART_MASTER_KEY and the old one as RAMPART_MASTER_KEY_PREVIOUS, then run"
                    + " `rampart key rotate` to re-encrypt the credentials under the new key");
        }
        try {
            Path old = previousFile(file);
            Files.copy(file, old, StandardCopyOption.REPLACE_EXISTING);
            try {
                Files.setPosixFilePermissions(old, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system
            }
            write(file, newKeyBytes());
            return fromFile(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rotate the master key file " + file, e);
        }
    }

    /** After re-encryption: the previous key file is deleted. */
    public void forgetPrevious() {
        if (file != null) {
            try {
                Files.deleteIfExists(previousFile(file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public SecretKey current() {
        return current;
    }

    public String currentId() {
        return id(current);
    }

    /** Whether this key, or one it replaced, has the id. */
    boolean knows(String id) {
        return id(current).equals(id) || previous.stream().anyMatch(k -> id(k).equals(id));
    }

    /** The key of an id, current or previous. */
    SecretKey byId(String id) {
        if (id(current).equals(id)) {
            return current;
        }
        for (SecretKey k : previous) {
            if (id(k).equals(id)) {
                return k;
            }
        }
        throw new IllegalStateException("a stored credential is encrypted under master key " + id
                + ", which is neither the current nor the previous key; restore that key (RAMPART_MASTER_KEY_PREVIOUS"
                + " or master.key.previous) or enter the credential again");
    }

    static String id(SecretKey k) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(k.getEncoded());
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "MasterKey[" + currentId() + "]";
    }
}
