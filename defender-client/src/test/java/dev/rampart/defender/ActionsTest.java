package dev.rampart.defender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rampart.defender.DefenderClient.IsolationType;
import dev.rampart.defender.DefenderClient.ScanType;
import dev.rampart.defender.error.ActionPendingException;
import dev.rampart.defender.http.RateLimiter;
import dev.rampart.defender.model.Machine;
import dev.rampart.defender.model.MachineAction;
import dev.rampart.emulator.DefenderEmulator;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ActionsTest {
    DefenderEmulator emulator;
    DefenderClient client;

    @BeforeEach
    void start() {
        emulator = Sandboxes.emulator(200);
        // polling sleeps move the sandbox's clock instead of the wall clock
        RateLimiter.Sleeper clockMover = new RateLimiter.Sleeper() {
            @Override
            public void sleep(Duration d) {
                emulator.advance(d);
            }

            @Override
            public long nanoTime() {
                return System.nanoTime();
            }
        };
        client = Sandboxes.client(emulator, b -> b.sleeper(clockMover));
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private String activeWindowsMachine() {
        for (Machine m : client.listMachines(
                "healthStatus eq 'Active' and onboardingStatus eq 'Onboarded' and osPlatform eq 'Windows11'")) {
            return m.id();
        }
        throw new AssertionError("no active Windows 11 machine in the sandbox");
    }

    @Test
    void isolationShouldBeFollowedToItsEnd() {
        String id = activeWindowsMachine();
        MachineAction a = client.isolate(id, IsolationType.SELECTIVE, "ticket 4711");
        assertThat(a.status()).isEqualTo("Pending");
        assertThat(a.type()).isEqualTo("Isolate");
        MachineAction done = client.awaitAction(a.id(), Duration.ofSeconds(30), Duration.ofHours(1));
        assertThat(done.status()).isEqualTo("Succeeded");
        assertThat(done.isSucceeded()).isTrue();
    }

    @Test
    void secondScanWhilePendingShouldCarryThePendingAction() {
        String id = activeWindowsMachine();
        MachineAction first = client.runAntivirusScan(id, ScanType.QUICK, "weekly scan");
        assertThatThrownBy(() -> client.runAntivirusScan(id, ScanType.FULL, "again"))
                .isInstanceOf(ActionPendingException.class)
                .satisfies(e -> assertThat(((ActionPendingException) e).pendingActionId())
                        .isEqualTo(first.id()))
                .hasMessageContaining("already pending");
    }

    @Test
    void aCommentIsRequired() {
        assertThatThrownBy(() -> client.unisolate("x", " ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void listShouldFindTheActionsOfAMachine() {
        String id = activeWindowsMachine();
        client.runAntivirusScan(id, ScanType.QUICK, "scan");
        int n = 0;
        for (MachineAction a : client.listMachineActions("machineId eq '" + id + "'")) {
            assertThat(a.machineId()).isEqualTo(id);
            n++;
        }
        assertThat(n).isEqualTo(1);
    }
}
