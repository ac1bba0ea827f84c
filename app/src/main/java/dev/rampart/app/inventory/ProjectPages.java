package dev.rampart.app.inventory;

import dev.rampart.app.security.Caller;
import dev.rampart.app.security.Permission;
import dev.rampart.app.security.Requires;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/** The project's dashboard and the finding and vulnerability pages (server-side filters and paging, as the API). */
@Controller
public class ProjectPages {
    private final InventoryController api;
    private final JdbcClient jdbc;

    private final dev.rampart.app.risk.RiskSummary.Cache riskSummaries;

    public ProjectPages(
            InventoryController api, DataSource dataSource, dev.rampart.app.risk.RiskSummary.Cache riskSummaries) {
        this.api = api;
        this.riskSummaries = riskSummaries;
        this.jdbc = JdbcClient.create(dataSource);
    }

    private List<Map<String, Object>> rows(String sql, Object... params) {
        return jdbc.sql(sql)
                .params(List.of(params))
                .query((rs, n) -> KeysetList.row(rs))
                .list();
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private void common(Caller caller, String project, Model model) {
        model.addAttribute("project", project);
    }

    /** The dashboard's breakdowns: assets by health and exposure, open findings by severity and exploitability. */
    record Breakdowns(
            List<Map<String, Object>> byHealth,
            List<Map<String, Object>> byExposure,
            List<Map<String, Object>> bySeverity,
            List<Map<String, Object>> byExploitability,
            Instant at) {}

    private static final tools.jackson.databind.json.JsonMapper JSON =
            tools.jackson.databind.json.JsonMapper.builder().build();

    static final java.time.Duration CACHE_FOR = java.time.Duration.ofMinutes(1);
    private final Map<Long, Breakdowns> counted = new ConcurrentHashMap<>();

    /**
     * One pass over a project's open findings gives both finding breakdowns, one over its assets both asset ones; kept
     * for a minute, since the counts take over a second at three million findings (scripts/api-bench.sh: dashboard
     * median 1.3 s before) and change only when a run applies.
     */
    Breakdowns breakdowns(long projectId) {
        Breakdowns cached = counted.get(projectId);
        if (cached != null && cached.at().isAfter(Instant.now().minus(CACHE_FOR))) {
            return cached;
        }
        Map<String, Long> severity = new TreeMap<>();
        Map<String, Long> exploitability = new TreeMap<>();
        jdbc.sql(
                        """
                        select coalesce(severity, 'None'), coalesce(exploitability, 'None'), count(*) from finding
                         where project_id = ? and state = 'open' group by 1, 2
                        """)
                .param(projectId)
                .query((java.sql.ResultSet rs) -> {
                    severity.merge(rs.getString(1), rs.getLong(3), Long::sum);
                    exploitability.merge(rs.getString(2), rs.getLong(3), Long::sum);
                });
        Map<String, Long> health = new TreeMap<>();
        Map<String, Long> exposure = new TreeMap<>();
        jdbc.sql(
                        """
                        select coalesce(health_status, 'Unknown'), coalesce(metadata->>'exposureLevel', 'None'),
                               count(*) from asset where project_id = ? group by 1, 2
                        """)
                .param(projectId)
                .query((java.sql.ResultSet rs) -> {
                    health.merge(rs.getString(1), rs.getLong(3), Long::sum);
                    exposure.merge(rs.getString(2), rs.getLong(3), Long::sum);
                });
        Breakdowns f = new Breakdowns(
                counts(health),
                counts(exposure),
                ranked(severity, List.of("Critical", "High", "Medium", "Low")),
                ranked(exploitability, List.of("ExploitIsVerified", "ExploitIsInKit", "ExploitIsPublic", "NoExploit")),
                Instant.now());
        counted.put(projectId, f);
        return f;
    }

    /** The counts in the given order of rank (Critical before High...), then any other label by count. */
    static List<Map<String, Object>> ranked(Map<String, Long> counts, List<String> order) {
        List<Map<String, Object>> out = new java.util.ArrayList<>();
        for (String label : order) {
            if (counts.containsKey(label)) {
                out.add(Map.of("label", label, "count", counts.get(label)));
            }
        }
        Map<String, Long> rest = new TreeMap<>(counts);
        order.forEach(rest::remove);
        out.addAll(counts(rest));
        return out;
    }

    private static List<Map<String, Object>> counts(Map<String, Long> counts) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> Map.<String, Object>of("label", e.getKey(), "count", e.getValue()))
                .toList();
    }

    /** A point of the open-findings chart: a run and the open findings after it. */
    public record Bar(long runId, java.time.OffsetDateTime at, long open) {}

    /** Open findings after each of the last 20 successful runs (recorded by the run as it applied), oldest first. */
    List<Bar> trend(long projectId) {
        List<Bar> points = new java.util.ArrayList<>(jdbc.sql(
                        """
                        select id, finished_at, (counts->>'openFindings')::bigint from sync_run
                         where project_id = ? and state = 'succeeded' and counts->>'openFindings' is not null
                         order by id desc limit 20
                        """)
                .param(projectId)
                .query((rs, n) ->
                        new Bar(rs.getLong(1), rs.getObject(2, java.time.OffsetDateTime.class), rs.getLong(3)))
                .list());
        java.util.Collections.reverse(points);
        return points;
    }

    /** Assets by health and by exposure, open findings by severity and exploitability, the last runs, expiring keys. */
    @GetMapping("/projects/{project}")
    @Requires(Permission.READ)
    public String dashboard(Caller caller, @PathVariable String project, Model model) {
        long p = caller.requireProject();
        common(caller, project, model);
        Breakdowns f = breakdowns(p);
        model.addAttribute("byHealth", f.byHealth());
        model.addAttribute("byExposure", f.byExposure());
        model.addAttribute("bySeverity", f.bySeverity());
        model.addAttribute("byExploitability", f.byExploitability());
        dev.rampart.app.risk.RiskSummary risk = riskSummaries.of(p);
        model.addAttribute("risk", risk);
        model.addAttribute(
                "riskLabels", JSON.writeValueAsString(List.copyOf(risk.levels().keySet())));
        model.addAttribute(
                "riskValues", JSON.writeValueAsString(List.copyOf(risk.levels().values())));
        model.addAttribute("countedAt", f.at().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        List<Bar> trend = trend(p);
        model.addAttribute("trend", trend);
        model.addAttribute(
                "trendLabels",
                JSON.writeValueAsString(
                        trend.stream().map(b -> "run " + b.runId()).toList()));
        model.addAttribute(
                "trendValues",
                JSON.writeValueAsString(trend.stream().map(Bar::open).toList()));
        model.addAttribute(
                "runs",
                rows(
                        """
                select r.id, r.source_name as source, r.kind, r.state, r.phase, r.started_at as "startedAt",
                       r.finished_at as "finishedAt", r.counts->>'findingsOpened' as opened,
                       r.counts->>'findingsFixed' as fixed, r.error
                  from sync_run r where r.project_id = ? order by r.id desc limit 10
                """,
                        p));
        model.addAttribute(
                "expiring",
                rows(
                        """
                select c.id, c.name, c.secret_expires_at as "expiresAt"
                  from connector c where c.project_id = ? and c.secret_expires_at < now() + interval '30 days'
                 order by c.secret_expires_at
                """,
                        p));
        return "project/dashboard";
    }

    @GetMapping("/projects/{project}/findings")
    @Requires(Permission.READ)
    public String findings(
            Caller caller,
            @PathVariable String project,
            @RequestParam(defaultValue = "open") String state,
            @RequestParam(required = false) String severity,
            @RequestParam(required = false) String exploitability,
            @RequestParam(required = false) String cve,
            @RequestParam(required = false) Long assetId,
            @RequestParam(required = false) String sort,
            @RequestParam(required = false) String cursor,
            Model model) {
        common(caller, project, model);
        String c = cve == null || cve.isBlank() ? null : cve.trim().toUpperCase(java.util.Locale.ROOT);
        String x = blank(exploitability);
        model.addAttribute("page", api.findings(caller, state, blank(severity), x, null, c, assetId, sort, cursor, 50));
        model.addAttribute("state", state);
        model.addAttribute("severity", severity);
        model.addAttribute("exploitability", x);
        model.addAttribute("cve", c);
        model.addAttribute("assetId", assetId);
        model.addAttribute("sort", sort == null ? "-id" : sort);
        return "project/findings";
    }

    @GetMapping("/projects/{project}/vulnerabilities")
    @Requires(Permission.READ)
    public String vulnerabilities(
            Caller caller,
            @PathVariable String project,
            @RequestParam(required = false) String q,
            @RequestParam(required = false) String severity,
            @RequestParam(required = false) Boolean exploitable,
            @RequestParam(required = false) String sort,
            @RequestParam(required = false) String cursor,
            Model model) {
        common(caller, project, model);
        String s = sort == null ? "-exposed" : sort;
        model.addAttribute("page", api.vulnerabilities(caller, blank(severity), exploitable, q, s, cursor, 50));
        model.addAttribute("q", q);
        model.addAttribute("severity", severity);
        model.addAttribute("exploitable", exploitable);
        model.addAttribute("sort", s);
        return "project/vulnerabilities";
    }

    @GetMapping("/projects/{project}/vulnerabilities/{cveId}")
    @Requires(Permission.READ)
    public String vulnerability(Caller caller, @PathVariable String project, @PathVariable String cveId, Model model) {
        common(caller, project, model);
        model.addAttribute("v", api.vulnerability(caller, cveId));
        return "project/vulnerability";
    }
}
