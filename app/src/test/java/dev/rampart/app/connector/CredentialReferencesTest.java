package dev.rampart.app.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Credential references are the operator's: none by default, only in configured places, read without telling. */
class CredentialReferencesTest {
    @TempDir
    Path tmp;

    @Test
    void aServerWithoutConfigurationShouldAcceptNoReference() {
        CredentialReferences none = CredentialReferences.none();
        assertThat(none.refusal("file:/etc/passwd"))
                .contains("this server accepts no file references" + " (rampart.credentials.reference-directories)");
        assertThat(none.refusal("env:HOME"))
                .contains("this server accepts no environment-variable references"
                        + " (rampart.credentials.reference-env-prefixes)");
        assertThat(none.refusal("http://x")).contains("must be env:NAME or file:/absolute/path");
        assertThatThrownBy(() -> none.resolve("file:/etc/passwd"))
                .hasMessageStartingWith("the connector's credential reference is not accepted here");
    }

    @Test
    void aFileShouldBeReadOnlyInsideAnAllowedDirectoryAndEveryFailureSaidAlike() throws Exception {
        Path secrets = Files.createDirectory(tmp.resolve("secrets"));
        Files.writeString(secrets.resolve("mde"), "  the-secret \n");
        Files.writeString(secrets.resolve("empty"), "");
        Files.createDirectory(secrets.resolve("dir"));
        Path outside = Files.writeString(tmp.resolve("outside"), "not for connectors");
        Files.createSymbolicLink(secrets.resolve("link"), outside);
        CredentialReferences refs = new CredentialReferences(List.of(secrets), List.of(), n -> null);

        assertThat(refs.resolve("file:" + secrets.resolve("mde"))).isEqualTo("the-secret");
        assertThat(refs.refusal("file:" + outside)).contains("the file must be in " + secrets);
        assertThat(refs.refusal("file:" + secrets + "/../outside")).contains("the file must be in " + secrets);
        assertThat(refs.refusal("file:" + secrets)).isPresent();
        assertThat(refs.refusal("file:relative/path")).contains("file: must be followed by an absolute path");
        // missing, empty, a directory, a link out of the directory: one sentence, which says nothing of which
        String sentence = null;
        for (String name : List.of("missing", "empty", "dir", "link")) {
            String ref = "file:" + secrets.resolve(name);
            String message = catchMessage(() -> refs.resolve(ref));
            String general = message.replace(ref, "REF");
            if (sentence == null) {
                sentence = general;
            }
            assertThat(general).as(name).isEqualTo(sentence);
        }
        assertThat(sentence)
                .isEqualTo("the connector's credential reference REF gives no secret: it must name a set variable or a"
                        + " readable, non-empty file in an allowed directory; ask the server administrator");
    }

    @Test
    void anEnvironmentVariableShouldBeReadOnlyWithAnAllowedPrefix() {
        CredentialReferences refs = new CredentialReferences(
                List.of(), List.of("RAMPART_SECRET_"), Map.of("RAMPART_SECRET_MDE", "s3cret", "HOME", "/root")::get);
        assertThat(refs.resolve("env:RAMPART_SECRET_MDE")).isEqualTo("s3cret");
        assertThat(refs.refusal("env:HOME")).contains("the variable's name must start with RAMPART_SECRET_");
        assertThat(refs.refusal("env:BAD-NAME")).isPresent();
        assertThat(catchMessage(() -> refs.resolve("env:RAMPART_SECRET_UNSET"))).contains("gives no secret");
    }

    private static String catchMessage(Runnable r) {
        try {
            r.run();
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        throw new AssertionError("no refusal");
    }
}
