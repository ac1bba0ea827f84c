package dev.rampart.emulator.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SyntheticTenantTest {
    static final Instant START = Instant.parse("2026-03-02T06:00:00Z");
    static final SyntheticTenant TENANT = new SyntheticTenant(TenantSpec.of(7, 5000), START);

    @Test
    void sameSeedShouldGiveTheSameTenantAndAnotherSeedAnother() {
        SyntheticTenant again = new SyntheticTenant(TenantSpec.of(7, 5000), START);
        SyntheticTenant other = new SyntheticTenant(TenantSpec.of(8, 5000), START);
        for (int i = 0; i < 50; i++) {
            assertThat(again.device(i, START)).isEqualTo(TENANT.device(i, START));
            List<String> a = new ArrayList<>();
            List<String> b = new ArrayList<>();
            TENANT.vulnerabilities(i, START, r -> a.add(r.cve().id() + r.version()));
            again.vulnerabilities(i, START, r -> b.add(r.cve().id() + r.version()));
            assertThat(b).isEqualTo(a);
        }
        assertThat(other.machineId(0)).isNotEqualTo(TENANT.machineId(0));
        assertThat(other.tenantId()).isNotEqualTo(TENANT.tenantId());
    }

    @Test
    void idsAndNamesShouldLeadBackToTheirDevice() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < TENANT.deviceCount(); i++) {
            String id = TENANT.machineId(i);
            assertThat(ids.add(id)).isTrue();
            assertThat(TENANT.indexOf(id)).isEqualTo(i);
            assertThat(TENANT.indexOf(id.toUpperCase())).isEqualTo(i);
            assertThat(TENANT.indexOf(TENANT.computerDnsName(i))).isEqualTo(i);
        }
        assertThat(TENANT.indexOf("0000000000000000000000000000000000000000")).isEqualTo(-1);
        assertThat(TENANT.indexOf("ws-999999.corp.contoso.com")).isEqualTo(-1);
        assertThat(TENANT.indexOf("")).isEqualTo(-1);
    }

    @Test
    void fleetShouldLookLikeARealOne() {
        Map<Platform.Family, Integer> families = new EnumMap<>(Platform.Family.class);
        Map<String, Integer> health = new HashMap<>();
        Map<String, Integer> onboarding = new HashMap<>();
        int bare = 0;
        Set<String> domains = new HashSet<>();
        Set<Integer> groups = new HashSet<>();
        Set<String> sensors = new HashSet<>();
        for (int i = 0; i < TENANT.deviceCount(); i++) {
            Device d = TENANT.device(i, START);
            families.merge(d.platform().family(), 1, Integer::sum);
            health.merge(d.healthStatus(), 1, Integer::sum);
            onboarding.merge(d.onboardingStatus(), 1, Integer::sum);
            if (d.domain() == null) {
                bare++;
            } else {
                domains.add(d.domain());
            }
            groups.add(d.rbacGroupId());
            if (d.agentVersion() != null && d.platform() == Platform.WINDOWS11) {
                sensors.add(d.agentVersion().split("\\.")[1]);
            }
        }
        int n = TENANT.deviceCount();
        assertThat(families.get(Platform.Family.WINDOWS)).isGreaterThan(n / 2);
        assertThat(families.keySet())
                .contains(
                        Platform.Family.WINDOWS_SERVER,
                        Platform.Family.MAC,
                        Platform.Family.LINUX,
                        Platform.Family.MOBILE);
        assertThat(health.get("Active")).isGreaterThan(n * 3 / 4);
        assertThat(health.get("Inactive")).isBetween(n / 50, n / 5);
        assertThat(health.keySet()).contains("ImpairedCommunication", "NoSensorData");
        assertThat(onboarding.get("Onboarded")).isGreaterThan(n * 85 / 100);
        assertThat(onboarding.keySet()).contains("CanBeOnboarded", "Unsupported");
        assertThat(bare).isBetween(n / 20, n / 3);
        assertThat(domains).hasSizeGreaterThanOrEqualTo(3);
        assertThat(groups).contains(0).hasSizeGreaterThan(5);
        assertThat(sensors).as("most are current, a minority lags").hasSizeGreaterThan(1);
    }

    @Test
    void vulnerabilitiesShouldBeSkewedAcrossDevices() {
        SyntheticTenant t = new SyntheticTenant(TenantSpec.of(7, 2000), START);
        List<Integer> counts = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < t.deviceCount(); i++) {
            int[] c = {0};
            t.vulnerabilities(i, START, r -> c[0]++);
            counts.add(c[0]);
            total += c[0];
        }
        Collections.sort(counts);
        double mean = total / (double) counts.size();
        int median = counts.get(counts.size() / 2);
        assertThat(mean).isBetween(25.0, 75.0);
        assertThat(median).isLessThan((int) mean);
        assertThat(counts.get(counts.size() - 1)).isGreaterThan(200);
        assertThat(counts.get(0)).isZero();
    }

    @Test
    void catalogShouldHaveRealisticSeverityExploitAndEpss() {
        Map<String, Integer> severity = new HashMap<>();
        double epssExploited = 0;
        int exploited = 0;
        double epssOther = 0;
        for (Cve c : TENANT.catalog().cves()) {
            severity.merge(c.severity(), 1, Integer::sum);
            assertThat(c.epss()).isBetween(0.0, 1.0);
            assertThat(c.cvssV3()).isBetween(0.0, 10.0);
            assertThat(TENANT.catalog().findCve(c.id())).isSameAs(c);
            if (c.exploitVerified()) {
                assertThat(c.publicExploit()).isTrue();
            }
            if (c.publicExploit()) {
                exploited++;
                epssExploited += c.epss();
            } else {
                epssOther += c.epss();
            }
        }
        int n = TENANT.catalog().cves().size();
        assertThat(severity.keySet()).containsExactlyInAnyOrder("Critical", "High", "Medium", "Low");
        assertThat(exploited).isBetween(n / 20, n / 4);
        assertThat(epssExploited / exploited).isGreaterThan(3 * epssOther / (n - exploited));
    }

    @Test
    void logonUsersShouldComeFromTheDirectory() {
        for (int i = 0; i < 100; i++) {
            for (int u : TENANT.logonUsers(i)) {
                assertThat(u).isBetween(0, TENANT.userCount() - 1);
            }
        }
        assertThat(Directory.sam(TENANT, 5)).isNotEqualTo(Directory.sam(TENANT, 6));
        assertThat(Directory.sid(TENANT, 5)).endsWith("-1105");
    }
}
