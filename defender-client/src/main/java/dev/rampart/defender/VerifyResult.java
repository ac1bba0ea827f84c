package dev.rampart.defender;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/**
 * What {@link DefenderClient#verify()} found: the facts of each token (or why there is none) and, per data set,
 * whether it is reachable, which permission is missing, or what went wrong.
 */
public record VerifyResult(TokenFacts defenderToken, TokenFacts graphToken, List<Check> checks) {

    /** A token's facts, or the sentence that says why none could be had. */
    public record TokenFacts(String tenantId, String audience, List<String> roles, Instant expiresOn, String error) {
        public boolean ok() {
            return error == null;
        }
    }

    public enum Status {
        OK("ok"),
        MISSING_PERMISSION("missing-permission"),
        ERROR("error");

        private final String json;

        Status(String json) {
            this.json = json;
        }

        public String json() {
            return json;
        }
    }

    /**
     * One data set: machines, vulnerabilities, software, alerts, logon-users, machine-actions, hunting, ...
     *
     * @param permission the application permission the check tests (from {@link Permissions})
     * @param guide for a missing permission, the link to its step in the setup guide (e.g.
     *     {@code docs/setup-entra.md#grant-machinereadall}); otherwise {@code null}
     */
    public record Check(String dataSet, Status status, String permission, String message, String guide) {
        /** A check without a guide link. */
        public Check(String dataSet, Status status, String permission, String message) {
            this(dataSet, status, permission, message, null);
        }
    }

    public VerifyResult {
        checks = List.copyOf(checks);
    }

    /** Whether any token could be had at all. */
    public boolean signedIn() {
        return defenderToken.ok() || graphToken.ok();
    }

    public boolean allOk() {
        return checks.stream().allMatch(c -> c.status() == Status.OK);
    }

    public boolean permissionMissing() {
        return checks.stream().anyMatch(c -> c.status() == Status.MISSING_PERMISSION);
    }

    /**
     * {@code {"token":{...},"checks":[{"dataSet","status","permission","message","guide"}...]}}, as {@code rampart
     * verify --json}.
     */
    public ObjectNode toJson() {
        ObjectNode o = DefenderClient.JSON.createObjectNode();
        ObjectNode token = o.putObject("token");
        facts(token.putObject("defender"), defenderToken);
        facts(token.putObject("graph"), graphToken);
        TokenFacts any = defenderToken.ok() ? defenderToken : graphToken;
        token.put("tenantId", any.tenantId());
        ArrayNode arr = o.putArray("checks");
        for (Check c : checks) {
            ObjectNode n = arr.addObject();
            n.put("dataSet", c.dataSet());
            n.put("status", c.status().json());
            n.put("permission", c.permission());
            n.put("message", c.message());
            n.put("guide", c.guide());
        }
        return o;
    }

    private static void facts(ObjectNode n, TokenFacts f) {
        n.put("ok", f.ok());
        n.put("tenantId", f.tenantId());
        n.put("audience", f.audience());
        ArrayNode roles = n.putArray("roles");
        if (f.roles() != null) {
            f.roles().forEach(roles::add);
        }
        n.put("expiresOn", f.expiresOn() == null ? null : f.expiresOn().toString());
        n.put("error", f.error());
    }
}
