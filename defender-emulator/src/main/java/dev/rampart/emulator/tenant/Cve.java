package dev.rampart.emulator.tenant;

import java.time.Instant;
import java.util.List;

/** One entry of the tenant's CVE catalog (REFERENCE.md section 5.3). */
public record Cve(
        int index,
        String id,
        String severity,
        double cvssV3,
        String cvssVector,
        boolean publicExploit,
        boolean exploitVerified,
        boolean exploitInKit,
        List<String> exploitTypes,
        double epss,
        Instant publishedOn,
        Instant updatedOn,
        String description,
        int product,
        String cveSupportability) {

    /** The export APIs' single exploitability value (REFERENCE.md section 6.3). */
    public String exploitabilityLevel() {
        if (exploitInKit) {
            return "ExploitIsInKit";
        }
        if (exploitVerified) {
            return "ExploitIsVerified";
        }
        return publicExploit ? "ExploitIsPublic" : "NoExploit";
    }
}
