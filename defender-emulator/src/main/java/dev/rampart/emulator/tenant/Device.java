package dev.rampart.emulator.tenant;

import java.time.Instant;

/**
 * The facts about one device at one instant, computed from the seed, the change model and the control overrides.
 * Entities (machine JSON, export rows, hunting rows) are rendered from this.
 */
public record Device(
        int index,
        String id,
        String computerDnsName,
        Platform platform,
        String version,
        Long osBuild,
        String onboardingStatus,
        String healthStatus,
        boolean reporting,
        Instant firstSeen,
        Instant lastSeen,
        String agentVersion,
        int rbacGroupId,
        String rbacGroupName,
        String domain) {

    public boolean onboarded() {
        return "Onboarded".equals(onboardingStatus);
    }

    public boolean active() {
        return "Active".equals(healthStatus);
    }
}
