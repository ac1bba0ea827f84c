package dev.rampart.defender;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rampart.defender.cli.ClientCli;
import dev.rampart.emulator.DefenderEmulator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ClientCliTest {
    static DefenderEmulator emulator;

    @BeforeAll
    static void start() {
        emulator = Sandboxes.emulator(60);
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> env = Map.of("SANDBOX_SECRET", emulator.clientSecret());
        int code = ClientCli.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                env::get);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String[] with(String... head) {
        List<String> all = new java.util.ArrayList<>(List.of(head));
        all.addAll(List.of(
                "--tenant",
                emulator.tenantId(),
                "--client",
                emulator.clientId(),
                "--secret-env",
                "SANDBOX_SECRET",
                "--sandbox",
                emulator.baseUrl()));
        return all.toArray(String[]::new);
    }

    @Test
    void verifyJsonShouldListEveryCheckAndExitZero() throws Exception {
        String[] args = with("verify");
        String[] json = java.util.Arrays.copyOf(args, args.length + 1);
        json[args.length] = "--json";
        Run r = run(json);
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode body = new ObjectMapper().readTree(r.out());
        assertThat(body.get("checks")).hasSize(9);
        JsonNode first = body.at("/checks/0");
        assertThat(first.get("dataSet").asText()).isEqualTo("machines");
        assertThat(first.get("status").asText()).isEqualTo("ok");
        assertThat(first.get("permission").asText()).isEqualTo("Machine.Read.All");
        assertThat(body.at("/token/tenantId").asText()).isEqualTo(emulator.tenantId());
        assertThat(r.out()).doesNotContain(emulator.clientSecret());
    }

    @Test
    void verifyShouldExitTwoWhenAPermissionIsMissing() {
        Sandboxes.control(emulator, "POST", "/app", "{\"defenderRoles\":[\"Machine.Read.All\"]}");
        try {
            Run r = run(with("verify"));
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.out()).contains("MISSING").contains("vulnerabilities");
            assertThat(r.out()).contains("(see docs/setup-entra.md#grant-vulnerabilityreadall)");
        } finally {
            Sandboxes.control(
                    emulator,
                    "POST",
                    "/app",
                    "{\"defenderRoles\":"
                            + new ObjectMapper().valueToTree(dev.rampart.emulator.entra.AppRegistration.DEFENDER_ROLES)
                            + "}");
        }
    }

    @Test
    void verifyShouldExitOneWithTheSentenceWhenNoTokenCanBeHad() {
        String[] args = with("verify");
        args[4] = "11111111-2222-3333-4444-555555555555"; // the client id
        Run r = run(args);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("No application with client ID");
    }

    @Test
    void pullShouldPrintOneJsonObjectPerLineAndASummary() throws Exception {
        Run r = run(with("pull", "machines"));
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(60);
        assertThat(new ObjectMapper().readTree(lines.get(0)).get("id").asText()).hasSize(40);
        assertThat(r.err()).startsWith("pulled 60 machines").contains("1 pages").contains("calls");
    }

    @Test
    void pullShouldOfferTheThreeRoutesForMachineVulnerabilities() {
        long paged = run(with("pull", "machine-vulnerabilities", "--via", "paged"))
                .out()
                .lines()
                .count();
        long json = run(with("pull", "machine-vulnerabilities", "--via", "export-json", "--page-size", "500"))
                .out()
                .lines()
                .count();
        long files = run(with("pull", "machine-vulnerabilities", "--via", "export-files"))
                .out()
                .lines()
                .count();
        assertThat(paged).isPositive().isEqualTo(json).isEqualTo(files);
    }

    @Test
    void secretsAreRefusedOnTheCommandLine() {
        Run r = run("verify", "--tenant", "t", "--client", "c", "--secret", "x");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("secrets are not taken on the command line");
        assertThat(run("pull", "everything").code()).isEqualTo(2);
    }

    @Test
    void logonUsersThroughHuntingShouldGiveOneRowPerDeviceAndUser() throws Exception {
        Run r = run(with("pull", "logon-users", "--via", "hunting"));
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        JsonNode first = new ObjectMapper().readTree(lines.get(0));
        assertThat(first.get("machineId").asText()).hasSize(40);
        assertThat(first.get("accountSid").asText()).startsWith("S-1-5-21-");
        long devices = lines.stream()
                .map(l -> l.substring(0, l.indexOf(',')))
                .distinct()
                .count();
        assertThat(lines.size()).isGreaterThan((int) devices);
    }
}
