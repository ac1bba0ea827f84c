package dev.rampart.app.connector;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Which credential references ({@code env:NAME}, {@code file:PATH}) the server accepts and how it reads them. A
 * reference makes the server read its own environment or files, so it is the operator's decision: none are accepted
 * unless the configuration names directories ({@code rampart.credentials.reference-directories}) or variable
 * prefixes ({@code rampart.credentials.reference-env-prefixes}), only a server administrator may set one, the rules
 * are checked again each time a secret is read, and no answer tells whether a path exists or a variable is set.
 */
public final class CredentialReferences {
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    /** A secret or a PEM certificate with its key fits in this; a larger file is not one. */
    private static final int MAX_BYTES = 64 * 1024;

    private final List<Path> directories;
    private final List<String> envPrefixes;
    private final Function<String, String> env;

    public CredentialReferences(List<Path> directories, List<String> envPrefixes, Function<String, String> env) {
        this.directories =
                directories.stream().map(d -> d.toAbsolutePath().normalize()).toList();
        this.envPrefixes =
                envPrefixes.stream().filter(p -> !p.isBlank()).map(String::trim).toList();
        this.env = env;
    }

    /** A server that accepts no references (the default). */
    public static CredentialReferences none() {
        return new CredentialReferences(List.of(), List.of(), name -> null);
    }

    /** Why this server does not accept the reference, from its text alone (nothing is read); empty when it does. */
    public Optional<String> refusal(String ref) {
        if (ref == null || ref.isBlank()) {
            return Optional.of("is empty");
        }
        if (ref.startsWith("env:")) {
            String name = ref.substring(4);
            if (!ENV_NAME.matcher(name).matches()) {
                return Optional.of("env: must be followed by a variable name (letters, digits, '_')");
            }
            if (envPrefixes.isEmpty()) {
                return Optional.of("this server accepts no environment-variable references"
                        + " (rampart.credentials.reference-env-prefixes)");
            }
            return envPrefixes.stream().anyMatch(name::startsWith)
                    ? Optional.empty()
                    : Optional.of("the variable's name must start with " + String.join(" or ", envPrefixes));
        }
        if (ref.startsWith("file:")) {
            String p = ref.substring(5);
            if (!p.startsWith("/") || dev.rampart.app.web.Text.hasControl(p)) {
                return Optional.of("file: must be followed by an absolute path");
            }
            if (directories.isEmpty()) {
                return Optional.of(
                        "this server accepts no file references (rampart.credentials.reference-directories)");
            }
            Path path = Path.of(p).normalize();
            return directories.stream().anyMatch(d -> path.startsWith(d) && !path.equals(d))
                    ? Optional.empty()
                    : Optional.of("the file must be in "
                            + String.join(
                                    " or ",
                                    directories.stream().map(Path::toString).toList()));
        }
        return Optional.of("must be env:NAME or file:/absolute/path");
    }

    /**
     * The secret a reference gives. The rules are checked again (the configuration may have changed since it was set);
     * a file's real path, symbolic links followed, must still be inside an allowed directory. Any failure to read is
     * the same sentence, whatever the cause.
     *
     * @throws IllegalArgumentException with that sentence
     */
    public String resolve(String ref) {
        Optional<String> refused = refusal(ref);
        if (refused.isPresent()) {
            throw new IllegalArgumentException(
                    "the connector's credential reference is not accepted here: " + refused.get());
        }
        String value = ref.startsWith("env:") ? env.apply(ref.substring(4)) : readFile(Path.of(ref.substring(5)));
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("the connector's credential reference " + ref
                    + " gives no secret: it must name a set variable or a readable, non-empty file in an allowed"
                    + " directory; ask the server administrator");
        }
        return value.trim();
    }

    private String readFile(Path p) {
        try {
            Path real = p.toRealPath();
            boolean inside = false;
            for (Path d : directories) {
                try {
                    Path dir = d.toRealPath();
                    inside |= real.startsWith(dir) && !real.equals(dir);
                } catch (IOException e) {
                    // an allowed directory that does not exist holds nothing
                }
            }
            if (!inside || !Files.isRegularFile(real)) {
                return null;
            }
            try (InputStream in = Files.newInputStream(real)) {
                byte[] b = in.readNBytes(MAX_BYTES + 1);
                return b.length > MAX_BYTES ? null : new String(b, StandardCharsets.UTF_8);
            }
        } catch (IOException | SecurityException e) {
            return null;
        }
    }
}
