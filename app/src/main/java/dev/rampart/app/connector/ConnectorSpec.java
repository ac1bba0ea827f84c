package dev.rampart.app.connector;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rampart.defender.Cloud;
import dev.rampart.defender.Credential;
import dev.rampart.defender.DefenderClient;
import dev.rampart.defender.DefenderClientBuilder;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A Defender connector as a file ({@code connector.json}) describes it. {@link #parse} reports every problem at once
 * and names unknown keys. The secret is never in the file: {@code secretEnv} names an environment variable and
 * {@code secretFile} a file that holds it.
 */
public record ConnectorSpec(
        String project,
        String name,
        String description,
        String tenantId,
        String clientId,
        String secretEnv,
        String secretFile,
        String cloud,
        String sandbox,
        String baseUrl,
        Scope scope,
        boolean enabled,
        ConnectorOptions options) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> KEYS = Set.of(
            "project",
            "name",
            "description",
            "tenantId",
            "clientId",
            "secretEnv",
            "secretFile",
            "cloud",
            "sandbox",
            "baseUrl",
            "scope",
            "enabled",
            "options");
    private static final Pattern PROJECT_KEY = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    /** Thrown with every problem found in a connector description. */
    public static final class InvalidConnectorException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final List<String> problems;

        public InvalidConnectorException(List<String> problems) {
            super("the connector is not valid: " + String.join("; ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    public static ConnectorSpec read(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the connector file " + file + ": " + e.getMessage(), e);
        }
    }

    public static ConnectorSpec parse(String json) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidConnectorException(List.of("not JSON: " + e.getOriginalMessage()));
        }
        if (node == null || !node.isObject()) {
            throw new InvalidConnectorException(List.of("the connector must be a JSON object"));
        }
        List<String> problems = new ArrayList<>();
        List<String> unknown = ConnectorSpec.unknownKeys(node, KEYS);
        if (!unknown.isEmpty()) {
            problems.add("unknown keys " + unknown + " (known: "
                    + KEYS.stream().sorted().toList() + ")");
        }
        String project = text(node, "project", true, problems);
        if (project != null && !PROJECT_KEY.matcher(project).matches()) {
            problems.add("project must be 1 to 63 lower-case letters, digits, '-' or '_', starting with a letter or"
                    + " digit");
        }
        String name = text(node, "name", true, problems);
        String tenantId = text(node, "tenantId", true, problems);
        String clientId = text(node, "clientId", true, problems);
        String secretEnv = text(node, "secretEnv", false, problems);
        String secretFile = text(node, "secretFile", false, problems);
        if ((secretEnv == null) == (secretFile == null)) {
            problems.add("give exactly one of secretEnv (an environment variable's name) or secretFile (a path); the"
                    + " secret itself never goes in the file");
        }
        String cloud = text(node, "cloud", false, problems);
        String sandbox = text(node, "sandbox", false, problems);
        String baseUrl = text(node, "baseUrl", false, problems);
        int endpoints = (cloud == null ? 0 : 1) + (sandbox == null ? 0 : 1) + (baseUrl == null ? 0 : 1);
        if (endpoints > 1) {
            problems.add("give at most one of cloud, sandbox or baseUrl");
        }
        if (cloud != null) {
            try {
                Cloud.parse(cloud);
            } catch (IllegalArgumentException e) {
                problems.add("cloud: " + e.getMessage());
            }
        }
        for (String[] url : new String[][] {{"sandbox", sandbox}, {"baseUrl", baseUrl}}) {
            if (url[1] != null) {
                try {
                    URI u = URI.create(url[1]);
                    if (u.getScheme() == null || u.getHost() == null) {
                        problems.add(url[0] + " must be an absolute http(s) URL");
                    } else if (url[0].equals("baseUrl") && !u.getScheme().equals("https")) {
                        problems.add("baseUrl must use https");
                    }
                } catch (IllegalArgumentException e) {
                    problems.add(url[0] + " is not a URL");
                }
            }
        }
        Scope scope = Scope.parse(node.get("scope"), "scope", problems);
        JsonNode enabledNode = node.get("enabled");
        if (enabledNode != null && !enabledNode.isBoolean()) {
            problems.add("enabled must be true or false");
        }
        ConnectorOptions options = ConnectorOptions.parse(node.get("options"), "options", problems);
        if (!problems.isEmpty()) {
            throw new InvalidConnectorException(problems);
        }
        return new ConnectorSpec(
                project,
                name,
                text(node, "description", false, new ArrayList<>()),
                tenantId,
                clientId,
                secretEnv,
                secretFile,
                cloud,
                sandbox,
                baseUrl,
                scope,
                enabledNode == null || enabledNode.asBoolean(),
                options);
    }

    /** The keys of an object that are not in {@code known}, in their order. */
    static List<String> unknownKeys(JsonNode node, Set<String> known) {
        List<String> unknown = new ArrayList<>();
        node.fieldNames().forEachRemaining(k -> {
            if (!known.contains(k)) {
                unknown.add(k);
            }
        });
        return unknown;
    }

    private static String text(JsonNode node, String key, boolean required, List<String> problems) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            if (required) {
                problems.add(key + " is required");
            }
            return null;
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            problems.add(key + " must be a non-empty string");
            return null;
        }
        return v.asText().trim();
    }

    /** Where the secret is read from, as stored: {@code env:NAME} or {@code file:PATH}. */
    public String secretRef() {
        return secretEnv != null ? "env:" + secretEnv : secretFile != null ? "file:" + secretFile : null;
    }

    /** A client for this connector; the secret is read now, from the environment or the file. */
    public DefenderClient client(Function<String, String> env) {
        return builder(env).build();
    }

    /** A client builder set up for this connector, for callers that add to it (a transport of their own). */
    public DefenderClientBuilder builder(Function<String, String> env) {
        return builder(Credential.secret(Secrets.resolve(secretRef(), env)));
    }

    /** A client builder with a credential the caller has already (the server's decrypted, stored credential). */
    public DefenderClientBuilder builder(Credential credential) {
        DefenderClientBuilder b = new DefenderClientBuilder()
                .tenantId(tenantId)
                .clientId(clientId)
                .credential(credential)
                .component("sync");
        if (sandbox != null) {
            b.sandbox(URI.create(sandbox));
        } else if (baseUrl != null) {
            b.customBaseUrl(URI.create(baseUrl));
        } else if (cloud != null) {
            b.cloud(Cloud.parse(cloud));
        }
        return b;
    }
}
