package dev.rampart.app.connector;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rampart.defender.DefenderClient;
import dev.rampart.defender.model.Machine;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a scope matches in a tenant, from a live pull of the device list (F3): every device group, tag and domain
 * with its device count and how many of those the scope takes, and the matched devices themselves (up to a limit),
 * so that a user can pick or unpick devices before the first import.
 */
public final class ScopePreview {
    private ScopePreview() {}

    public static ObjectNode preview(DefenderClient client, Scope scope, int deviceLimit) {
        Map<String, int[]> groups = new TreeMap<>();
        Map<String, int[]> tags = new TreeMap<>();
        Map<String, int[]> domains = new TreeMap<>();
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode devices = JsonNodeFactory.instance.arrayNode();
        int total = 0;
        int matched = 0;
        int inactive = 0;
        for (Machine m : client.listMachines()) {
            if (m.id() == null || m.isMerged()) {
                continue;
            }
            total++;
            boolean in = scope.matches(m);
            if (in) {
                matched++;
            }
            if ("inactive".equalsIgnoreCase(m.healthStatus())) {
                inactive++;
            }
            tally(groups, m.rbacGroupName() == null ? "(unassigned)" : m.rbacGroupName(), in);
            if (m.machineTags() != null) {
                for (String t : m.machineTags()) {
                    tally(tags, t, in);
                }
            }
            tally(domains, m.dnsDomain() == null ? "(no domain)" : m.dnsDomain().toLowerCase(), in);
            if (in && devices.size() < deviceLimit) {
                ObjectNode d = devices.addObject();
                d.put("id", m.id());
                d.put("name", m.computerDnsName());
                d.put("group", m.rbacGroupName());
                ArrayNode t = d.putArray("tags");
                if (m.machineTags() != null) {
                    m.machineTags().forEach(t::add);
                }
                d.put("domain", m.dnsDomain());
                d.put("healthStatus", m.healthStatus());
                d.put("osPlatform", m.osPlatform());
            }
        }
        out.set("scope", scope.toJson());
        out.put("devices", total);
        out.put("inactive", inactive);
        out.put("matched", matched);
        out.set("groups", counts(groups));
        out.set("tags", counts(tags));
        out.set("domains", counts(domains));
        out.set("matchedDevices", devices);
        out.put("matchedDevicesTruncated", matched > devices.size());
        return out;
    }

    private static void tally(Map<String, int[]> m, String key, boolean in) {
        int[] c = m.computeIfAbsent(key, k -> new int[2]);
        c[0]++;
        if (in) {
            c[1]++;
        }
    }

    private static ArrayNode counts(Map<String, int[]> m) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        m.forEach((k, c) -> a.addObject().put("value", k).put("devices", c[0]).put("matched", c[1]));
        return a;
    }
}
