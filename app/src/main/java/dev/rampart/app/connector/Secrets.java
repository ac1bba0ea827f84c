package dev.rampart.app.connector;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/** Reads a secret given by reference: {@code env:NAME} or {@code file:PATH}. Errors name the place, never the value. */
public final class Secrets {
    private Secrets() {}

    public static String resolve(String ref, Function<String, String> env) {
        if (ref == null) {
            throw new IllegalArgumentException("the connector has no credential reference");
        }
        if (ref.startsWith("env:")) {
            String name = ref.substring(4);
            String v = env.apply(name);
            if (v == null || v.isBlank()) {
                throw new IllegalArgumentException("the environment variable " + name + " that should hold the"
                        + " connector's secret is not set");
            }
            return v.trim();
        }
        if (ref.startsWith("file:")) {
            Path p = Path.of(ref.substring(5));
            try {
                String v = Files.readString(p, StandardCharsets.UTF_8).trim();
                if (v.isEmpty()) {
                    throw new IllegalArgumentException("the secret file " + p + " is empty");
                }
                return v;
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        "cannot read the secret file " + p + ": " + e.getClass().getSimpleName());
            }
        }
        throw new IllegalArgumentException("a credential reference is env:NAME or file:PATH");
    }
}
