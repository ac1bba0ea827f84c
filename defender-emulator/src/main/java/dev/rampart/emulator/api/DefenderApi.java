package dev.rampart.emulator.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rampart.emulator.http.ApiError;
import dev.rampart.emulator.http.Call;
import dev.rampart.emulator.http.Router;
import dev.rampart.emulator.http.Router.Policy;
import dev.rampart.emulator.http.Router.Service;
import dev.rampart.emulator.tenant.Cve;
import dev.rampart.emulator.tenant.Device;
import dev.rampart.emulator.tenant.Directory;
import dev.rampart.emulator.tenant.EmulatorClock;
import dev.rampart.emulator.tenant.Hash;
import dev.rampart.emulator.tenant.InstalledSoftware;
import dev.rampart.emulator.tenant.Product;
import dev.rampart.emulator.tenant.SyntheticTenant;
import dev.rampart.emulator.tenant.Times;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * The Defender for Endpoint API under {@code /api} (and {@code /api/v1.0}): machines, vulnerabilities, software and
 * alerts; machine actions, exports and hunting are in their own classes. Paths, OData options, page caps, rate limits
 * and roles follow REFERENCE.md sections 3 to 10 and 16.
 */
public final class DefenderApi {
    static final List<String> MACHINE_READ = List.of("Machine.Read.All", "Machine.ReadWrite.All");
    static final List<String> VULN_READ = List.of("Vulnerability.Read.All");
    static final List<String> SOFTWARE_READ = List.of("Software.Read.All");
    static final List<String> ALERT_READ = List.of("Alert.Read.All", "Alert.ReadWrite.All");

    /** Filterable properties per entity (REFERENCE.md sections 4.1.1, 5.1, 5.4, 7.1, 8.1, 10.2). */
    static final Set<String> MACHINE_FILTER = Set.of(
            "computerDnsName",
            "id",
            "version",
            "deviceValue",
            "aadDeviceId",
            "machineTags",
            "lastSeen",
            "exposureLevel",
            "onboardingStatus",
            "lastIpAddress",
            "healthStatus",
            "osPlatform",
            "riskScore",
            "rbacGroupId");

    static final Set<String> VULN_FILTER =
            Set.of("id", "name", "description", "cvssV3", "publishedOn", "severity", "updatedOn");
    static final Set<String> MACHINE_VULN_FILTER = Set.of(
            "id", "cveId", "machineId", "fixingKbId", "productName", "productVersion", "severity", "productVendor");
    static final Set<String> SOFTWARE_FILTER = Set.of("id", "name", "vendor");
    static final Set<String> ALERT_FILTER = Set.of(
            "alertCreationTime",
            "lastUpdateTime",
            "incidentId",
            "investigationId",
            "id",
            "assignedTo",
            "detectionSource",
            "lastEventTime",
            "status",
            "severity",
            "category");

    private final SyntheticTenant tenant;
    private final EmulatorClock clock;
    private final MachineActions actions;
    private final Exports exports;
    private final Hunting hunting;
    private volatile Stats stats;
    private final ODataList.Cursors cursors = new ODataList.Cursors();

    public DefenderApi(SyntheticTenant tenant, EmulatorClock clock) {
        this.tenant = tenant;
        this.clock = clock;
        this.actions = new MachineActions(tenant, clock);
        this.exports = new Exports(tenant, clock);
        this.hunting = new Hunting(tenant, clock);
    }

    public MachineActions actions() {
        return actions;
    }

    public Exports exports() {
        return exports;
    }

    public Hunting hunting() {
        return hunting;
    }

    private static Policy p(String key, int perMinute, int perHour, List<String> roles) {
        return new Policy(key, perMinute, perHour, roles, false);
    }

    private static Policy tvm(String key, int perMinute, int perHour, List<String> roles) {
        return new Policy(key, perMinute, perHour, roles, true);
    }

    public void register(Router r) {
        Service d = Service.DEFENDER;
        r.add("GET", "/api/machines", d, p("machines", 100, 1500, MACHINE_READ), this::listMachines);
        r.add("GET", "/api/machines/findbytag", d, p("findbytag", 100, 1500, MACHINE_READ), this::findByTag);
        r.add("GET", "/api/machines/{id}", d, p("machine", 100, 1500, MACHINE_READ), this::getMachine);
        r.add(
                "GET",
                "/api/machines/{id}/logonusers",
                d,
                p("logonusers", 100, 1500, List.of("User.Read.All")),
                this::logonUsers);
        r.add(
                "GET",
                "/api/machines/{id}/vulnerabilities",
                d,
                tvm("machinevulnerabilities", 50, 1500, VULN_READ),
                this::machineVulnerabilities);
        r.add(
                "GET",
                "/api/machines/{id}/software",
                d,
                tvm("machinesoftware", 0, 0, SOFTWARE_READ),
                this::machineSoftware);
        r.add("GET", "/api/machines/{id}/alerts", d, p("machinealerts", 100, 1500, ALERT_READ), this::machineAlerts);
        r.add("GET", "/api/vulnerabilities", d, tvm("vulnerabilities", 0, 0, VULN_READ), this::listVulnerabilities);
        r.add(
                "GET",
                "/api/vulnerabilities/machinesVulnerabilities",
                d,
                tvm("machinesvulnerabilities", 0, 0, VULN_READ),
                this::machinesVulnerabilities);
        r.add("GET", "/api/vulnerabilities/{id}", d, tvm("vulnerability", 0, 0, VULN_READ), this::getVulnerability);
        r.add(
                "GET",
                "/api/vulnerabilities/{id}/machineReferences",
                d,
                tvm("vulnerabilitymachines", 0, 0, VULN_READ),
                this::vulnerabilityMachines);
        r.add("GET", "/api/software", d, tvm("software", 0, 0, SOFTWARE_READ), this::listSoftware);
        r.add("GET", "/api/software/{id}", d, tvm("softwareitem", 0, 0, SOFTWARE_READ), this::getSoftware);
        r.add(
                "GET",
                "/api/software/{id}/machineReferences",
                d,
                tvm("softwaremachines", 0, 0, SOFTWARE_READ),
                this::softwareMachines);
        r.add(
                "GET",
                "/api/software/{id}/vulnerabilities",
                d,
                tvm("softwarevulnerabilities", 0, 0, SOFTWARE_READ),
                this::softwareVulnerabilities);
        r.add(
                "GET",
                "/api/exposureScore",
                d,
                tvm("exposurescore", 0, 0, List.of("Score.Read.All")),
                c -> exposureScore(c, false));
        r.add(
                "GET",
                "/api/exposureScore/ByMachineGroups",
                d,
                tvm("exposurescorebygroup", 0, 0, List.of("Score.Read.All")),
                c -> exposureScore(c, true));
        r.add("GET", "/api/alerts", d, p("alerts", 100, 1500, ALERT_READ), this::listAlerts);
        r.add("GET", "/api/alerts/{id}", d, p("alert", 100, 1500, ALERT_READ), this::getAlert);
        actions.register(r);
        exports.register(r);
        hunting.register(r);
    }

    private Instant now() {
        return clock.instant();
    }

    private Stats stats() {
        Stats s = Stats.of(stats, tenant, now());
        stats = s;
        return s;
    }

    int requireDevice(Call call) {
        String id = call.pathParam("id");
        int i = tenant.indexOf(id);
        if (i < 0) {
            throw ApiError.notFound("Machine " + id + " was not found");
        }
        return i;
    }

    // ------------------------------------------------------------------ machines

    private void listMachines(Call call) {
        if (tenant.deviceCount() == 0) {
            throw new ApiError(404, "NotFound", "No machines were found.");
        }
        Instant now = now();
        ODataList.serve(call, "Machines", 10_000, MACHINE_FILTER, new ODataList.Source() {
            @Override
            public Iterator<ObjectNode> from(int start) {
                return range(start, tenant.deviceCount(), i -> Entities.machine(tenant, i, now));
            }

            @Override
            public boolean seekable() {
                return true;
            }
        });
    }

    private void findByTag(Call call) {
        String tag = call.query("tag");
        if (tag == null || tag.isBlank()) {
            throw ApiError.badRequest("MissingRequiredParameter", "The 'tag' parameter is required.");
        }
        boolean prefix = Boolean.parseBoolean(call.query("useStartsWithFilter"));
        Instant now = now();
        Iterator<ObjectNode> all = range(0, tenant.deviceCount(), i -> Entities.machine(tenant, i, now));
        ODataList.all(call, "Machines", filter(all, m -> {
            for (var t : m.path("machineTags")) {
                String v = t.asText();
                if (prefix ? v.regionMatches(true, 0, tag, 0, tag.length()) : v.equalsIgnoreCase(tag)) {
                    return true;
                }
            }
            return false;
        }));
    }

    private void getMachine(Call call) {
        int i = requireDevice(call);
        ObjectNode body = Call.JSON.createObjectNode();
        body.put("@odata.context", call.base() + "/api/$metadata#Machines/$entity");
        body.setAll(Entities.machine(tenant, i, now()));
        call.odata(200, body);
    }

    private void logonUsers(Call call) {
        int i = requireDevice(call);
        Instant now = now();
        Device d = tenant.device(i, now);
        List<ObjectNode> out = new ArrayList<>();
        int[] users = tenant.logonUsers(i);
        for (int k = 0; k < users.length; k++) {
            int u = users[k];
            long h = Hash.of(tenant.seed(), 140, i, k);
            ObjectNode o = Call.JSON.createObjectNode();
            String sam = Directory.sam(tenant, u);
            o.put("id", "contoso\\" + sam);
            o.put("accountName", sam);
            o.put("accountDomain", "contoso");
            o.put("accountSid", Directory.sid(tenant, u));
            Instant first = d.firstSeen().plusSeconds(Hash.below(h, 30 * 86400));
            Instant last = d.lastSeen().minusSeconds(Hash.below(h >>> 7, 3 * 86400));
            o.put("firstSeen", Times.seconds(first.isAfter(last) ? last : first));
            o.put("lastSeen", Times.seconds(last));
            o.put("logonTypes", k == 0 ? "Interactive" : Hash.unit(h) < 0.5 ? "Network" : "RemoteInteractive");
            o.put("logOnMachinesCount", 1 + Hash.below(h >>> 11, 4));
            o.put("isDomainAdmin", Directory.isAdmin(tenant, u));
            o.put("isOnlyNetworkUser", k > 0 && Hash.unit(h >>> 3) < 0.3);
            out.add(o);
        }
        ODataList.all(call, "Users", out.iterator());
    }

    private void machineVulnerabilities(Call call) {
        int i = requireDevice(call);
        Instant now = now();
        Stats s = stats();
        List<ObjectNode> out = new ArrayList<>();
        tenant.vulnerabilities(
                i,
                now,
                row -> out.add(Entities.vulnerability(
                        row.cve(),
                        s.exposedByCve[row.cve().index()],
                        s.firstDetected(row.cve().index()),
                        true)));
        ObjectNode body = Call.JSON.createObjectNode();
        body.put(
                "@odata.context",
                call.base() + "/api/$metadata#Vulnerabilities/microsoft.windowsDefenderATP.api.PublicVulnerabilityDto");
        body.put("@odata.count", out.size());
        ArrayNode value = body.putArray("value");
        out.forEach(value::add);
        call.odata(200, body);
    }

    private void machineSoftware(Call call) {
        int i = requireDevice(call);
        Stats s = stats();
        List<ObjectNode> out = new ArrayList<>();
        for (InstalledSoftware sw : tenant.software(i)) {
            int p = sw.product().index();
            out.add(Entities.software(
                    sw.product(), s.weaknessesByProduct[p], s.exposedByProduct[p], s.exploitByProduct[p], false));
        }
        ODataList.all(call, "Software", out.iterator());
    }

    private void machineAlerts(Call call) {
        int i = requireDevice(call);
        Instant now = now();
        List<ObjectNode> out = new ArrayList<>();
        tenant.alerts(now, a -> {
            if (tenant.alertDevice(a) == i) {
                out.add(Alerts.alert(tenant, a, now, false));
            }
        });
        ODataList.all(call, "Alerts", out.iterator());
    }

    // ------------------------------------------------------------------ vulnerabilities

    private void listVulnerabilities(Call call) {
        Stats s = stats();
        List<Cve> cves = tenant.catalog().cves();
        ODataList.serve(
                call,
                "Vulnerabilities",
                8_000,
                VULN_FILTER,
                start -> filter(
                        range(
                                0,
                                cves.size(),
                                c -> s.exposedByCve[c] == 0
                                        ? null
                                        : Entities.vulnerability(
                                                cves.get(c), s.exposedByCve[c], s.firstDetected(c), false)),
                        v -> true));
    }

    private Cve requireCve(Call call) {
        Cve c = tenant.catalog().findCve(call.pathParam("id"));
        if (c == null) {
            throw ApiError.notFound("Vulnerability " + call.pathParam("id") + " was not found");
        }
        return c;
    }

    private void getVulnerability(Call call) {
        Cve c = requireCve(call);
        Stats s = stats();
        ObjectNode body = Call.JSON.createObjectNode();
        body.put("@odata.context", call.base() + "/api/$metadata#Vulnerabilities/$entity");
        body.setAll(Entities.vulnerability(c, s.exposedByCve[c.index()], s.firstDetected(c.index()), false));
        call.odata(200, body);
    }

    private void vulnerabilityMachines(Call call) {
        Cve c = requireCve(call);
        Instant now = now();
        Iterator<ObjectNode> it = range(0, tenant.deviceCount(), i -> {
            boolean[] hit = {false};
            tenant.vulnerabilities(i, now, row -> hit[0] |= row.cve().index() == c.index());
            return hit[0] ? Entities.machineReference(tenant, i, now) : null;
        });
        ODataList.all(call, "MachineReferences", filter(it, x -> true));
    }

    private void machinesVulnerabilities(Call call) {
        Instant now = now();
        ODataList.serveCounted(
                call,
                "Collection(microsoft.windowsDefenderATP.api.PublicAssetVulnerabilityDto)",
                10_000,
                MACHINE_VULN_FILTER,
                start -> new DeviceRows(tenant.deviceCount(), i -> {
                    List<ObjectNode> rows = new ArrayList<>();
                    tenant.vulnerabilities(i, now, row -> rows.add(Entities.machineVulnerability(tenant, row)));
                    return rows;
                }),
                cursors);
    }

    // ------------------------------------------------------------------ exposure score

    /**
     * The organization's exposure score, or one per device group (REFERENCE.md; Microsoft's "Get exposure score" and
     * "List exposure score by device group" pages): {@code time} is when the call was made, {@code score} a number from
     * 0 to 100. Microsoft does not publish the formula; the sandbox averages, over onboarded devices, a weight for each
     * device's most severe open vulnerability (Critical 95, High 70, Medium 40, Low 15, none 0), so the score moves as
     * findings open and close. Group entries carry {@code rbacGroupName} and {@code rbacGroupId} (a number, as on
     * machines; the Score resource page calls it a string).
     */
    private void exposureScore(Call call, boolean byGroup) {
        Instant now = now();
        Stats s = stats();
        java.util.TreeMap<Integer, double[]> groups = new java.util.TreeMap<>();
        double[] all = new double[2];
        for (int i = 0; i < tenant.deviceCount(); i++) {
            Device dev = tenant.device(i, now);
            if (!dev.onboarded()) {
                continue;
            }
            double weight = SCORE_WEIGHTS[s.worstByDevice[i]];
            all[0] += weight;
            all[1]++;
            double[] g = groups.computeIfAbsent(dev.rbacGroupId(), k -> new double[2]);
            g[0] += weight;
            g[1]++;
        }
        ObjectNode body = Call.JSON.createObjectNode();
        if (!byGroup) {
            body.put("@odata.context", call.base() + "/api/$metadata#ExposureScore/$entity");
            body.put("time", Times.odata(now));
            body.put("score", all[1] == 0 ? 0.0 : all[0] / all[1]);
            call.odata(200, body);
            return;
        }
        body.put("@odata.context", call.base() + "/api/$metadata#ExposureScore");
        var value = body.putArray("value");
        for (var e : groups.entrySet()) {
            int index = SyntheticTenant.groupIndex(e.getKey());
            String name = SyntheticTenant.groupName(index);
            value.addObject()
                    .put("time", Times.odata(now))
                    .put("score", e.getValue()[0] / e.getValue()[1])
                    .put("rbacGroupName", name == null ? "Unassigned" : name)
                    .put("rbacGroupId", e.getKey());
        }
        call.odata(200, body);
    }

    private static final double[] SCORE_WEIGHTS = {0, 15, 40, 70, 95};

    // ------------------------------------------------------------------ software

    private void listSoftware(Call call) {
        Stats s = stats();
        List<Product> products = tenant.catalog().products();
        ODataList.serve(
                call,
                "Software",
                10_000,
                SOFTWARE_FILTER,
                start -> filter(
                        range(
                                0,
                                products.size(),
                                p -> s.installedByProduct[p] == 0
                                        ? null
                                        : Entities.software(
                                                products.get(p),
                                                s.weaknessesByProduct[p],
                                                s.exposedByProduct[p],
                                                s.exploitByProduct[p],
                                                false)),
                        x -> true));
    }

    private Product requireProduct(Call call) {
        Product p = tenant.catalog().findProduct(call.pathParam("id"));
        if (p == null) {
            throw ApiError.notFound("Software " + call.pathParam("id") + " was not found");
        }
        return p;
    }

    private void getSoftware(Call call) {
        Product p = requireProduct(call);
        Stats s = stats();
        ObjectNode body = Call.JSON.createObjectNode();
        body.put("@odata.context", call.base() + "/api/$metadata#Software/$entity");
        body.setAll(Entities.software(
                p,
                s.weaknessesByProduct[p.index()],
                s.exposedByProduct[p.index()],
                s.exploitByProduct[p.index()],
                false));
        call.odata(200, body);
    }

    private void softwareMachines(Call call) {
        Product p = requireProduct(call);
        Instant now = now();
        Iterator<ObjectNode> it = range(0, tenant.deviceCount(), i -> {
            for (InstalledSoftware s : tenant.software(i)) {
                if (s.product().index() == p.index()) {
                    return Entities.machineReference(tenant, i, now);
                }
            }
            return null;
        });
        ODataList.all(call, "MachineReferences", filter(it, x -> true));
    }

    private void softwareVulnerabilities(Call call) {
        Product p = requireProduct(call);
        Stats s = stats();
        List<ObjectNode> out = new ArrayList<>();
        for (int c : p.cves()) {
            if (s.exposedByCve[c] > 0) {
                out.add(Entities.vulnerability(tenant.catalog().cve(c), s.exposedByCve[c], s.firstDetected(c), false));
            }
        }
        ODataList.all(call, "Vulnerabilities", out.iterator());
    }

    // ------------------------------------------------------------------ alerts

    private void listAlerts(Call call) {
        String expand = call.query("$expand");
        if (expand != null && !expand.trim().equalsIgnoreCase("evidence")) {
            throw new ApiError(400, "ODataError", "Invalid ODataQuery. Only 'evidence' can be expanded on alerts.");
        }
        boolean evidence = expand != null;
        Instant now = now();
        ODataList.serve(
                call,
                "Alerts",
                10_000,
                ALERT_FILTER,
                start -> {
                    List<SyntheticTenant.AlertRef> refs = new ArrayList<>();
                    tenant.alerts(now, refs::add);
                    Iterator<SyntheticTenant.AlertRef> it = refs.iterator();
                    return new Iterator<>() {
                        @Override
                        public boolean hasNext() {
                            return it.hasNext();
                        }

                        @Override
                        public ObjectNode next() {
                            return Alerts.alert(tenant, it.next(), now, evidence);
                        }
                    };
                },
                cursors);
    }

    private void getAlert(Call call) {
        SyntheticTenant.AlertRef ref = tenant.alertRef(call.pathParam("id"));
        Instant now = now();
        if (ref == null || tenant.alertCreated(ref).isAfter(now)) {
            throw ApiError.notFound("Alert " + call.pathParam("id") + " was not found");
        }
        ObjectNode body = Call.JSON.createObjectNode();
        body.put("@odata.context", call.base() + "/api/$metadata#Alerts/$entity");
        body.setAll(Alerts.alert(tenant, ref, now, "evidence".equalsIgnoreCase(call.query("$expand"))));
        call.odata(200, body);
    }

    // ------------------------------------------------------------------ lazy iteration helpers

    /** Entities {@code start..end-1}, rendered on demand; a null rendering is skipped. */
    static Iterator<ObjectNode> range(int start, int end, IntFunction<ObjectNode> render) {
        return new Lookahead<>() {
            int i = start;

            @Override
            protected ObjectNode compute() {
                while (i < end) {
                    ObjectNode n = render.apply(i++);
                    if (n != null) {
                        return n;
                    }
                }
                return null;
            }
        };
    }

    static Iterator<ObjectNode> filter(Iterator<ObjectNode> in, java.util.function.Predicate<ObjectNode> keep) {
        return new Lookahead<>() {
            @Override
            protected ObjectNode compute() {
                while (in.hasNext()) {
                    ObjectNode n = in.next();
                    if (n != null && keep.test(n)) {
                        return n;
                    }
                }
                return null;
            }
        };
    }

    /** Rows of every device in turn; one device's rows in memory at a time. */
    static final class DeviceRows extends Lookahead<ObjectNode> {
        private final int devices;
        private final IntFunction<List<ObjectNode>> rows;
        private int device;
        private Iterator<ObjectNode> current = java.util.Collections.emptyIterator();

        DeviceRows(int devices, IntFunction<List<ObjectNode>> rows) {
            this.devices = devices;
            this.rows = rows;
        }

        @Override
        protected ObjectNode compute() {
            while (!current.hasNext() && device < devices) {
                current = rows.apply(device++).iterator();
            }
            return current.hasNext() ? current.next() : null;
        }
    }
}
