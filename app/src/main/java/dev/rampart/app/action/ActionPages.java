package dev.rampart.app.action;

import dev.rampart.app.security.Caller;
import dev.rampart.app.security.Permission;
import dev.rampart.app.security.Requires;
import dev.rampart.app.web.ApiProblem;
import dev.rampart.app.web.CursorPage;
import java.time.OffsetDateTime;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Response actions on the pages: the form on an asset's Response tab (a reason is required, the page asks first),
 * the project's actions with their live status, and the devices Rampart isolated.
 */
@Controller
public class ActionPages {
    private static final int PAGE = 50;
    private final ActionService actions;
    private final JdbcClient jdbc;

    public ActionPages(ActionService actions, DataSource dataSource) {
        this.actions = actions;
        this.jdbc = JdbcClient.create(dataSource);
    }

    @PostMapping("/projects/{project}/assets/{assetId}/actions")
    @Requires(Permission.RESPOND)
    public String request(
            Caller caller,
            @PathVariable String project,
            @PathVariable long assetId,
            @RequestParam(required = false) String type,
            @RequestParam(required = false) String isolationType,
            @RequestParam(required = false) String scanType,
            @RequestParam(required = false) String reason,
            RedirectAttributes redirect) {
        try {
            ActionService.ActionView a = actions.request(
                    caller, assetId, new ActionService.ActionRequest(type, isolationType, scanType, reason));
            redirect.addFlashAttribute(
                    "actionMessage",
                    "Defender took the " + a.type() + " (" + a.status() + "); its status follows below.");
        } catch (ApiProblem e) {
            if (e.status().value() == 404) {
                throw e;
            }
            redirect.addFlashAttribute(
                    "actionError",
                    e.errors().isEmpty()
                            ? dev.rampart.app.web.Text.sentence(e.getMessage())
                            : "The action needs " + e.errors().get(0).field() + ": "
                                    + e.errors().get(0).message() + ".");
        }
        return "redirect:/projects/" + project + "/assets/" + assetId + "?tab=response";
    }

    @GetMapping("/projects/{project}/actions")
    @Requires(Permission.READ)
    public String list(
            Caller caller,
            @PathVariable String project,
            @RequestParam(required = false) String status,
            @RequestParam(required = false) String type,
            @RequestParam(required = false) String cursor,
            Model model) {
        String s = status == null || status.isBlank() ? null : status;
        String t = type == null || type.isBlank() ? null : type;
        long before = CursorPage.decodeId(cursor, Long.MAX_VALUE);
        List<ActionService.ActionView> rows = actions.list(caller.requireProject(), before, PAGE + 1, null, s, t);
        CursorPage<ActionService.ActionView> page = CursorPage.of(rows, PAGE, a -> String.valueOf(a.id()));
        model.addAttribute("project", project);
        model.addAttribute("actions", page.items());
        model.addAttribute("status", s);
        model.addAttribute("type", t);
        model.addAttribute("showAsset", true);
        model.addAttribute("isolatedView", false);
        model.addAttribute(
                "next",
                page.nextCursor() == null
                        ? null
                        : "/projects/" + project + "/actions?cursor=" + page.nextCursor()
                                + (s == null ? "" : "&status=" + s) + (t == null ? "" : "&type=" + t));
        return "actions/list";
    }

    /** One action's row, for the live refresh of running actions. */
    @GetMapping("/projects/{project}/actions/{actionId}/row")
    @Requires(Permission.READ)
    public String row(
            Caller caller,
            @PathVariable String project,
            @PathVariable long actionId,
            @RequestParam(defaultValue = "true") boolean withAsset,
            Model model) {
        model.addAttribute("project", project);
        model.addAttribute(
                "a",
                actions.find(caller.requireProject(), actionId)
                        .orElseThrow(() -> ApiProblem.notFound("no action " + actionId)));
        model.addAttribute("showAsset", withAsset);
        return "actions/row :: row";
    }

    public record Isolated(long assetId, String name, OffsetDateTime at, String by, String reason) {}

    /** The devices whose last isolation or release through Rampart was an isolation that succeeded. */
    @GetMapping("/projects/{project}/actions/isolated")
    @Requires(Permission.READ)
    public String isolated(Caller caller, @PathVariable String project, Model model) {
        model.addAttribute("project", project);
        model.addAttribute("isolatedView", true);
        model.addAttribute(
                "isolated",
                jdbc.sql(
                                """
                                select a.id, a.name, m.finished_at, m.requested_by, m.reason
                                  from asset a
                                  left join lateral (select * from machine_action x where x.asset_id = a.id
                                                       and x.type = 'isolate' and x.status = 'Succeeded'
                                                     order by x.id desc limit 1) m on true
                                 where a.project_id = ? and a.isolated order by a.name limit 1000
                                """)
                        .param(caller.requireProject())
                        .query((rs, n) -> new Isolated(
                                rs.getLong(1),
                                rs.getString(2),
                                rs.getObject(3, OffsetDateTime.class),
                                rs.getString(4),
                                rs.getString(5)))
                        .list());
        return "actions/list";
    }
}
