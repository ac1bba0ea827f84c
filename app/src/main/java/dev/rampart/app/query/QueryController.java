package dev.rampart.app.query;

import dev.rampart.app.security.Caller;
import dev.rampart.app.security.Permission;
import dev.rampart.app.security.Requires;
import dev.rampart.app.security.SavedTexts;
import dev.rampart.app.web.ApiProblem;
import java.nio.charset.StandardCharsets;
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
 * Queries over the project's inventory (F21, docs/queries.md) through the API. Everyone in the project may run them
 * (they read what the member can already list) and keep saved queries, private or shared; a shared one is changed by
 * its owner or a project admin.
 */
@RestController
public class QueryController {
    private final QueryService queries;

    public QueryController(QueryService queries) {
        this.queries = queries;
    }

    /** {@code {"query": "FIND ..."}}. */
    public record RunRequest(String query) {}

    /** {@code {"columns": ["Device.name", ...], "types": ["TEXT", ...], "rows": [[...]], "truncated": false}}. */
    public record Result(List<String> columns, List<String> types, List<List<Object>> rows, boolean truncated) {
        static Result of(QueryService.Answer a) {
            return new Result(
                    a.columns().stream().map(QueryCompiler.Column::name).toList(),
                    a.columns().stream().map(c -> c.type().name()).toList(),
                    a.rows(),
                    a.truncated());
        }
    }

    /**
     * Runs a query: the answer as JSON, or with {@code format=csv} as CSV. A query that does not parse is 400
     * {@code /problems/query-invalid} with {@code position} (0-based), {@code line}, {@code column} and
     * {@code expected}; one that outruns the server's timeout is 400 {@code /problems/query-too-costly}.
     */
    @PostMapping("/api/v1/projects/{project}/queries/run")
    @Requires(Permission.READ)
    public ResponseEntity<?> run(
            @RequestBody(required = false) RunRequest body,
            @RequestParam(required = false) String format,
            Caller caller) {
        return answer(queries.run(caller, body == null ? null : body.query()), format, "query");
    }

    static ResponseEntity<?> answer(QueryService.Answer a, String format, String name) {
        if ("csv".equals(format)) {
            return ResponseEntity.ok()
                    .contentType(new MediaType("text", "csv", StandardCharsets.UTF_8))
                    .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + name + ".csv\"")
                    .body(a.toCsv());
        }
        if (format != null && !format.equals("json")) {
            throw ApiProblem.invalid("format", "is json or csv");
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(Result.of(a));
    }

    @GetMapping("/api/v1/projects/{project}/queries")
    @Requires(Permission.READ)
    public Map<String, List<SavedTexts.Saved>> list(Caller caller) {
        return Map.of("items", queries.saved().list(caller));
    }

    /** {@code {"name", "query", "shared": true|false}} (shared by default); the query must be valid. */
    @PostMapping("/api/v1/projects/{project}/queries")
    @Requires(Permission.READ)
    public ResponseEntity<SavedTexts.Saved> create(
            @RequestBody(required = false) SavedTexts.SaveRequest body, Caller caller) {
        return ResponseEntity.status(HttpStatus.CREATED).body(queries.saved().create(caller, body));
    }

    @GetMapping("/api/v1/projects/{project}/queries/{queryId}")
    @Requires(Permission.READ)
    public SavedTexts.Saved get(@PathVariable long queryId, Caller caller) {
        return queries.saved().get(caller, queryId);
    }

    @PutMapping("/api/v1/projects/{project}/queries/{queryId}")
    @Requires(Permission.READ)
    public SavedTexts.Saved update(
            @PathVariable long queryId, @RequestBody(required = false) SavedTexts.SaveRequest body, Caller caller) {
        return queries.saved().update(caller, queryId, body);
    }

    @DeleteMapping("/api/v1/projects/{project}/queries/{queryId}")
    @Requires(Permission.READ)
    public ResponseEntity<Void> delete(@PathVariable long queryId, Caller caller) {
        queries.saved().delete(caller, queryId);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/api/v1/projects/{project}/queries/{queryId}/run")
    @Requires(Permission.READ)
    public ResponseEntity<?> runSaved(
            @PathVariable long queryId, @RequestParam(required = false) String format, Caller caller) {
        SavedTexts.Saved q = queries.saved().get(caller, queryId);
        return answer(queries.run(caller, q.query()), format, "query-" + queryId);
    }
}
