package dev.rampart.defender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rampart.defender.Permissions.Permission;
import dev.rampart.defender.VerifyResult.Check;
import dev.rampart.emulator.DefenderEmulator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The permission table against its three readers: the verifier, the setup guide and the registration script. */
class PermissionsTest {
    static final Path MODULE = Path.of("").toAbsolutePath();
    static final Path GUIDE = MODULE.resolve("../docs/setup-entra.md").normalize();
    static final Path SCRIPT =
            MODULE.resolve("../scripts/register-entra-app.sh").normalize();
    static final Path VERIFIER = MODULE.resolve("src/main/java/dev/rampart/defender/Verifier.java");

    @Test
    void everyDataSetVerifyChecksShouldHaveATableRowAndViceVersa() {
        try (DefenderEmulator emulator = Sandboxes.emulator(5)) {
            VerifyResult r = Sandboxes.client(emulator).verify();
            assertThat(r.checks()).extracting(Check::dataSet).containsExactlyElementsOf(Permissions.dataSets());
            for (Check c : r.checks()) {
                assertThat(Permissions.forDataSet(c.dataSet()))
                        .as("the permission verify names for %s", c.dataSet())
                        .extracting(Permission::name)
                        .contains(c.permission());
            }
        }
    }

    @Test
    void everyProbeInTheTableShouldBeOneTheVerifierMakesAndViceVersa() throws IOException {
        Set<String> inVerifier = new LinkedHashSet<>();
        Matcher m =
                Pattern.compile("probedBy\\(\"([^\"]+)\",\\s*\"([^\"]+)\"\\)").matcher(Files.readString(VERIFIER));
        while (m.find()) {
            inVerifier.add(m.group(1) + "/" + m.group(2));
        }
        Set<String> inTable = Permissions.all().stream()
                .filter(p -> p.probe() != null)
                .map(p -> p.dataSet() + "/" + p.probe())
                .collect(Collectors.toCollection(LinkedHashSet::new));
        assertThat(inVerifier).containsExactlyInAnyOrderElementsOf(inTable);
    }

    @Test
    void everyGuideAnchorShouldBeAHeadingOfTheSetupGuide() throws IOException {
        List<String> anchors = headingAnchors(GUIDE);
        assertThat(new HashSet<>(anchors)).as("unique headings").hasSameSizeAs(anchors);
        assertThat(Permissions.all())
                .allSatisfy(
                        p -> assertThat(anchors).as("heading for " + p.guide()).contains(p.anchor()));
        assertThat(Permissions.all())
                .allSatisfy(p -> assertThat(p.guide()).isEqualTo("docs/setup-entra.md#" + p.anchor()));
    }

    @Test
    void everyGuideLinkInTheScriptAndTheGuideItselfShouldResolve() throws IOException {
        List<String> anchors = headingAnchors(GUIDE);
        Set<String> linked = new LinkedHashSet<>();
        Matcher script = Pattern.compile("setup-entra\\.md#([a-z0-9-]+)").matcher(Files.readString(SCRIPT));
        while (script.find()) {
            linked.add(script.group(1));
        }
        Matcher guide = Pattern.compile("\\]\\(#([a-z0-9-]+)\\)").matcher(Files.readString(GUIDE));
        while (guide.find()) {
            linked.add(guide.group(1));
        }
        assertThat(linked).isNotEmpty().allSatisfy(a -> assertThat(anchors).contains(a));
    }

    @Test
    void theGuideShouldNameEveryPermissionOfTheTable() throws IOException {
        String guide = Files.readString(GUIDE);
        assertThat(Permissions.all()).allSatisfy(p -> assertThat(guide).contains(p.name()));
    }

    @Test
    void writePermissionsShouldBeTheActionsOnly() {
        assertThat(Permissions.all())
                .filteredOn(p -> !p.readOnly())
                .extracting(Permission::name)
                .containsExactlyInAnyOrder("Machine.Isolate", "Machine.Scan");
        assertThat(Permissions.all()).filteredOn(p -> !p.readOnly()).allSatisfy(p -> assertThat(p.feature())
                .isEqualTo("actions"));
        assertThat(Permissions.forFeatures(List.of("import"))).isNotEmpty().allMatch(Permission::readOnly);
    }

    @Test
    void rowsShouldNameTheirApiByItsApplicationId() {
        assertThat(Permissions.all()).allSatisfy(p -> assertThat(p.resourceAppId())
                .isEqualTo(
                        p.api().equals("Microsoft Graph")
                                ? "00000003-0000-0000-c000-000000000000"
                                : "fc780465-2017-40d4-a0c5-307022471b92"));
    }

    @Test
    void aMalformedRowShouldFailWithItsLineNumber() {
        String table = "# comment\n" + String.join("\t", Permissions.COLUMNS) + "\n"
                + "machines\tWindowsDefenderATP\tfc780465-2017-40d4-a0c5-307022471b92\tMachine.Read.All\tnot-a-guid"
                + "\timport\tyes\tmachines\tgrant-machinereadall\n";
        assertThatThrownBy(() -> Permissions.parse(new BufferedReader(new StringReader(table))))
                .hasMessageContaining("line 3")
                .hasMessageContaining("app_role_id");
        assertThatThrownBy(() -> Permissions.parse(new BufferedReader(new StringReader("a\tb\n"))))
                .hasMessageContaining("line 1")
                .hasMessageContaining("header");
    }

    /** The anchors GitHub (and CommonMark heading-anchor renderers) give the guide's headings. */
    static List<String> headingAnchors(Path markdown) throws IOException {
        List<String> anchors = new ArrayList<>();
        boolean fenced = false;
        for (String line : Files.readAllLines(markdown)) {
            if (line.startsWith("```")) {
                fenced = !fenced;
            } else if (!fenced && line.matches("#{1,6} .*")) {
                anchors.add(slug(line.replaceFirst("#{1,6} ", "")));
            }
        }
        return anchors;
    }

    static String slug(String heading) {
        return heading.strip()
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{N} _-]", "")
                .replace(' ', '-');
    }
}
