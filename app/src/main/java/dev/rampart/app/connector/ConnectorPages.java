package dev.rampart.app.connector;

import dev.rampart.app.security.Caller;
import dev.rampart.app.security.Permission;
import dev.rampart.app.security.Requires;
import dev.rampart.app.web.ApiProblem;
import dev.rampart.defender.VerifyResult;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The integration hub: connectors of a project, adding one, "Verify credentials" with the fix for each problem, and
 * the import wizard (scope from the values found in the tenant, preview with devices to pick or unpick, schedule).
 * Every form goes through {@link ConnectorService}, so the rules and messages are the API's; problems are shown next
 * to their field.
 */
@Controller
public class ConnectorPages {
    private final ConnectorService service;
    private final ConnectorClients clients;
    private final dev.rampart.app.security.Audit audit;
    private final ApplicationEventPublisher events;

    public ConnectorPages(
            ConnectorService service,
            ConnectorClients clients,
            dev.rampart.app.security.Audit audit,
            ApplicationEventPublisher events,
            DataSource dataSource) {
        this.service = service;
        this.clients = clients;
        this.audit = audit;
        this.events = events;
    }

    private void common(Caller caller, String project, Model model) {
        model.addAttribute("project", project);
        model.addAttribute("canEdit", caller.role() != null && caller.role().allows(Permission.EDIT_CONNECTOR));
    }

    @GetMapping("/projects/{project}/connectors")
    @Requires(Permission.READ)
    public String list(Caller caller, @PathVariable String project, Model model) {
        common(caller, project, model);
        model.addAttribute("connectors", service.list(project));
        return "connectors/list";
    }

    @GetMapping("/projects/{project}/connectors/new")
    @Requires(Permission.EDIT_CONNECTOR)
    public String newForm(Caller caller, @PathVariable String project, Model model) {
        common(caller, project, model);
        model.addAttribute("form", Map.of("cloud", "global"));
        model.addAttribute("errors", Map.of());
        return "connectors/new";
    }

    @PostMapping("/projects/{project}/connectors/new")
    @Requires(Permission.EDIT_CONNECTOR)
    public String create(
            Caller caller,
            @PathVariable String project,
            @RequestParam Map<String, String> form,
            @RequestParam(value = "certificate", required = false)
                    org.springframework.web.multipart.MultipartFile certificate,
            Model model)
            throws java.io.IOException {
        String pem = certificate == null || certificate.isEmpty()
                ? null
                : new String(certificate.getBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        try {
            ConnectorService.ConnectorRequest r = new ConnectorService.ConnectorRequest(
                    blank(form.get("name")),
                    blank(form.get("description")),
                    blank(form.get("tenantId")),
                    blank(form.get("clientId")),
                    new ConnectorService.CredentialInput(
                            pem == null ? blank(form.get("secret")) : null, pem, null, date(form.get("expiresOn"))),
                    "custom".equals(form.get("cloud")) || "sandbox".equals(form.get("cloud"))
                            ? null
                            : blank(form.get("cloud")),
                    "custom".equals(form.get("cloud")) ? blank(form.get("url")) : null,
                    "sandbox".equals(form.get("cloud")) ? blank(form.get("url")) : null,
                    null,
                    null,
                    true,
                    new ConnectorService.Schedule("manual", null, null));
            ConnectorService.ConnectorView v = service.create(project, r, ConnectorService.Editor.of(caller));
            audit.record(
                    caller,
                    "connector.create",
                    "connector " + v.id() + " (" + v.name() + ")",
                    "success",
                    Map.of("fields", ConnectorController.fieldsOf(r), "via", "ui"));
            events.publishEvent(new ConnectorChanged(v.id()));
            return "redirect:/projects/" + project + "/connectors/" + v.id() + "?created";
        } catch (ApiProblem e) {
            common(caller, project, model);
            Map<String, String> kept = new LinkedHashMap<>(form);
            kept.remove("secret");
            kept.remove("_csrf");
            model.addAttribute("form", kept);
            model.addAttribute("errors", errors(e));
            return "connectors/new";
        }
    }

    /** A date from a form's date field (yyyy-mm-dd) as the start of that day in UTC; blank is none. */
    private static java.time.OffsetDateTime date(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            return java.time.LocalDate.parse(s.trim()).atStartOfDay().atOffset(java.time.ZoneOffset.UTC);
        } catch (java.time.format.DateTimeParseException e) {
            throw ApiProblem.invalid("credential.expiresAt", "is not a date (yyyy-mm-dd)");
        }
    }

    static Map<String, String> errors(ApiProblem e) {
        Map<String, String> m = new LinkedHashMap<>();
        for (ApiProblem.FieldError f : e.errors()) {
            String field = f.field().startsWith("credential") ? "secret" : f.field();
            field = field.equals("baseUrl") || field.equals("sandbox") ? "url" : field;
            m.merge(field, f.message(), (a, b) -> a + "; " + b);
        }
        if (m.isEmpty()) {
            m.put("form", e.getMessage());
        }
        return m;
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private String page(Caller caller, String project, long id, Model model) {
        common(caller, project, model);
        ConnectorService.ConnectorView v =
                service.view(project, id).orElseThrow(() -> ApiProblem.notFound("no connector " + id));
        model.addAttribute("c", v);
        if (!model.containsAttribute("errors")) {
            model.addAttribute("errors", Map.of());
        }
        return "connectors/detail";
    }

    @GetMapping("/projects/{project}/connectors/{id}")
    @Requires(Permission.READ)
    public String detail(Caller caller, @PathVariable String project, @PathVariable long id, Model model) {
        return page(caller, project, id, model);
    }

    /** "Verify credentials": one line per data set, with the fix and the guide link when something is missing. */
    @PostMapping("/projects/{project}/connectors/{id}/verify")
    @Requires(Permission.EDIT_CONNECTOR)
    public String verify(Caller caller, @PathVariable String project, @PathVariable long id, Model model) {
        Connector c = service.require(project, id);
        try {
            VerifyResult result = clients.client(c).verify();
            audit.record(
                    caller,
                    "connector.verify",
                    "connector " + id,
                    result.allOk() ? "success" : "failure",
                    Map.of("signedIn", result.signedIn(), "allOk", result.allOk(), "via", "ui"));
            model.addAttribute("verify", result);
        } catch (IllegalArgumentException e) {
            model.addAttribute("verifyError", e.getMessage());
        }
        return page(caller, project, id, model);
    }

    /** A new secret (or certificate) for a connector; nothing else changes. */
    @PostMapping("/projects/{project}/connectors/{id}/credential")
    @Requires(Permission.EDIT_CONNECTOR)
    public String credential(
            Caller caller,
            @PathVariable String project,
            @PathVariable long id,
            @RequestParam(required = false) String secret,
            Model model) {
        ConnectorService.ConnectorView v =
                service.view(project, id).orElseThrow(() -> ApiProblem.notFound("no connector " + id));
        return save(
                caller,
                project,
                id,
                request(v, new ConnectorService.CredentialInput(secret, null, null, null), v.scope(), v.schedule()),
                List.of("credential.secret"),
                "The new secret is stored. Verify it below.",
                model);
    }

    /** The scope step: what a scope matches now, with the values found in the tenant and the devices. */
    @PostMapping("/projects/{project}/connectors/{id}/preview")
    @Requires(Permission.EDIT_CONNECTOR)
    public String preview(
            Caller caller,
            @PathVariable String project,
            @PathVariable long id,
            @RequestParam(defaultValue = "all") String kind,
            @RequestParam(required = false) List<String> values,
            @RequestParam(defaultValue = "include") String inactive,
            Model model) {
        Connector c = service.require(project, id);
        ObjectNode scope = ConnectorService.JSON3.createObjectNode();
        scope.put("kind", kind);
        scope.put("includeInactive", !inactive.equals("exclude"));
        if (values != null && !values.isEmpty() && !kind.equals("all")) {
            values.forEach(scope.putArray("values")::add);
        }
        try {
            Scope s = Scope.parse(ConnectorService.json2(scope), "scope", new ArrayList<>());
            JsonNode result = ConnectorService.JSON3.readTree(
                    ScopePreview.preview(clients.client(c), s, 500).toString());
            model.addAttribute("preview", result);
            model.addAttribute("previewScope", scope);
        } catch (RuntimeException e) {
            model.addAttribute("errors", Map.of("scope", e.getMessage() == null ? e.toString() : e.getMessage()));
        }
        return page(caller, project, id, model);
    }

    /** Saves the scope (with the devices unpicked in the preview excluded) and the schedule. */
    @PostMapping("/projects/{project}/connectors/{id}/scope")
    @Requires(Permission.EDIT_CONNECTOR)
    public String saveScope(
            Caller caller,
            @PathVariable String project,
            @PathVariable long id,
            @RequestParam(defaultValue = "all") String kind,
            @RequestParam(required = false) List<String> values,
            @RequestParam(required = false) List<String> shown,
            @RequestParam(required = false) List<String> picked,
            @RequestParam(defaultValue = "manual") String schedule,
            @RequestParam(required = false) Integer everyMinutes,
            @RequestParam(required = false) String at,
            @RequestParam(defaultValue = "include") String inactive,
            Model model) {
        ConnectorService.ConnectorView v =
                service.view(project, id).orElseThrow(() -> ApiProblem.notFound("no connector " + id));
        ObjectNode scope = ConnectorService.JSON3.createObjectNode();
        scope.put("kind", kind);
        scope.put("includeInactive", !inactive.equals("exclude"));
        if (values != null && !kind.equals("all")) {
            values.forEach(scope.putArray("values")::add);
        }
        if (shown != null) {
            List<String> unpicked = new ArrayList<>(shown);
            if (picked != null) {
                unpicked.removeAll(picked);
            }
            if (!unpicked.isEmpty()) {
                unpicked.forEach(scope.putArray("exclude")::add);
            }
        }
        java.time.OffsetDateTime when = null;
        if (schedule.equals("once") && at != null && !at.isBlank()) {
            try {
                when = java.time.LocalDateTime.parse(at).atOffset(java.time.ZoneOffset.UTC);
            } catch (java.time.format.DateTimeParseException e) {
                model.addAttribute("errors", Map.of("scope", "The time of the one-time run is not a date and time."));
                return page(caller, project, id, model);
            }
        }
        ConnectorService.Schedule s = new ConnectorService.Schedule(
                schedule, schedule.equals("interval") ? (everyMinutes == null ? 60 : everyMinutes) : null, when);
        return save(
                caller,
                project,
                id,
                request(v, null, scope, s),
                List.of("scope", "schedule"),
                "Scope and schedule saved.",
                model);
    }

    /**
     * F15: disabling stops imports and removes the profiles the connector made; its assets stay. Enabling restores
     * them. The page asks for confirmation first.
     */
    @PostMapping("/projects/{project}/connectors/{id}/enabled")
    @Requires(Permission.EDIT_CONNECTOR)
    public String setEnabled(
            Caller caller,
            @PathVariable String project,
            @PathVariable long id,
            @RequestParam boolean enabled,
            Model model) {
        ConnectorService.ConnectorView v =
                service.view(project, id).orElseThrow(() -> ApiProblem.notFound("no connector " + id));
        return save(
                caller,
                project,
                id,
                request(v, null, v.scope(), v.schedule(), enabled),
                List.of("enabled"),
                enabled
                        ? "Connector enabled: its schedule runs again and its profiles are back."
                        : "Connector disabled: no import runs, its profiles are removed, its assets stay.",
                model);
    }

    /**
     * Every change a connector's page makes: through {@link ConnectorService#update} (the API's rules), audited with
     * the fields changed, announced to the scheduler; the page then says {@code saved}, or shows the refusal next to
     * its field.
     */
    private String save(
            Caller caller,
            String project,
            long id,
            ConnectorService.ConnectorRequest r,
            List<String> fields,
            String saved,
            Model model) {
        try {
            service.update(project, id, r, ConnectorService.Editor.of(caller), null);
            audit.record(
                    caller, "connector.update", "connector " + id, "success", Map.of("fields", fields, "via", "ui"));
            events.publishEvent(new ConnectorChanged(id));
            model.addAttribute("saved", saved);
        } catch (ApiProblem e) {
            model.addAttribute("errors", errors(e));
        }
        return page(caller, project, id, model);
    }

    /** Deletes the connector with what it imported (assets no other source reports); the page asks first. */
    @PostMapping("/projects/{project}/connectors/{id}/delete")
    @Requires(Permission.EDIT_CONNECTOR)
    public String delete(Caller caller, @PathVariable String project, @PathVariable long id) {
        if (!service.delete(project, id)) {
            throw ApiProblem.notFound("no connector " + id);
        }
        audit.record(caller, "connector.delete", "connector " + id, "success", Map.of("via", "ui"));
        events.publishEvent(new ConnectorChanged(id));
        return "redirect:/projects/" + project + "/connectors?deleted";
    }

    private static ConnectorService.ConnectorRequest request(
            ConnectorService.ConnectorView v,
            ConnectorService.CredentialInput credential,
            JsonNode scope,
            ConnectorService.Schedule schedule) {
        return request(v, credential, scope, schedule, v.enabled());
    }

    private static ConnectorService.ConnectorRequest request(
            ConnectorService.ConnectorView v,
            ConnectorService.CredentialInput credential,
            JsonNode scope,
            ConnectorService.Schedule schedule,
            boolean enabled) {
        return new ConnectorService.ConnectorRequest(
                v.name(),
                v.description(),
                v.tenantId(),
                v.clientId(),
                credential,
                v.cloud(),
                v.sandbox() ? null : v.baseUrl(),
                v.sandbox() ? v.baseUrl() : null,
                scope,
                v.options(),
                enabled,
                schedule);
    }

    /** For templates: an offset time as the value of a datetime-local input. */
    public static String local(OffsetDateTime t) {
        return t == null ? "" : t.toLocalDateTime().toString();
    }
}
