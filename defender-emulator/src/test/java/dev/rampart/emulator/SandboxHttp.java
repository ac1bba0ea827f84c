package dev.rampart.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** A plain HTTP client for tests: raw requests to the emulator, with token helpers. No Rampart client code. */
final class SandboxHttp {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String DEFENDER_SCOPE = "https://api.securitycenter.microsoft.com/.default";
    static final String GRAPH_SCOPE = "https://graph.microsoft.com/.default";

    private final DefenderEmulator emulator;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final Map<String, String> tokens = new LinkedHashMap<>();

    SandboxHttp(DefenderEmulator emulator) {
        this.emulator = emulator;
    }

    record Response(int status, HttpResponse<byte[]> raw) {
        JsonNode json() {
            try {
                return JSON.readTree(raw.body());
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + text(), e);
            }
        }

        String text() {
            return new String(raw.body(), StandardCharsets.UTF_8);
        }

        byte[] bytes() {
            return raw.body();
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    Response tokenRequest(String tenant, boolean v2, Map<String, String> fields) {
        String path = "/" + tenant + (v2 ? "/oauth2/v2.0/token" : "/oauth2/token");
        return send(HttpRequest.newBuilder(URI.create(emulator.loginUrl() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(fields))));
    }

    Map<String, String> secretForm(String scope) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("grant_type", "client_credentials");
        f.put("client_id", emulator.clientId());
        f.put("client_secret", emulator.clientSecret());
        f.put("scope", scope);
        return f;
    }

    String token(String scope) {
        return tokens.computeIfAbsent(scope, s -> {
            Response r = tokenRequest(emulator.tenantId(), true, secretForm(s));
            if (r.status() != 200) {
                throw new AssertionError("token request failed: " + r.status() + " " + r.text());
            }
            return r.json().get("access_token").asText();
        });
    }

    void forgetTokens() {
        tokens.clear();
    }

    /** GET with the right token for the path: Defender for /api, Graph for /v1.0, none otherwise. */
    Response get(String pathOrUrl) {
        String url = (pathOrUrl.startsWith("http") ? pathOrUrl : emulator.baseUrl() + pathOrUrl).replace(" ", "%20");
        String path = URI.create(url).getPath();
        String token =
                path.startsWith("/api") ? token(DEFENDER_SCOPE) : path.startsWith("/v1.0") ? token(GRAPH_SCOPE) : null;
        return get(url, token);
    }

    Response get(String url, String token) {
        String full = (url.startsWith("http") ? url : emulator.baseUrl() + url).replace(" ", "%20");
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(full)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b);
    }

    /** Every item of a list, following {@code @odata.nextLink} to the end. */
    java.util.List<JsonNode> all(String first) {
        java.util.List<JsonNode> items = new java.util.ArrayList<>();
        String url = first;
        while (url != null) {
            Response r = get(url);
            if (r.status() != 200) {
                throw new AssertionError(url + " answered " + r.status() + ": " + r.text());
            }
            JsonNode body = r.json();
            body.get("value").forEach(items::add);
            url = body.has("@odata.nextLink") ? body.get("@odata.nextLink").asText() : null;
        }
        return items;
    }

    Response post(String path, String json) {
        String token =
                path.startsWith("/api") ? token(DEFENDER_SCOPE) : path.startsWith("/v1.0") ? token(GRAPH_SCOPE) : null;
        return post(path, json, token);
    }

    Response post(String path, String json, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(emulator.baseUrl() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b);
    }

    Response control(String method, String path, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(emulator.controlUrl() + path))
                .header("Content-Type", "application/json")
                .method(
                        method,
                        json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return send(b);
    }

    Response send(HttpRequest.Builder b) {
        try {
            HttpResponse<byte[]> r =
                    http.send(b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Response(r.statusCode(), r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Decodes a JWT's payload without checking it. */
    static JsonNode claims(String jwt) {
        try {
            return JSON.readTree(java.util.Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
