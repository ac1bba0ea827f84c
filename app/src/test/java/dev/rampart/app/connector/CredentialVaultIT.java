package dev.rampart.app.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rampart.app.database.TestDatabase;
import dev.rampart.app.server.AdminCommandsAccess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Credentials at rest: AES-GCM bound to their connector, the key file's mode, and key rotation. */
class CredentialVaultIT {
    private final DataSource ds = TestDatabase.get().dataSource();
    private final JdbcClient jdbc = JdbcClient.create(ds);

    private long connector(String name) {
        ConnectorSpec spec = ConnectorSpec.parse(
                "{\"project\":\"vault-" + ProcessHandle.current().pid() + "\",\"name\":\"" + name
                        + "\",\"tenantId\":\"t\",\"clientId\":\"c\",\"secretEnv\":\"X\"}");
        return new Connectors(ds).save(spec).id();
    }

    @Test
    void aSealedSecretShouldOpenOnlyForItsConnectorAndNotAfterTampering() throws Exception {
        Path home = Files.createTempDirectory("vault");
        MasterKey key = MasterKey.fromFile(home.resolve("master.key"));
        assertThat(Files.getPosixFilePermissions(home.resolve("master.key")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        CredentialVault vault = new CredentialVault(ds, key);
        long a = connector("a");
        long b = connector("b");
        vault.store(a, "the secret");
        assertThat(vault.read(a)).isEqualTo("the secret");
        byte[] sealed = jdbc.sql("select secret_ciphertext from connector where id = ?")
                .param(a)
                .query(byte[].class)
                .single();
        assertThat(new String(sealed, java.nio.charset.StandardCharsets.ISO_8859_1))
                .doesNotContain("the secret");
        jdbc.sql("update connector set secret_ciphertext = ?, secret_key_id = ? where id = ?")
                .params(sealed, key.currentId(), b)
                .update();
        assertThatThrownBy(() -> vault.read(b)).hasMessageContaining("does not decrypt");
        sealed[sealed.length - 1] ^= 1;
        jdbc.sql("update connector set secret_ciphertext = ? where id = ?")
                .params(sealed, a)
                .update();
        assertThatThrownBy(() -> vault.read(a)).hasMessageContaining("does not decrypt");
        assertThat(MasterKey.fromFile(home.resolve("master.key")).currentId()).isEqualTo(key.currentId());
    }

    @Test
    void rotatingTheKeyFileShouldReencryptEveryCredentialAndDropTheOldKey() throws Exception {
        Path home = Files.createTempDirectory("vault-rotate");
        MasterKey before = MasterKey.fromFile(home.resolve("master.key"));
        long c = connector("rotated");
        new CredentialVault(ds, before).store(c, "kept across rotation");
        String output = AdminCommandsAccess.keyRotate(TestDatabase.get(), home, Map.of());
        MasterKey after = MasterKey.fromFile(home.resolve("master.key"));
        assertThat(after.currentId()).isNotEqualTo(before.currentId());
        assertThat(output).contains(after.currentId());
        assertThat(Files.exists(home.resolve("master.key.previous"))).isFalse();
        assertThat(new CredentialVault(ds, after).read(c)).isEqualTo("kept across rotation");
        assertThat(jdbc.sql("select secret_key_id from connector where id = ?")
                        .param(c)
                        .query(String.class)
                        .single())
                .isEqualTo(after.currentId());
        assertThatThrownBy(() -> new CredentialVault(ds, before).read(c)).isInstanceOf(IllegalStateException.class);
    }
}
