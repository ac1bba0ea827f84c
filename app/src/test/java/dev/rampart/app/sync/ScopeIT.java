package dev.rampart.app.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rampart.app.connector.Scope;
import dev.rampart.app.connector.ScopePreview;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/** F3: what a scope imports, checked against the sandbox's own description of each device. */
class ScopeIT {

    private static Set<String> expected(SyncFixture f, IntPredicate in) {
        Set<String> ids = new TreeSet<>();
        for (int i = 0; i < f.emulator.tenant().deviceCount(); i++) {
            if (in.test(i)) {
                ids.add(f.emulator.tenant().machineId(i));
            }
        }
        return ids;
    }

    private static Set<String> imported(SyncFixture f) {
        return new TreeSet<>(f.jdbc.sql("select defender_machine_id from asset where project_id = ? and active")
                .param(f.projectId())
                .query(String.class)
                .list());
    }

    private static Set<String> importedAll(SyncFixture f) {
        return new TreeSet<>(f.jdbc.sql("select defender_machine_id from asset where project_id = ?")
                .param(f.projectId())
                .query(String.class)
                .list());
    }

    private static String health(SyncFixture f, int i) {
        return f.emulator.tenant().device(i, f.emulator.clock().instant()).healthStatus();
    }

    @Test
    void tagScopeShouldImportOnlyTaggedDevicesAndFindingsOfThoseDevices() {
        try (SyncFixture f = new SyncFixture(80)) {
            String tag = f.emulator.tenant().tags(0).isEmpty()
                    ? null
                    : f.emulator.tenant().tags(0).get(0);
            for (int i = 1; tag == null; i++) {
                tag = f.emulator.tenant().tags(i).isEmpty()
                        ? null
                        : f.emulator.tenant().tags(i).get(0);
            }
            String t = tag;
            f.connector("{}", "{\"kind\": \"tags\", \"values\": [\"" + t.toUpperCase() + "\"]}");

            RunSummary run = f.full();

            assertThat(run.succeeded()).as(run.toString()).isTrue();
            Set<String> want = expected(f, i -> f.emulator.tenant().tags(i).contains(t));
            assertThat(want).isNotEmpty().hasSizeLessThan(80);
            assertThat(importedAll(f)).isEqualTo(want);
            assertThat(f.count(
                            "select count(*) from finding x join asset a on a.id = x.asset_id where x.project_id = ?"
                                    + " and not (a.defender_machine_id = any(?))",
                            f.projectId(),
                            want.toArray(new String[0])))
                    .isZero();
        }
    }

    @Test
    void groupAndDomainScopesShouldMatchTheSandbox() {
        try (SyncFixture f = new SyncFixture(80)) {
            Instant now = f.emulator.clock().instant();
            String group = f.emulator.tenant().device(3, now).rbacGroupName();
            f.connector("{}", "{\"kind\": \"groups\", \"values\": [\"" + group + "\"]}");
            assertThat(f.full().succeeded()).isTrue();
            assertThat(importedAll(f))
                    .isEqualTo(expected(
                            f,
                            i -> group.equals(f.emulator.tenant().device(i, now).rbacGroupName())));
        }
        try (SyncFixture f = new SyncFixture(80)) {
            String domain = null;
            for (int i = 0; domain == null; i++) {
                domain = f.emulator.tenant().domain(i);
            }
            String d = domain;
            f.connector("{}", "{\"kind\": \"domains\", \"values\": [\"" + d + "\"]}");
            assertThat(f.full().succeeded()).isTrue();
            assertThat(importedAll(f))
                    .isEqualTo(expected(
                            f, i -> d.equalsIgnoreCase(f.emulator.tenant().domain(i))));
        }
    }

    @Test
    void inactiveExclusionAndExplicitListsShouldApply() {
        try (SyncFixture f = new SyncFixture(80)) {
            Instant now = f.emulator.clock().instant();
            String group = f.emulator.tenant().device(3, now).rbacGroupName();
            int outside = 0;
            while (group.equals(f.emulator.tenant().device(outside, now).rbacGroupName())) {
                outside++;
            }
            int excluded = 3;
            String outsideId = f.emulator.tenant().machineId(outside);
            String excludedName = f.emulator.tenant().device(excluded, now).computerDnsName();
            f.connector(
                    "{}",
                    "{\"kind\": \"groups\", \"values\": [\"" + group + "\"], \"includeInactive\": false,"
                            + " \"include\": [\"" + outsideId + "\"], \"exclude\": [\"" + excludedName + "\"]}");

            assertThat(f.full().succeeded()).isTrue();

            int o = outside;
            assertThat(importedAll(f))
                    .isEqualTo(expected(
                            f,
                            i -> i == o
                                    || (i != excluded
                                            && group.equals(f.emulator
                                                    .tenant()
                                                    .device(i, now)
                                                    .rbacGroupName())
                                            && !health(f, i).equals("Inactive"))));
        }
    }

    @Test
    void deviceThatLeavesTheScopeShouldNoLongerCountAsActive() {
        try (SyncFixture f = new SyncFixture(40)) {
            assertThat(f.full().succeeded()).isTrue();
            int i = f.vulnerableDevice();
            String id = f.emulator.tenant().machineId(i);
            f.connector("{}", "{\"kind\": \"all\", \"exclude\": [\"" + id + "\"]}");

            RunSummary run = f.full();

            assertThat(run.count("assetsDeactivated")).isEqualTo(1);
            assertThat(imported(f)).doesNotContain(id);
            assertThat(f.count("select count(*) from finding where asset_id = ? and state = 'open'", f.assetId(id)))
                    .isZero();
            assertThat(f.jdbc.sql("select health_status from asset_source where asset_id = ?")
                            .param(f.assetId(id))
                            .query(String.class)
                            .single())
                    .isEqualTo("NotReported");
        }
    }

    @Test
    void previewShouldCountDevicesPerGroupTagAndDomainFromALivePull() {
        try (SyncFixture f = new SyncFixture(80)) {
            String tag = "Server";
            for (int i = 0; i < 80; i++) {
                if (!f.emulator.tenant().tags(i).isEmpty()) {
                    tag = f.emulator.tenant().tags(i).get(0);
                    break;
                }
            }
            String t = tag;
            Scope scope = new Scope(Scope.Kind.TAGS, Set.of(t), true, Set.of(), Set.of());

            JsonNode preview = ScopePreview.preview(
                    f.connector.spec().client(Map.of("MDE_SECRET", f.emulator.clientSecret())::get), scope, 1000);

            long tagged =
                    expected(f, i -> f.emulator.tenant().tags(i).contains(t)).size();
            assertThat(preview.path("devices").asInt()).isEqualTo(80);
            assertThat(preview.path("matched").asLong()).isEqualTo(tagged);
            assertThat(preview.path("matchedDevices")).hasSize((int) tagged);
            JsonNode row = null;
            for (JsonNode r : preview.path("tags")) {
                if (r.path("value").asText().equals(t)) {
                    row = r;
                }
            }
            assertThat(row).isNotNull();
            assertThat(row.path("devices").asLong()).isEqualTo(tagged);
            assertThat(row.path("matched").asLong()).isEqualTo(tagged);
            int groupTotal = 0;
            for (JsonNode r : preview.path("groups")) {
                groupTotal += r.path("devices").asInt();
            }
            assertThat(groupTotal).isEqualTo(80);
            assertThat(List.of(preview.path("domains").size())).allMatch(n -> n > 1);
        }
    }
}
