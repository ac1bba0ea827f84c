package dev.rampart.emulator.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rampart.emulator.DefenderEmulator;
import dev.rampart.emulator.fault.FaultRule;
import dev.rampart.emulator.http.Call;
import dev.rampart.emulator.http.Router;
import dev.rampart.emulator.http.Router.Policy;
import dev.rampart.emulator.http.Router.Service;
import dev.rampart.emulator.tenant.Cve;
import dev.rampart.emulator.tenant.TenantState;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The emulator's own API, under {@code controlUrl}: move the clock, change a machine or its vulnerabilities, inject
 * faults, read the request log, take permissions away from the app, switch licences off. Plain JSON; errors are
 * {@code {"error": "..."}} with status 400 or 404. It is not part of any Microsoft API and needs no token.
 */
public final class ControlApi {
    private final DefenderEmulator emulator;
    private final Router router = new Router();

    public ControlApi(DefenderEmulator emulator) {
        this.emulator = emulator;
        String p = DefenderEmulator.CONTROL_PREFIX;
        add("GET", p, c -> c.json(200, emulator.describe()));
        add("GET", p + "/clock", c -> c.json(200, clock()));
        add("POST", p + "/clock/advance", this::advance);
        add("GET", p + "/machines/{id}", this::getMachine);
        add("POST", p + "/machines/{id}", this::setMachine);
        add("POST", p + "/machines/{id}/vulnerabilities", this::vulnerability);
        add("GET", p + "/faults", c -> c.json(200, emulator.faults().toJson()));
        add("POST", p + "/faults", this::addFaults);
        add("DELETE", p + "/faults", c -> {
            emulator.faults().clear();
            c.send(204, null, new byte[0]);
        });
        add("GET", p + "/requests", c -> c.json(200, emulator.requests().toJson()));
        add("DELETE", p + "/requests", c -> {
            emulator.requests().clear();
            c.send(204, null, new byte[0]);
        });
        add("GET", p + "/app", c -> c.json(200, app()));
        add("POST", p + "/app", this::setApp);
        add("POST", p + "/tenant", this::setTenant);
        add("POST", p + "/tokens/revoke", c -> {
            emulator.tokens().revokeAll();
            c.send(204, null, new byte[0]);
        });
    }

    private void add(String method, String path, Router.Handler h) {
        router.add(method, path, Service.CONTROL, Policy.NONE, h);
    }

    public void handle(Call call) {
        boolean[] other = {false};
        Router.Match m = router.match(call.method(), call.path(), other);
        if (m == null) {
            error(call, other[0] ? 405 : 404, other[0] ? "method not allowed" : "no control endpoint " + call.path());
            return;
        }
        call.pathParams(m.params());
        try {
            m.route().handler().handle(call);
        } catch (IllegalArgumentException e) {
            error(call, 400, e.getMessage());
        }
    }

    private static void error(Call call, int status, String message) {
        ObjectNode o = Call.JSON.createObjectNode();
        o.put("error", message);
        call.json(status, o);
    }

    private static JsonNode body(Call call) {
        try {
            JsonNode n = Call.JSON.readTree(call.body());
            if (n == null || n.isMissingNode()) {
                return Call.JSON.createObjectNode();
            }
            return n;
        } catch (IOException e) {
            throw new IllegalArgumentException("the body is not valid JSON: " + e.getMessage());
        }
    }

    private ObjectNode clock() {
        ObjectNode o = Call.JSON.createObjectNode();
        o.put("now", emulator.clock().instant().toString());
        o.put("start", emulator.clock().start().toString());
        return o;
    }

    private void advance(Call call) {
        JsonNode b = body(call);
        Duration d = Duration.ofDays(b.path("days").asLong(0))
                .plusHours(b.path("hours").asLong(0))
                .plusMinutes(b.path("minutes").asLong(0))
                .plusSeconds(b.path("seconds").asLong(0));
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("give a positive {\"days\"|\"hours\"|\"minutes\"|\"seconds\": N}");
        }
        emulator.advance(d);
        call.json(200, clock());
    }

    private int device(Call call) {
        int i = emulator.tenant().indexOf(call.pathParam("id"));
        if (i < 0) {
            throw new NotFound("no machine " + call.pathParam("id"));
        }
        return i;
    }

    private static final class NotFound extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        NotFound(String message) {
            super(message);
        }
    }

    private void getMachine(Call call) {
        int i;
        try {
            i = device(call);
        } catch (NotFound e) {
            error(call, 404, e.getMessage());
            return;
        }
        ObjectNode o = Call.JSON.createObjectNode();
        o.put("id", emulator.tenant().machineId(i));
        o.put("index", i);
        o.put("isolated", emulator.defenderApi().actions().isolated(i));
        o.put("isolationType", emulator.defenderApi().actions().isolationType(i));
        var d = emulator.tenant().device(i, emulator.clock().instant());
        o.put("healthStatus", d.healthStatus());
        o.put("reporting", d.reporting());
        ArrayNode vulns = o.putArray("vulnerabilities");
        emulator.tenant()
                .vulnerabilities(
                        i, emulator.clock().instant(), r -> vulns.add(r.cve().id()));
        call.json(200, o);
    }

    private void setMachine(Call call) {
        int i;
        try {
            i = device(call);
        } catch (NotFound e) {
            error(call, 404, e.getMessage());
            return;
        }
        JsonNode b = body(call);
        if (!b.isObject() || b.isEmpty()) {
            throw new IllegalArgumentException("give the machine fields to set, e.g. {\"healthStatus\":\"Inactive\"}");
        }
        if (b.has("id")) {
            throw new IllegalArgumentException("a machine's id cannot be changed");
        }
        emulator.tenant().state().overrideMachine(i, (ObjectNode) b);
        getMachine(call);
    }

    private void vulnerability(Call call) {
        int i;
        try {
            i = device(call);
        } catch (NotFound e) {
            error(call, 404, e.getMessage());
            return;
        }
        JsonNode b = body(call);
        String cveId = b.path("cveId").asText(null);
        String action = b.path("action").asText(null);
        if (cveId == null || action == null || !(action.equals("fix") || action.equals("add"))) {
            throw new IllegalArgumentException("give {\"cveId\": \"CVE-...\", \"action\": \"fix\" | \"add\"}");
        }
        Cve cve = emulator.tenant().catalog().findCve(cveId);
        if (cve == null) {
            throw new IllegalArgumentException(
                    "no CVE " + cveId + " in the sandbox catalog (see GET /api/vulnerabilities)");
        }
        emulator.tenant()
                .state()
                .overrideVulnerability(
                        i,
                        new TenantState.VulnOverride(
                                cve.index(),
                                action.equals("add"),
                                emulator.clock().instant()));
        getMachine(call);
    }

    private void addFaults(Call call) {
        JsonNode b = body(call);
        ArrayNode added = Call.JSON.createArrayNode();
        for (JsonNode n : b.isArray() ? b : Call.JSON.createArrayNode().add(b)) {
            FaultRule rule = FaultRule.fromJson(n);
            emulator.addFault(rule);
            added.add(rule.toJson());
        }
        call.json(201, added);
    }

    private ObjectNode app() {
        ObjectNode o = Call.JSON.createObjectNode();
        var app = emulator.app();
        o.put("clientId", app.clientId());
        ArrayNode d = o.putArray("defenderRoles");
        app.defenderRoles().stream().sorted().forEach(d::add);
        ArrayNode g = o.putArray("graphRoles");
        app.graphRoles().stream().sorted().forEach(g::add);
        o.put("adminConsent", app.adminConsent());
        o.put("secretExpired", app.secretExpired());
        o.put("certificate", app.certificate() != null);
        o.put("defenderLicence", emulator.defenderLicence());
        o.put("tvmLicence", emulator.tvmLicence());
        return o;
    }

    private void setApp(Call call) {
        JsonNode b = body(call);
        var app = emulator.app();
        if (b.has("defenderRoles")) {
            app.defenderRoles(strings(b.get("defenderRoles")));
        }
        if (b.has("graphRoles")) {
            app.graphRoles(strings(b.get("graphRoles")));
        }
        if (b.has("adminConsent")) {
            app.adminConsent(b.get("adminConsent").asBoolean());
        }
        if (b.has("secretExpired")) {
            app.secretExpired(b.get("secretExpired").asBoolean());
        }
        if (b.has("clientSecret")) {
            app.clientSecret(b.get("clientSecret").asText());
        }
        call.json(200, app());
    }

    private void setTenant(Call call) {
        JsonNode b = body(call);
        if (b.has("defenderLicence")) {
            emulator.defenderLicence(b.get("defenderLicence").asBoolean());
        }
        if (b.has("tvmLicence")) {
            emulator.tvmLicence(b.get("tvmLicence").asBoolean());
        }
        call.json(200, app());
    }

    private static Set<String> strings(JsonNode n) {
        if (!n.isArray()) {
            throw new IllegalArgumentException("roles must be an array of strings");
        }
        Set<String> out = new LinkedHashSet<>();
        n.forEach(x -> out.add(x.asText()));
        return out;
    }
}
