package dev.rampart.app.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rampart.defender.DefenderClient;
import dev.rampart.defender.model.Machine;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Nothing Defender says about a device is lost on its way into the inventory: after a sync, each device's asset
 * metadata holds every field the sandbox served for it, in the casing and with the value it was sent (the real
 * spellings included: {@code MicrosoftDefenderForEndpoint}, {@code IEEE80211}, {@code "53"}, Linux loopbacks, the mixed
 * fraction widths), except {@code lastSeen}, which is the asset's own column.
 */
class RoundTripIT {
    @Test
    void everyFieldTheSandboxServesShouldBeInTheAssetsMetadata() throws Exception {
        try (SyncFixture f = new SyncFixture(120)) {
            assertThat(f.full().succeeded()).isTrue();
            Map<String, JsonNode> stored = new HashMap<>();
            f.jdbc.sql("select defender_machine_id, metadata::text from asset where project_id = ?")
                    .param(f.projectId())
                    .query((rs, n) -> stored.put(rs.getString(1), read(rs.getString(2))))
                    .list();
            DefenderClient client = f.connector.spec().client(name -> f.emulator.clientSecret());
            int compared = 0;
            Set<String> nicTypes = new TreeSet<>();
            for (Machine m : client.listMachines()) {
                if (m.mergedIntoMachineId() != null) {
                    continue;
                }
                JsonNode metadata = stored.get(m.id());
                assertThat(metadata).as("asset of %s", m.id()).isNotNull();
                ObjectNode served = m.raw();
                assertThat(metadata.get("lastSeen")).isNull();
                served.remove("lastSeen");
                assertThat(metadata).as("metadata of %s", m.id()).isEqualTo(served);
                served.path("ipAddresses")
                        .forEach(ip -> nicTypes.add(ip.path("type").asText()));
                compared++;
            }
            assertThat(compared).isEqualTo(stored.size()).isEqualTo(120);
            assertThat(nicTypes).as("the real spellings went through").contains("IEEE80211", "53", "Other");
        }
    }

    private static JsonNode read(String json) {
        try {
            return SyncFixture.JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
