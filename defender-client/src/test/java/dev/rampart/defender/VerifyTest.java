package dev.rampart.defender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.defender.VerifyResult.Check;
import dev.rampart.defender.VerifyResult.Status;
import dev.rampart.emulator.DefenderEmulator;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class VerifyTest {
    DefenderEmulator emulator;

    @BeforeEach
    void start() {
        emulator = Sandboxes.emulator(40);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private static Map<String, Check> byDataSet(VerifyResult r) {
        return r.checks().stream().collect(Collectors.toMap(Check::dataSet, Function.identity()));
    }

    @Test
    void fullyGrantedAppShouldPassEveryCheck() {
        VerifyResult r = Sandboxes.client(emulator).verify();
        assertThat(r.checks())
                .extracting(Check::dataSet)
                .containsExactly(
                        "machines",
                        "vulnerabilities",
                        "software",
                        "alerts",
                        "logon-users",
                        "machine-actions",
                        "hunting",
                        "graph-organization",
                        "graph-directory");
        assertThat(r.checks()).allMatch(c -> c.status() == Status.OK, "all ok");
        assertThat(r.defenderToken().tenantId()).isEqualTo(emulator.tenantId());
        assertThat(r.defenderToken().roles()).contains("Machine.Read.All");
        assertThat(r.defenderToken().expiresOn()).isNotNull();
        assertThat(r.toJson().at("/checks/0/status").asText()).isEqualTo("ok");
    }

    @Test
    void missingPermissionsShouldBeNamedPerDataSet() {
        Sandboxes.control(
                emulator,
                "POST",
                "/app",
                "{\"defenderRoles\":[\"Machine.Read.All\",\"Alert.Read.All\"],"
                        + "\"graphRoles\":[\"Organization.Read.All\",\"User.Read.All\"]}");
        Map<String, Check> checks = byDataSet(Sandboxes.client(emulator).verify());
        assertThat(checks.get("machines").status()).isEqualTo(Status.OK);
        assertThat(checks.get("alerts").status()).isEqualTo(Status.OK);
        assertThat(checks.get("vulnerabilities").status()).isEqualTo(Status.MISSING_PERMISSION);
        assertThat(checks.get("vulnerabilities").permission()).isEqualTo("Vulnerability.Read.All");
        assertThat(checks.get("software").permission()).isEqualTo("Software.Read.All");
        assertThat(checks.get("logon-users").permission()).isEqualTo("User.Read.All");
        assertThat(checks.get("hunting").status()).isEqualTo(Status.MISSING_PERMISSION);
        assertThat(checks.get("graph-directory").status()).isEqualTo(Status.MISSING_PERMISSION);
        assertThat(checks.get("graph-directory").permission()).isEqualTo("GroupMember.Read.All");
        assertThat(checks.get("graph-organization").status()).isEqualTo(Status.OK);
    }

    @Test
    void missingPermissionShouldLinkToItsStepInTheGuide() {
        Sandboxes.control(
                emulator,
                "POST",
                "/app",
                "{\"defenderRoles\":[\"Machine.Read.All\",\"Alert.Read.All\"],"
                        + "\"graphRoles\":[\"Organization.Read.All\",\"User.Read.All\"]}");
        VerifyResult r = Sandboxes.client(emulator).verify();
        Map<String, Check> checks = byDataSet(r);
        assertThat(checks.get("vulnerabilities").guide()).isEqualTo("docs/setup-entra.md#grant-vulnerabilityreadall");
        assertThat(checks.get("logon-users").guide())
                .as("Defender's User.Read.All, not Graph's")
                .isEqualTo("docs/setup-entra.md#grant-userreadall-windowsdefenderatp");
        assertThat(checks.get("graph-directory").guide()).isEqualTo("docs/setup-entra.md#grant-groupmemberreadall");
        assertThat(checks.get("hunting").guide()).isEqualTo("docs/setup-entra.md#grant-threathuntingreadall");
        assertThat(r.checks())
                .filteredOn(c -> c.status() == Status.MISSING_PERMISSION)
                .isNotEmpty()
                .allSatisfy(c -> assertThat(c.guide())
                        .isEqualTo(Permissions.forDataSet(c.dataSet()).stream()
                                .filter(p -> p.name().equals(c.permission()))
                                .findFirst()
                                .orElseThrow()
                                .guide()));
        assertThat(r.checks()).filteredOn(c -> c.status() == Status.OK).allMatch(c -> c.guide() == null);
        int vulnerabilities = r.checks().indexOf(checks.get("vulnerabilities"));
        assertThat(r.toJson().at("/checks/" + vulnerabilities + "/guide").asText())
                .isEqualTo("docs/setup-entra.md#grant-vulnerabilityreadall");
        assertThat(r.toJson().at("/checks/0/guide").isNull()).isTrue();
    }

    @Test
    void noTokenShouldMarkEveryCheckWithTheSentence() {
        VerifyResult r = Sandboxes.client(emulator, b -> b.credential(Credential.secret("wrong-secret-value")))
                .verify();
        assertThat(r.signedIn()).isFalse();
        assertThat(r.defenderToken().error()).contains("client secret is wrong");
        assertThat(r.checks())
                .allMatch(c -> c.status() == Status.ERROR && c.message().contains("client secret is wrong"));
    }

    @Test
    void missingTvmLicenceShouldBeAnErrorThatSaysSo() {
        Sandboxes.control(emulator, "POST", "/tenant", "{\"tvmLicence\":false}");
        Check v = byDataSet(Sandboxes.client(emulator).verify()).get("vulnerabilities");
        assertThat(v.status()).isEqualTo(Status.ERROR);
        assertThat(v.message()).contains("Vulnerability Management licence");
    }
}
