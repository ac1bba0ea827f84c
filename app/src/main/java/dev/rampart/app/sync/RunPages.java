package dev.rampart.app.sync;

import dev.rampart.app.security.Caller;
import dev.rampart.app.security.Permission;
import dev.rampart.app.security.Requires;
import dev.rampart.app.web.ApiProblem;
import dev.rampart.app.web.CursorPage;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Sync history (F4): every run with its counts, API calls, throttle waits and errors; a running run's row refreshes
 * itself every two seconds (htmx) with its phase and a progress bar, and stops refreshing when the run ends.
 */
@Controller
public class RunPages {
    /** The phases a Defender run goes through, in order, for the progress bar. */
    static final List<String> PHASES = List.of(
            "starting",
            "machines",
            "vulnerability catalog",
            "vulnerabilities",
            "software",
            "alerts",
            "logon users",
            "applying",
            "done");

    private final RunService runs;
    private final dev.rampart.app.connector.ConnectorService connectors;
    private final dev.rampart.app.security.Audit audit;
    private final JdbcClient jdbc;

    public RunPages(
            RunService runs,
            dev.rampart.app.connector.ConnectorService connectors,
            dev.rampart.app.security.Audit audit,
            DataSource dataSource) {
        this.runs = runs;
        this.connectors = connectors;
        this.audit = audit;
        this.jdbc = JdbcClient.create(dataSource);
    }

    /** A run and how far along it is (0-100). */
    public record Row(RunService.RunView run, int percent) {}

    static Row row(RunService.RunView r) {
        if (!"running".equals(r.state())) {
            return new Row(r, 100);
        }
        int i = 0;
        for (int k = 0; k < PHASES.size(); k++) {
            if (r.phase() != null && r.phase().startsWith(PHASES.get(k))) {
                i = k;
            }
        }
        return new Row(r, Math.round(100f * i / (PHASES.size() - 1)));
    }

    @GetMapping("/projects/{project}/runs")
    @Requires(Permission.READ)
    public String history(
            Caller caller, @PathVariable String project, @RequestParam(required = false) String cursor, Model model) {
        long before = CursorPage.decodeId(cursor, Long.MAX_VALUE);
        List<RunService.RunView> rows = runs.list(project, null, before, 51);
        CursorPage<RunService.RunView> page = CursorPage.of(rows, 50, r -> String.valueOf(r.id()));
        model.addAttribute("project", project);
        model.addAttribute("rows", page.items().stream().map(RunPages::row).toList());
        model.addAttribute("nextCursor", page.nextCursor());
        return "runs/history";
    }

    /** "Run now" from the connector page; then the sync history, where the run shows its progress. */
    @org.springframework.web.bind.annotation.PostMapping("/projects/{project}/connectors/{id}/run")
    @Requires(Permission.EDIT_CONNECTOR)
    public String runNow(
            Caller caller,
            @PathVariable String project,
            @PathVariable long id,
            org.springframework.web.servlet.mvc.support.RedirectAttributes redirect) {
        dev.rampart.app.connector.Connector c = connectors.require(project, id);
        try {
            long run = runs.start(c, SyncEngine.Mode.AUTO, "ui", caller.actor());
            audit.record(caller, "run.start", "connector " + id, "success", java.util.Map.of("run", run, "via", "ui"));
        } catch (SyncFailedException e) {
            audit.record(caller, "run.start", "connector " + id, "failure", java.util.Map.of("reason", e.getMessage()));
            redirect.addFlashAttribute("message", e.getMessage());
        }
        return "redirect:/projects/" + project + "/runs";
    }

    /** One run's row, for the live refresh. */
    @GetMapping("/projects/{project}/runs/{runId}/row")
    @Requires(Permission.READ)
    public String row(@PathVariable String project, @PathVariable long runId, Model model) {
        model.addAttribute("project", project);
        model.addAttribute(
                "r", row(runs.find(project, runId).orElseThrow(() -> ApiProblem.notFound("no run " + runId))));
        return "runs/row :: row";
    }
}
