package dev.rampart.app.query;

import dev.rampart.app.graph.GraphModel;
import dev.rampart.app.security.Caller;
import dev.rampart.app.security.Permission;
import dev.rampart.app.security.Requires;
import dev.rampart.app.security.SavedTexts;
import dev.rampart.app.web.ApiProblem;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The query page: an editor, the answer as a table, a CSV download, the project's saved queries and a reference of
 * the entity classes, their properties and relationships. For everyone in the project.
 */
@Controller
public class QueryPages {
    static final String EXAMPLE = "FIND Device WITH riskLevel = 'Critical'\n"
            + "  THAT HAS Finding WITH exploitVerified = true AND state = 'open'\n"
            + "RETURN Device.name, Finding.cveId\nLIMIT 100";

    private final QueryService queries;

    public QueryPages(QueryService queries) {
        this.queries = queries;
    }

    /** Where a query went wrong: the message, and the line with a caret under the place. */
    public record QueryError(String message, String line, String caret) {}

    /** The answer for the table. */
    public record Table(List<String> columns, List<String> types, List<List<String>> rows, boolean truncated) {}

    private void common(Caller caller, String project, Model model, String query) {
        model.addAttribute("project", project);
        model.addAttribute("saved", queries.saved().list(caller));
        model.addAttribute("query", query == null ? EXAMPLE : query);
        model.addAttribute("classes", GraphModel.classes());
        model.addAttribute("relationships", GraphModel.relationships());
    }

    @GetMapping("/projects/{project}/queries")
    @Requires(Permission.READ)
    public String editor(
            Caller caller, @PathVariable String project, @RequestParam(required = false) Long saved, Model model) {
        common(
                caller,
                project,
                model,
                saved == null ? null : queries.saved().get(caller, saved).query());
        return "queries/editor";
    }

    @PostMapping("/projects/{project}/queries")
    @Requires(Permission.READ)
    public String run(
            Caller caller, @PathVariable String project, @RequestParam(required = false) String query, Model model) {
        common(caller, project, model, query);
        try {
            QueryService.Answer a = queries.run(caller, query);
            model.addAttribute(
                    "table",
                    new Table(
                            a.columns().stream().map(QueryCompiler.Column::name).toList(),
                            a.columns().stream()
                                    .map(c -> c.type().name().toLowerCase(java.util.Locale.ROOT))
                                    .toList(),
                            a.cells(),
                            a.truncated()));
            try {
                // a query that only chooses devices can drive the asset list, with its sorting and paging
                QueryCompiler.compileFilter(query, "Device", caller.requireProject(), java.time.Instant.now());
                model.addAttribute(
                        "assetList",
                        "/projects/" + project + "/assets?query="
                                + java.net.URLEncoder.encode(query.strip(), java.nio.charset.StandardCharsets.UTF_8));
            } catch (QueryException notAFilter) {
                // RETURN, ORDER BY, LIMIT or another class: the answer is the table alone
            }
        } catch (ApiProblem e) {
            model.addAttribute("queryError", error(e, query));
        }
        return "queries/editor";
    }

    @PostMapping("/projects/{project}/queries/csv")
    @Requires(Permission.READ)
    public ResponseEntity<?> csv(
            Caller caller, @PathVariable String project, @RequestParam(required = false) String query) {
        return QueryController.answer(queries.run(caller, query), "csv", "query");
    }

    @PostMapping("/projects/{project}/queries/save")
    @Requires(Permission.READ)
    public String save(
            Caller caller,
            @PathVariable String project,
            @RequestParam(required = false) String name,
            @RequestParam(required = false) String query,
            @RequestParam(required = false) String visibility,
            RedirectAttributes redirect) {
        try {
            SavedTexts.Saved s = queries.saved()
                    .create(caller, new SavedTexts.SaveRequest(name, query, !"private".equals(visibility)));
            redirect.addFlashAttribute("queryMessage", "Saved as “" + s.name() + "”.");
            return "redirect:/projects/" + project + "/queries?saved=" + s.id();
        } catch (ApiProblem e) {
            redirect.addFlashAttribute("queryError", error(e, null));
            return "redirect:/projects/" + project + "/queries";
        }
    }

    @PostMapping("/projects/{project}/queries/{queryId}/delete")
    @Requires(Permission.READ)
    public String delete(
            Caller caller, @PathVariable String project, @PathVariable long queryId, RedirectAttributes redirect) {
        try {
            queries.saved().delete(caller, queryId);
            redirect.addFlashAttribute("queryMessage", "The saved query is deleted.");
        } catch (ApiProblem e) {
            if (e.status().value() == 404) {
                throw e;
            }
            redirect.addFlashAttribute("queryError", error(e, null));
        }
        return "redirect:/projects/" + project + "/queries";
    }

    private static QueryError error(ApiProblem e, String query) {
        String message = e.sentence();
        if (query == null || !"query-invalid".equals(e.slug())) {
            return new QueryError(message, null, null);
        }
        int position = Math.min(((Number) e.properties().get("position")).intValue(), query.length());
        int start = query.lastIndexOf('\n', position - 1) + 1;
        int end = query.indexOf('\n', position);
        String line = query.substring(start, end < 0 ? query.length() : end);
        return new QueryError(message, line, " ".repeat(position - start) + "^");
    }
}
