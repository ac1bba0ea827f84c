package dev.rampart.defender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rampart.defender.error.DecodeException;
import dev.rampart.defender.error.DefenderException;
import dev.rampart.defender.error.ThrottledException;
import dev.rampart.defender.http.CallStats;
import dev.rampart.defender.model.ExportVulnerability;
import dev.rampart.defender.model.Machine;
import dev.rampart.emulator.DefenderEmulator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PagingAndRetryTest {
    static DefenderEmulator emulator;
    static DefenderClient client;

    @BeforeAll
    static void start() {
        emulator = Sandboxes.emulator(2_600);
        client = Sandboxes.client(emulator);
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @AfterEach
    void clearFaults() {
        Sandboxes.control(emulator, "DELETE", "/faults", null);
    }

    private static Set<String> keys(Iterable<ExportVulnerability> rows) {
        Set<String> out = new HashSet<>();
        for (ExportVulnerability r : rows) {
            assertThat(out.add(r.deviceId() + r.softwareName() + r.softwareVersion() + r.cveId()))
                    .isTrue();
        }
        return out;
    }

    @Test
    void exportJsonShouldFollowSkiptokenAcrossManyPages() {
        List<Page<ExportVulnerability>> pages = new ArrayList<>();
        client.exportVulnerabilities(2_000).byPage().forEach(pages::add);
        assertThat(pages).hasSizeGreaterThanOrEqualTo(3);
        assertThat(pages.get(0).continuationToken()).contains("$skiptoken=");
        assertThat(pages.get(pages.size() - 1).continuationToken()).isNull();
        Set<String> paged = keys(client.exportVulnerabilities(2_000));
        Set<String> whole = keys(client.exportVulnerabilities(200_000));
        assertThat(paged).isEqualTo(whole);
    }

    @Test
    void byPageShouldResumeFromAContinuationToken() {
        var first = client.exportVulnerabilities(3_000).byPage().iterator().next();
        int rest = 0;
        for (Page<ExportVulnerability> p : client.exportVulnerabilities(3_000).byPage(first.continuationToken())) {
            rest += p.items().size();
        }
        int all = 0;
        for (ExportVulnerability ignored : client.exportVulnerabilities(200_000)) {
            all++;
        }
        assertThat(first.items().size() + rest).isEqualTo(all);
    }

    @Test
    void graphUsersShouldFollowNextLinkAcrossThreePages() {
        List<Page<dev.rampart.defender.model.DirectoryUser>> pages = new ArrayList<>();
        client.listUsers().byPage().forEach(pages::add);
        assertThat(pages).hasSize(3);
        Set<String> ids = new HashSet<>();
        pages.forEach(p -> p.items().forEach(u -> ids.add(u.id())));
        assertThat(ids).hasSize(emulator.tenant().userCount());
    }

    @Test
    void repeatedItemsAcrossSkipPagesShouldBeDroppedAndCounted() {
        // the first page cannot go back, so the fault shows on the second
        Sandboxes.fault(
                emulator, "{\"pathPattern\":\"/v1.0/users\",\"kind\":\"repeat-items\",\"items\":5,\"count\":2}");
        List<Page<dev.rampart.defender.model.DirectoryUser>> pages = new ArrayList<>();
        client.listUsers().byPage().forEach(pages::add);
        int total = pages.stream().mapToInt(p -> p.items().size()).sum();
        assertThat(pages.stream().mapToInt(Page::duplicates).sum()).isEqualTo(5);
        assertThat(total).isEqualTo(emulator.tenant().userCount());
    }

    @Test
    void throttleStormShouldBeRidOutWithRetryAfter() {
        CallStats.Snapshot before = client.stats().snapshot();
        Sandboxes.fault(
                emulator,
                "{\"pathPattern\":\"/api/machines\",\"kind\":\"status\",\"status\":429,\"retryAfter\":0,\"count\":3}");
        assertThat(client.listMachines().iterator().hasNext()).isTrue();
        CallStats.Snapshot d = client.stats().snapshot().minus(before);
        assertThat(d.throttled()).isEqualTo(3);
        assertThat(d.retries()).isEqualTo(3);
    }

    @Test
    void throttledBeyondTheRetriesShouldBeAThrottledException() {
        Sandboxes.fault(
                emulator,
                "{\"pathPattern\":\"/api/machines\",\"kind\":\"status\",\"status\":429,\"retryAfter\":0,\"count\":4}");
        assertThatThrownBy(() -> client.listMachines().iterator().hasNext())
                .isInstanceOf(ThrottledException.class)
                .hasMessageContaining("Still throttled after 3 retries");
    }

    @Test
    void serverErrorsShouldBeRetriedWithBackoff() {
        Sandboxes.fault(emulator, "{\"pathPattern\":\"/api/alerts\",\"kind\":\"status\",\"status\":503,\"count\":2}");
        CallStats.Snapshot before = client.stats().snapshot();
        assertThat(client.listAlerts(null, false).iterator().hasNext()).isTrue();
        CallStats.Snapshot d = client.stats().snapshot().minus(before);
        assertThat(d.retries()).isEqualTo(2);
        assertThat(d.calls()).isEqualTo(3);
    }

    @Test
    void connectionResetsShouldBeRetried() {
        // the JDK's client may itself retry a dropped GET once; either way the call must succeed
        Sandboxes.fault(emulator, "{\"pathPattern\":\"/api/alerts\",\"kind\":\"reset\",\"count\":2}");
        assertThat(client.listAlerts(null, false).iterator().hasNext()).isTrue();
    }

    @Test
    void clientErrorsShouldNotBeRetried() {
        Sandboxes.fault(emulator, "{\"pathPattern\":\"/api/alerts\",\"kind\":\"status\",\"status\":400,\"count\":1}");
        CallStats.Snapshot before = client.stats().snapshot();
        assertThatThrownBy(() -> client.listAlerts(null, false).iterator().hasNext())
                .isInstanceOf(DefenderException.class)
                .satisfies(e -> assertThat(((DefenderException) e).status()).isEqualTo(400));
        assertThat(client.stats().snapshot().minus(before).calls()).isEqualTo(1);
    }

    @Test
    void truncatedPageShouldBeFetchedAgainNeverReturnedShort() {
        Sandboxes.fault(
                emulator, "{\"pathPattern\":\"/api/machines\",\"kind\":\"truncate\",\"bytes\":5000,\"count\":1}");
        PagedIterable.Items<Machine> items = client.listMachines().iterator();
        Set<String> ids = new HashSet<>();
        while (items.hasNext()) {
            assertThat(ids.add(items.next().id())).isTrue();
        }
        assertThat(ids).hasSize(emulator.tenant().deviceCount());
        assertThat(items.duplicates())
                .as("the items read before the break are skipped, not repeated")
                .isZero();
        assertThat(items.pages()).isEqualTo(2);
    }

    @Test
    void pageThatStaysTruncatedShouldBeADecodeError() {
        Sandboxes.fault(
                emulator, "{\"pathPattern\":\"/api/machines\",\"kind\":\"truncate\",\"bytes\":5000,\"count\":10}");
        assertThatThrownBy(() -> client.listMachines().forEach(m -> {}))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("could not be decoded");
    }

    @Test
    void revokedTokenInTheMiddleOfPagingShouldBeRefreshedTransparently() {
        var pages = client.exportVulnerabilities(2_000).byPage().iterator();
        int rows = pages.next().items().size();
        Sandboxes.fault(
                emulator,
                "{\"pathPattern\":\"/api/machines/SoftwareVulnerabilitiesByMachine\",\"kind\":\"revoke-token\",\"count\":1}");
        while (pages.hasNext()) {
            rows += pages.next().items().size();
        }
        assertThat(rows).isEqualTo(keys(client.exportVulnerabilities(200_000)).size());
    }
}
