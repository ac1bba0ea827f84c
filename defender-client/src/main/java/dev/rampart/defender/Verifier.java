package dev.rampart.defender;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rampart.defender.VerifyResult.Check;
import dev.rampart.defender.VerifyResult.Status;
import dev.rampart.defender.VerifyResult.TokenFacts;
import dev.rampart.defender.auth.AccessToken;
import dev.rampart.defender.error.AuthenticationException;
import dev.rampart.defender.error.DefenderException;
import dev.rampart.defender.error.PermissionException;
import dev.rampart.defender.http.HttpPipeline;
import dev.rampart.defender.http.HttpPipeline.Auth;
import dev.rampart.defender.http.RateLimiter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Verify (F2): gets both tokens, then probes each data set with one cheap call ({@code $top=1} where the endpoint
 * pages) and sorts the outcome into reachable, missing permission (which one, and where to grant it) or error.
 */
final class Verifier {
    private final DefenderClient client;
    private final HttpPipeline pipeline;

    Verifier(DefenderClient client, HttpPipeline pipeline) {
        this.client = client;
        this.pipeline = pipeline;
    }

    VerifyResult verify() {
        TokenFacts defender = facts(Auth.DEFENDER);
        TokenFacts graph = facts(Auth.GRAPH);
        List<Check> checks = new ArrayList<>();
        String[] machineId = {null};
        checks.add(probe("machines", "Machine.Read.All", defender, () -> {
            JsonNode page = client.getJson(
                    client.api("/api/machines?$top=1"),
                    "machines",
                    DefenderClient.STANDARD,
                    Auth.DEFENDER,
                    DefenderClient.MACHINE_READ);
            machineId[0] = page.path("value").path(0).path("id").asText(null);
            return page.path("value").size() + " device(s) returned";
        }));
        checks.add(probe(
                "vulnerabilities",
                "Vulnerability.Read.All",
                defender,
                () -> count(
                        client.api("/api/vulnerabilities?$top=1"),
                        "vulnerabilities",
                        DefenderClient.VULNERABILITY_READ)));
        checks.add(probe(
                "software",
                "Software.Read.All",
                defender,
                () -> count(client.api("/api/software?$top=1"), "software", DefenderClient.SOFTWARE_READ)));
        checks.add(probe(
                "alerts",
                "Alert.Read.All",
                defender,
                () -> count(client.api("/api/alerts?$top=1"), "alerts", DefenderClient.ALERT_READ)));
        checks.add(probe("logon-users", "User.Read.All", defender, () -> {
            if (machineId[0] == null) {
                if (!defender.roles().contains("User.Read.All")) {
                    throw new MissingRole("User.Read.All");
                }
                return "no device to probe; the token carries User.Read.All";
            }
            return count(
                    client.api("/api/machines/" + DefenderClient.enc(machineId[0]) + "/logonusers"),
                    "logonusers",
                    DefenderClient.USER_READ);
        }));
        checks.add(probe(
                "machine-actions",
                "Machine.Read.All",
                defender,
                () -> count(client.api("/api/machineactions?$top=1"), "machineactions", DefenderClient.MACHINE_READ)));
        checks.add(hunting(defender, graph));
        checks.add(probe("graph-organization", "Organization.Read.All", graph, () -> {
            JsonNode body = client.getJson(
                    client.graph("/organization"),
                    "organization",
                    RateLimiter.Quota.NONE,
                    Auth.GRAPH,
                    DefenderClient.GRAPH_ORGANIZATION);
            return "organization "
                    + body.path("value").path(0).path("displayName").asText("?");
        }));
        checks.add(probe("graph-directory", "User.Read.All", graph, () -> {
            client.getJson(
                    client.graph("/users?$top=1&$select=id"),
                    "users",
                    RateLimiter.Quota.NONE,
                    Auth.GRAPH,
                    DefenderClient.GRAPH_USERS);
            try {
                client.getJson(
                        client.graph("/groups?$top=1"),
                        "groups",
                        RateLimiter.Quota.NONE,
                        Auth.GRAPH,
                        DefenderClient.GRAPH_GROUPS);
            } catch (PermissionException e) {
                throw new MissingRole("GroupMember.Read.All", e.getMessage());
            }
            return "users and groups readable";
        }));
        return new VerifyResult(defender, graph, checks);
    }

    private String count(java.net.URI uri, String endpoint, List<String> roles) {
        JsonNode body = client.getJson(uri, endpoint, DefenderClient.STANDARD, Auth.DEFENDER, roles);
        return body.path("value").size() + " item(s) returned";
    }

    private Check hunting(TokenFacts defender, TokenFacts graph) {
        String query = "DeviceInfo | take 1";
        Check viaGraph = probe("hunting", "ThreatHunting.Read.All", graph, () -> {
            client.huntGraph(query);
            return "advanced hunting reachable";
        });
        if (viaGraph.status() == Status.OK) {
            return viaGraph;
        }
        Check legacy = probe("hunting", "AdvancedQuery.Read.All", defender, () -> {
            client.huntLegacy(query);
            return "advanced hunting reachable through the legacy Defender API (being retired: grant Graph's"
                    + " ThreatHunting.Read.All)";
        });
        return legacy.status() == Status.OK ? legacy : viaGraph;
    }

    /** A check that fails for a role known to be missing before any call. */
    private static final class MissingRole extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String role;

        MissingRole(String role) {
            this(role, null);
        }

        MissingRole(String role, String message) {
            super(message, null, false, false);
            this.role = role;
        }
    }

    private Check probe(String dataSet, String permission, TokenFacts token, Supplier<String> call) {
        if (!token.ok()) {
            return new Check(dataSet, Status.ERROR, permission, token.error());
        }
        try {
            return new Check(dataSet, Status.OK, permission, call.get());
        } catch (MissingRole e) {
            return new Check(
                    dataSet,
                    Status.MISSING_PERMISSION,
                    e.role,
                    e.getMessage() != null
                            ? e.getMessage()
                            : "The app lacks " + e.role
                                    + ": grant it under App registrations > API permissions, then grant"
                                    + " admin consent.");
        } catch (PermissionException e) {
            String role =
                    e.requiredRoles().isEmpty() ? permission : e.requiredRoles().get(0);
            return new Check(dataSet, Status.MISSING_PERMISSION, role, summary(e));
        } catch (AuthenticationException e) {
            return new Check(dataSet, Status.ERROR, permission, e.sentence());
        } catch (DefenderException e) {
            return new Check(dataSet, Status.ERROR, permission, summary(e));
        }
    }

    private static String summary(DefenderException e) {
        String m = e.getMessage();
        int bracket = m.lastIndexOf(" [");
        return bracket > 0 ? m.substring(0, bracket) : m;
    }

    private TokenFacts facts(Auth auth) {
        try {
            AccessToken t = pipeline.tokens().token(pipeline.scope(auth), false);
            return new TokenFacts(t.tenantId(), t.audience(), t.roles(), t.expiresOn(), null);
        } catch (AuthenticationException e) {
            return new TokenFacts(null, null, List.of(), null, e.sentence());
        } catch (DefenderException e) {
            return new TokenFacts(null, null, List.of(), null, summary(e));
        }
    }
}
