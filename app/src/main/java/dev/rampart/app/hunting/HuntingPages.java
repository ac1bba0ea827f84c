package dev.rampart.app.hunting;

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
 * The hunting console's page: a KQL editor, the answer as a table with its schema, a CSV download, and the project's
 * saved hunts. Anyone in the project sees the saved hunts; running and saving are for analysts and admins.
 */
@Controller
public class HuntingPages {
    private final HuntingService hunting;

    public HuntingPages(HuntingService hunting) {
        this.hunting = hunting;
    }

    private void common(Caller caller, String project, Model model, String query, String connector) {
        model.addAttribute("project", project);
        model.addAttribute("hunts", hunting.saved().list(caller));
        model.addAttribute(
                "connectors",
                hunting.connectorsOf(caller.requireProject()).stream()
                        .map(c -> c.name())
                        .toList());
        model.addAttribute(
                "query",
                query == null ? "DeviceInfo\n| summarize arg_max(Timestamp, *) by DeviceId\n| take 50" : query);
        model.addAttribute("connector", connector);
        model.addAttribute("mayRun", caller.role() != null && caller.role().allows(Permission.TRIAGE));
    }

    @GetMapping("/projects/{project}/hunting")
    @Requires(Permission.READ)
    public String console(
            Caller caller, @PathVariable String project, @RequestParam(required = false) Long hunt, Model model) {
        String query = hunt == null ? null : hunting.saved().get(caller, hunt).query();
        common(caller, project, model, query, null);
        return "hunting/console";
    }

    /** The answer as rows of cells in schema order, for the table. */
    public record Table(
            List<String> columns,
            List<String> types,
            List<List<String>> rows,
            boolean truncated,
            String via,
            String connector) {}

    @PostMapping("/projects/{project}/hunting")
    @Requires(Permission.TRIAGE)
    public String run(
            Caller caller,
            @PathVariable String project,
            @RequestParam(required = false) String query,
            @RequestParam(required = false) String connector,
            Model model) {
        common(caller, project, model, query, connector);
        try {
            HuntingService.Answer a = hunting.run(caller, blankToNull(connector), query);
            model.addAttribute(
                    "table",
                    new Table(
                            a.schema().stream().map(c -> c.name()).toList(),
                            a.schema().stream().map(c -> c.type()).toList(),
                            a.cells(),
                            a.truncated(),
                            a.via(),
                            a.connector()));
        } catch (ApiProblem e) {
            if (e.status().value() == 404) {
                throw e;
            }
            model.addAttribute("huntError", e.sentence());
        }
        return "hunting/console";
    }

    @PostMapping("/projects/{project}/hunting/csv")
    @Requires(Permission.TRIAGE)
    public ResponseEntity<String> csv(
            Caller caller,
            @PathVariable String project,
            @RequestParam(required = false) String query,
            @RequestParam(required = false) String connector) {
        return HuntingController.answer(hunting.run(caller, blankToNull(connector), query), "csv");
    }

    @PostMapping("/projects/{project}/hunting/save")
    @Requires(Permission.TRIAGE)
    public String save(
            Caller caller,
            @PathVariable String project,
            @RequestParam(required = false) String name,
            @RequestParam(required = false) String query,
            @RequestParam(required = false) String visibility,
            RedirectAttributes redirect) {
        try {
            SavedTexts.Saved h = hunting.saved()
                    .create(caller, new SavedTexts.SaveRequest(name, query, !"private".equals(visibility)));
            redirect.addFlashAttribute("huntMessage", "Saved as “" + h.name() + "”.");
            return "redirect:/projects/" + project + "/hunting?hunt=" + h.id();
        } catch (ApiProblem e) {
            redirect.addFlashAttribute("huntError", e.sentence());
            return "redirect:/projects/" + project + "/hunting";
        }
    }

    @PostMapping("/projects/{project}/hunting/{huntId}/delete")
    @Requires(Permission.TRIAGE)
    public String delete(
            Caller caller, @PathVariable String project, @PathVariable long huntId, RedirectAttributes redirect) {
        try {
            hunting.saved().delete(caller, huntId);
            redirect.addFlashAttribute("huntMessage", "The saved hunt is deleted.");
        } catch (ApiProblem e) {
            if (e.status().value() == 404) {
                throw e;
            }
            redirect.addFlashAttribute("huntError", e.sentence());
        }
        return "redirect:/projects/" + project + "/hunting";
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
