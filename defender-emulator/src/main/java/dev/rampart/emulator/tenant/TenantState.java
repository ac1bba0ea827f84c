package dev.rampart.emulator.tenant;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What has been changed in a tenant by hand (the control API) rather than by the change model. It is sparse: it holds
 * only the devices and vulnerabilities that were touched, so its size follows the number of changes, not the tenant.
 */
public final class TenantState {
    /** A vulnerability added to or fixed on one device at one instant. */
    public record VulnOverride(int cve, boolean add, Instant at) {}

    private final Map<Integer, ObjectNode> machineOverrides = new ConcurrentHashMap<>();
    private final Map<Integer, List<VulnOverride>> vulnOverrides = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong version = new java.util.concurrent.atomic.AtomicLong();
    private final Set<Integer> deletedUsers = ConcurrentHashMap.newKeySet();
    private final Map<Integer, String> renamedUsers = new ConcurrentHashMap<>();

    /** Deletes a directory user: Graph lists it no more (its past logons stay in Defender's data, as they do). */
    public void deleteUser(int user) {
        version.incrementAndGet();
        deletedUsers.add(user);
    }

    public boolean userDeleted(int user) {
        return deletedUsers.contains(user);
    }

    /** Gives a directory user a new user principal name (and mail), as a rename in Entra does. */
    public void renameUser(int user, String upn) {
        version.incrementAndGet();
        renamedUsers.put(user, upn);
    }

    /** A renamed user's UPN, or null when it keeps the one computed from the seed. */
    public String renamedUpn(int user) {
        return renamedUsers.get(user);
    }

    /** Grows with every change, so that caches of tenant-wide figures know when to recompute. */
    public long version() {
        return version.get();
    }

    public ObjectNode machineOverride(int device) {
        return machineOverrides.get(device);
    }

    public void overrideMachine(int device, ObjectNode fields) {
        version.incrementAndGet();
        machineOverrides.merge(device, fields.deepCopy(), (old, add) -> {
            ObjectNode merged = old.deepCopy();
            merged.setAll(add);
            return merged;
        });
    }

    public List<VulnOverride> vulnOverrides(int device) {
        return vulnOverrides.getOrDefault(device, List.of());
    }

    public void overrideVulnerability(int device, VulnOverride change) {
        version.incrementAndGet();
        vulnOverrides.computeIfAbsent(device, d -> new CopyOnWriteArrayList<>()).add(change);
    }
}
