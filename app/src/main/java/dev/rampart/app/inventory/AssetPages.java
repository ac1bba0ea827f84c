package dev.rampart.app.inventory;

import dev.rampart.app.security.Caller;
import dev.rampart.app.security.Permission;
import dev.rampart.app.security.Requires;
import dev.rampart.app.web.CursorPage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The inventory's pages: the project switcher, the asset list (server-side filters, sort and cursor paging, the same
 * queries as the API) and the asset detail with its tabs, among them Risk › Microsoft Defender.
 */
@Controller
public class AssetPages {
    private final InventoryController api;
    private final dev.rampart.app.security.PageModel pages;
    private final JdbcClient jdbc;
    private final SavedFilters savedFilters;
    private final dev.rampart.app.security.Audit audit;
    private final dev.rampart.app.risk.RiskController risk;
    private final dev.rampart.app.action.ActionService actions;
    private final dev.rampart.app.graph.GraphService graph;
    private final dev.rampart.app.query.QueryService queries;

    public AssetPages(
            InventoryController api,
            dev.rampart.app.security.PageModel pages,
            DataSource dataSource,
            dev.rampart.app.security.Audit audit,
            dev.rampart.app.risk.RiskController risk,
            dev.rampart.app.action.ActionService actions,
            dev.rampart.app.graph.GraphService graph,
            dev.rampart.app.query.QueryService queries) {
        this.graph = graph;
        this.queries = queries;
        this.risk = risk;
        this.actions = actions;
        this.api = api;
        this.pages = pages;
        this.jdbc = JdbcClient.create(dataSource);
        this.savedFilters = new SavedFilters(jdbc);
        this.audit = audit;
    }

    /** Home: the caller's first project's assets, or a page saying there is none. */
    @GetMapping("/")
    @Requires(Permission.AUTHENTICATED)
    public String home(Caller caller, Model model) {
        List<String> projects = projects(caller);
        if (projects.isEmpty()) {
            model.addAttribute("projects", projects);
            return "assets/no-project";
        }
        return "redirect:/projects/" + projects.get(0) + "/assets";
    }

    List<String> projects(Caller caller) {
        return pages.projects(caller);
    }

    /** The asset list's filters that a URL (and a saved filter) carries; {@code meta.<key>} as well. */
    static final List<String> FILTERS = List.of(
            "q", "health", "active", "os", "risk", "sensorFlag", "isolated", "software", "exposed", "query", "sort");

    /** The asset list's filters of a request: the known ones and every non-blank {@code meta.<key>}, in order. */
    static Map<String, String> filters(Map<String, String> params) {
        Map<String, String> f = new LinkedHashMap<>();
        params.forEach((k, v) -> {
            if ((FILTERS.contains(k) || k.startsWith("meta.")) && v != null && !v.isBlank()) {
                f.put(k, v.trim());
            }
        });
        return f;
    }

    static String query(Map<String, String> filters) {
        StringBuilder q = new StringBuilder();
        filters.forEach((k, v) -> q.append(q.isEmpty() ? "" : "&")
                .append(java.net.URLEncoder.encode(k, java.nio.charset.StandardCharsets.UTF_8))
                .append('=')
                .append(java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8)));
        return q.toString();
    }

    /**
     * The asset list: search, health, active, OS and any metadata key ({@code meta.<key>=<value>}, the API's filter),
     * sorted and paged on the server; the caller's saved filters beside it. A new metadata filter comes as
     * {@code metaKey}/{@code metaValue} and is turned into a {@code meta.<key>} address, so every filter is a link.
     */
    @GetMapping("/projects/{project}/assets")
    @Requires(Permission.READ)
    public String list(
            Caller caller,
            @PathVariable String project,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) String metaKey,
            @RequestParam(required = false) String metaValue,
            @RequestParam Map<String, String> params,
            Model model) {
        Map<String, String> filters = filters(params);
        if (metaKey != null && !metaKey.isBlank() && metaValue != null && !metaValue.isBlank()) {
            filters.put("meta." + metaKey.trim(), metaValue.trim());
            return "redirect:/projects/" + project + "/assets?" + query(filters);
        }
        Boolean active = filters.containsKey("active") ? Boolean.valueOf(filters.get("active")) : null;
        Boolean isolated = filters.containsKey("isolated") ? Boolean.valueOf(filters.get("isolated")) : null;
        Map<String, String> apiFilters = new LinkedHashMap<>(filters);
        apiFilters.remove("sort");
        CursorPage<Map<String, Object>> page = api.assets(
                caller,
                filters.get("q"),
                filters.get("health"),
                active,
                filters.get("os"),
                filters.get("risk"),
                filters.get("sensorFlag"),
                isolated,
                filters.get("query"),
                filters.get("sort"),
                cursor,
                50,
                apiFilters);
        long p = caller.requireProject();
        model.addAttribute("project", project);
        model.addAttribute("page", page);
        model.addAttribute("f", filters);
        model.addAttribute("sort", filters.getOrDefault("sort", "name"));
        Map<String, String> meta = new LinkedHashMap<>();
        filters.forEach((k, v) -> {
            if (k.startsWith("meta.")) {
                meta.put(k, v);
            }
        });
        model.addAttribute("meta", meta);
        model.addAttribute("query", query(filters));
        model.addAttribute(
                "next",
                page.nextCursor() == null
                        ? null
                        : "/projects/" + project + "/assets?" + query(with(filters, "cursor", page.nextCursor())));
        model.addAttribute(
                "osNames",
                jdbc.sql("select name from profile where project_id = ? and kind = 'OS' order by name")
                        .param(p)
                        .query(String.class)
                        .list());
        // The metadata keys offered: those of the newest assets (cheap at any size; any key can be typed).
        model.addAttribute(
                "metaKeys",
                jdbc.sql(
                                """
                        select distinct k from (select metadata from asset where project_id = ? order by id desc
                         limit 200) a, jsonb_object_keys(a.metadata) k order by k
                        """)
                        .param(p)
                        .query(String.class)
                        .list());
        model.addAttribute("saved", savedFilters.list(p, caller.userId()));
        model.addAttribute("savedQueries", deviceQueries(caller, filters.get("query")));
        model.addAttribute(
                "total",
                jdbc.sql("select count(*) from asset where project_id = ?")
                        .param(p)
                        .query(Long.class)
                        .single());
        return "assets/list";
    }

    /** A saved query that chooses devices, as a link of the asset list. */
    public record SavedQuery(String name, String query, String href, boolean current) {}

    /** The caller's saved queries (theirs and the project's shared ones) that can filter this list. */
    private List<SavedQuery> deviceQueries(Caller caller, String current) {
        List<SavedQuery> out = new java.util.ArrayList<>();
        for (dev.rampart.app.security.SavedTexts.Saved s : queries.saved().list(caller)) {
            try {
                dev.rampart.app.query.QueryCompiler.compileFilter(
                        s.query(), "Device", caller.requireProject(), java.time.Instant.now());
            } catch (dev.rampart.app.query.QueryException notAFilter) {
                continue; // it returns columns, or finds something else: the query page runs it
            }
            out.add(new SavedQuery(
                    s.name(),
                    s.query(),
                    "?query=" + java.net.URLEncoder.encode(s.query(), java.nio.charset.StandardCharsets.UTF_8),
                    s.query().equals(current)));
        }
        return out;
    }

    private static Map<String, String> with(Map<String, String> m, String k, String v) {
        Map<String, String> c = new LinkedHashMap<>(m);
        c.put(k, v);
        return c;
    }

    /** Saves the current filters under a name for this user (replacing a filter of the same name). */
    @org.springframework.web.bind.annotation.PostMapping("/projects/{project}/assets/saved-filters")
    @Requires(Permission.READ)
    public String saveFilter(
            Caller caller,
            @PathVariable String project,
            @RequestParam String name,
            @RequestParam Map<String, String> params,
            org.springframework.web.servlet.mvc.support.RedirectAttributes redirect) {
        Map<String, String> filters = filters(params);
        String n = name.trim();
        if (n.isEmpty() || n.length() > 100) {
            redirect.addFlashAttribute("filterError", "Give the filter a name of 1 to 100 characters.");
        } else {
            savedFilters.save(caller.requireProject(), caller.userId(), n, query(filters));
            audit.record(caller, "filter.save", "saved filter " + n, "success", Map.of("list", "assets"));
            redirect.addFlashAttribute("filterSaved", "Saved as '" + n + "'.");
        }
        return "redirect:/projects/" + project + "/assets" + (filters.isEmpty() ? "" : "?" + query(filters));
    }

    @org.springframework.web.bind.annotation.PostMapping("/projects/{project}/assets/saved-filters/{id}/delete")
    @Requires(Permission.READ)
    public String deleteFilter(Caller caller, @PathVariable String project, @PathVariable long id) {
        if (!savedFilters.delete(caller.requireProject(), caller.userId(), id)) {
            throw dev.rampart.app.web.ApiProblem.notFound("you have no saved filter " + id);
        }
        audit.record(caller, "filter.delete", "saved filter " + id, "success", Map.of("list", "assets"));
        return "redirect:/projects/" + project + "/assets";
    }

    /** What the Defender sub-tab shows, with the portal links. */
    public record DefenderRisk(
            String machineId,
            String exposureLevel,
            Map<String, Object> topVulnerability,
            long vulnerabilities,
            String alertSeverity,
            long activeAlerts,
            String overviewUrl,
            String vulnerabilitiesUrl,
            String alertsUrl,
            String topVulnerabilityUrl) {}

    @GetMapping("/projects/{project}/assets/{assetId}")
    @Requires(Permission.READ)
    public String detail(
            Caller caller,
            @PathVariable String project,
            @PathVariable long assetId,
            @RequestParam(defaultValue = "overview") String tab,
            Model model) {
        Map<String, Object> asset = api.asset(caller, assetId);
        model.addAttribute("tab", tab);
        model.addAttribute("project", project);
        model.addAttribute("asset", asset);
        model.addAttribute(
                "defender", defender(caller.requireProject(), assetId, asset).orElse(null));
        model.addAttribute("canTriage", caller.role().allows(Permission.TRIAGE));
        model.addAttribute("canRespond", caller.role().allows(Permission.RESPOND));
        if (tab.equals("risk")) {
            model.addAttribute("history", risk.history(assetId, caller).get("items"));
        }
        if (tab.equals("graph")) {
            dev.rampart.app.graph.GraphService.Subgraph around = graph.around(
                    caller.requireProject(),
                    dev.rampart.app.graph.GraphService.entityClass("Device"),
                    String.valueOf(assetId),
                    1);
            model.addAttribute("graph", around);
            model.addAttribute(
                    "graphNames",
                    around.entities().stream()
                            .collect(java.util.stream.Collectors.toMap(
                                    dev.rampart.app.graph.GraphService.Entity::id,
                                    dev.rampart.app.graph.GraphService::label)));
        }
        if (tab.equals("response")) {
            model.addAttribute(
                    "actions", actions.list(caller.requireProject(), Long.MAX_VALUE, 50, assetId, null, null));
            model.addAttribute(
                    "unavailable",
                    actions.unavailable(caller.requireProject(), assetId).orElse(null));
        }
        return "assets/detail";
    }

    private Optional<DefenderRisk> defender(long projectId, long assetId, Map<String, Object> asset) {
        record Source(String machineId, String cloud, String tenant) {}
        Optional<Source> source = jdbc.sql(
                        """
                        select x.external_id, c.cloud, c.tenant_id from asset_source x
                          join source s on s.id = x.source_id join connector c on c.id = s.connector_id
                         where x.asset_id = ? and s.kind = 'defender' order by x.last_seen desc limit 1
                        """)
                .param(assetId)
                .query((rs, n) -> new Source(rs.getString(1), rs.getString(2), rs.getString(3)))
                .optional();
        if (source.isEmpty()) {
            return Optional.empty();
        }
        Source s = source.get();
        DefenderLinks links = DefenderLinks.of(s.cloud(), s.tenant());
        Map<String, Object> top = jdbc.sql(
                        """
                        select f.cve_id as "cveId", f.severity, f.cvss, f.exploitability,
                               f.product_name as "productName", f.product_version as "productVersion",
                               v.name, v.description, v.public_exploit as "publicExploit"
                          from finding f left join vulnerability v on v.project_id = f.project_id and v.cve_id = f.cve_id
                         where f.asset_id = ? and f.state = 'open'
                         order by f.cvss desc nulls last, f.id limit 1
                        """)
                .param(assetId)
                .query((rs, n) -> KeysetList.row(rs))
                .optional()
                .orElse(null);
        long vulnerabilities = jdbc.sql(
                        "select count(distinct cve_id) from finding where asset_id = ? and state =" + " 'open'")
                .param(assetId)
                .query(Long.class)
                .single();
        record Alerts(String severity, long active) {}
        Alerts alerts = jdbc.sql(
                        """
                        select (array_agg(severity order by case severity when 'High' then 4 when 'Medium' then 3
                                      when 'Low' then 2 when 'Informational' then 1 else 0 end desc))[1],
                               count(*)
                          from alert where asset_id = ? and coalesce(status, '') <> 'Resolved'
                        """)
                .param(assetId)
                .query((rs, n) -> new Alerts(rs.getString(1), rs.getLong(2)))
                .single();
        Object metadata = asset.get("metadata");
        String exposure = metadata instanceof tools.jackson.databind.JsonNode m && m.hasNonNull("exposureLevel")
                ? m.get("exposureLevel").asString()
                : null;
        return Optional.of(new DefenderRisk(
                s.machineId(),
                exposure,
                top,
                vulnerabilities,
                alerts.severity(),
                alerts.active(),
                links.deviceOverview(s.machineId()),
                links.deviceVulnerabilities(s.machineId()),
                links.deviceAlerts(s.machineId()),
                top == null ? null : links.cve(String.valueOf(top.get("cveId")))));
    }
}
