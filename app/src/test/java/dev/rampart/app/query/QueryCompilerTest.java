package dev.rampart.app.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rampart.app.graph.GraphModel;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The compiler without a database: what a query's text turns into (bound values, columns, limits), and the error
 * table: where each bad query is wrong and what was expected there. {@code QueryIT} runs the statements.
 */
class QueryCompilerTest {
    static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    static QueryCompiler.Compiled compile(String q) {
        return QueryCompiler.compile(q, 42, 1000, NOW);
    }

    @Test
    void theIssuesExampleShouldJoinBothStepsAndBindEveryValue() {
        var c = compile("FIND Device WITH riskLevel = 'Critical' THAT HAS Finding WITH exploitVerified = true"
                + " AND state = 'open' RETURN Device.name, Finding.cveId");
        assertThat(c.columns()).extracting(QueryCompiler.Column::name).containsExactly("Device.name", "Finding.cveId");
        assertThat(c.params()).containsExactly(42L, "Critical", 42L, true, "open", 1001);
        assertThat(c.sql())
                .doesNotContain("Critical")
                .doesNotContain("'open'")
                .contains("from asset e0 left join asset_risk e0_r on e0_r.asset_id = e0.id, finding e1 where")
                .doesNotContain("exists");
        assertThat(c.serverLimit()).isTrue();
        assertThat(c.limit()).isEqualTo(1000);
    }

    @Test
    void stepsNobodyReturnsShouldBecomeExistsSoADeviceIsOneRow() {
        var c = compile("find device that has finding with cvss >= 9.5 that is vulnerability with exploitInKit = true");
        assertThat(c.sql()).contains("from asset e0 left join asset_risk e0_r");
        assertThat(c.sql())
                .contains("exists (select 1 from finding e1")
                .contains("exists (select 1 from vulnerability e2");
        assertThat(c.params()).containsExactly(42L, 42L, 9.5, 42L, true, 1001);
        assertThat(c.columns())
                .extracting(QueryCompiler.Column::name)
                .containsExactly("Device.id", "Device.name", "Device.osPlatform", "Device.riskLevel");
    }

    @Test
    void enumValuesShouldBeCheckedAndRangesOfThemBecomeLists() {
        var c = compile("FIND Device WITH riskLevel >= 'high' AND criticality != 'LOW'");
        assertThat(c.params()).containsExactly(42L, "High", "Critical", "low", 1001);
        assertThat(c.sql()).contains("e0_r.level in (?, ?)").contains("e0.criticality is distinct from ?");
    }

    @Test
    void timesShouldBeBoundAsInstantsFromNowOrFromDates() {
        var c = compile("FIND Device WITH lastSeen < NOW - 30 DAYS OR firstSeen >= '2026-01-31'");
        assertThat(c.params())
                .containsExactly(
                        42L,
                        OffsetDateTime.parse("2026-11-07T12:00:00Z"),
                        OffsetDateTime.of(2026, 1, 31, 0, 0, 0, 0, ZoneOffset.UTC),
                        1001);
    }

    @Test
    void countsShouldGroupByTheReturnedEntitiesAndOrderByTheCount() {
        var c = compile(
                "FIND Software THAT HAS Finding WITH state = 'open' RETURN Software.name, COUNT(Finding) LIMIT 5");
        assertThat(c.columns())
                .extracting(QueryCompiler.Column::name)
                .containsExactly("Software.name", "count(Finding)");
        assertThat(c.sql()).contains("group by e0.name").contains("order by count(distinct e1.id) desc");
        assertThat(c.params()).endsWith(5);
        assertThat(c.serverLimit()).isFalse();
        assertThat(c.limit()).isEqualTo(5);
    }

    @Test
    void aLimitAboveTheServersShouldBeTheServers() {
        var c = compile("FIND Device LIMIT 50000");
        assertThat(c.limit()).isEqualTo(1000);
        assertThat(c.serverLimit()).isTrue();
        assertThat(c.params()).endsWith(1001);
    }

    @Test
    void wildcardsShouldBecomeAnEscapedPattern() {
        assertThat(QueryCompiler.pattern("win*_10?%")).isEqualTo("win%\\_10_\\%");
        var c = compile("FIND Device WITH name LIKE 'web-*' AND NOT osPlatform IN ('Linux', 'macOS')");
        assertThat(c.params()).containsExactly(42L, "web-%", "Linux", "macOS", 1001);
    }

    /** Every literal position, with text that would end the statement if it were spliced in. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "FIND Device WITH name = '''; drop table asset; --'",
                "FIND Device WITH name != 'x'' or ''1''=''1'",
                "FIND Device WITH name IN ('a', '''); delete from asset; --')",
                "FIND Device WITH name LIKE '*''; truncate finding; --*'",
                "FIND Device WITH fqdn NOT LIKE '\\''; select pg_sleep(10); --'",
                "FIND Device THAT HAS Finding WITH cveId = 'CVE-1'' union select password_hash from app_user --'",
            })
    void injectedTextShouldOnlyEverBeABoundValue(String query) {
        var c = compile(query);
        assertThat(c.sql())
                .doesNotContainIgnoringCase("drop")
                .doesNotContainIgnoringCase("delete")
                .doesNotContainIgnoringCase("truncate")
                .doesNotContainIgnoringCase("pg_sleep")
                .doesNotContainIgnoringCase("union")
                .doesNotContain("--");
        assertThat(c.params().stream().filter(String.class::isInstance).map(String.class::cast))
                .anyMatch(p -> p.contains(";") || p.contains("'"));
    }

    /** Names are never text of the statement: an unknown one is an error, whatever it holds. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "FIND Device WITH name;drop = 'x'|21",
                "FIND asset WITH name = 'x'|5",
                "FIND Device WITH e0.id = 1|17",
                "FIND Device WITH pg_sleep = 1|17",
                "FIND Device RETURN Device.password_hash|26",
            })
    void namesOutsideTheModelShouldBeRefused(String query, int position) {
        assertThatThrownBy(() -> compile(query))
                .isInstanceOfSatisfying(
                        QueryException.class, e -> assertThat(e.position()).isEqualTo(position));
    }

    /** The error table: the query, where it is wrong (0-based offset), and one of the things expected there. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "''|0|FIND",
                "Device|0|FIND",
                "FIND|4|a name",
                "FIND Device WITH|16|a name",
                "FIND Device WITH name = |23|a string",
                "FIND Device WHERE name = 'x'|12|WITH",
                "SELECT name FROM Device|0|FIND",
                "FIND Device WITH name == 'x'|23|a string",
                "FIND Device WITH (name = 'x'|28|)",
                "FIND Device WITH name = 'x' RETURN|34|COUNT",
                "FIND Device LIMIT x|18|a number",
                "FIND Devices|5|Device",
                "FIND Device WITH colour = 'red'|17|criticality",
                "FIND Device WITH riskLevel = 'Severe'|29|Critical",
                "FIND Device WITH active = 'yes'|26|TRUE",
                "FIND Device WITH riskScore = 'high'|29|a number",
                "FIND Device WITH name = 5|24|a string",
                "FIND Device WITH lastSeen > 'yesterday'|28|NOW",
                "FIND Device WITH lastSeen > NOW - 3 fortnights|36|DAYS",
                "FIND Device WITH name = null|24|a string",
                "FIND Device WITH active > true|24|=",
                "FIND Device WITH riskScore LIKE '9*'|27|<",
                "FIND Device THAT OWNS Finding|17|HAS",
                "FIND Device THAT HAS Alert|17|TARGETS",
                "FIND Device THAT HAS Finding RETURN Alert.title|36|Device",
                "FIND Device THAT HAS Device|21|HAS Finding",
                "FIND Device LIMIT 0|18|a number",
                "FIND Device WITH name = 'x' $|28|end of query",
            })
    void aBadQueryShouldSayWhereAndWhatWasExpected(String query, int position, String expected) {
        assertThatThrownBy(() -> compile(query)).isInstanceOfSatisfying(QueryException.class, e -> {
            assertThat(e.position()).as(e.getMessage()).isEqualTo(position);
            assertThat(e.expected()).as(e.getMessage()).contains(expected);
            assertThat(e.column()).isEqualTo(position + 1);
            assertThat(e.line()).isEqualTo(1);
        });
    }

    @Test
    void aPositionOnALaterLineShouldGiveThatLineAndColumn() {
        assertThatThrownBy(() -> compile("FIND Device\n  WITH riskLevel = 'Critical'\n  THAT HAS Findin"))
                .isInstanceOfSatisfying(QueryException.class, e -> {
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.column()).isEqualTo(12);
                    assertThat(e.position()).isEqualTo(53);
                    assertThat(e.getMessage())
                            .contains("no entity class 'Findin'")
                            .contains("line 3, column 12");
                });
    }

    @Test
    void whatComesAfterThatNotShouldNotBeReturnable() {
        assertThatThrownBy(() -> compile("FIND Device THAT NOT HAS Finding RETURN Finding.cveId"))
                .isInstanceOfSatisfying(
                        QueryException.class, e -> assertThat(e.getMessage()).contains("after THAT NOT"));
        var c = compile("FIND Device WITH active = true THAT NOT HAS Finding WITH state = 'open'");
        assertThat(c.sql()).contains("not exists (select 1 from finding e1");
    }

    @Test
    void aClassNamedTwiceShouldNeedAliases() {
        assertThatThrownBy(() -> compile("FIND Device THAT HAS Finding THAT HAS Device RETURN Device.name"))
                .isInstanceOf(QueryException.class);
        var c = compile("FIND Finding AS f THAT IS Vulnerability AS v WITH cvss >= 9 RETURN f.cveId, v.name");
        assertThat(c.columns()).extracting(QueryCompiler.Column::name).containsExactly("f.cveId", "v.name");
    }

    @Test
    void everyRelationshipShouldCompileInBothDirections() {
        for (GraphModel.Relationship r : GraphModel.relationships()) {
            for (List<String> pair : List.of(List.of(r.from(), r.to()), List.of(r.to(), r.from()))) {
                if (pair.get(0).equals(pair.get(1))) {
                    continue;
                }
                var c = compile("FIND " + pair.get(0) + " AS x THAT " + r.verb() + " " + pair.get(1)
                        + " AS y RETURN COUNT(x), COUNT(y)");
                assertThat(c.sql()).as(r.toString()).doesNotContain("{");
            }
        }
    }
}
