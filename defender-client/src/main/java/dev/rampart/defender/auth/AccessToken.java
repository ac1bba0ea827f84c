package dev.rampart.defender.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * An access token and what it says about itself (decoded, not verified: the API verifies it). {@link #toString()}
 * never shows the token.
 */
public record AccessToken(String value, Instant expiresOn) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The token's claims, or an empty object if it is not a JWT. */
    public JsonNode claims() {
        String[] parts = value.split("\\.");
        if (parts.length < 2) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        } catch (IOException | IllegalArgumentException e) {
            return JSON.createObjectNode();
        }
    }

    /** The application permissions granted to the app for this token's audience ({@code roles} claim). */
    public List<String> roles() {
        List<String> out = new ArrayList<>();
        claims().path("roles").forEach(r -> out.add(r.asText()));
        return out;
    }

    public String tenantId() {
        return claims().path("tid").asText(null);
    }

    public String audience() {
        return claims().path("aud").asText(null);
    }

    @Override
    public String toString() {
        return "AccessToken[aud=" + audience() + ", expiresOn=" + expiresOn + ", token=***]";
    }
}
