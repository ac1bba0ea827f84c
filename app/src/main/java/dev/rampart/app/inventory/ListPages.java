package dev.rampart.app.inventory;

import dev.rampart.app.security.Caller;
import dev.rampart.app.security.Permission;
import dev.rampart.app.security.Requires;
import dev.rampart.app.web.CursorPage;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * The inventory's other lists — software, alerts, profiles, tickets and change events — on one template: each is the
 * API's list (same filters, keyset paging, sorts), described by its filters and columns.
 */
@Controller
public class ListPages {
    private final InventoryController api;

    public ListPages(InventoryController api) {
        this.api = api;
    }

    /** A filter of the form: a select when it has options, else a text (or number) input. */
    public record Filter(String name, String label, List<String> options, String value, boolean number) {
        static Filter text(String name, String label, String value) {
            return new Filter(name, label, null, value, false);
        }

        static Filter number(String name, String label, Long value) {
            return new Filter(name, label, null, value == null ? null : value.toString(), true);
        }

        static Filter choice(String name, String label, String value, String... options) {
            return new Filter(name, label, List.of(options), value, false);
        }
    }

    /**
     * A column: the row key it shows and how — {@code text}, {@code badge} (severity), {@code asset} (a link to the
     * row's asset, named by {@code assetName}), {@code run} (a link to the sync history), {@code devices} (a software
     * row's devices, and those it exposes, on the asset list), {@code json}, {@code time}.
     */
    public record Column(String key, String label, String kind) {}

    private static Column col(String key, String label) {
        return new Column(key, label, "text");
    }

    private String render(
            Model model,
            String project,
            String title,
            String intro,
            List<Filter> filters,
            List<String> sorts,
            String sort,
            List<Column> columns,
            CursorPage<Map<String, Object>> page) {
        model.addAttribute("project", project);
        model.addAttribute("title", title);
        model.addAttribute("intro", intro);
        model.addAttribute("filters", filters);
        model.addAttribute("sorts", sorts);
        model.addAttribute("sort", sort == null ? sorts.get(0) : sort);
        model.addAttribute("columns", columns);
        model.addAttribute("page", page);
        model.addAttribute(
                "next",
                page.nextCursor() == null
                        ? null
                        : ServletUriComponentsBuilder.fromCurrentRequest()
                                .replaceQueryParam("cursor", page.nextCursor())
                                .build()
                                .toUriString());
        return "project/list";
    }

    @GetMapping("/projects/{project}/software")
    @Requires(Permission.READ)
    public String software(
            Caller caller,
            @PathVariable String project,
            @RequestParam(required = false) String q,
            @RequestParam(required = false) String sort,
            @RequestParam(required = false) String cursor,
            Model model) {
        return render(
                model,
                project,
                "Software",
                "Installed software found on the devices, with the number of assets that have it and its known weaknesses.",
                List.of(Filter.text("q", "Name or vendor", q)),
                List.of("name", "-assets", "assets", "key"),
                sort,
                List.of(
                        col("name", "Name"),
                        col("vendor", "Vendor"),
                        new Column("assets", "Devices", "devices"),
                        col("weaknesses", "Weaknesses")),
                api.software(caller, q, sort, cursor, 50));
    }

    @GetMapping("/projects/{project}/alerts")
    @Requires(Permission.READ)
    public String alerts(
            Caller caller,
            @PathVariable String project,
            @RequestParam(required = false) String severity,
            @RequestParam(required = false) String status,
            @RequestParam(required = false) Long assetId,
            @RequestParam(required = false) String sort,
            @RequestParam(required = false) String cursor,
            Model model) {
        return render(
                model,
                project,
                "Alerts",
                "Microsoft Defender alerts on the project's devices, newest first.",
                List.of(
                        Filter.choice("severity", "Severity", severity, "High", "Medium", "Low", "Informational"),
                        Filter.choice("status", "Status", status, "New", "InProgress", "Resolved"),
                        Filter.number("assetId", "Asset id", assetId)),
                List.of("-createdAt", "createdAt", "-id", "id"),
                sort,
                List.of(
                        col("title", "Title"),
                        new Column("severity", "Severity", "badge"),
                        col("status", "Status"),
                        new Column("assetId", "Asset", "asset"),
                        col("category", "Category"),
                        new Column("createdAt", "Created", "time")),
                api.alerts(caller, severity, status, assetId, sort, cursor, 50));
    }

    @GetMapping("/projects/{project}/profiles")
    @Requires(Permission.READ)
    public String profiles(
            Caller caller,
            @PathVariable String project,
            @RequestParam(required = false) String kind,
            @RequestParam(required = false) String sort,
            @RequestParam(required = false) String cursor,
            Model model) {
        return render(
                model,
                project,
                "Profiles",
                "Profiles made from the devices' OS details (F16), with the number of assets assigned to each.",
                List.of(Filter.choice("kind", "Kind", kind, "OS", "OS_VERSION", "CLASS")),
                List.of("name", "id"),
                sort,
                List.of(
                        col("kind", "Kind"),
                        col("name", "Name"),
                        col("assets", "Assets"),
                        new Column("createdAt", "Created", "time")),
                api.profiles(caller, kind, sort, cursor, 50));
    }

    @GetMapping("/projects/{project}/tickets")
    @Requires(Permission.READ)
    public String tickets(
            Caller caller,
            @PathVariable String project,
            @RequestParam(required = false) String state,
            @RequestParam(required = false) Long assetId,
            @RequestParam(required = false) String sort,
            @RequestParam(required = false) String cursor,
            Model model) {
        return render(
                model,
                project,
                "Tickets",
                "Remediation tickets: one per asset with open findings, mitigated when they are fixed.",
                List.of(
                        Filter.choice("state", "State", state, "open", "mitigated"),
                        Filter.number("assetId", "Asset id", assetId)),
                List.of("-id", "id", "createdAt", "-createdAt"),
                sort,
                List.of(
                        col("id", "Id"),
                        col("title", "Title"),
                        new Column("assetId", "Asset", "asset"),
                        col("state", "State"),
                        col("findings", "Findings"),
                        col("timesReopened", "Reopened"),
                        new Column("createdAt", "Created", "time"),
                        new Column("closedAt", "Closed", "time")),
                api.tickets(caller, state, assetId, sort, cursor, 50));
    }

    @GetMapping("/projects/{project}/events")
    @Requires(Permission.READ)
    public String events(
            Caller caller,
            @PathVariable String project,
            @RequestParam(required = false) String type,
            @RequestParam(required = false) Long assetId,
            @RequestParam(required = false) Long runId,
            @RequestParam(required = false) String sort,
            @RequestParam(required = false) String cursor,
            Model model) {
        return render(
                model,
                project,
                "Change events",
                "The inventory's history: what each run added, deactivated, opened, fixed or reopened.",
                List.of(
                        Filter.choice(
                                "type",
                                "Type",
                                type,
                                "asset.added",
                                "asset.deactivated",
                                "asset.reactivated",
                                "finding.opened",
                                "finding.fixed",
                                "finding.reopened",
                                "finding.archived",
                                "alert.new",
                                "alert.updated",
                                "ticket.mitigated",
                                "ticket.reopened"),
                        Filter.number("assetId", "Asset id", assetId),
                        Filter.number("runId", "Run id", runId)),
                List.of("-id", "id"),
                sort,
                List.of(
                        new Column("at", "When", "time"),
                        col("type", "Type"),
                        new Column("assetId", "Asset", "asset"),
                        new Column("runId", "Run", "run"),
                        new Column("details", "Details", "json")),
                api.events(caller, type, assetId, runId, sort, cursor, 50));
    }
}
