package dev.rampart.app.sync;

import dev.rampart.app.connector.Connector;
import dev.rampart.app.connector.ConnectorService;
import dev.rampart.app.security.Audit;
import dev.rampart.app.security.Caller;
import dev.rampart.app.security.Permission;
import dev.rampart.app.security.Requires;
import dev.rampart.app.web.ApiProblem;
import dev.rampart.app.web.CursorPage;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Runs of a connector (F4): start ("run now"), list, read while running, cancel. */
@RestController
public class RunController {
    private final RunService runs;
    private final ConnectorService connectors;
    private final Audit audit;

    public RunController(RunService runs, ConnectorService connectors, Audit audit) {
        this.runs = runs;
        this.connectors = connectors;
        this.audit = audit;
    }

    @PostMapping("/api/v1/projects/{project}/connectors/{id}/runs")
    @Requires(Permission.EDIT_CONNECTOR)
    public ResponseEntity<RunService.RunView> start(
            @PathVariable String project,
            @PathVariable long id,
            @RequestParam(defaultValue = "auto") String mode,
            Caller caller) {
        SyncEngine.Mode m =
                switch (mode) {
                    case "auto" -> SyncEngine.Mode.AUTO;
                    case "full" -> SyncEngine.Mode.FULL;
                    case "incremental" -> SyncEngine.Mode.INCREMENTAL;
                    default -> throw ApiProblem.invalid("mode", "must be auto, full or incremental");
                };
        Connector c = connectors.require(project, id);
        long runId;
        try {
            runId = runs.start(c, m, "api", caller.actor());
        } catch (SyncFailedException e) {
            audit.record(caller, "run.start", "connector " + id, "failure", Map.of("reason", e.getMessage()));
            if (e.kind() == SyncFailedException.Kind.BUSY) {
                throw ApiProblem.conflict("run-in-progress", e.getMessage());
            }
            throw new ApiProblem(
                    HttpStatus.UNPROCESSABLE_CONTENT, "run-refused", "The run cannot start", e.getMessage(), null);
        }
        audit.record(caller, "run.start", "connector " + id, "success", Map.of("run", runId, "mode", mode));
        return ResponseEntity.status(HttpStatus.ACCEPTED)
                .body(runs.find(project, runId).orElseThrow());
    }

    @GetMapping("/api/v1/projects/{project}/connectors/{id}/runs")
    @Requires(Permission.READ)
    public CursorPage<RunService.RunView> ofConnector(
            @PathVariable String project,
            @PathVariable long id,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) Integer limit) {
        connectors.require(project, id);
        return page(project, id, cursor, limit);
    }

    @GetMapping("/api/v1/projects/{project}/runs")
    @Requires(Permission.READ)
    public CursorPage<RunService.RunView> ofProject(
            @PathVariable String project,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) Integer limit) {
        return page(project, null, cursor, limit);
    }

    private CursorPage<RunService.RunView> page(String project, Long connectorId, String cursor, Integer limit) {
        int n = CursorPage.limit(limit);
        long before = CursorPage.decodeId(cursor, Long.MAX_VALUE);
        List<RunService.RunView> rows = runs.list(project, connectorId, before, n + 1);
        return CursorPage.of(rows, n, r -> String.valueOf(r.id()));
    }

    @GetMapping({"/api/v1/projects/{project}/runs/{runId}", "/api/v1/projects/{project}/connectors/{id}/runs/{runId}"})
    @Requires(Permission.READ)
    public RunService.RunView get(
            @PathVariable String project, @PathVariable(required = false) Long id, @PathVariable long runId) {
        return find(project, id, runId);
    }

    private RunService.RunView find(String project, Long connectorId, long runId) {
        return runs.find(project, runId)
                .filter(r -> connectorId == null || connectorId.equals(r.connectorId()))
                .orElseThrow(() -> ApiProblem.notFound("no run " + runId));
    }

    @PostMapping({
        "/api/v1/projects/{project}/runs/{runId}/cancel",
        "/api/v1/projects/{project}/connectors/{id}/runs/{runId}/cancel"
    })
    @Requires(Permission.EDIT_CONNECTOR)
    public ResponseEntity<RunService.RunView> cancel(
            @PathVariable String project,
            @PathVariable(required = false) Long id,
            @PathVariable long runId,
            Caller caller) {
        RunService.RunView r = find(project, id, runId);
        if (!runs.cancel(r.id())) {
            throw ApiProblem.conflict("run-not-running", "run " + runId + " is not running (it is " + r.state() + ")");
        }
        audit.record(caller, "run.cancel", "run " + runId, "success", Map.of());
        return ResponseEntity.status(HttpStatus.ACCEPTED)
                .body(runs.find(project, runId).orElseThrow());
    }
}
