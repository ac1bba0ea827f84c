package dev.rampart.app.graph;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The entity graph (F20) as the query language sees it: each entity class read from one inventory table (with the
 * joins its properties need), each relationship a condition between two classes' rows, possibly through a link
 * table. Nothing is copied into a second store: a query compiles to one SQL statement over the inventory.
 *
 * <p>SQL fragments are templates: {@code {a}} is the entity's alias; in a relationship {@code {f}} is its from-class,
 * {@code {t}} its to-class and {@code {l}} the link table. Every fragment is written here, never built from a query's
 * text; a query only chooses among them and supplies bound values.
 */
public final class GraphModel {

    /** A property's type decides which literals it compares with and how a value is written in an answer. */
    public enum Type {
        TEXT,
        NUMBER,
        BOOLEAN,
        TIME,
        /** Text with a closed set of values: a literal outside the set is an error naming the set. */
        ENUM
    }

    public record Property(String name, Type type, String sql, List<String> values, String doc) {
        public String sql(String alias) {
            return sql.replace("{a}", alias);
        }
    }

    /**
     * An entity class.
     *
     * @param from the FROM item, with {@code {a}} as the alias of its main table
     * @param project the column that holds the project id
     * @param type the entity's type in exports: where it comes from and what it is
     * @param id an expression unique per entity of the class in a project
     * @param numericId whether {@code id} is a number (else text)
     * @param key the entity's natural key (Defender's id, the CVE...)
     * @param defaults the properties an answer shows when the query names none
     */
    public record EntityClass(
            String name,
            String doc,
            String type,
            String from,
            String project,
            String id,
            boolean numericId,
            String key,
            List<Property> properties,
            List<String> defaults) {

        /**
         * {@code select <id>, <key>, <every property> from <from> where <project> = ?} with {@code alias} for the
         * class's table: the columns {@code GraphService.entity} reads.
         */
        public String selectEntities(String alias) {
            StringBuilder sql = new StringBuilder("select ")
                    .append(id.replace("{a}", alias))
                    .append(", ")
                    .append(key.replace("{a}", alias));
            for (Property p : properties) {
                sql.append(", ").append(p.sql(alias));
            }
            return sql.append(" from ")
                    .append(from.replace("{a}", alias))
                    .append(" where ")
                    .append(project.replace("{a}", alias))
                    .append(" = ?")
                    .toString();
        }

        public Optional<Property> property(String name) {
            return properties.stream()
                    .filter(p -> p.name().equalsIgnoreCase(name))
                    .findFirst();
        }
    }

    /**
     * A relationship: {@code from VERB to}. {@code link} is an optional FROM item ({@code {l}} its alias) between the
     * two; {@code on} the condition that ties them.
     */
    public record Relationship(String from, String verb, String to, String link, String on, String doc) {
        /**
         * The condition that ties a row of the from-class (alias {@code f}) to one of the to-class ({@code t}), the
         * link table (when there is one) under {@code l} in an {@code EXISTS}, so that a pair is one row however many
         * link rows tie it.
         */
        public String condition(String f, String t, String l) {
            String c = on.replace("{f}", f).replace("{t}", t).replace("{l}", l);
            return link == null ? c : "exists (select 1 from " + link.replace("{l}", l) + " where " + c + ")";
        }
    }

    private static final Map<String, EntityClass> CLASSES = new LinkedHashMap<>();
    private static final List<Relationship> RELATIONSHIPS = new ArrayList<>();

    private static Property text(String name, String sql, String doc) {
        return new Property(name, Type.TEXT, sql, List.of(), doc);
    }

    private static Property number(String name, String sql, String doc) {
        return new Property(name, Type.NUMBER, sql, List.of(), doc);
    }

    private static Property bool(String name, String sql, String doc) {
        return new Property(name, Type.BOOLEAN, sql, List.of(), doc);
    }

    private static Property time(String name, String sql, String doc) {
        return new Property(name, Type.TIME, sql, List.of(), doc);
    }

    private static Property oneOf(String name, String sql, String doc, String... values) {
        return new Property(name, Type.ENUM, sql, List.of(values), doc);
    }

    private static void entity(
            String name,
            String doc,
            String type,
            String from,
            String project,
            String id,
            String key,
            String defaults,
            Property... ps) {
        CLASSES.put(
                name.toLowerCase(Locale.ROOT),
                new EntityClass(
                        name,
                        doc,
                        type,
                        from,
                        project,
                        id,
                        id.equals("{a}.id"),
                        key,
                        List.of(ps),
                        List.of(defaults.split(","))));
    }

    private static void relate(String from, String verb, String to, String link, String on, String doc) {
        RELATIONSHIPS.add(new Relationship(from, verb, to, link, on, doc));
    }

    private static final String SEVERITIES = "Low,Medium,High,Critical";

    static {
        entity(
                "Account",
                "the Defender tenant a connector reads",
                "microsoft_defender_tenant",
                "connector {a}",
                "{a}.project_id",
                "{a}.id",
                "{a}.tenant_id",
                "id,name,tenantId",
                number("id", "{a}.id", "Rampart's connector id"),
                text("name", "{a}.name", "the connector's name"),
                text("tenantId", "{a}.tenant_id", "the Entra tenant id"),
                bool("enabled", "{a}.enabled", "whether the connector runs"));
        entity(
                "Device",
                "an asset: a device in Rampart's inventory, from one or more sources",
                "rampart_device",
                "asset {a} left join asset_risk {a}_r on {a}_r.asset_id = {a}.id",
                "{a}.project_id",
                "{a}.id",
                "coalesce({a}.defender_machine_id, 'asset-' || {a}.id)",
                "id,name,osPlatform,riskLevel",
                number("id", "{a}.id", "Rampart's asset id"),
                text("name", "{a}.name", "the device's name"),
                text("hostname", "{a}.hostname", "the host name"),
                text("fqdn", "{a}.fqdn", "the fully qualified domain name"),
                text("osPlatform", "{a}.os_platform", "the OS platform, e.g. Windows11, Linux"),
                text("osVersion", "{a}.os_version", "the OS version"),
                text("healthStatus", "{a}.health_status", "Defender's sensor health, e.g. Active, Inactive"),
                bool("active", "{a}.active", "false once every source says the device is gone"),
                oneOf(
                        "criticality",
                        "{a}.criticality",
                        "the criticality set in Rampart",
                        "low",
                        "normal",
                        "high",
                        "critical"),
                text("deviceValue", "{a}.metadata->>'deviceValue'", "Defender's device value: Low, Normal, High"),
                text("exposureLevel", "{a}.metadata->>'exposureLevel'", "Defender's exposure level"),
                text("machineGroup", "{a}.metadata->>'rbacGroupName'", "Defender's device group"),
                bool("isolated", "{a}.isolated", "isolated through Rampart and not released since"),
                oneOf(
                        "riskLevel",
                        "{a}_r.level",
                        "Rampart's risk level (docs/risk.md)",
                        "None",
                        "Low",
                        "Medium",
                        "High",
                        "Critical"),
                number("riskScore", "{a}_r.score", "Rampart's risk score, 0 to 100"),
                text("defenderId", "{a}.defender_machine_id", "Defender's machine id"),
                text("aadDeviceId", "{a}.aad_device_id", "the Entra device id"),
                time("firstSeen", "{a}.first_seen", "when a source first saw it"),
                time(
                        "lastSeen",
                        "(select max(s.last_seen) from asset_source s where s.asset_id = {a}.id)",
                        "when a source last saw it"),
                time("deactivatedAt", "{a}.deactivated_at", "when it became inactive"));
        entity(
                "HostAgent",
                "the Defender sensor on a device, as a Defender connector reports it",
                "microsoft_defender_sensor",
                "asset_source {a} join source {a}_s on {a}_s.id = {a}.source_id and {a}_s.kind = 'defender'"
                        + " join asset {a}_d on {a}_d.id = {a}.asset_id",
                "{a}_s.project_id",
                "{a}.source_id || '-' || {a}.asset_id",
                "{a}.external_id",
                "machineId,healthStatus,lastSeen",
                text("machineId", "{a}.external_id", "Defender's machine id"),
                bool("active", "{a}.active", "whether Defender still reports the device"),
                text("healthStatus", "{a}.health_status", "the sensor's health, e.g. Active, Inactive"),
                text("onboardingStatus", "{a}_d.metadata->>'onboardingStatus'", "e.g. Onboarded"),
                text("avStatus", "{a}_d.metadata->>'defenderAvStatus'", "antivirus state, e.g. Updated"),
                time("firstSeen", "{a}.first_seen", "when Defender first saw the device"),
                time("lastSeen", "{a}.last_seen", "when the sensor last reported"),
                time("inactiveSince", "{a}.inactive_since", "since when Defender calls it inactive"));
        entity(
                "Finding",
                "a vulnerability (CVE) on a device, through one product",
                "rampart_finding",
                "finding {a}",
                "{a}.project_id",
                "{a}.id",
                "{a}.asset_id || ':' || {a}.cve_id || ':' || {a}.product_vendor || ':' || {a}.product_name || ':' || {a}.product_version",
                "id,cveId,state,severity",
                number("id", "{a}.id", "Rampart's finding id"),
                text("cveId", "{a}.cve_id", "the CVE id"),
                oneOf("state", "{a}.state", "open, fixed or archived", "open", "fixed", "archived"),
                oneOf("severity", "{a}.severity", "Defender's severity", SEVERITIES.split(",")),
                number("cvss", "{a}.cvss", "the CVSS v3 score"),
                text("exploitability", "{a}.exploitability", "e.g. ExploitIsVerified, ExploitIsPublic"),
                bool(
                        "exploitVerified",
                        "coalesce({a}.exploitability = 'ExploitIsVerified', false)",
                        "an exploit is verified"),
                bool(
                        "exploitAvailable",
                        "coalesce({a}.exploitability in ('ExploitIsVerified', 'ExploitIsInKit', 'ExploitIsPublic'),"
                                + " false)",
                        "an exploit is public, in a kit or verified"),
                text("productVendor", "{a}.product_vendor", "the vulnerable product's vendor"),
                text("productName", "{a}.product_name", "the vulnerable product"),
                text("productVersion", "{a}.product_version", "its version"),
                text("recommendedUpdate", "{a}.recommended_update", "Defender's recommended update"),
                time("openedAt", "{a}.opened_at", "when it (last) opened"),
                time("fixedAt", "{a}.fixed_at", "when it was fixed"),
                number("timesReopened", "{a}.times_reopened", "how often it came back"));
        entity(
                "Vulnerability",
                "a CVE as Defender's catalog describes it",
                "cve",
                "vulnerability {a}",
                "{a}.project_id",
                "{a}.cve_id",
                "{a}.cve_id",
                "cveId,severity,cvss",
                text("cveId", "{a}.cve_id", "the CVE id"),
                text("name", "{a}.name", "Defender's name for it"),
                oneOf("severity", "{a}.severity", "Defender's severity", SEVERITIES.split(",")),
                number("cvss", "{a}.cvss_v3", "the CVSS v3 score"),
                bool("publicExploit", "{a}.public_exploit", "an exploit is public"),
                bool("exploitVerified", "{a}.exploit_verified", "an exploit is verified"),
                bool("exploitInKit", "{a}.exploit_in_kit", "an exploit is in an exploit kit"),
                number("epss", "{a}.epss", "the EPSS probability, 0 to 1"),
                time("publishedOn", "{a}.published_on", "when it was published"),
                number("exposedDevices", "{a}.exposed_machines", "how many devices Defender says it exposes"));
        entity(
                "Software",
                "a product (vendor and name) installed somewhere in the project",
                "rampart_software",
                "software {a}",
                "{a}.project_id",
                "{a}.software_key",
                "{a}.software_key",
                "vendor,name,installs",
                text("key", "{a}.software_key", "vendor-_-name, lower case"),
                text("vendor", "{a}.vendor", "the vendor"),
                text("name", "{a}.name", "the product"),
                number("weaknesses", "{a}.weaknesses", "Defender's count of its known weaknesses"),
                number("installs", "{a}.assets", "on how many devices it is installed"));
        entity(
                "Alert",
                "a Defender alert",
                "microsoft_defender_alert",
                "alert {a}",
                "{a}.project_id",
                "{a}.id",
                "{a}.alert_id",
                "alertId,title,severity,status",
                text("alertId", "{a}.alert_id", "Defender's alert id"),
                text("title", "{a}.title", "the alert's title"),
                oneOf(
                        "severity",
                        "{a}.severity",
                        "the alert's severity",
                        "UnSpecified",
                        "Informational",
                        "Low",
                        "Medium",
                        "High"),
                oneOf("status", "{a}.status", "the alert's status", "Unknown", "New", "InProgress", "Resolved"),
                text("category", "{a}.category", "e.g. Malware, Execution"),
                text("classification", "{a}.classification", "TruePositive, FalsePositive, ..."),
                text("determination", "{a}.determination", "Defender's determination"),
                text("detectionSource", "{a}.detection_source", "what detected it"),
                time("createdAt", "{a}.created_at", "when Defender raised it"),
                time("resolvedAt", "{a}.resolved_at", "when it was resolved"));
        entity(
                "Ticket",
                "a Rampart ticket tracking findings",
                "rampart_ticket",
                "ticket {a}",
                "{a}.project_id",
                "{a}.id",
                "'ticket-' || {a}.id",
                "id,title,state",
                number("id", "{a}.id", "the ticket id"),
                text("title", "{a}.title", "its title"),
                oneOf("state", "{a}.state", "open or mitigated", "open", "mitigated"),
                time("createdAt", "{a}.created_at", "when it was opened"),
                time("closedAt", "{a}.closed_at", "when it was closed"),
                number("timesReopened", "{a}.times_reopened", "how often it reopened"));

        entity(
                "User",
                "an Entra user of the tenant (F9)",
                "entra_user",
                "directory_user {a}",
                "{a}.project_id",
                "{a}.id",
                "{a}.object_id",
                "id,userPrincipalName,displayName,department",
                number("id", "{a}.id", "Rampart's user id"),
                text("userPrincipalName", "{a}.user_principal_name", "the sign-in name"),
                text("displayName", "{a}.display_name", "the name people see"),
                text("mail", "{a}.mail", "the mail address"),
                text("samAccountName", "{a}.sam_account_name", "the on-premises account name"),
                text("department", "{a}.department", "the department"),
                text("jobTitle", "{a}.job_title", "the job title"),
                text("employeeId", "{a}.employee_id", "the employee id"),
                bool("enabled", "{a}.account_enabled", "whether the account may sign in"),
                text("userType", "{a}.user_type", "Member or Guest"),
                bool("active", "{a}.active", "false once the directory no longer has the user"),
                time("firstSeen", "{a}.first_seen", "when Rampart first read the user"),
                time("goneAt", "{a}.gone_at", "when the directory stopped listing the user"));
        entity(
                "Group",
                "an Entra group of the tenant (F9)",
                "entra_group",
                "directory_group {a}",
                "{a}.project_id",
                "{a}.id",
                "{a}.object_id",
                "id,name,securityEnabled",
                number("id", "{a}.id", "Rampart's group id"),
                text("name", "{a}.display_name", "the group's name"),
                text("description", "{a}.description", "its description"),
                text("mail", "{a}.mail", "its mail address"),
                bool("securityEnabled", "{a}.security_enabled", "a security group"),
                bool("mailEnabled", "{a}.mail_enabled", "a mail-enabled group"),
                bool("active", "{a}.active", "false once the directory no longer has the group"),
                time("goneAt", "{a}.gone_at", "when the directory stopped listing the group"));

        relate(
                "Account",
                "HAS",
                "Device",
                "asset_source {l} join source {l}_s on {l}_s.id = {l}.source_id",
                "{l}_s.connector_id = {f}.id and {l}.asset_id = {t}.id",
                "the tenant reports the device");
        relate(
                "Account",
                "MANAGES",
                "HostAgent",
                null,
                "{t}_s.connector_id = {f}.id",
                "the tenant's Defender runs the sensor");
        relate("HostAgent", "PROTECTS", "Device", null, "{f}.asset_id = {t}.id", "the sensor runs on the device");
        relate("Device", "HAS", "Finding", null, "{t}.asset_id = {f}.id", "the finding is on the device");
        relate(
                "Finding",
                "IS",
                "Vulnerability",
                null,
                "{t}.project_id = {f}.project_id and {t}.cve_id = {f}.cve_id",
                "the finding's CVE");
        relate(
                "Device",
                "INSTALLED",
                "Software",
                "asset_software {l}",
                "{l}.asset_id = {f}.id and {l}.software_key = {t}.software_key",
                "the software is installed on the device (in any version)");
        relate(
                "Software",
                "HAS",
                "Finding",
                null,
                "lower({t}.product_vendor) || '-_-' || lower({t}.product_name) = {f}.software_key",
                "the finding is in the software");
        relate("Alert", "TARGETS", "Device", null, "{f}.asset_id = {t}.id", "the alert is about the device");
        relate(
                "Ticket",
                "TRACKS",
                "Finding",
                "ticket_finding {l}",
                "{l}.ticket_id = {f}.id and {l}.finding_id = {t}.id",
                "the ticket tracks the finding");
        relate("Ticket", "CONCERNS", "Device", null, "{f}.asset_id = {t}.id", "the ticket is about the device");
        relate("Account", "HAS", "User", null, "{t}.connector_id = {f}.id", "the tenant's directory holds the user");
        relate("Account", "HAS", "Group", null, "{t}.connector_id = {f}.id", "the tenant's directory holds the group");
        relate(
                "User",
                "USES",
                "Device",
                "logon_user {l}",
                "{l}.user_id = {f}.id and {l}.asset_id = {t}.id",
                "the user logs on to the device (a logon user matched to the directory)");
        relate(
                "User",
                "MEMBER_OF",
                "Group",
                "group_member {l}",
                "{l}.user_id = {f}.id and {l}.group_id = {t}.id",
                "the user is in the group, directly or through nested groups");
        relate(
                "Group",
                "MEMBER_OF",
                "Group",
                "group_member {l}",
                "{l}.member_group_id = {f}.id and {l}.group_id = {t}.id",
                "the first group is in the second, directly or through nested groups");
    }

    private GraphModel() {}

    /** A property's value from a result set, as an answer carries it: times as ISO 8601 text in UTC. */
    public static Object read(java.sql.ResultSet rs, int column, Type type) throws java.sql.SQLException {
        return switch (type) {
            case TIME -> {
                java.time.OffsetDateTime t = rs.getObject(column, java.time.OffsetDateTime.class);
                yield t == null ? null : t.toInstant().toString();
            }
            case NUMBER, BOOLEAN -> rs.getObject(column);
            default -> rs.getString(column);
        };
    }

    public static List<EntityClass> classes() {
        return List.copyOf(CLASSES.values());
    }

    public static Optional<EntityClass> entityClass(String name) {
        return Optional.ofNullable(CLASSES.get(name.toLowerCase(Locale.ROOT)));
    }

    public static List<Relationship> relationships() {
        return List.copyOf(RELATIONSHIPS);
    }

    /** Relationships between two classes in either direction, from {@code a}'s point of view first. */
    public static List<Relationship> between(String a, String b) {
        List<Relationship> out = new ArrayList<>();
        for (Relationship r : RELATIONSHIPS) {
            if (r.from().equals(a) && r.to().equals(b)) {
                out.add(r);
            }
        }
        for (Relationship r : RELATIONSHIPS) {
            if (r.from().equals(b) && r.to().equals(a) && !out.contains(r)) {
                out.add(r);
            }
        }
        return out;
    }
}
