package dev.rampart.app.hunting;

import dev.rampart.app.security.Caller;
import dev.rampart.app.security.Permission;
import dev.rampart.app.security.Requires;
import dev.rampart.app.security.SavedTexts;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The hunting console through the API (F19): run KQL against the project's Defender tenant ({@code triage}: analysts
 * and admins), and the project's saved hunts (read: everyone in the project; write: analysts and admins).
 */
@RestController
public class HuntingController {
    private final HuntingService hunting;

    public HuntingController(HuntingService hunting) {
        this.hunting = hunting;
    }

    /** {@code {"query": "<KQL>", "connector": "<name, when the project has several>"}}. */
    public record RunRequest(String query, String connector) {}

    /**
     * Runs a query: {@code {"schema": [{"name", "type"}], "results": [...], "truncated", "connector", "via"}}, or with
     * {@code format=csv} the rows as CSV. Defender's refusal is 400 {@code /problems/hunting-refused} with Defender's
     * message; a used-up quota is 429 {@code /problems/hunting-quota}.
     */
    @PostMapping("/api/v1/projects/{project}/hunting/run")
    @Requires(Permission.TRIAGE)
    public ResponseEntity<String> run(
            @RequestBody(required = false) RunRequest body,
            @RequestParam(required = false) String format,
            Caller caller) {
        HuntingService.Answer a =
                hunting.run(caller, body == null ? null : body.connector(), body == null ? null : body.query());
        return answer(a, format);
    }

    static ResponseEntity<String> answer(HuntingService.Answer a, String format) {
        if ("csv".equals(format)) {
            return ResponseEntity.ok()
                    .contentType(new MediaType("text", "csv", java.nio.charset.StandardCharsets.UTF_8))
                    .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"hunting.csv\"")
                    .body(a.toCsv());
        }
        if (format != null && !format.equals("json")) {
            throw dev.rampart.app.web.ApiProblem.invalid("format", "is json or csv");
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(a.toJson());
    }

    @GetMapping("/api/v1/projects/{project}/hunts")
    @Requires(Permission.READ)
    public Map<String, List<SavedTexts.Saved>> hunts(Caller caller) {
        return Map.of("items", hunting.saved().list(caller));
    }

    /** {@code {"name", "query", "shared": true|false}} (shared by default). */
    @PostMapping("/api/v1/projects/{project}/hunts")
    @Requires(Permission.TRIAGE)
    public ResponseEntity<SavedTexts.Saved> create(
            @RequestBody(required = false) SavedTexts.SaveRequest body, Caller caller) {
        return ResponseEntity.status(HttpStatus.CREATED).body(hunting.saved().create(caller, body));
    }

    @GetMapping("/api/v1/projects/{project}/hunts/{huntId}")
    @Requires(Permission.READ)
    public SavedTexts.Saved hunt(@PathVariable long huntId, Caller caller) {
        return hunting.saved().get(caller, huntId);
    }

    @PutMapping("/api/v1/projects/{project}/hunts/{huntId}")
    @Requires(Permission.TRIAGE)
    public SavedTexts.Saved update(
            @PathVariable long huntId, @RequestBody(required = false) SavedTexts.SaveRequest body, Caller caller) {
        return hunting.saved().update(caller, huntId, body);
    }

    @DeleteMapping("/api/v1/projects/{project}/hunts/{huntId}")
    @Requires(Permission.TRIAGE)
    public ResponseEntity<Void> delete(@PathVariable long huntId, Caller caller) {
        hunting.saved().delete(caller, huntId);
        return ResponseEntity.noContent().build();
    }

    /** Runs a saved hunt through the project's connector (or the named one). */
    @PostMapping("/api/v1/projects/{project}/hunts/{huntId}/run")
    @Requires(Permission.TRIAGE)
    public ResponseEntity<String> runSaved(
            @PathVariable long huntId,
            @RequestParam(required = false) String connector,
            @RequestParam(required = false) String format,
            Caller caller) {
        SavedTexts.Saved h = hunting.saved().get(caller, huntId);
        return answer(hunting.run(caller, connector, h.query()), format);
    }
}
