package dev.rampart.emulator.tenant;

import dev.rampart.emulator.tenant.Platform.Family;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The software products and the CVE catalog of a synthetic tenant. Both are small and fixed in size (they do not grow
 * with the number of devices), so they are built once, eagerly, from the seed.
 *
 * <p>Severity, CVSS, exploit and EPSS distributions follow the public shape of the NVD and EPSS data: most CVEs are
 * Medium or High, about one in seven has a public exploit, a few are verified or in an exploit kit, and EPSS is heavily
 * skewed towards zero except for exploited CVEs.
 */
public final class Catalog {
    private static final Object[][] PRODUCTS = {
        // vendor, name, family, popularity, end of support status
        {"microsoft", "windows_11", Family.WINDOWS, 0.0, "None"},
        {"microsoft", "windows_10", Family.WINDOWS, 0.0, "None"},
        {"microsoft", "windows_server_2022", Family.WINDOWS_SERVER, 0.0, "None"},
        {"microsoft", "windows_server_2019", Family.WINDOWS_SERVER, 0.0, "None"},
        {"microsoft", "windows_server_2016", Family.WINDOWS_SERVER, 0.0, "Upcoming EOS Version"},
        {"microsoft", "windows_server_2012_r2", Family.WINDOWS_SERVER, 0.0, "EOS Version"},
        {"microsoft", "edge_chromium-based", Family.WINDOWS, 0.95, "None"},
        {"microsoft", "office", Family.WINDOWS, 0.8, "None"},
        {"microsoft", "365_apps", Family.WINDOWS, 0.6, "None"},
        {"microsoft", ".net_framework", Family.WINDOWS, 0.9, "None"},
        {"microsoft", "visual_studio_code", Family.ANY, 0.25, "None"},
        {"microsoft", "teams", Family.ANY, 0.7, "None"},
        {"microsoft", "onedrive", Family.WINDOWS, 0.85, "None"},
        {"microsoft", "sql_server", Family.WINDOWS_SERVER, 0.35, "None"},
        {"microsoft", "internet_information_services", Family.WINDOWS_SERVER, 0.3, "None"},
        {"microsoft", "exchange_server", Family.WINDOWS_SERVER, 0.05, "None"},
        {"google", "chrome", Family.ANY, 0.75, "None"},
        {"mozilla", "firefox", Family.ANY, 0.3, "None"},
        {"adobe", "acrobat_reader_dc", Family.WINDOWS, 0.55, "None"},
        {"oracle", "jre", Family.ANY, 0.25, "Upcoming EOS Software"},
        {"oracle", "mysql", Family.LINUX, 0.2, "None"},
        {"7-zip", "7-zip", Family.WINDOWS, 0.4, "None"},
        {"notepad-plus-plus", "notepad++", Family.WINDOWS, 0.3, "None"},
        {"videolan", "vlc_media_player", Family.ANY, 0.2, "None"},
        {"zoom", "zoom", Family.ANY, 0.45, "None"},
        {"python", "python", Family.ANY, 0.2, "None"},
        {"putty", "putty", Family.WINDOWS, 0.2, "None"},
        {"winscp", "winscp", Family.WINDOWS, 0.1, "None"},
        {"apache", "tomcat", Family.WINDOWS_SERVER, 0.1, "None"},
        {"vmware", "tools", Family.WINDOWS_SERVER, 0.4, "None"},
        {"citrix", "workspace", Family.WINDOWS, 0.15, "None"},
        {"openssl", "openssl", Family.LINUX, 0.95, "None"},
        {"gnu", "glibc", Family.LINUX, 1.0, "None"},
        {"linux", "linux_kernel", Family.LINUX, 1.0, "None"},
        {"openbsd", "openssh", Family.LINUX, 0.95, "None"},
        {"haxx", "curl", Family.LINUX, 0.9, "None"},
        {"isc", "bind", Family.LINUX, 0.3, "None"},
        {"sudo_project", "sudo", Family.LINUX, 0.95, "None"},
        {"nginx", "nginx", Family.LINUX, 0.3, "None"},
        {"apache", "http_server", Family.LINUX, 0.25, "None"},
        {"postgresql", "postgresql", Family.LINUX, 0.15, "None"},
        {"docker", "docker", Family.LINUX, 0.3, "None"},
        {"apple", "macos", Family.MAC, 0.0, "None"},
        {"apple", "safari", Family.MAC, 0.95, "None"},
        {"microsoft", "office_for_mac", Family.MAC, 0.6, "None"},
        {"apple", "ios", Family.MOBILE, 0.0, "None"},
        {"google", "android", Family.MOBILE, 0.0, "None"},
    };

    private static final String[] KINDS = {
        "remote code execution",
        "elevation of privilege",
        "information disclosure",
        "denial of service",
        "security feature bypass",
        "spoofing",
        "memory corruption",
        "use-after-free",
        "heap buffer overflow",
        "out-of-bounds read",
    };

    private final List<Product> products;
    private final List<Cve> cves;

    public Catalog(long seed, int cveCount, Instant now) {
        int[][] cveLists = new int[PRODUCTS.length][];
        int[] counts = new int[PRODUCTS.length];
        int[] owner = new int[cveCount];
        double[] weights = new double[PRODUCTS.length];
        for (int p = 0; p < PRODUCTS.length; p++) {
            // OS products carry many CVEs; others by popularity.
            double pop = (double) PRODUCTS[p][3];
            weights[p] = pop == 0.0 ? 3.0 : 0.3 + pop;
        }
        for (int c = 0; c < cveCount; c++) {
            int p = c < PRODUCTS.length ? c : Hash.weighted(Hash.unit(seed, 11, c), weights);
            owner[c] = p;
            counts[p]++;
        }
        for (int p = 0; p < PRODUCTS.length; p++) {
            cveLists[p] = new int[counts[p]];
            counts[p] = 0;
        }
        for (int c = 0; c < cveCount; c++) {
            cveLists[owner[c]][counts[owner[c]]++] = c;
        }
        List<Product> ps = new ArrayList<>();
        for (int p = 0; p < PRODUCTS.length; p++) {
            Object[] row = PRODUCTS[p];
            ps.add(new Product(
                    p,
                    (String) row[0],
                    (String) row[1],
                    (Family) row[2],
                    (double) row[3],
                    versions(seed, p, (String) row[1]),
                    cveLists[p],
                    (String) row[4]));
        }
        this.products = List.copyOf(ps);
        List<Cve> cs = new ArrayList<>(cveCount);
        for (int c = 0; c < cveCount; c++) {
            cs.add(cve(seed, c, products.get(owner[c]), now));
        }
        this.cves = List.copyOf(cs);
    }

    public List<Product> products() {
        return products;
    }

    public List<Cve> cves() {
        return cves;
    }

    public Cve cve(int index) {
        return cves.get(index);
    }

    public Product product(int index) {
        return products.get(index);
    }

    /** Finds a CVE by id, case-insensitively, or returns null. */
    public Cve findCve(String id) {
        String wanted = id.toUpperCase(Locale.ROOT);
        if (!wanted.startsWith("CVE-")) {
            return null;
        }
        int dash = wanted.lastIndexOf('-');
        try {
            int n = Integer.parseInt(wanted.substring(dash + 1));
            int index = n - 1000;
            if (index >= 0 && index < cves.size() && cves.get(index).id().equals(wanted)) {
                return cves.get(index);
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return null;
    }

    public Product findProduct(String id) {
        for (Product p : products) {
            if (p.id().equalsIgnoreCase(id)) {
                return p;
            }
        }
        return null;
    }

    private static List<String> versions(long seed, int p, String name) {
        int n = 3 + Hash.below(Hash.of(seed, 12, p), 4);
        List<String> out = new ArrayList<>(n);
        int major = 1 + Hash.below(Hash.of(seed, 13, p), 120);
        for (int v = 0; v < n; v++) {
            long h = Hash.of(seed, 14, p, v);
            if (name.startsWith("windows")) {
                out.add("10.0." + (17763 + 1000 * v) + "." + (1000 + Hash.below(h, 5000)));
            } else {
                out.add(major + v / 2 + "." + Hash.below(h, 10) + "." + Hash.below(h >>> 8, 5000));
            }
        }
        return List.copyOf(out);
    }

    private static Cve cve(long seed, int c, Product product, Instant now) {
        long h = Hash.of(seed, 20, c);
        int year = 2018 + Hash.below(h, 9);
        String id = "CVE-" + year + "-" + (1000 + c);
        double u = Hash.unit(seed, 21, c);
        String severity;
        double cvss;
        if (u < 0.10) {
            severity = "Critical";
            cvss = 9.0 + Hash.below(Hash.of(seed, 22, c), 11) / 10.0;
        } else if (u < 0.50) {
            severity = "High";
            cvss = 7.0 + Hash.below(Hash.of(seed, 22, c), 20) / 10.0;
        } else if (u < 0.90) {
            severity = "Medium";
            cvss = 4.0 + Hash.below(Hash.of(seed, 22, c), 30) / 10.0;
        } else {
            severity = "Low";
            cvss = 1.0 + Hash.below(Hash.of(seed, 22, c), 30) / 10.0;
        }
        double e = Hash.unit(seed, 23, c);
        boolean publicExploit = e < (severity.equals("Critical") ? 0.35 : 0.13);
        boolean verified = publicExploit && Hash.unit(seed, 24, c) < 0.35;
        boolean inKit = verified && Hash.unit(seed, 25, c) < 0.3;
        double epss;
        double r = Hash.unit(seed, 26, c);
        if (inKit) {
            epss = 0.6 + 0.39 * r;
        } else if (verified) {
            epss = 0.2 + 0.6 * r;
        } else if (publicExploit) {
            epss = 0.02 + 0.4 * r * r;
        } else {
            epss = 0.0004 + 0.05 * r * r * r;
        }
        epss = Math.round(epss * 100000) / 100000.0;
        String kind = KINDS[Hash.below(Hash.of(seed, 27, c), KINDS.length)];
        boolean network = kind.contains("remote") || kind.contains("spoofing") || Hash.unit(seed, 28, c) < 0.5;
        String vector = "CVSS:3.1/AV:" + (network ? "N" : "L") + "/AC:" + (cvss >= 8 ? "L" : "H") + "/PR:"
                + (kind.contains("elevation") ? "L" : "N") + "/UI:" + (Hash.unit(seed, 29, c) < 0.4 ? "R" : "N")
                + "/S:U/C:H/I:" + (cvss >= 6 ? "H" : "L") + "/A:" + (kind.contains("denial") ? "H" : "N")
                + "/E:" + (inKit ? "H" : verified ? "F" : publicExploit ? "P" : "U") + "/RL:O/RC:C";
        List<String> types = new ArrayList<>();
        if (publicExploit) {
            types.add(network ? "Remote" : "Local");
            if (kind.contains("elevation")) {
                types.add("PrivilegeEscalation");
            }
            if (kind.contains("denial")) {
                types.add("Dos");
            }
        }
        long ageDays = 20 + Hash.below(Hash.of(seed, 30, c), 2400);
        Instant published = now.minus(Duration.ofDays(ageDays)).truncatedTo(java.time.temporal.ChronoUnit.DAYS);
        Instant updated = published.plus(Duration.ofHours(6 + Hash.below(Hash.of(seed, 31, c), 24 * 60)));
        if (updated.isAfter(now)) {
            updated = now.truncatedTo(java.time.temporal.ChronoUnit.DAYS);
        }
        String productName = product.vendor() + " " + product.name().replace('_', ' ');
        String description = "Summary: A " + kind + " vulnerability exists in " + productName
                + ". An attacker who successfully exploits it could " + impact(kind) + ". Impact: "
                + (network ? "Remote" : "Local") + " attackers may " + impact(kind)
                + ". Remediation: Apply the latest patches and updates provided by the vendor. Generated by AI";
        double s = Hash.unit(seed, 32, c);
        String support = s < 0.95 ? "Supported" : s < 0.98 ? "SupportedInPremium" : ""; // real records carry "" too
        return new Cve(
                c,
                id,
                severity,
                cvss,
                vector,
                publicExploit,
                verified,
                inKit,
                List.copyOf(types),
                epss,
                published,
                updated,
                description,
                product.index(),
                support);
    }

    private static String impact(String kind) {
        if (kind.contains("code execution") || kind.contains("overflow") || kind.contains("use-after-free")) {
            return "run arbitrary code in the context of the affected process";
        }
        if (kind.contains("elevation")) {
            return "gain SYSTEM or root privileges";
        }
        if (kind.contains("disclosure") || kind.contains("read")) {
            return "read memory or files they should not see";
        }
        if (kind.contains("denial")) {
            return "crash the service";
        }
        return "bypass a security control";
    }
}
