package dev.rampart.defender;

import dev.rampart.defender.model.Machine;
import dev.rampart.emulator.DefenderEmulator;

/**
 * Run in a JVM of its own with a small heap by {@link BoundedMemoryTest}: pages every machine of a large sandbox through
 * the client and prints "machines pages".
 */
public final class MemoryProbe {
    private MemoryProbe() {}

    public static void main(String[] args) {
        int devices = Integer.parseInt(args[0]);
        try (DefenderEmulator e = DefenderEmulator.builder()
                .devices(devices)
                .vulnerabilitiesPerDevice(5)
                .quotas("off")
                .start()) {
            DefenderClient c = Sandboxes.client(e);
            long machines = 0;
            long pages = 0;
            for (Page<Machine> page : c.listMachines().byPage()) {
                pages++;
                machines += page.items().size();
            }
            System.out.println(machines + " " + pages);
        }
    }
}
