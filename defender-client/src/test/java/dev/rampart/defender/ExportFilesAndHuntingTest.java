package dev.rampart.defender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.defender.model.ExportVulnerability;
import dev.rampart.defender.model.HuntingResult;
import dev.rampart.emulator.DefenderEmulator;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ExportFilesAndHuntingTest {
    static DefenderEmulator emulator;
    static DefenderClient client;

    @BeforeAll
    static void start() {
        emulator = Sandboxes.emulator(300);
        client = Sandboxes.client(emulator);
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    private static Set<String> keys(Iterable<ExportVulnerability> rows) {
        Set<String> out = new HashSet<>();
        rows.forEach(r -> out.add(r.deviceId() + "|" + r.softwareName() + "|" + r.softwareVersion() + "|" + r.cveId()));
        return out;
    }

    @Test
    void fileExportShouldStreamTheSameRowsAsTheJsonExport() {
        Set<String> files = keys(client.exportVulnerabilityFiles());
        assertThat(files).isNotEmpty().isEqualTo(keys(client.exportVulnerabilities(200_000)));
    }

    @Test
    void expiredDownloadUrlShouldTriggerANewExport() {
        Sandboxes.fault(emulator, "{\"pathPattern\":\"/tvm-export/*\",\"kind\":\"expire-urls\",\"count\":1}");
        long before = emulator.requests().count("GET", "/api/machines/SoftwareVulnerabilitiesExport");
        Set<String> files = keys(client.exportVulnerabilityFiles());
        assertThat(emulator.requests().count("GET", "/api/machines/SoftwareVulnerabilitiesExport") - before)
                .isEqualTo(2);
        assertThat(files).isEqualTo(keys(client.exportVulnerabilities(200_000)));
    }

    @Test
    void deltaExportShouldCarryStatuses() {
        emulator.advance(java.time.Duration.ofDays(2));
        int changes = 0;
        for (ExportVulnerability r : client.exportVulnerabilityChanges(Sandboxes.START, 5_000)) {
            assertThat(r.isChange()).isTrue();
            assertThat(r.isNew() || r.isFixed() || r.isUpdated()).isTrue();
            changes++;
        }
        assertThat(changes).isPositive();
    }

    @Test
    void huntingShouldUseGraphAndFallBackToTheLegacyApi() {
        HuntingResult viaGraph = client.hunt(
                "DeviceInfo | summarize arg_max(Timestamp, *) by DeviceId | project DeviceId, LoggedOnUsers | take 5");
        assertThat(viaGraph.rows()).hasSize(5);
        Sandboxes.control(emulator, "POST", "/app", "{\"graphRoles\":[\"User.Read.All\"]}");
        try {
            // roles are fixed in a token when it is issued: a new client signs in afresh
            HuntingResult legacy = Sandboxes.client(emulator).hunt("DeviceInfo | take 2");
            assertThat(legacy.rows()).hasSize(2);
            assertThat(emulator.requests().count("POST", "/api/advancedqueries/run"))
                    .isPositive();
        } finally {
            Sandboxes.control(
                    emulator,
                    "POST",
                    "/app",
                    "{\"graphRoles\":[\"Organization.Read.All\",\"User.Read.All\","
                            + "\"GroupMember.Read.All\",\"ThreatHunting.Read.All\"]}");
        }
    }

    @Test
    void graphDirectoryShouldListUsersGroupsAndNestedMembers() {
        assertThat(client.organization().id()).isEqualTo(emulator.tenantId());
        var group = client.listGroups().iterator().next();
        int members = 0;
        for (var m : client.listTransitiveMembers(group.id())) {
            assertThat(m.type()).isIn("user", "group");
            members++;
        }
        assertThat(members).isPositive();
    }
}
