package dev.rampart.emulator.tenant;

import java.util.List;

/**
 * A software product as Defender Vulnerability Management names it: lower-case CPE-style vendor and name, the
 * platforms it is installed on, its known versions and the CVEs that affect it.
 */
public record Product(
        int index,
        String vendor,
        String name,
        Platform.Family family,
        double popularity,
        List<String> versions,
        int[] cves,
        String endOfSupportStatus) {

    public String id() {
        return vendor + "-_-" + name;
    }

    public boolean microsoft() {
        return vendor.equals("microsoft");
    }
}
