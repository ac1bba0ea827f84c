package dev.rampart.app.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rampart.app.connector.ConnectorOptions;
import dev.rampart.app.connector.Scope;
import dev.rampart.app.database.CopyWriter;
import dev.rampart.defender.DefenderClient;
import dev.rampart.defender.PagedIterable;
import dev.rampart.defender.error.PermissionException;
import dev.rampart.defender.model.Alert;
import dev.rampart.defender.model.AlertEvidence;
import dev.rampart.defender.model.ExportVulnerability;
import dev.rampart.defender.model.HuntingResult;
import dev.rampart.defender.model.IpAddress;
import dev.rampart.defender.model.LogonUser;
import dev.rampart.defender.model.Machine;
import dev.rampart.defender.model.SoftwareInventoryRow;
import dev.rampart.defender.model.Vulnerability;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Defender side of a run: reads each data set through the client and stages it, one row in memory at a time. It
 * never touches the inventory; it only writes the run's staging rows.
 */
final class DefenderReader {
    private static final Logger LOG = LoggerFactory.getLogger(DefenderReader.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Hunting answers at most 100,000 rows; stay well under it per query. */
    static final int HUNTING_DEVICES_PER_QUERY = 80_000;

    private final DefenderClient client;
    private final Staging staging;
    private final Scope scope;
    private final ConnectorOptions options;
    private final BadRecords bad;
    private final Progress progress;
    private final Set<String> inScope = new HashSet<>();
    private final Set<String> known = new HashSet<>();

    DefenderReader(
            DefenderClient client,
            Staging staging,
            Scope scope,
            ConnectorOptions options,
            BadRecords bad,
            Progress progress) {
        this.client = client;
        this.staging = staging;
        this.scope = scope;
        this.options = options;
        this.bad = bad;
        this.progress = progress;
    }

    int devicesInScope() {
        return inScope.size();
    }

    int devicesListed() {
        return known.size();
    }

    // ------------------------------------------------------------------ machines

    /** Stages every machine (in scope or not); fails when the list may have missed devices. */
    void machines() throws SQLException {
        progress.phase("machines");
        PagedIterable.Items<Machine> it = client.listMachines().iterator();
        try (CopyWriter w = staging.open(Staging.MACHINES, Staging.MACHINE_COLUMNS)) {
            while (it.hasNext()) {
                Machine m = it.next();
                String id = m.id();
                if (id == null || id.isBlank() || id.chars().anyMatch(Character::isWhitespace)) {
                    bad.bad("machines", id, "no usable id");
                    continue;
                }
                if (m.isMerged()) {
                    continue; // Defender merged this record into another device, which the list also holds
                }
                bad.good("machines");
                known.add(id);
                boolean in = scope.matches(m);
                if (in) {
                    inScope.add(id);
                }
                String dns = blankToNull(m.computerDnsName());
                w.row(
                        staging.runId(),
                        id,
                        id,
                        dns == null ? id : dns,
                        m.hostName(),
                        dns != null && dns.contains(".") ? dns.toLowerCase(Locale.ROOT) : null,
                        blankToNull(m.aadDeviceId()),
                        m.osPlatform(),
                        osVersion(m),
                        m.healthStatus(),
                        !"inactive".equalsIgnoreCase(m.healthStatus()),
                        m.firstSeen(),
                        m.lastSeen(),
                        metadata(m),
                        addresses(m),
                        in);
                if (known.size() % 10_000 == 0) {
                    progress.count("machinesFetched", known.size());
                }
            }
        }
        progress.count("machinesFetched", known.size());
        progress.count("machinesInScope", inScope.size());
        progress.count("machineRepeatsDropped", it.duplicates());
        progress.count("machinesRecoveredAtPageBoundaries", it.recovered());
        if (it.possibleGaps() > 0) {
            throw new SyncFailedException(
                    SyncFailedException.Kind.RETRYABLE,
                    "the device list moved while it was read (" + it.possibleGaps() + " page boundaries may have"
                            + " missed devices); the run changed nothing and can simply run again");
        }
        LOG.info(
                "{} machines listed, {} in scope, {} duplicates dropped, {} recovered at page boundaries",
                known.size(),
                inScope.size(),
                it.duplicates(),
                it.recovered());
    }

    /**
     * Every property Defender gives, as the asset's metadata, except {@code lastSeen}, which is the asset's
     * {@code last_seen}: Defender moves it every day, and leaving it out lets an otherwise unchanged device keep its
     * stored metadata as it is.
     */
    static com.fasterxml.jackson.databind.node.ObjectNode metadata(Machine m) {
        com.fasterxml.jackson.databind.node.ObjectNode o = m.raw();
        o.remove("lastSeen");
        return o;
    }

    /** A version for OS profiles: Defender's osVersion, else the build (Windows reports osVersion null). */
    static String osVersion(Machine m) {
        if (m.osVersion() != null && !m.osVersion().isBlank()) {
            return m.osVersion();
        }
        if (m.version() != null && !m.version().isBlank()) {
            return m.version();
        }
        return m.osBuild() == null ? null : String.valueOf(m.osBuild());
    }

    private static ArrayNode addresses(Machine m) {
        ArrayNode a = JSON.createArrayNode();
        Set<String> seen = new HashSet<>();
        if (m.ipAddresses() != null) {
            for (IpAddress ip : m.ipAddresses()) {
                if (ip.ipAddress() == null || ip.ipAddress().isBlank() || loopback(ip.ipAddress())) {
                    continue; // every device has its loopback (Linux sensors report it): it identifies none
                }
                String mac = normalizeMac(ip.macAddress());
                if (seen.add(ip.ipAddress() + "/" + mac)) {
                    a.addObject().put("ip", ip.ipAddress()).put("mac", mac);
                }
            }
        }
        if (m.lastIpAddress() != null
                && !m.lastIpAddress().isBlank()
                && seen.stream().noneMatch(s -> s.startsWith(m.lastIpAddress() + "/"))) {
            a.addObject().put("ip", m.lastIpAddress()).put("mac", "");
        }
        return a;
    }

    /**
     * Upper-case hex without separators ({@code 001A2B3C4D5E}), the form Defender uses; empty when unknown, and for
     * the all-zero and broadcast MACs, which Linux loopback interfaces and placeholders carry and which identify no
     * device.
     */
    static String normalizeMac(String mac) {
        if (mac == null) {
            return "";
        }
        String hex = mac.replaceAll("[^0-9A-Fa-f]", "").toUpperCase(Locale.ROOT);
        return hex.length() == 12 && !hex.equals("000000000000") && !hex.equals("FFFFFFFFFFFF") ? hex : "";
    }

    /** {@code 127.0.0.0/8} and {@code ::1}, in the spellings Defender sends. */
    static boolean loopback(String ip) {
        String a = ip.trim();
        return a.startsWith("127.") || a.equals("::1") || a.equalsIgnoreCase("0:0:0:0:0:0:0:1");
    }

    // ------------------------------------------------------------------ vulnerabilities

    /** The organization's CVE catalog. */
    void vulnerabilityCatalog() throws SQLException {
        progress.phase("vulnerability catalog");
        long n = 0;
        try (CopyWriter w = staging.open(Staging.VULNERABILITIES, Staging.VULNERABILITY_COLUMNS)) {
            for (Vulnerability v : client.listVulnerabilities()) {
                if (v.id() == null || v.id().isBlank()) {
                    bad.bad("vulnerabilities", null, "a catalog entry without id");
                    continue;
                }
                bad.good("vulnerabilities");
                w.row(
                        staging.runId(),
                        v.id(),
                        v.name(),
                        v.description(),
                        v.severity(),
                        v.cvssV3(),
                        v.cvssVector(),
                        v.publicExploit(),
                        v.exploitVerified(),
                        v.exploitInKit(),
                        v.exploitTypes() == null ? null : JSON.valueToTree(v.exploitTypes()),
                        v.epss(),
                        v.publishedOn(),
                        v.updatedOn(),
                        v.exposedMachines());
                n++;
            }
        }
        progress.count("cvesFetched", n);
    }

    /** Every vulnerable (device, CVE, product) of the devices in scope: the JSON export, or the files above the limit. */
    void findingsFull() throws SQLException {
        boolean files = known.size() > options.fileExportAboveDevices();
        progress.phase(files ? "vulnerabilities (file export)" : "vulnerabilities (export)");
        stageFindings(
                files ? client.exportVulnerabilityFiles() : client.exportVulnerabilities(options.exportPageSize()));
    }

    /** The changes since a time (New, Updated, Fixed), for an incremental run. */
    void findingsSince(Instant since) throws SQLException {
        progress.phase("vulnerabilities (changes)");
        stageFindings(client.exportVulnerabilityChanges(since, options.exportPageSize()));
    }

    private void stageFindings(Iterable<ExportVulnerability> rows) throws SQLException {
        long n = 0;
        long outside = 0;
        try (CopyWriter w = staging.open(Staging.FINDINGS, Staging.FINDING_COLUMNS)) {
            for (ExportVulnerability v : rows) {
                if (v.deviceId() == null
                        || v.deviceId().isBlank()
                        || v.cveId() == null
                        || v.cveId().isBlank()) {
                    bad.bad("findings", v.id(), "no device id or CVE id");
                    continue;
                }
                if (v.isChange() && !(v.isNew() || v.isFixed() || v.isUpdated())) {
                    bad.bad("findings", v.id(), "unknown change status '" + v.status() + "'");
                    continue;
                }
                bad.good("findings");
                if (!inScope.contains(v.deviceId())) {
                    outside++;
                    continue;
                }
                w.row(
                        staging.runId(),
                        v.deviceId(),
                        v.cveId(),
                        nz(v.softwareVendor()),
                        nz(v.softwareName()),
                        nz(v.softwareVersion()),
                        v.vulnerabilitySeverityLevel(),
                        v.cvssScore(),
                        v.exploitabilityLevel(),
                        v.recommendedSecurityUpdate(),
                        v.recommendedSecurityUpdateId(),
                        v.firstSeenTimestamp(),
                        v.lastSeenTimestamp(),
                        v.isChange() ? v.status() : null,
                        v.eventTimestamp());
                if (++n % 100_000 == 0) {
                    progress.count("findingsFetched", n);
                }
            }
        }
        progress.count("findingsFetched", n);
        if (outside > 0) {
            progress.count("findingsOutOfScope", outside);
        }
    }

    // ------------------------------------------------------------------ software

    /** The software inventory of every device in scope; false when the app may not read software. */
    boolean software() throws SQLException {
        boolean files = known.size() > options.fileExportAboveDevices();
        progress.phase("software");
        long n = 0;
        try (CopyWriter w = staging.open(Staging.SOFTWARE, Staging.SOFTWARE_COLUMNS)) {
            Iterable<SoftwareInventoryRow> rows = files
                    ? client.exportSoftwareInventoryFiles()
                    : client.exportSoftwareInventory(options.exportPageSize());
            for (SoftwareInventoryRow r : rows) {
                if (r.deviceId() == null
                        || r.deviceId().isBlank()
                        || r.softwareName() == null
                        || r.softwareName().isBlank()) {
                    bad.bad("software", r.deviceId(), "no device id or software name");
                    continue;
                }
                bad.good("software");
                if (!inScope.contains(r.deviceId())) {
                    continue;
                }
                w.row(
                        staging.runId(),
                        r.deviceId(),
                        nz(r.softwareVendor()),
                        r.softwareName(),
                        nz(r.softwareVersion()),
                        r.numberOfWeaknesses(),
                        r.softwareFirstSeenTimestamp(),
                        r.softwareLastSeenTimestamp(),
                        r.endOfSupportStatus(),
                        r.endOfSupportDate());
                if (++n % 100_000 == 0) {
                    progress.count("softwareFetched", n);
                }
            }
        } catch (PermissionException e) {
            progress.warning("software skipped: " + e.getMessage());
            return false;
        }
        progress.count("softwareFetched", n);
        return true;
    }

    // ------------------------------------------------------------------ alerts

    /**
     * Alerts updated at or after {@code since} (all when null), on devices in scope. Returns the latest
     * {@code lastUpdateTime} read, or null when the app may not read alerts (the cursor then stays where it was).
     */
    Instant alerts(Instant since) throws SQLException {
        progress.phase("alerts");
        Instant latest = since == null ? Instant.EPOCH : since;
        long n = 0;
        try (CopyWriter w = staging.open(Staging.ALERTS, Staging.ALERT_COLUMNS)) {
            for (Alert a : client.listAlerts(since, true)) {
                if (a.id() == null || a.id().isBlank() || a.lastUpdateTime() == null) {
                    bad.bad("alerts", a.id(), "no id or no lastUpdateTime");
                    continue;
                }
                bad.good("alerts");
                if (a.lastUpdateTime().isAfter(latest)) {
                    latest = a.lastUpdateTime();
                }
                if (a.machineId() == null || !inScope.contains(a.machineId())) {
                    continue;
                }
                w.row(
                        staging.runId(),
                        a.id(),
                        a.machineId(),
                        a.title(),
                        a.severity(),
                        a.status(),
                        a.category(),
                        a.classification(),
                        a.determination(),
                        a.detectionSource(),
                        a.alertCreationTime(),
                        a.firstEventTime(),
                        a.lastEventTime(),
                        a.lastUpdateTime(),
                        a.resolvedTime(),
                        evidenceSummary(a.evidence()));
                n++;
            }
        } catch (PermissionException e) {
            progress.warning("alerts skipped: " + e.getMessage());
            return null;
        }
        progress.count("alertsFetched", n);
        return latest;
    }

    /** Evidence counted by entity type, with the first few files, addresses, URLs and accounts named. */
    static ObjectNode evidenceSummary(List<AlertEvidence> evidence) {
        ObjectNode o = JSON.createObjectNode();
        Map<String, Integer> byType = new TreeMap<>();
        ArrayNode named = JSON.createArrayNode();
        if (evidence != null) {
            for (AlertEvidence e : evidence) {
                byType.merge(e.entityType() == null ? "Unknown" : e.entityType(), 1, Integer::sum);
                String name = e.fileName() != null
                        ? e.fileName()
                        : e.url() != null
                                ? e.url()
                                : e.ipAddress() != null
                                        ? e.ipAddress()
                                        : e.accountName() != null
                                                ? (e.domainName() == null ? "" : e.domainName() + "\\")
                                                        + e.accountName()
                                                : null;
                if (name != null && named.size() < 5) {
                    named.addObject().put("type", e.entityType()).put("name", name);
                }
            }
        }
        ObjectNode counts = o.putObject("counts");
        byType.forEach(counts::put);
        o.set("examples", named);
        return o;
    }

    // ------------------------------------------------------------------ logon users

    /**
     * Logon users: in bulk through hunting when permitted and a bulk read is due ({@code bulkDue}); otherwise (or with
     * {@code per-device}) one call for each of {@code devices} (never read first, then read longest ago). Returns {@code hunting}, {@code per-device} or
     * {@code none}: what the apply step may replace.
     */
    String logonUsers(List<String> devices, boolean bulkDue) throws SQLException {
        String mode = options.logonUsers();
        if (mode.equals("off") || inScope.isEmpty()) {
            return "none";
        }
        boolean bulk = bulkDue && !mode.equals("per-device");
        if (!bulk && devices.isEmpty()) {
            return "none";
        }
        progress.phase("logon users");
        if (bulk) {
            try {
                huntLogonUsers();
                return "hunting";
            } catch (PermissionException e) {
                if (mode.equals("hunting")) {
                    progress.warning("logon users skipped: " + e.getMessage());
                    return "none";
                }
                LOG.info("hunting not permitted ({}); reading logon users per device", e.getMessage());
            }
        } else if (mode.equals("hunting")) {
            return "none"; // the next bulk read brings the new devices' users
        }
        try (CopyWriter w = staging.open(Staging.LOGON_USERS, Staging.LOGON_USER_COLUMNS)) {
            for (String id : devices) {
                // a marker row (empty account) says the device was asked, so a device without users is recorded too
                w.row(staging.runId(), id, "", "", null, null, null, null, null);
                for (LogonUser u : client.listLogonUsers(id)) {
                    if (u.accountName() == null || u.accountName().isBlank()) {
                        bad.bad("logonUsers", u.id(), "no account name");
                        continue;
                    }
                    bad.good("logonUsers");
                    w.row(
                            staging.runId(),
                            id,
                            u.accountName(),
                            nz(u.accountDomain()),
                            u.accountSid(),
                            u.firstSeen(),
                            u.lastSeen(),
                            u.logonTypes(),
                            u.isDomainAdmin());
                }
            }
        } catch (PermissionException e) {
            progress.warning("logon users skipped: " + e.getMessage());
            return "none";
        }
        if (devices.size() == options.perDeviceLogonLimit()) {
            progress.warning("logon users read per device for " + devices.size() + " devices (perDeviceLogonLimit);"
                    + " more are due and follow on the next runs, those never read first");
        }
        return "per-device";
    }

    /**
     * Reads the tenant's Entra directory from Graph into staging: every user, every group, and each group's
     * transitive members (users and groups; devices and service principals are not kept). Returns false, with a
     * warning, when the app registration may not read the directory: then nothing of it is applied, and the run goes
     * on (the inventory does not depend on it).
     */
    boolean directory() throws SQLException {
        progress.phase("directory");
        try {
            long users = 0;
            long memberships = 0;
            try (CopyWriter w = staging.open(Staging.DIRECTORY_USERS, Staging.DIRECTORY_USER_COLUMNS)) {
                for (dev.rampart.defender.model.DirectoryUser u : client.listUsers()) {
                    if (u.id() == null || u.id().isBlank()) {
                        bad.bad("directoryUsers", u.userPrincipalName(), "no object id");
                        continue;
                    }
                    bad.good("directoryUsers");
                    users++;
                    w.row(
                            staging.runId(),
                            u.id(),
                            u.userPrincipalName(),
                            u.displayName(),
                            u.mail(),
                            u.onPremisesSamAccountName(),
                            u.onPremisesDomainName(),
                            u.onPremisesSecurityIdentifier(),
                            u.department(),
                            u.jobTitle(),
                            u.employeeId(),
                            u.accountEnabled(),
                            u.userType());
                }
            }
            List<String> groups = new ArrayList<>();
            try (CopyWriter w = staging.open(Staging.DIRECTORY_GROUPS, Staging.DIRECTORY_GROUP_COLUMNS)) {
                for (dev.rampart.defender.model.DirectoryGroup g : client.listGroups()) {
                    if (g.id() == null || g.id().isBlank()) {
                        bad.bad("directoryGroups", g.displayName(), "no object id");
                        continue;
                    }
                    bad.good("directoryGroups");
                    groups.add(g.id());
                    w.row(
                            staging.runId(),
                            g.id(),
                            g.displayName(),
                            g.description(),
                            g.mail(),
                            g.securityEnabled(),
                            g.mailEnabled());
                }
            }
            try (CopyWriter w = staging.open(Staging.GROUP_MEMBERS, Staging.GROUP_MEMBER_COLUMNS)) {
                for (String g : groups) {
                    for (dev.rampart.defender.model.DirectoryObject m : client.listTransitiveMembers(g)) {
                        String type = m.user() != null ? "user" : m.group() != null ? "group" : null;
                        if (type != null && m.id() != null) {
                            memberships++;
                            w.row(staging.runId(), g, type, m.id());
                        }
                    }
                }
            }
            progress.count("directoryUsersFetched", users);
            progress.count("directoryGroupsFetched", groups.size());
            progress.count("directoryMembershipsFetched", memberships);
            return true;
        } catch (PermissionException e) {
            progress.warning("the directory (users and groups) is not imported: " + e.getMessage());
            return false;
        }
    }

    private void huntLogonUsers() throws SQLException {
        int parts = Math.max(1, (known.size() + HUNTING_DEVICES_PER_QUERY - 1) / HUNTING_DEVICES_PER_QUERY);
        try (CopyWriter w = staging.open(Staging.LOGON_USERS, Staging.LOGON_USER_COLUMNS)) {
            for (int part = 0; part < parts; part++) {
                String where = parts == 1 ? "" : " | where hash(DeviceId, " + parts + ") == " + part;
                HuntingResult h = client.hunt("DeviceInfo | where Timestamp > ago(7d)" + where
                        + " | summarize arg_max(Timestamp, *) by DeviceId"
                        + " | project DeviceId, DeviceName, Timestamp, LoggedOnUsers");
                for (int i = 0; i < h.rowCount(); i++) {
                    String device = h.text(i, "DeviceId");
                    if (device == null || !inScope.contains(device)) {
                        continue;
                    }
                    String users = h.text(i, "LoggedOnUsers");
                    if (users == null || users.isBlank()) {
                        continue;
                    }
                    JsonNode list;
                    try {
                        list = JSON.readTree(users);
                    } catch (IOException e) {
                        bad.bad("logonUsers", device, "LoggedOnUsers is not JSON");
                        continue;
                    }
                    Instant at = parseInstant(h.text(i, "Timestamp"));
                    for (JsonNode u : list) {
                        String name = u.path("UserName").asText("");
                        if (name.isBlank()) {
                            bad.bad("logonUsers", device, "a logged-on user without UserName");
                            continue;
                        }
                        bad.good("logonUsers");
                        w.row(
                                staging.runId(),
                                device,
                                name,
                                u.path("DomainName").asText(""),
                                u.path("Sid").asText(null),
                                null,
                                at,
                                null,
                                null);
                    }
                }
            }
        }
    }

    private static Instant parseInstant(String s) {
        if (s == null) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
