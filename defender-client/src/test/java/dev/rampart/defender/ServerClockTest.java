package dev.rampart.defender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.emulator.DefenderEmulator;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ServerClockTest {

    @Test
    void serverNowShouldFollowTheServiceClockNotTheLocalOne() {
        Instant start = Instant.parse("2026-03-02T06:00:00Z");
        try (DefenderEmulator e =
                DefenderEmulator.builder().devices(5).quotas("off").start(start).start()) {
            DefenderClient client = Sandboxes.client(e);
            assertThat(client.stats().serverNow()).as("nothing answered yet").isNull();

            client.listMachines().iterator().hasNext();
            assertThat(client.stats().serverNow()).isEqualTo(start);

            e.advance(Duration.ofDays(3));
            client.getMachine(e.tenant().machineId(0));
            assertThat(client.stats().serverNow()).isEqualTo(start.plus(Duration.ofDays(3)));
        }
    }
}
