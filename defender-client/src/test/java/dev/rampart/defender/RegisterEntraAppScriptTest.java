package dev.rampart.defender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.rampart.defender.Permissions.Permission;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/register-entra-app.sh, run with bash and a stand-in {@code az} first on the PATH: the dry run and the
 * permission listing never call it, and a real run hands the secret to stdout or a 0600 file only. No network.
 */
class RegisterEntraAppScriptTest {
    static final Path SCRIPT = PermissionsTest.SCRIPT;
    static final Path TABLE = PermissionsTest.MODULE.resolve("src/main/resources/dev/rampart/defender/permissions.tsv");
    static final Pattern ADD_LINE = Pattern.compile("# (\\S+) \\((WindowsDefenderATP|Microsoft Graph)\\), (\\S+)$");
    static final String FAKE_SECRET = "Fake~Secret.Value-123";

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {}

    @BeforeAll
    static void bashIsThere() {
        boolean bash;
        try {
            Process p = new ProcessBuilder("bash", "-c", "true").start();
            bash = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            bash = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            bash = false;
        }
        assumeTrue(bash, "bash is not installed");
        assertThat(SCRIPT).exists();
    }

    /** An az that records its calls and answers like a signed-in global-cloud CLI. */
    private Path fakeAz() throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path az = bin.resolve("az");
        Files.writeString(
                az,
                """
                #!/usr/bin/env bash
                echo "az $*" >> "%s"
                case "$*" in
                  "cloud show"*) echo AzureCloud ;;
                  "account show"*) echo 11111111-2222-3333-4444-555555555555 ;;
                  "ad sp show"*) echo aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee ;;
                  "ad app create"*) echo 99999999-8888-7777-6666-555555555555 ;;
                  "ad app credential reset"*) echo '%s' ;;
                esac
                """
                        .formatted(tmp.resolve("az-calls.log"), FAKE_SECRET),
                StandardCharsets.UTF_8);
        assertThat(az.toFile().setExecutable(true)).isTrue();
        return bin;
    }

    private Run run(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", "../scripts/register-entra-app.sh"));
        command.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(PermissionsTest.MODULE.toFile());
        Map<String, String> env = pb.environment();
        env.put("PATH", fakeAz() + java.io.File.pathSeparator + env.getOrDefault("PATH", "/usr/bin:/bin"));
        pb.redirectOutput(tmp.resolve("out.txt").toFile())
                .redirectError(tmp.resolve("err.txt").toFile());
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the script finished").isTrue();
        return new Run(
                p.exitValue(), Files.readString(tmp.resolve("out.txt")), Files.readString(tmp.resolve("err.txt")));
    }

    private List<String> azCalls() throws IOException {
        Path log = tmp.resolve("az-calls.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    /** The permissions the dry run adds, as "name (api)", checked against the role id or the lookup it uses. */
    private static Set<String> added(String out) {
        Set<String> added = new LinkedHashSet<>();
        for (String line : out.lines().toList()) {
            if (!line.startsWith("az ad app permission add")) {
                continue;
            }
            Matcher m = ADD_LINE.matcher(line);
            assertThat(m.find()).as("names its permission: " + line).isTrue();
            Permission p = Permissions.all().stream()
                    .filter(r -> r.name().equals(m.group(1)) && r.api().equals(m.group(2)))
                    .findFirst()
                    .orElseThrow();
            assertThat(line).contains("--api " + p.resourceAppId());
            assertThat(line)
                    .contains(
                            p.appRoleId() != null
                                    ? "\"" + p.appRoleId() + "=Role\""
                                    : "appRoles[?value=='" + p.name() + "']");
            assertThat(added.add(m.group(1) + " (" + m.group(2) + ")"))
                    .as("added once: " + line)
                    .isTrue();
        }
        return added;
    }

    private static Set<String> expected(String... features) {
        return Permissions.forFeatures(List.of(features)).stream()
                .map(p -> p.name() + " (" + p.api() + ")")
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    @Test
    void dryRunForImportShouldAddExactlyTheReadOnlyImportPermissionsWithoutCallingAz() throws Exception {
        Run r = run("--dry-run", "--features", "import");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Permissions.forFeatures(List.of("import"))).allMatch(Permission::readOnly);
        assertThat(added(r.out())).containsExactlyElementsOf(expected("import"));
        assertThat(r.out()).doesNotContain("Machine.Isolate").doesNotContain("Machine.Scan");
        assertThat(r.out())
                .contains("az ad app create")
                .contains("az ad sp create")
                .contains("--end-date");
        assertThat(azCalls()).as("a dry run never calls az").isEmpty();
    }

    @Test
    void actionsShouldAddTheWritePermissions() throws Exception {
        Run actions = run("--dry-run", "--features", "actions");
        assertThat(actions.code()).as(actions.err()).isZero();
        assertThat(added(actions.out())).containsExactlyElementsOf(expected("actions"));

        Set<String> importOnly = added(run("--dry-run", "--features", "import").out());
        Set<String> both =
                added(run("--dry-run", "--features", "import,actions").out());
        Set<String> extra = new LinkedHashSet<>(both);
        extra.removeAll(importOnly);
        assertThat(both).containsAll(importOnly);
        assertThat(extra)
                .containsExactlyInAnyOrder("Machine.Isolate (WindowsDefenderATP)", "Machine.Scan (WindowsDefenderATP)");
        assertThat(azCalls()).isEmpty();
    }

    @Test
    void printPermissionsShouldPrintTheTableRowsOfTheChosenFeatures() throws Exception {
        Run r = run("--print-permissions", "--features", "import,identities");
        assertThat(r.code()).as(r.err()).isZero();
        List<String> table = Files.readAllLines(TABLE).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#"))
                .toList();
        List<String> rows = table.stream()
                .skip(1)
                .filter(l -> l.split("\t")[5].equals("import") || l.split("\t")[5].equals("identities"))
                .toList();
        List<String> expected = new ArrayList<>();
        expected.add(table.get(0));
        expected.addAll(rows);
        assertThat(r.out().lines().toList()).containsExactlyElementsOf(expected);
        assertThat(azCalls()).isEmpty();
    }

    @Test
    void theScriptShouldReadTheVerifiersOwnTable() throws Exception {
        Run r = run("--dry-run");
        String from = r.out()
                .lines()
                .filter(l -> l.startsWith("# Permissions from "))
                .findFirst()
                .orElseThrow()
                .substring("# Permissions from ".length());
        assertThat(PermissionsTest.MODULE.resolve(from).normalize()).isEqualTo(TABLE);
        assertThat(Permissions.class.getResource(Permissions.RESOURCE)).isNotNull();
        assertThat(added(r.out())).as("import is the default").containsExactlyElementsOf(expected("import"));
    }

    @Test
    void anUnknownFeatureShouldBeRefusedNamingTheKnownOnes() throws Exception {
        Run r = run("--dry-run", "--features", "import,everything");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err())
                .contains("unknown feature: everything")
                .contains("actions")
                .contains("identities");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void secretShouldGoOnlyToTheSecretFileWithMode0600() throws Exception {
        Path secret = tmp.resolve("rampart.secret");
        Run r = run("--features", "import,identities", "--secret-file", secret.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readString(secret).strip()).isEqualTo(FAKE_SECRET);
        if (secret.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(secret);
            assertThat(PosixFilePermissions.toString(mode)).isEqualTo("rw-------");
        }
        assertThat(r.out()).doesNotContain(FAKE_SECRET).contains("file:" + secret);
        assertThat(r.err()).doesNotContain(FAKE_SECRET);
        List<String> adds = azCalls().stream()
                .filter(c -> c.startsWith("az ad app permission add"))
                .toList();
        assertThat(adds).hasSize(expected("import", "identities").size());
        assertThat(azCalls()).anyMatch(c -> c.startsWith("az ad app credential reset") && c.contains("--end-date"));
        assertThat(azCalls()).noneMatch(c -> c.contains("admin-consent"));
    }

    @Test
    void withoutASecretFileTheSecretShouldBePrintedOnceOnStdoutOnly() throws Exception {
        Run r = run("--features", "import");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().split(Pattern.quote(FAKE_SECRET), -1)).hasSize(2);
        assertThat(r.err()).doesNotContain(FAKE_SECRET);
    }
}
