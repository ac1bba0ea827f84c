package dev.rampart.app.inventory;

import dev.rampart.app.security.Caller;
import dev.rampart.app.security.Permission;
import dev.rampart.app.security.Requires;
import dev.rampart.app.web.ApiProblem;
import dev.rampart.app.web.CursorPage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * The read side of the inventory under {@code /api/v1/projects/{project}}. Lists take {@code cursor}, {@code limit}
 * (1-1000, default 100) and {@code sort} (a key, {@code -key} for descending) and answer
 * {@code {"items": [...], "nextCursor": "..."}}; {@code nextCursor} is null on the last page.
 */
@RestController
@RequestMapping("/api/v1/projects/{project}")
public class InventoryController {
    private static final Pattern META_KEY = Pattern.compile("[A-Za-z0-9_.-]{1,100}");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String NEVER = "'-infinity'::timestamptz";

    private final JdbcClient jdbc;
    private final DataSource dataSource;

    public InventoryController(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
        this.dataSource = dataSource;
    }

    private static KeysetList.Key id(String col) {
        return KeysetList.Key.of(col, "bigint");
    }

    private static KeysetList.Key time(String col) {
        return KeysetList.Key.of("coalesce(" + col + ", " + NEVER + ")", "timestamptz");
    }

    private static KeysetList.Key text(String expr) {
        return KeysetList.Key.of(expr, "text");
    }

    private static KeysetList.Key number(String col) {
        return KeysetList.Key.of("coalesce(" + col + ", -1)", "double precision");
    }

    private static final String ASSET_COLUMNS =
            """
            select a.id, a.name, a.hostname, a.fqdn, a.defender_machine_id as "defenderMachineId",
                   a.aad_device_id as "aadDeviceId", a.os_platform as "osPlatform", a.os_version as "osVersion",
                   a.health_status as "healthStatus", a.active, a.deactivated_at as "deactivatedAt",
                   a.first_seen as "firstSeen",
                   (select max(s.last_seen) from asset_source s where s.asset_id = a.id) as "lastSeen",
                   (select count(*) from finding f where f.asset_id = a.id and f.state = 'open') as "openFindings",
                   a.criticality, a.isolated, a.sensor_flags as "sensorFlags",
                   (select jsonb_build_object('level', r.level, 'score', r.score, 'inferred', r.inferred,
                                              'exposure', r.exposure, 'alert', r.alert,
                                              'contributors', r.contributors, 'computedAt', r.computed_at)
                      from asset_risk r where r.asset_id = a.id) as risk
            """;

    /**
     * Assets. Filters: {@code q} (name, hostname or FQDN contains), {@code health}, {@code active}, {@code os},
     * {@code risk} (levels, comma-separated: {@code High,Critical}), {@code sensorFlag} (flags, comma-separated; an
     * asset with any of them), {@code isolated}, and any metadata key as {@code meta.<key>=<value>} (Defender's machine
     * properties: {@code meta.exposureLevel=High}, {@code meta.rbacGroupName=Servers}...), and {@code query}: a query
     * in Rampart's language, {@code FIND Device [WITH ...] [THAT ...]} (docs/queries.md), whose devices the list keeps.
     * Sorts: name, hostname, os, health, firstSeen, risk, id.
     */
    @GetMapping("/assets")
    @Requires(Permission.READ)
    public CursorPage<Map<String, Object>> assets(
            Caller caller,
            @RequestParam(required = false) String q,
            @RequestParam(required = false) String health,
            @RequestParam(required = false) Boolean active,
            @RequestParam(required = false) String os,
            @RequestParam(required = false) String risk,
            @RequestParam(required = false) String sensorFlag,
            @RequestParam(required = false) Boolean isolated,
            @RequestParam(required = false) String query,
            @RequestParam(required = false) String sort,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) Integer limit,
            @RequestParam Map<String, String> all) {
        // Sorted or filtered by risk, the list drives from asset_risk's (project, score, asset) index; every asset
        // has its row once computed (each run, import and server start computes the missing ones).
        boolean byRisk =
                (risk != null && !risk.isBlank()) || sort != null && (sort.equals("risk") || sort.equals("-risk"));
        KeysetList list = new KeysetList(
                        ASSET_COLUMNS
                                + (byRisk ? " from asset_risk r join asset a on a.id = r.asset_id" : " from asset a"),
                        Map.of(
                                "name", text("lower(a.name)"),
                                "hostname", text("coalesce(lower(a.hostname), '')"),
                                "os", text("coalesce(a.os_platform, '')"),
                                "health", text("coalesce(a.health_status, '')"),
                                "firstSeen", time("a.first_seen"),
                                "risk", KeysetList.Key.of("r.score", "double precision"),
                                "id", id("a.id")),
                        "name",
                        id("a.id"))
                .where("a.project_id = ?", caller.requireProject())
                .whereIf(health, "a.health_status = ?")
                .whereIf(active, "a.active = ?")
                .whereIf(os, "a.os_platform = ?")
                .whereIf(isolated, "a.isolated = ?");
        if (query != null && !query.isBlank()) {
            // a query in Rampart's language (docs/queries.md) as one more filter: its devices' ids
            dev.rampart.app.query.QueryCompiler.Filter f;
            try {
                f = dev.rampart.app.query.QueryCompiler.compileFilter(
                        query, "Device", caller.requireProject(), java.time.Instant.now());
            } catch (dev.rampart.app.query.QueryException e) {
                throw dev.rampart.app.query.QueryService.invalid(e);
            }
            list.where("a.id in (" + f.sql() + ")", f.params().toArray());
        }
        if (byRisk) {
            list.where("r.project_id = ?", caller.requireProject());
        }
        if (risk != null && !risk.isBlank()) {
            List<String> levels = new java.util.ArrayList<>();
            for (String l : risk.split(",")) {
                try {
                    levels.add(
                            dev.rampart.app.risk.RiskModel.Level.parse(l.trim()).label());
                } catch (IllegalArgumentException e) {
                    throw ApiProblem.invalid("risk", e.getMessage());
                }
            }
            list.where("r.level = any(cast(? as text[]))", "{" + String.join(",", levels) + "}");
        }
        if (sensorFlag != null && !sensorFlag.isBlank()) {
            List<String> flags = new java.util.ArrayList<>();
            for (String f : sensorFlag.split(",")) {
                if (!dev.rampart.app.risk.SensorHealth.FLAGS.contains(f.trim())) {
                    throw ApiProblem.invalid(
                            "sensorFlag", "is one of " + String.join(", ", dev.rampart.app.risk.SensorHealth.FLAGS));
                }
                flags.add(f.trim());
            }
            list.where("a.sensor_flags && cast(? as text[])", "{" + String.join(",", flags) + "}");
        }
        if (q != null && !q.isBlank()) {
            String like = KeysetList.contains(q);
            list.where(
                    "(lower(a.name) || ' ' || coalesce(lower(a.hostname), '') || ' ' || coalesce(lower(a.fqdn), ''))"
                            + " like ?",
                    like);
        }
        Map<String, String> meta = new LinkedHashMap<>();
        all.forEach((k, v) -> {
            if (k.startsWith("meta.")) {
                String key = k.substring(5);
                if (!META_KEY.matcher(key).matches()) {
                    throw ApiProblem.invalid(k, "a metadata key is letters, digits, '_', '.' or '-'");
                }
                meta.put(key, v);
            } else if (!List.of(
                            "q",
                            "health",
                            "active",
                            "os",
                            "risk",
                            "sensorFlag",
                            "isolated",
                            "software",
                            "exposed",
                            "query",
                            "sort",
                            "cursor",
                            "limit")
                    .contains(k)) {
                throw ApiProblem.invalid(
                        k,
                        "is not a filter of this list (q, health, active, os, risk, sensorFlag, isolated, software,"
                                + " exposed, query, meta.<key>)");
            }
        });
        if (!meta.isEmpty()) {
            list.where("a.metadata @> cast(? as jsonb)", JSON.writeValueAsString(meta));
        }
        if (softwareFilter(list, all.get("software"), all.get("exposed"))) {
            // How many devices have a software decides the plan: start from them when they are few, walk the list
            // when they are many. A cached generic plan knows neither (a product on a few devices took 0.35 s at
            // 100,000 devices instead of 15 ms), so this statement is planned for its own values each time.
            try {
                return dev.rampart.app.database.Transactions.run(dataSource, tx -> {
                    tx.sql("select set_config('plan_cache_mode', 'force_custom_plan', true)")
                            .query()
                            .listOfRows();
                    return list.page(tx, sort, cursor, limit);
                });
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException("the asset list failed: " + e.getMessage(), e);
            }
        }
        return list.page(jdbc, sort, cursor, limit);
    }

    private static final java.util.regex.Pattern VERSION_BOUND =
            java.util.regex.Pattern.compile("(>=|<=|>|<|=)?\\s*([0-9A-Za-z][0-9A-Za-z._+~-]*)");

    /**
     * Devices by software (F7): {@code software=vendor:name} (as Defender names them, any case), optionally
     * {@code :version} or a range of bounds {@code :>=1.2,<2.0} (versions compare by the numbers in them, so 1.10
     * comes after 1.9); {@code exposed=true} keeps the devices on which that software (in that version or range) has
     * an open finding, {@code exposed=false} those on which it has none. True when the filter applies.
     */
    static boolean softwareFilter(KeysetList list, String software, String exposed) {
        if (software == null || software.isBlank()) {
            if (exposed != null) {
                throw ApiProblem.invalid("exposed", "needs software=vendor:name[:version]");
            }
            return false;
        }
        String[] parts = software.trim().split(":", 3);
        if (parts.length < 2 || parts[0].isBlank() || parts[1].isBlank()) {
            throw ApiProblem.invalid("software", "is vendor:name, vendor:name:version or vendor:name:>=1.2,<2.0");
        }
        String key = parts[0].trim().toLowerCase(java.util.Locale.ROOT) + "-_-"
                + parts[1].trim().toLowerCase(java.util.Locale.ROOT);
        StringBuilder installed = new StringBuilder(
                "exists (select 1 from asset_software s where s.asset_id = a.id and s.software_key = ?");
        StringBuilder open = new StringBuilder("exists (select 1 from finding f where f.asset_id = a.id"
                + " and f.state = 'open' and lower(f.product_vendor) || '-_-' || lower(f.product_name) = ?");
        List<Object> args = new java.util.ArrayList<>();
        if (parts.length == 3 && !parts[2].isBlank()) {
            for (String bound : parts[2].split(",")) {
                java.util.regex.Matcher m = VERSION_BOUND.matcher(bound.trim());
                if (!m.matches()) {
                    throw ApiProblem.invalid(
                            "software",
                            "'" + dev.rampart.app.web.Text.oneLine(bound, 40) + "' is not a version or a"
                                    + " bound such as >=1.2");
                }
                String op = m.group(1) == null ? "=" : m.group(1);
                if (op.equals("=")) {
                    installed.append(" and s.version = ?");
                    open.append(" and f.product_version = ?");
                } else {
                    installed
                            .append(" and rampart_version_key(s.version) ")
                            .append(op)
                            .append(" rampart_version_key(?)");
                    open.append(" and rampart_version_key(f.product_version) ")
                            .append(op)
                            .append(" rampart_version_key(?)");
                }
                args.add(m.group(2));
            }
        }
        List<Object> installedArgs = new java.util.ArrayList<>();
        installedArgs.add(key);
        installedArgs.addAll(args);
        list.where(installed.append(')').toString(), installedArgs.toArray());
        if (exposed != null) {
            if (!exposed.equals("true") && !exposed.equals("false")) {
                throw ApiProblem.invalid("exposed", "is true or false");
            }
            List<Object> openArgs = new java.util.ArrayList<>();
            openArgs.add(key);
            openArgs.addAll(args);
            list.where((exposed.equals("true") ? "" : "not ") + open.append(')'), openArgs.toArray());
        }
        return true;
    }

    /** One asset with its findings, software, alerts, logon users, profiles, sources and addresses. */
    @GetMapping("/assets/{assetId}")
    @Requires(Permission.READ)
    public Map<String, Object> asset(Caller caller, @PathVariable long assetId) {
        long projectId = caller.requireProject();
        Map<String, Object> asset = jdbc.sql(
                        ASSET_COLUMNS + ", a.metadata from asset a where a.project_id = ? and" + " a.id = ?")
                .params(projectId, assetId)
                .query((rs, n) -> KeysetList.row(rs))
                .optional()
                .orElseThrow(() -> ApiProblem.notFound("no asset " + assetId));
        asset.put(
                "addresses",
                rows(
                        "select ip, nullif(mac, '') as mac from asset_address where asset_id = ? order by" + " ip",
                        assetId));
        asset.put(
                "sources",
                rows(
                        """
                select s.name as source, s.kind, x.external_id as "externalId", x.active,
                       x.health_status as "healthStatus", x.first_seen as "firstSeen", x.last_seen as "lastSeen",
                       x.inactive_since as "inactiveSince"
                  from asset_source x join source s on s.id = x.source_id where x.asset_id = ? order by s.name
                """,
                        assetId));
        asset.put(
                "findings",
                rows(
                        FINDING_COLUMNS + " where f.asset_id = ? order by f.state = 'open' desc,"
                                + " f.cvss desc nulls last, f.id limit 500",
                        assetId));
        asset.put(
                "findingCounts",
                rows(
                        "select state, count(*) as count from finding where asset_id = ? group by"
                                + " state order by state",
                        assetId));
        asset.put(
                "software",
                rows(
                        """
                select x.software_key as "softwareKey", sw.vendor, sw.name, x.version, x.weaknesses,
                       x.end_of_support as "endOfSupport", x.end_of_support_date as "endOfSupportDate",
                       x.first_seen as "firstSeen", x.last_seen as "lastSeen"
                  from asset_software x
                  left join software sw on sw.project_id = ? and sw.software_key = x.software_key
                 where x.asset_id = ? order by sw.name, x.version limit 1000
                """,
                        projectId,
                        assetId));
        asset.put(
                "alerts",
                rows(ALERT_COLUMNS + " where al.asset_id = ? order by al.created_at desc limit 200", assetId));
        asset.put(
                "logonUsers",
                rows(
                        """
                select account_name as "accountName", account_domain as "accountDomain", account_sid as "accountSid",
                       first_seen as "firstSeen", last_seen as "lastSeen", logon_types as "logonTypes",
                       is_domain_admin as "isDomainAdmin"
                  from logon_user where asset_id = ? order by last_seen desc nulls last limit 500
                """,
                        assetId));
        asset.put(
                "profiles",
                rows(
                        """
                select p.id, p.kind, p.name, pa.match_score as "matchScore", pa.assigned_at as "assignedAt"
                  from profile_assignment pa join profile p on p.id = pa.profile_id
                 where pa.asset_id = ? order by p.kind, p.name
                """,
                        assetId));
        return asset;
    }

    private List<Map<String, Object>> rows(String sql, Object... params) {
        return jdbc.sql(sql)
                .params(List.of(params))
                .query((rs, n) -> KeysetList.row(rs))
                .list();
    }

    private static final String FINDING_COLUMNS =
            """
            select f.id, f.asset_id as "assetId", a.name as "assetName", f.cve_id as "cveId", f.severity,
                   f.cvss, f.exploitability, f.product_vendor as "productVendor", f.product_name as "productName",
                   f.product_version as "productVersion", f.recommended_update as "recommendedUpdate",
                   f.fixing_kb as "fixingKb", f.state, f.opened_at as "openedAt", f.fixed_at as "fixedAt",
                   f.archived_at as "archivedAt", f.times_reopened as "timesReopened", f.first_seen as "firstSeen",
                   f.last_seen as "lastSeen", s.name as source
              from finding f join asset a on a.id = f.asset_id join source s on s.id = f.source_id
            """;

    /**
     * The exploitability sort: verified, in a kit, public, none, then CVSS (the index {@code finding_state_exploit}
     * serves it).
     */
    static final String EXPLOIT_RANK =
            """
            ((case f.exploitability when 'ExploitIsVerified' then 3 when 'ExploitIsInKit' then 2
              when 'ExploitIsPublic' then 1 else 0 end) * 100 + coalesce(f.cvss, 0))::double precision\
            """;

    /**
     * Findings. Filters: {@code state} (open, fixed, archived), {@code severity}, {@code exploitability}, {@code source}
     * (its name), {@code cve}, {@code assetId}. Sorts: id, cvss, openedAt, cve, exploitability (verified, in a kit,
     * public, none; then CVSS).
     */
    @GetMapping("/findings")
    @Requires(Permission.READ)
    public CursorPage<Map<String, Object>> findings(
            Caller caller,
            @RequestParam(required = false) String state,
            @RequestParam(required = false) String severity,
            @RequestParam(required = false) String exploitability,
            @RequestParam(required = false) String source,
            @RequestParam(required = false) String cve,
            @RequestParam(required = false) Long assetId,
            @RequestParam(required = false) String sort,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) Integer limit) {
        if (state != null && !List.of("open", "fixed", "archived").contains(state)) {
            throw ApiProblem.invalid("state", "must be open, fixed or archived");
        }
        return new KeysetList(
                        FINDING_COLUMNS,
                        Map.of(
                                "id",
                                id("f.id"),
                                "cvss",
                                number("f.cvss"),
                                "openedAt",
                                time("f.opened_at"),
                                "cve",
                                text("f.cve_id"),
                                "exploitability",
                                KeysetList.Key.of(EXPLOIT_RANK, "double precision")),
                        "-id",
                        id("f.id"))
                .where("f.project_id = ?", caller.requireProject())
                .whereIf(state, "f.state = ?")
                .whereIf(severity, "f.severity = ?")
                .whereIf(exploitability, "f.exploitability = ?")
                .whereIf(source, "s.name = ?")
                .whereIf(cve, "f.cve_id = ?")
                .whereIf(assetId, "f.asset_id = ?")
                .page(jdbc, sort, cursor, limit);
    }

    /**
     * The CVE catalog with exposed asset counts. Filters: {@code severity}, {@code exploitable} (true: a public exploit
     * is known), {@code q} (CVE id or name contains). Sorts: cve, cvss, epss, exposed.
     */
    @GetMapping("/vulnerabilities")
    @Requires(Permission.READ)
    public CursorPage<Map<String, Object>> vulnerabilities(
            Caller caller,
            @RequestParam(required = false) String severity,
            @RequestParam(required = false) Boolean exploitable,
            @RequestParam(required = false) String q,
            @RequestParam(required = false) String sort,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) Integer limit) {
        KeysetList list = new KeysetList(
                        """
                        select v.cve_id as "cveId", v.name, v.description, v.severity, v.cvss_v3 as "cvssV3",
                               v.cvss_vector as "cvssVector", v.public_exploit as "publicExploit",
                               v.exploit_verified as "exploitVerified", v.exploit_in_kit as "exploitInKit",
                               v.exploit_types as "exploitTypes", v.epss, v.published_on as "publishedOn",
                               v.updated_on as "updatedOn", v.exposed_machines as "exposedMachines",
                               v.exposed_assets as "exposedAssets"
                          from vulnerability v
                        """,
                        Map.of(
                                "cve", text("v.cve_id"),
                                "cvss", number("v.cvss_v3"),
                                "epss", number("v.epss"),
                                "exposed", KeysetList.Key.of("coalesce(v.exposed_machines, 0)", "bigint")),
                        "cve",
                        text("v.cve_id"))
                .where("v.project_id = ?", caller.requireProject())
                .whereIf(severity, "v.severity = ?")
                .whereIf(exploitable, "coalesce(v.public_exploit, false) = ?");
        if (q != null && !q.isBlank()) {
            String like = KeysetList.contains(q);
            list.where("(lower(v.cve_id) like ? or lower(v.name) like ?)", like, like);
        }
        return list.page(jdbc, sort, cursor, limit);
    }

    /** One CVE with the assets it is open on (first 1000). */
    @GetMapping("/vulnerabilities/{cveId}")
    @Requires(Permission.READ)
    public Map<String, Object> vulnerability(Caller caller, @PathVariable String cveId) {
        long projectId = caller.requireProject();
        Map<String, Object> v = jdbc.sql(
                        """
                        select cve_id as "cveId", name, description, severity, cvss_v3 as "cvssV3",
                               cvss_vector as "cvssVector", public_exploit as "publicExploit", epss,
                               exposed_machines as "exposedMachines", published_on as "publishedOn"
                          from vulnerability where project_id = ? and cve_id = ?
                        """)
                .params(projectId, cveId)
                .query((rs, n) -> KeysetList.row(rs))
                .optional()
                .orElseThrow(() -> ApiProblem.notFound("no vulnerability " + cveId));
        v.put(
                "assets",
                rows(
                        """
                select distinct on (a.id) a.id, a.name, a.os_platform as "osPlatform", f.product_name as
                       "productName", f.product_version as "productVersion", f.opened_at as "openedAt"
                  from finding f join asset a on a.id = f.asset_id
                 where f.project_id = ? and f.cve_id = ? and f.state = 'open' order by a.id limit 1000
                """,
                        projectId,
                        cveId));
        return v;
    }

    /** Software with the number of assets that have it. Filter {@code q} (name or vendor). Sorts: name, assets. */
    @GetMapping("/software")
    @Requires(Permission.READ)
    public CursorPage<Map<String, Object>> software(
            Caller caller,
            @RequestParam(required = false) String q,
            @RequestParam(required = false) String sort,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) Integer limit) {
        KeysetList list = new KeysetList(
                        """
                        select sw.software_key as "softwareKey", sw.vendor, sw.name, sw.weaknesses, sw.assets
                          from software sw
                        """,
                        Map.of(
                                "name",
                                text("lower(sw.name) || chr(31) || sw.software_key"),
                                "key",
                                text("sw.software_key"),
                                "assets",
                                KeysetList.Key.of("sw.assets", "integer")),
                        "name",
                        text("sw.software_key"))
                .where("sw.project_id = ?", caller.requireProject());
        if (q != null && !q.isBlank()) {
            String like = KeysetList.contains(q);
            list.where("(lower(sw.name) like ? or lower(sw.vendor) like ?)", like, like);
        }
        return list.page(jdbc, sort, cursor, limit);
    }

    private static final String ALERT_COLUMNS =
            """
            select al.id, al.alert_id as "alertId", al.asset_id as "assetId", al.title, al.severity, al.status,
                   al.category, al.classification, al.determination, al.detection_source as "detectionSource",
                   al.created_at as "createdAt", al.last_update_at as "lastUpdateAt", al.resolved_at as "resolvedAt",
                   al.evidence_summary as "evidenceSummary",
                   (select a.name from asset a where a.id = al.asset_id) as "assetName"
              from alert al
            """;

    /** Alerts. Filters: {@code severity}, {@code status}, {@code assetId}. Sorts: createdAt, id. */
    @GetMapping("/alerts")
    @Requires(Permission.READ)
    public CursorPage<Map<String, Object>> alerts(
            Caller caller,
            @RequestParam(required = false) String severity,
            @RequestParam(required = false) String status,
            @RequestParam(required = false) Long assetId,
            @RequestParam(required = false) String sort,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) Integer limit) {
        return new KeysetList(
                        ALERT_COLUMNS,
                        Map.of("createdAt", time("al.created_at"), "id", id("al.id")),
                        "-createdAt",
                        id("al.id"))
                .where("al.project_id = ?", caller.requireProject())
                .whereIf(severity, "al.severity = ?")
                .whereIf(status, "al.status = ?")
                .whereIf(assetId, "al.asset_id = ?")
                .page(jdbc, sort, cursor, limit);
    }

    /** Profiles (F16) with their asset counts. Filter {@code kind} (OS, OS_VERSION, CLASS). Sorts: name, id. */
    @GetMapping("/profiles")
    @Requires(Permission.READ)
    public CursorPage<Map<String, Object>> profiles(
            Caller caller,
            @RequestParam(required = false) String kind,
            @RequestParam(required = false) String sort,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) Integer limit) {
        return new KeysetList(
                        """
                        select p.id, p.kind, p.name, p.connector_id as "connectorId", p.created_at as "createdAt",
                               (select count(*) from profile_assignment pa where pa.profile_id = p.id) as assets
                          from profile p
                        """,
                        Map.of("name", text("p.kind || chr(31) || p.name"), "id", id("p.id")),
                        "name",
                        id("p.id"))
                .where("p.project_id = ?", caller.requireProject())
                .whereIf(kind, "p.kind = ?")
                .page(jdbc, sort, cursor, limit);
    }

    /** Tickets. Filters: {@code state} (open, mitigated), {@code assetId}. Sorts: id, createdAt. */
    @GetMapping("/tickets")
    @Requires(Permission.READ)
    public CursorPage<Map<String, Object>> tickets(
            Caller caller,
            @RequestParam(required = false) String state,
            @RequestParam(required = false) Long assetId,
            @RequestParam(required = false) String sort,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) Integer limit) {
        return new KeysetList(
                        """
                        select t.id, t.asset_id as "assetId", t.title, t.state, t.created_at as "createdAt",
                               t.closed_at as "closedAt", t.times_reopened as "timesReopened",
                               (select count(*) from ticket_finding tf where tf.ticket_id = t.id) as findings,
                               (select a.name from asset a where a.id = t.asset_id) as "assetName"
                          from ticket t
                        """,
                        Map.of("id", id("t.id"), "createdAt", time("t.created_at")),
                        "-id",
                        id("t.id"))
                .where("t.project_id = ?", caller.requireProject())
                .whereIf(state, "t.state = ?")
                .whereIf(assetId, "t.asset_id = ?")
                .page(jdbc, sort, cursor, limit);
    }

    /** Change events (the inventory's history). Filters: {@code type}, {@code assetId}, {@code runId}. Sort: id. */
    @GetMapping("/events")
    @Requires(Permission.READ)
    public CursorPage<Map<String, Object>> events(
            Caller caller,
            @RequestParam(required = false) String type,
            @RequestParam(required = false) Long assetId,
            @RequestParam(required = false) Long runId,
            @RequestParam(required = false) String sort,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) Integer limit) {
        return new KeysetList(
                        """
                        select e.id, e.run_id as "runId", e.at, e.type, e.asset_id as "assetId",
                               e.finding_id as "findingId", e.alert_id as "alertId", e.ticket_id as "ticketId",
                               e.details, (select a.name from asset a where a.id = e.asset_id) as "assetName"
                          from change_event e
                        """,
                        Map.of("id", id("e.id")),
                        "-id",
                        id("e.id"))
                .where("e.project_id = ?", caller.requireProject())
                .whereIf(type, "e.type = ?")
                .whereIf(assetId, "e.asset_id = ?")
                .whereIf(runId, "e.run_id = ?")
                .page(jdbc, sort, cursor, limit);
    }
}
