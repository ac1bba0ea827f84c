package dev.rampart.app.connector;

import dev.rampart.app.security.Audit;
import dev.rampart.app.security.Caller;
import dev.rampart.app.security.Permission;
import dev.rampart.app.security.Requires;
import dev.rampart.app.web.ApiProblem;
import dev.rampart.defender.DefenderClient;
import dev.rampart.defender.VerifyResult;
import dev.rampart.defender.error.DefenderException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** {@code /api/v1/projects/{project}/connectors}: connectors (F1), verify (F2) and scope preview (F3). */
@RestController
@RequestMapping("/api/v1/projects/{project}/connectors")
public class ConnectorController {
    private final ConnectorService service;
    private final ConnectorClients clients;
    private final Audit audit;
    private final org.springframework.context.ApplicationEventPublisher events;

    public ConnectorController(
            ConnectorService service,
            ConnectorClients clients,
            Audit audit,
            org.springframework.context.ApplicationEventPublisher events) {
        this.service = service;
        this.clients = clients;
        this.audit = audit;
        this.events = events;
    }

    @GetMapping
    @Requires(Permission.READ)
    public Map<String, Object> list(@PathVariable String project) {
        return Map.of("items", service.list(project));
    }

    @PostMapping
    @Requires(Permission.EDIT_CONNECTOR)
    public ResponseEntity<ConnectorService.ConnectorView> create(
            @PathVariable String project, @RequestBody ConnectorService.ConnectorRequest body, Caller caller) {
        try {
            ConnectorService.ConnectorView v = service.create(project, body, ConnectorService.Editor.of(caller));
            audit.record(
                    caller,
                    "connector.create",
                    "connector " + v.id() + " (" + v.name() + ")",
                    "success",
                    Map.of("fields", fieldsOf(body)));
            events.publishEvent(new ConnectorChanged(v.id()));
            return ResponseEntity.status(HttpStatus.CREATED).body(v);
        } catch (ApiProblem e) {
            audit.record(
                    caller,
                    "connector.create",
                    body == null ? null : body.name(),
                    "failure",
                    Map.of("reason", e.getMessage()));
            throw e;
        }
    }

    @GetMapping("/{id}")
    @Requires(Permission.READ)
    public ConnectorService.ConnectorView get(@PathVariable String project, @PathVariable long id) {
        return service.view(project, id).orElseThrow(() -> ApiProblem.notFound("no connector " + id));
    }

    @PutMapping("/{id}")
    @Requires(Permission.EDIT_CONNECTOR)
    public ConnectorService.ConnectorView update(
            @PathVariable String project,
            @PathVariable long id,
            @RequestBody ConnectorService.ConnectorRequest body,
            @RequestHeader(value = "If-Match", required = false) Integer version,
            Caller caller) {
        try {
            ConnectorService.ConnectorView v =
                    service.update(project, id, body, ConnectorService.Editor.of(caller), version);
            audit.record(caller, "connector.update", "connector " + id, "success", Map.of("fields", fieldsOf(body)));
            events.publishEvent(new ConnectorChanged(id));
            return v;
        } catch (ApiProblem e) {
            audit.record(caller, "connector.update", "connector " + id, "failure", Map.of("reason", e.getMessage()));
            throw e;
        }
    }

    @DeleteMapping("/{id}")
    @Requires(Permission.EDIT_CONNECTOR)
    public ResponseEntity<Void> delete(@PathVariable String project, @PathVariable long id, Caller caller) {
        if (!service.delete(project, id)) {
            throw ApiProblem.notFound("no connector " + id);
        }
        audit.record(caller, "connector.delete", "connector " + id, "success", Map.of());
        events.publishEvent(new ConnectorChanged(id));
        return ResponseEntity.noContent().build();
    }

    /** F2: a token and one cheap call per data set, each reported reachable / missing permission / error. */
    @PostMapping("/{id}/verify")
    @Requires(Permission.EDIT_CONNECTOR)
    public JsonNode verify(@PathVariable String project, @PathVariable long id, Caller caller) {
        Connector c = service.require(project, id);
        VerifyResult result;
        try {
            result = clients.client(c).verify();
        } catch (IllegalArgumentException e) {
            audit.record(caller, "connector.verify", "connector " + id, "failure", Map.of("reason", e.getMessage()));
            throw ApiProblem.badRequest("credential-unavailable", e.getMessage());
        }
        audit.record(
                caller,
                "connector.verify",
                "connector " + id,
                result.allOk() ? "success" : "failure",
                Map.of("signedIn", result.signedIn(), "allOk", result.allOk()));
        return ConnectorService.JSON3.readTree(result.toJson().toString());
    }

    /** F3: what the scope matches in the tenant now, with counts per group, tag and domain. */
    @PostMapping("/{id}/preview")
    @Requires(Permission.EDIT_CONNECTOR)
    public JsonNode preview(
            @PathVariable String project,
            @PathVariable long id,
            @RequestParam(defaultValue = "1000") int limit,
            @RequestBody(required = false) JsonNode scope,
            Caller caller) {
        if (limit < 0 || limit > 100_000) {
            throw ApiProblem.invalid("limit", "must be between 0 and 100000");
        }
        Connector c = service.require(project, id);
        Scope s = c.spec().scope();
        if (scope != null && !scope.isNull() && !(scope.isObject() && scope.isEmpty())) {
            List<String> problems = new ArrayList<>();
            s = Scope.parse(ConnectorService.json2(scope), "scope", problems);
            if (!problems.isEmpty()) {
                throw ApiProblem.invalid(problems.stream()
                        .map(p -> new ApiProblem.FieldError("scope", p))
                        .toList());
            }
        }
        try {
            DefenderClient client = clients.client(c);
            JsonNode result = ConnectorService.JSON3.readTree(
                    ScopePreview.preview(client, s, limit).toString());
            audit.record(caller, "connector.preview", "connector " + id, "success", Map.of());
            return result;
        } catch (DefenderException | IllegalArgumentException e) {
            audit.record(caller, "connector.preview", "connector " + id, "failure", Map.of("reason", e.getMessage()));
            throw new ApiProblem(HttpStatus.BAD_GATEWAY, "defender-error", "Defender refused", e.getMessage(), null);
        }
    }

    /** The names of the fields a request sets, for the audit log: never their values. */
    static List<String> fieldsOf(ConnectorService.ConnectorRequest r) {
        List<String> f = new ArrayList<>();
        if (r == null) {
            return f;
        }
        if (r.name() != null) f.add("name");
        if (r.description() != null) f.add("description");
        if (r.tenantId() != null) f.add("tenantId");
        if (r.clientId() != null) f.add("clientId");
        if (r.credential() != null) {
            if (!ConnectorService.blank(r.credential().secret())) f.add("credential.secret");
            if (!ConnectorService.blank(r.credential().certificatePem())) f.add("credential.certificatePem");
            if (!ConnectorService.blank(r.credential().reference())) f.add("credential.reference");
            if (r.credential().expiresAt() != null) f.add("credential.expiresAt");
        }
        if (r.cloud() != null) f.add("cloud");
        if (r.baseUrl() != null) f.add("baseUrl");
        if (r.sandbox() != null) f.add("sandbox");
        if (r.scope() != null) f.add("scope");
        if (r.options() != null) f.add("options");
        if (r.enabled() != null) f.add("enabled");
        if (r.schedule() != null) f.add("schedule");
        return f;
    }
}
