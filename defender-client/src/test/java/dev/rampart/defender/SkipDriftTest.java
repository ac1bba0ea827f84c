package dev.rampart.defender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.defender.model.Machine;
import dev.rampart.emulator.DefenderEmulator;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code $skip} paging over a list that changes between two pages: devices that leave the list make later ones move
 * up, and plain paging silently skips them; devices that join make earlier ones move down, and plain paging repeats
 * them. The client reads each next page with an overlap, drops repeats, and counts what it recovered.
 */
class SkipDriftTest {
    static DefenderEmulator emulator;
    static DefenderClient client;

    @BeforeAll
    static void start() {
        emulator = DefenderEmulator.builder()
                .devices(25_000)
                .vulnerabilitiesPerDevice(1)
                .quotas("off")
                .start(Sandboxes.START)
                .start();
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

    private PagedIterable.Items<Machine> pull(Set<String> ids) {
        PagedIterable.Items<Machine> items = client.listMachines().iterator();
        while (items.hasNext()) {
            assertThat(ids.add(items.next().id())).as("no machine twice").isTrue();
        }
        return items;
    }

    @Test
    void itemsThatMovedUpShouldBeRecoveredByTheOverlap() {
        // from the second page on, the list has moved up by 7 (7 devices left it after the first page was read)
        Sandboxes.fault(
                emulator, "{\"pathPattern\":\"/api/machines\",\"kind\":\"skip-items\",\"items\":7,\"count\":3}");
        Set<String> ids = new HashSet<>();
        PagedIterable.Items<Machine> items = pull(ids);
        assertThat(ids).hasSize(25_000);
        assertThat(items.recovered()).isEqualTo(7);
        assertThat(items.possibleGaps()).isZero();
        assertThat(items.duplicates()).isZero();
    }

    @Test
    void itemsThatMovedDownShouldBeDroppedAsRepeats() {
        Sandboxes.fault(
                emulator, "{\"pathPattern\":\"/api/machines\",\"kind\":\"repeat-items\",\"items\":5,\"count\":3}");
        Set<String> ids = new HashSet<>();
        PagedIterable.Items<Machine> items = pull(ids);
        assertThat(ids).hasSize(25_000);
        assertThat(items.duplicates()).isEqualTo(5);
    }

    @Test
    void aShiftLargerThanTheOverlapShouldBeReportedAsAPossibleGap() {
        Sandboxes.fault(
                emulator, "{\"pathPattern\":\"/api/machines\",\"kind\":\"skip-items\",\"items\":250,\"count\":2}");
        PagedIterable.Items<Machine> items = pull(new HashSet<>());
        assertThat(items.possibleGaps()).isEqualTo(1);
    }

    @Test
    void overlapShouldCostOneExtraPageAtMost() {
        long before = emulator.requests().count("GET", "/api/machines");
        pull(new HashSet<>());
        assertThat(emulator.requests().count("GET", "/api/machines") - before).isEqualTo(3);
    }
}
