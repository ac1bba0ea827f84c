package dev.rampart.emulator.tenant;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * A deterministic synthetic Defender tenant. Every device, vulnerability row, alert and user is computed on demand from
 * (seed, index, time), so memory does not grow with the tenant: a 200,000-device tenant with ten million
 * device-vulnerability rows is as cheap to hold as a ten-device one.
 *
 * <p>The change model works in six-hour buckets from the tenant's origin (Defender regenerates vulnerability data
 * every six hours, REFERENCE.md section 6.5): in each bucket some vulnerability rows appear and some are fixed, devices
 * stop reporting (and turn Inactive seven days later) or come back, alerts are raised and resolved, and sensors update
 * to monthly releases after a per-device lag. Because each event is a pure function of its coordinates, the state at
 * any instant and the changes between two instants are exact and repeatable.
 */
public final class SyntheticTenant {
    public static final Duration BUCKET = Duration.ofHours(6);
    private static final Duration INACTIVE_AFTER = Duration.ofDays(7);
    private static final double FIX_PER_BUCKET = 1.0 / (4 * 45); // mean lifetime of a vulnerable row: 45 days
    private static final Instant SENSOR_EPOCH = Instant.parse("2024-01-01T00:00:00Z");
    private static final Duration SENSOR_RELEASE = Duration.ofDays(30);

    static final String[] DOMAINS = {
        "corp.contoso.com", "eu.corp.contoso.com", "us.corp.contoso.com", "lab.contoso.local", null
    };
    private static final double[] DOMAIN_WEIGHTS = {45, 15, 15, 10, 15};
    static final String[] TAGS = {"Finance", "HR", "Engineering", "Laptop", "VIP", "PCI", "Kiosk", "Dev", "Prod", "DMZ"
    };

    /** Device groups: id, name. Id 0 with a null name is the "no group" case seen in real traffic. */
    static final Object[][] GROUPS = {
        {0, null},
        {101, "Workstations-EU"},
        {102, "Workstations-US"},
        {103, "Servers-Prod"},
        {104, "Servers-Dev"},
        {105, "Mac Fleet"},
        {106, "Linux Servers"},
        {107, "Mobile"},
        {108, "Executives"},
    };

    private final TenantSpec spec;
    private final long seed;
    private final Instant origin;
    private final Catalog catalog;
    private final TenantState state = new TenantState();
    private final int idMask;
    private final int users;
    private final int groups;

    public SyntheticTenant(TenantSpec spec, Instant origin) {
        this.spec = spec;
        this.seed = spec.seed();
        this.origin = origin.truncatedTo(ChronoUnit.HOURS);
        this.catalog = new Catalog(seed, spec.cves(), this.origin);
        this.idMask = (int) Hash.of(seed, 3);
        this.users = Math.max(20, (int) (spec.devices() * 0.9));
        this.groups = Math.max(8, users / 40);
    }

    public TenantSpec spec() {
        return spec;
    }

    public Catalog catalog() {
        return catalog;
    }

    public TenantState state() {
        return state;
    }

    public Instant origin() {
        return origin;
    }

    public int deviceCount() {
        return spec.devices();
    }

    // ---------------------------------------------------------------- identity of the tenant and its app

    public String tenantId() {
        return Hash.guid(Hash.of(seed, 900), Hash.of(seed, 901));
    }

    public String clientId() {
        return Hash.guid(Hash.of(seed, 902), Hash.of(seed, 903));
    }

    /** The app registration's client secret value, shaped like Entra's (40 characters with a {@code ~}). */
    public String clientSecret() {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._";
        StringBuilder sb = new StringBuilder("Rmp8Q~");
        for (int i = 0; sb.length() < 40; i++) {
            sb.append(alphabet.charAt(Hash.below(Hash.of(seed, 904, i), alphabet.length())));
        }
        return sb.toString();
    }

    public String servicePrincipalId() {
        return Hash.guid(Hash.of(seed, 905), Hash.of(seed, 906));
    }

    public String organizationName() {
        return "Contoso Sandbox " + seed;
    }

    public String initialDomain() {
        return "contososandbox" + Long.toUnsignedString(seed % 100000) + ".onmicrosoft.com";
    }

    // ---------------------------------------------------------------- time buckets

    public long bucket(Instant t) {
        return Math.floorDiv(Duration.between(origin, t).toMillis(), BUCKET.toMillis());
    }

    public Instant bucketStart(long b) {
        return origin.plus(BUCKET.multipliedBy(b));
    }

    private Instant inBucket(long b, long h) {
        return bucketStart(b).plusMillis(Math.floorMod(h, BUCKET.toMillis()));
    }

    // ---------------------------------------------------------------- devices

    public String machineId(int i) {
        return Hash.hex(Hash.of(seed, 1, i), 16)
                + Hash.hex(Hash.of(seed, 2, i), 16)
                + String.format("%08x", scramble(i));
    }

    private static final int ODD = 0x9E3779B1;
    private static final int ODD_INVERSE = inverse(ODD);

    /** A bijection on 32-bit ints, so that the id's tail encodes the index without looking sequential. */
    private int scramble(int i) {
        int x = i * ODD;
        return (x ^ (x >>> 16)) ^ idMask;
    }

    private int unscramble(int x) {
        x ^= idMask;
        x ^= x >>> 16;
        return x * ODD_INVERSE;
    }

    private static int inverse(int odd) {
        int inv = odd; // Newton's iteration for the inverse modulo 2^32
        for (int k = 0; k < 5; k++) {
            inv *= 2 - odd * inv;
        }
        return inv;
    }

    /** The device index for a machine id or a computer name, or -1. */
    public int indexOf(String idOrName) {
        if (idOrName == null || idOrName.isEmpty()) {
            return -1;
        }
        String s = idOrName.toLowerCase(Locale.ROOT);
        if (s.length() == 40 && s.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            int i = unscramble((int) Long.parseLong(s.substring(32), 16));
            return i >= 0 && i < spec.devices() && machineId(i).equals(s) ? i : -1;
        }
        String host = s.contains(".") ? s.substring(0, s.indexOf('.')) : s;
        int dash = host.lastIndexOf('-');
        if (dash < 0) {
            return -1;
        }
        try {
            int i = Integer.parseInt(host.substring(dash + 1));
            if (i < 0 || i >= spec.devices()) {
                return -1;
            }
            String name = computerDnsName(i).toLowerCase(Locale.ROOT);
            return name.equals(s) || name.startsWith(s + ".") ? i : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public Platform platform(int i) {
        return Platform.values()[Hash.weighted(Hash.unit(seed, 10, i), Platform.SHARES)];
    }

    public String domain(int i) {
        Platform p = platform(i);
        if (p.family() == Platform.Family.MOBILE || p.family() == Platform.Family.MAC && Hash.unit(seed, 16, i) < 0.5) {
            return null;
        }
        return DOMAINS[Hash.weighted(Hash.unit(seed, 11, i), DOMAIN_WEIGHTS)];
    }

    public String computerDnsName(int i) {
        String prefix =
                switch (platform(i).family()) {
                    case WINDOWS -> Hash.unit(seed, 12, i) < 0.6 ? "lt" : "ws";
                    case WINDOWS_SERVER -> "srv";
                    case MAC -> "mac";
                    case LINUX -> "lnx";
                    case MOBILE -> "mob";
                    default -> "dev";
                };
        String host = prefix + "-" + String.format("%06d", i);
        String domain = domain(i);
        return domain == null ? host : host + "." + domain;
    }

    String onboardingStatus(int i) {
        double u = Hash.unit(seed, 40, i);
        return u < 0.92 ? "Onboarded" : u < 0.97 ? "CanBeOnboarded" : u < 0.99 ? "Unsupported" : "InsufficientInfo";
    }

    public int[] group(int i) {
        Platform p = platform(i);
        String domain = domain(i);
        int g =
                switch (p.family()) {
                    case WINDOWS -> Hash.unit(seed, 17, i) < 0.03
                            ? 8
                            : domain != null && domain.startsWith("us.") ? 2 : 1;
                    case WINDOWS_SERVER -> Hash.unit(seed, 17, i) < 0.7 ? 3 : 4;
                    case MAC -> 5;
                    case LINUX -> 6;
                    case MOBILE -> 7;
                    default -> 0;
                };
        if (Hash.unit(seed, 18, i) < 0.05) {
            g = 0;
        }
        return new int[] {(int) GROUPS[g][0], g};
    }

    public static String groupName(int g) {
        return (String) GROUPS[g][1];
    }

    /** The position in the group table of a device group id (0, the "no group" entry, when unknown). */
    public static int groupIndex(int rbacGroupId) {
        for (int g = 0; g < GROUPS.length; g++) {
            if ((int) GROUPS[g][0] == rbacGroupId) {
                return g;
            }
        }
        return 0;
    }

    public List<String> tags(int i) {
        List<String> tags = new ArrayList<>(3);
        long h = Hash.of(seed, 19, i);
        int n = Hash.unit(h) < 0.45 ? 0 : Hash.unit(h) < 0.8 ? 1 : Hash.unit(h) < 0.95 ? 2 : 3;
        for (int k = 0; k < n; k++) {
            String t = TAGS[Hash.below(Hash.of(seed, 19, i, k), TAGS.length)];
            if (!tags.contains(t)) {
                tags.add(t);
            }
        }
        return tags;
    }

    public Instant firstSeen(int i) {
        return origin.minus(Duration.ofDays(1 + Hash.below(Hash.of(seed, 44, i), 700)))
                .minusMillis(Hash.below(Hash.of(seed, 45, i), 86_400_000));
    }

    /**
     * When the device stopped reporting, as of {@code now}, or null if it is reporting. Each week a small share of
     * reporting devices goes silent and a larger share of silent ones comes back.
     */
    public Instant silentSince(int i, Instant now) {
        Instant silent = null;
        if (Hash.unit(seed, 46, i) < 0.08) {
            silent = origin.minus(Duration.ofDays(8 + Hash.below(Hash.of(seed, 47, i), 80)));
        }
        long weeks = Math.max(0, Duration.between(origin, now).toDays() / 7 + 1);
        for (long k = 0; k < weeks; k++) {
            double p = silent == null ? 0.015 : 0.10;
            if (Hash.unit(seed, 48, i, k) < p) {
                Instant flip = origin.plus(Duration.ofDays(7 * k))
                        .plusMillis(Hash.below(Hash.of(seed, 49, i, k), 7 * 86_400_000));
                if (flip.isAfter(now)) {
                    break;
                }
                silent = silent == null ? flip : null;
            }
        }
        return silent;
    }

    private Instant lastReport(int i, Instant t) {
        long phase = Hash.below(Hash.of(seed, 43, i), 86_400_000);
        long day = 86_400_000L;
        long ms = Math.floorDiv(t.toEpochMilli() - phase, day) * day + phase;
        return Instant.ofEpochMilli(ms);
    }

    private int sensorRelease(Instant t) {
        return (int) Math.floorDiv(Duration.between(SENSOR_EPOCH, t).toMillis(), SENSOR_RELEASE.toMillis());
    }

    private long sensorLagDays(int i) {
        double u = Hash.unit(seed, 50, i);
        long h = Hash.of(seed, 51, i);
        if (u < 0.75) {
            return Hash.below(h, 7);
        }
        if (u < 0.92) {
            return 7 + Hash.below(h, 38);
        }
        return 60 + Hash.below(h, 180);
    }

    /** The sensor version string for a platform at a monthly release number. */
    public static String sensorVersion(Platform p, Long build, int release) {
        return switch (p.family()) {
            case WINDOWS, WINDOWS_SERVER -> "10." + (8000 + 10 * release) + "." + (build == null ? 19041 : build) + "."
                    + (1000 + Math.floorMod(release * 37, 4000));
            case MAC -> "101." + (24000 + 10 * release) + ".0001";
            case LINUX -> "101." + (24000 + 10 * release) + ".0002";
            case MOBILE -> "1.0." + (3000 + release) + ".0101";
            default -> null;
        };
    }

    public Device device(int i, Instant now) {
        Platform platform = platform(i);
        int pick = Hash.below(Hash.of(seed, 13, i), 3);
        String onboarding = onboardingStatus(i);
        Instant first = firstSeen(i);
        Instant silent = silentSince(i, now);
        boolean reporting = silent == null;
        Instant last = lastReport(i, reporting ? now : silent);
        if (last.isBefore(first)) {
            last = first;
        }
        String health;
        if (!"Onboarded".equals(onboarding)) {
            health = "Unknown";
        } else if (!reporting && !now.isBefore(silent.plus(INACTIVE_AFTER))) {
            health = "Inactive";
        } else {
            double u = Hash.unit(seed, 42, i);
            health = u < 0.94
                    ? "Active"
                    : u < 0.97
                            ? "ImpairedCommunication"
                            : u < 0.99 ? "NoSensorData" : "NoSensorDataImpairedCommunication";
        }
        Long build = platform.build(pick);
        String agent = null;
        if ("Onboarded".equals(onboarding)) {
            Instant sensorTime = last.minus(Duration.ofDays(sensorLagDays(i)));
            agent = sensorVersion(platform, build, Math.max(0, sensorRelease(sensorTime)));
        }
        int[] g = group(i);
        String dns = computerDnsName(i);
        var override = state.machineOverride(i);
        if (override != null) {
            if (override.hasNonNull("healthStatus")) {
                health = override.get("healthStatus").asText();
            }
            if (override.hasNonNull("onboardingStatus")) {
                onboarding = override.get("onboardingStatus").asText();
            }
            if (override.hasNonNull("computerDnsName")) {
                dns = override.get("computerDnsName").asText();
            }
            if (override.hasNonNull("agentVersion")) {
                agent = override.get("agentVersion").asText();
            }
        }
        return new Device(
                i,
                machineId(i),
                dns,
                platform,
                platform.version(pick),
                build,
                onboarding,
                health,
                reporting,
                first,
                last,
                agent,
                g[0],
                groupName(g[1]),
                domain(i));
    }

    // ---------------------------------------------------------------- software

    /** The products installed on a device, with versions. Non-onboarded devices report no software. */
    public List<InstalledSoftware> software(int i) {
        List<InstalledSoftware> out = new ArrayList<>();
        if (!"Onboarded".equals(onboardingStatus(i))) {
            return out;
        }
        Platform platform = platform(i);
        Platform.Family family = platform.family();
        Instant first = firstSeen(i);
        for (Product p : catalog.products()) {
            boolean fits = p.family() == family
                    || p.family() == Platform.Family.ANY
                            && family != Platform.Family.MOBILE
                            && family != Platform.Family.OTHER
                    || p.family() == Platform.Family.WINDOWS
                            && family == Platform.Family.WINDOWS_SERVER
                            && p.popularity() > 0.7;
            if (!fits) {
                continue;
            }
            boolean installed =
                    p.popularity() == 0.0 ? osProduct(platform, p) : Hash.unit(seed, 60, i, p.index()) < p.popularity();
            if (installed) {
                String version = p.versions()
                        .get(Hash.below(
                                Hash.of(seed, 61, i, p.index()), p.versions().size()));
                Instant since = first.plus(Duration.ofDays(Hash.below(Hash.of(seed, 62, i, p.index()), 30)));
                out.add(new InstalledSoftware(p, version, since));
            }
        }
        return out;
    }

    private static boolean osProduct(Platform platform, Product p) {
        return switch (platform) {
            case WINDOWS11 -> p.name().equals("windows_11");
            case WINDOWS10 -> p.name().equals("windows_10");
            case SERVER2022 -> p.name().equals("windows_server_2022");
            case SERVER2019 -> p.name().equals("windows_server_2019");
            case SERVER2016 -> p.name().equals("windows_server_2016");
            case SERVER2012R2 -> p.name().equals("windows_server_2012_r2");
            case MACOS -> p.name().equals("macos");
            case IOS -> p.name().equals("ios");
            case ANDROID -> p.name().equals("android");
            default -> false;
        };
    }

    // ---------------------------------------------------------------- vulnerabilities

    private int baseSlots(int i) {
        Platform platform = platform(i);
        double mean = spec.vulnerabilitiesPerDevice();
        if (platform.family() == Platform.Family.MOBILE) {
            mean /= 10;
        }
        double u = Hash.unit(seed, 70, i);
        double e = -Math.log(1 - Hash.unit(seed, 71, i));
        double m = u < 0.8 ? mean * 0.4 : mean * 3.4;
        return (int) Math.min(1000, Math.round(m * e));
    }

    private double newPerBucket(int base) {
        return Math.min(0.9, Math.max(0.01, base * FIX_PER_BUCKET));
    }

    private Instant fixTime(int i, long slot, Instant appeared, long appearedBucket) {
        double u = Hash.unit(seed, 72, i, slot);
        long buckets = (long) Math.ceil(Math.log(1 - u) / Math.log(1 - FIX_PER_BUCKET));
        long b = Math.max(appearedBucket, 0) + Math.max(1, buckets);
        Instant fix = inBucket(b, Hash.of(seed, 73, i, slot));
        return fix.isAfter(appeared) ? fix : appeared.plus(BUCKET);
    }

    /**
     * Every vulnerable row the device has ever had up to {@code until}, with the time it was fixed if it was fixed by
     * then. Rows are unique per (CVE, product, version). Manual changes from the control API are applied on top.
     */
    public void vulnerabilityHistory(int i, Instant until, Consumer<VulnRow> sink) {
        if (!"Onboarded".equals(onboardingStatus(i))) {
            return;
        }
        List<InstalledSoftware> installed = software(i);
        if (installed.isEmpty()) {
            return;
        }
        List<InstalledSoftware> withCves = new ArrayList<>();
        for (InstalledSoftware s : installed) {
            if (s.product().cves().length > 0) {
                withCves.add(s);
            }
        }
        if (withCves.isEmpty()) {
            return;
        }
        BitSet seen = new BitSet(catalog.cves().size());
        List<TenantState.VulnOverride> overrides = state.vulnOverrides(i);
        int base = baseSlots(i);
        Instant deviceFirst = firstSeen(i);
        for (int j = 0; j < base; j++) {
            Instant first = origin.minus(Duration.ofMinutes(Hash.below(Hash.of(seed, 74, i, j), 300 * 24 * 60)));
            if (first.isBefore(deviceFirst)) {
                first = deviceFirst;
            }
            emitSlot(i, j, -1, first, until, withCves, seen, overrides, sink);
        }
        long last = bucket(until);
        double pNew = newPerBucket(base);
        for (long b = 0; b <= last; b++) {
            if (Hash.unit(seed, 75, i, b) < pNew) {
                Instant appear = inBucket(b, Hash.of(seed, 76, i, b));
                if (appear.isAfter(until)) {
                    break;
                }
                emitSlot(i, base + b, b, appear, until, withCves, seen, overrides, sink);
            }
        }
        for (TenantState.VulnOverride o : overrides) {
            if (o.add() && !o.at().isAfter(until) && !seen.get(o.cve())) {
                seen.set(o.cve());
                Cve cve = catalog.cve(o.cve());
                InstalledSoftware sw = installedOrDefault(installed, catalog.product(cve.product()), deviceFirst);
                Instant fixed = manualFix(overrides, o.cve(), o.at(), until);
                sink.accept(new VulnRow(i, cve, sw.product(), sw.version(), o.at(), fixed));
            }
        }
    }

    private void emitSlot(
            int i,
            long slot,
            long appearedBucket,
            Instant first,
            Instant until,
            List<InstalledSoftware> withCves,
            BitSet seen,
            List<TenantState.VulnOverride> overrides,
            Consumer<VulnRow> sink) {
        InstalledSoftware sw = withCves.get(Hash.below(Hash.of(seed, 77, i, slot), withCves.size()));
        int[] cves = sw.product().cves();
        int cve = cves[Hash.below(Hash.of(seed, 78, i, slot), cves.length)];
        if (seen.get(cve)) {
            return;
        }
        seen.set(cve);
        Instant fixed = fixTime(i, slot, first, appearedBucket);
        if (fixed.isAfter(until)) {
            fixed = null;
        }
        Instant manual = manualFix(overrides, cve, first, until);
        if (manual != null && (fixed == null || manual.isBefore(fixed))) {
            fixed = manual;
        }
        Instant reAdded = fixed == null ? null : manualAdd(overrides, cve, fixed, until);
        if (reAdded != null) {
            // fixed, then added back by hand: report the row as it is now, seen again since it came back
            sink.accept(new VulnRow(
                    i,
                    catalog.cve(cve),
                    sw.product(),
                    sw.version(),
                    reAdded,
                    manualFix(overrides, cve, reAdded, until)));
            return;
        }
        sink.accept(new VulnRow(i, catalog.cve(cve), sw.product(), sw.version(), first, fixed));
    }

    private static Instant manualFix(List<TenantState.VulnOverride> overrides, int cve, Instant after, Instant until) {
        for (TenantState.VulnOverride o : overrides) {
            if (!o.add() && o.cve() == cve && !o.at().isBefore(after) && !o.at().isAfter(until)) {
                return o.at();
            }
        }
        return null;
    }

    private static Instant manualAdd(List<TenantState.VulnOverride> overrides, int cve, Instant after, Instant until) {
        for (TenantState.VulnOverride o : overrides) {
            if (o.add() && o.cve() == cve && o.at().isAfter(after) && !o.at().isAfter(until)) {
                return o.at();
            }
        }
        return null;
    }

    private static InstalledSoftware installedOrDefault(
            List<InstalledSoftware> installed, Product product, Instant first) {
        for (InstalledSoftware s : installed) {
            if (s.product().index() == product.index()) {
                return s;
            }
        }
        return new InstalledSoftware(product, product.versions().get(0), first);
    }

    /** The vulnerable rows present on the device at {@code at}. */
    public void vulnerabilities(int i, Instant at, Consumer<VulnRow> sink) {
        vulnerabilityHistory(i, at, row -> {
            if (row.fixedAt() == null) {
                sink.accept(row);
            }
        });
    }

    /** Number of present vulnerable rows per product index on the device at {@code at}. */
    public int[] weaknessesByProduct(int i, Instant at) {
        int[] counts = new int[catalog.products().size()];
        vulnerabilities(i, at, row -> counts[row.product().index()]++);
        return counts;
    }

    // ---------------------------------------------------------------- alerts

    /** An alert's coordinates: the bucket it was raised in and its number within the bucket. */
    public record AlertRef(long bucket, int number) {}

    public int alertsInBucket(long b) {
        double lambda = spec.devices() / 1000.0 * spec.alertsPerThousandDevicesPerDay() / 4.0;
        int n = (int) lambda;
        if (Hash.unit(seed, 80, b) < lambda - n) {
            n++;
        }
        return spec.devices() == 0 ? 0 : Math.min(n, 999);
    }

    /** The first bucket whose alerts are still served (Defender keeps alerts for its retention period). */
    public long firstAlertBucket() {
        return bucket(origin.minus(Duration.ofDays(30)));
    }

    public Instant alertCreated(AlertRef a) {
        return inBucket(a.bucket(), Hash.of(seed, 81, a.bucket(), a.number()));
    }

    /** The device an alert is on: always an onboarded one (alerts come from the sensor). */
    public int alertDevice(AlertRef a) {
        int candidate = 0;
        for (int k = 0; k < 16; k++) {
            candidate = Hash.below(Hash.of(seed, 82, a.bucket(), a.number(), k), spec.devices());
            if ("Onboarded".equals(onboardingStatus(candidate))) {
                return candidate;
            }
        }
        return candidate;
    }

    public String alertId(AlertRef a) {
        long ticks = alertCreated(a).toEpochMilli() * 10_000L + 621_355_968_000_000_000L;
        long code = ((a.bucket() - firstAlertBucket()) * 1000 + a.number()) ^ (Hash.of(seed, 83) & 0xffffffffL);
        return "da" + ticks + "_" + code;
    }

    public AlertRef alertRef(String id) {
        int us = id.indexOf('_');
        if (!id.startsWith("da") || us < 0) {
            return null;
        }
        try {
            long code = Long.parseLong(id.substring(us + 1)) ^ (Hash.of(seed, 83) & 0xffffffffL);
            AlertRef ref = new AlertRef(Math.floorDiv(code, 1000) + firstAlertBucket(), Math.floorMod(code, 1000));
            return ref.number() < alertsInBucket(ref.bucket()) && alertId(ref).equals(id) ? ref : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public void alerts(Instant now, Consumer<AlertRef> sink) {
        long last = bucket(now);
        for (long b = firstAlertBucket(); b <= last; b++) {
            int n = alertsInBucket(b);
            for (int k = 0; k < n; k++) {
                AlertRef a = new AlertRef(b, k);
                if (!alertCreated(a).isAfter(now)) {
                    sink.accept(a);
                }
            }
        }
    }

    public long alertSeed(AlertRef a, int part) {
        return Hash.of(seed, 84 + part, a.bucket(), a.number());
    }

    // ---------------------------------------------------------------- directory (Graph) and logon users

    public int userCount() {
        return users;
    }

    public int groupCount() {
        return groups;
    }

    public long seed() {
        return seed;
    }

    /** The directory users who have logged on to a device (indexes into the directory). */
    public int[] logonUsers(int i) {
        if (!"Onboarded".equals(onboardingStatus(i))) {
            return new int[0];
        }
        boolean server = platform(i).family() == Platform.Family.WINDOWS_SERVER;
        int n = server ? 2 + Hash.below(Hash.of(seed, 90, i), 4) : 1 + Hash.below(Hash.of(seed, 90, i), 3);
        int primary = (int) ((long) i * users / Math.max(1, spec.devices()));
        int[] out = new int[n];
        out[0] = server ? Hash.below(Hash.of(seed, 91, i), Math.min(users, 25)) : primary;
        for (int k = 1; k < n; k++) {
            out[k] = Hash.below(Hash.of(seed, 92, i, k), users);
        }
        return out;
    }
}
