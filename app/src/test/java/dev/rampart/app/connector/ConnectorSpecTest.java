package dev.rampart.app.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rampart.defender.model.Machine;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConnectorSpecTest {

    private static final String VALID =
            """
            {"project": "acme", "name": "acme-prod", "tenantId": "t", "clientId": "c", "secretEnv": "MDE_SECRET",
             "cloud": "gcc-high", "scope": {"kind": "domains", "values": ["corp.example"], "includeInactive": false},
             "options": {"gracePeriodDays": 3}}
            """;

    @Test
    void validFileShouldParseWithDefaultsForWhatItLeavesOut() {
        ConnectorSpec spec = ConnectorSpec.parse(VALID);

        assertThat(spec.secretRef()).isEqualTo("env:MDE_SECRET");
        assertThat(spec.scope().kind()).isEqualTo(Scope.Kind.DOMAINS);
        assertThat(spec.scope().includeInactive()).isFalse();
        assertThat(spec.options().gracePeriodDays()).isEqualTo(3);
        assertThat(spec.options().fullEveryDays()).isEqualTo(7);
        assertThat(spec.enabled()).isTrue();
    }

    @Test
    void everyProblemShouldBeReportedAtOnceWithUnknownKeysNamed() {
        var e = catchThrowableOfType(
                ConnectorSpec.InvalidConnectorException.class,
                () -> ConnectorSpec.parse(
                        """
                        {"project": "Acme Corp", "name": "", "tenantID": "t", "secretEnv": "A", "secretFile": "/s",
                         "cloud": "mars", "baseUrl": "http://x.example", "scope": {"kind": "tags", "vals": []},
                         "options": {"gracePeriodDays": -1, "fullEveryDays": 30, "colour": "red"}}
                        """));

        assertThat(e.problems())
                .anyMatch(p -> p.contains("unknown keys [tenantID]"))
                .anyMatch(p -> p.startsWith("project must be"))
                .anyMatch(p -> p.equals("name must be a non-empty string"))
                .anyMatch(p -> p.equals("tenantId is required"))
                .anyMatch(p -> p.equals("clientId is required"))
                .anyMatch(p -> p.startsWith("give exactly one of secretEnv"))
                .anyMatch(p -> p.startsWith("give at most one of cloud"))
                .anyMatch(p -> p.startsWith("cloud:"))
                .anyMatch(p -> p.equals("baseUrl must use https"))
                .anyMatch(p -> p.contains("scope has unknown keys [vals]"))
                .anyMatch(p -> p.startsWith("scope.values must name at least one tag"))
                .anyMatch(p -> p.startsWith("options.gracePeriodDays must be"))
                .anyMatch(p -> p.startsWith("options.fullEveryDays must be a whole number from 1 to 7"))
                .anyMatch(p -> p.contains("options has unknown keys [colour]"));
    }

    @Test
    void secretShouldBeReadFromTheEnvironmentAndMissingOnesNamedWithoutValue() {
        assertThat(Secrets.resolve("env:MDE_SECRET", Map.of("MDE_SECRET", " s3cret \n")::get))
                .isEqualTo("s3cret");
        var e = catchThrowableOfType(
                IllegalArgumentException.class, () -> Secrets.resolve("env:NOPE", Map.<String, String>of()::get));
        assertThat(e).hasMessageContaining("NOPE").hasMessageContaining("not set");
    }

    @Test
    void scopeShouldMatchByGroupTagDomainAndHonourIncludeExcludeAndInactive() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Machine ws = Machine.from(
                json.readTree(
                        """
                {"id": "a1", "computerDnsName": "ws-01.Corp.Example", "rbacGroupName": "Finance",
                 "machineTags": ["VIP"], "healthStatus": "Active"}
                """));
        Machine bare = Machine.from(
                json.readTree(
                        """
                {"id": "b2", "computerDnsName": "kiosk", "rbacGroupName": "Retail", "healthStatus": "Inactive"}
                """));

        assertThat(new Scope(Scope.Kind.DOMAINS, Set.of("corp.example"), true, Set.of(), Set.of()).matches(ws))
                .isTrue();
        assertThat(new Scope(Scope.Kind.DOMAINS, Set.of("kiosk"), true, Set.of(), Set.of()).matches(bare))
                .as("a bare host name has no domain")
                .isFalse();
        assertThat(new Scope(Scope.Kind.TAGS, Set.of("vip"), true, Set.of(), Set.of()).matches(ws))
                .isTrue();
        assertThat(new Scope(Scope.Kind.GROUPS, Set.of("FINANCE"), true, Set.of(), Set.of()).matches(ws))
                .isTrue();
        assertThat(new Scope(Scope.Kind.GROUPS, Set.of("finance"), true, Set.of(), Set.of("ws-01")).matches(ws))
                .as("exclude by host name")
                .isFalse();
        assertThat(new Scope(Scope.Kind.GROUPS, Set.of("finance"), true, Set.of("b2"), Set.of()).matches(bare))
                .as("include by id")
                .isTrue();
        assertThat(Scope.ALL.matches(bare)).isTrue();
        assertThat(new Scope(Scope.Kind.ALL, Set.of(), false, Set.of(), Set.of()).matches(bare))
                .isFalse();
    }
}
