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

    public AssetPages(InventoryController api, dev.rampart.app.security.PageModel pages, DataSource dataSource) {
        this.api = api;
        this.pages = pages;
        this.jdbc = JdbcClient.create(dataSource);
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

    @GetMapping("/projects/{project}/assets")
    @Requires(Permission.READ)
    public String list(
            Caller caller,
            @PathVariable String project,
            @RequestParam(required = false) String q,
            @RequestParam(required = false) String health,
            @RequestParam(required = false) String sort,
            @RequestParam(required = false) String cursor,
            Model model) {
        Map<String, String> filters = new LinkedHashMap<>();
        if (q != null && !q.isBlank()) {
            filters.put("q", q);
        }
        if (health != null && !health.isBlank()) {
            filters.put("health", health);
        }
        Map<String, String> all = new LinkedHashMap<>(filters);
        CursorPage<Map<String, Object>> page = api.assets(caller, q, health, null, null, sort, cursor, 50, all);
        model.addAttribute("project", project);
        model.addAttribute("page", page);
        model.addAttribute("q", q);
        model.addAttribute("health", health);
        model.addAttribute("sort", sort == null ? "name" : sort);
        model.addAttribute(
                "total",
                jdbc.sql("select count(*) from asset where project_id = ?")
                        .param(caller.requireProject())
                        .query(Long.class)
                        .single());
        return "assets/list";
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
