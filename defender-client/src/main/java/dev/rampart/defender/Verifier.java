package dev.rampart.defender;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rampart.defender.Permissions.Permission;
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
 * pages) and sorts the outcome into reachable, missing permission (which one, and where to grant it) or error. The
 * permission each probe tests, and the guide step for it, come from {@link Permissions}.
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
        checks.add(probe(Permissions.probedBy("machines", "machines"), defender, () -> {
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
                Permissions.probedBy("vulnerabilities", "vulnerabilities"),
                defender,
                () -> count(
                        client.api("/api/vulnerabilities?$top=1"),
                        "vulnerabilities",
                        DefenderClient.VULNERABILITY_READ)));
        checks.add(probe(
                Permissions.probedBy("software", "software"),
                defender,
                () -> count(client.api("/api/software?$top=1"), "software", DefenderClient.SOFTWARE_READ)));
        checks.add(probe(
                Permissions.probedBy("alerts", "alerts"),
                defender,
                () -> count(client.api("/api/alerts?$top=1"), "alerts", DefenderClient.ALERT_READ)));
        Permission logonUsers = Permissions.probedBy("logon-users", "logonusers");
        checks.add(probe(logonUsers, defender, () -> {
            if (machineId[0] == null) {
                if (!defender.roles().contains(logonUsers.name())) {
                    throw new MissingRole(logonUsers);
                }
                return "no device to probe; the token carries " + logonUsers.name();
            }
            return count(
                    client.api("/api/machines/" + DefenderClient.enc(machineId[0]) + "/logonusers"),
                    "logonusers",
                    DefenderClient.USER_READ);
        }));
        checks.add(probe(
                Permissions.probedBy("machine-actions", "machineactions"),
                defender,
                () -> count(client.api("/api/machineactions?$top=1"), "machineactions", DefenderClient.MACHINE_READ)));
        checks.add(hunting(defender, graph));
        checks.add(probe(Permissions.probedBy("graph-organization", "organization"), graph, () -> {
            JsonNode body = client.getJson(
                    client.graph("/organization"),
                    "organization",
                    RateLimiter.Quota.NONE,
                    Auth.GRAPH,
                    DefenderClient.GRAPH_ORGANIZATION);
            return "organization "
                    + body.path("value").path(0).path("displayName").asText("?");
        }));
        checks.add(probe(Permissions.probedBy("graph-directory", "users"), graph, () -> {
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
                throw new MissingRole(Permissions.probedBy("graph-directory", "groups"), e.getMessage());
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
        Permission graphRole = Permissions.probedBy("hunting", "runHuntingQuery");
        Check viaGraph = probe(graphRole, graph, () -> {
            client.huntGraph(query);
            return "advanced hunting reachable";
        });
        if (viaGraph.status() == Status.OK) {
            return viaGraph;
        }
        Check legacy = probe(Permissions.probedBy("hunting", "advancedqueries"), defender, () -> {
            client.huntLegacy(query);
            return "advanced hunting reachable through the legacy Defender API (being retired: grant Graph's "
                    + graphRole.name() + ")";
        });
        return legacy.status() == Status.OK ? legacy : viaGraph;
    }

    /** A check that fails for a role known to be missing (from the token, or from a second call). */
    private static final class MissingRole extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Permission role;

        MissingRole(Permission role) {
            this(role, null);
        }

        MissingRole(Permission role, String message) {
            super(message, null, false, false);
            this.role = role;
        }
    }

    /**
     * Runs one probe. The check names the table's permission for it, the least privileged one, even where the API's
     * error lists several that would do (its message keeps that list); a missing one carries its guide link.
     */
    private Check probe(Permission permission, TokenFacts token, Supplier<String> call) {
        String dataSet = permission.dataSet();
        if (!token.ok()) {
            return new Check(dataSet, Status.ERROR, permission.name(), token.error());
        }
        try {
            return new Check(dataSet, Status.OK, permission.name(), call.get());
        } catch (MissingRole e) {
            return missing(
                    e.role,
                    e.getMessage() != null
                            ? e.getMessage()
                            : "The app lacks " + e.role.name()
                                    + ": grant it under App registrations > API permissions, then grant"
                                    + " admin consent.");
        } catch (PermissionException e) {
            return missing(permission, summary(e));
        } catch (AuthenticationException e) {
            return new Check(dataSet, Status.ERROR, permission.name(), e.sentence());
        } catch (DefenderException e) {
            return new Check(dataSet, Status.ERROR, permission.name(), summary(e));
        }
    }

    private static Check missing(Permission role, String message) {
        return new Check(role.dataSet(), Status.MISSING_PERMISSION, role.name(), message, role.guide());
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
