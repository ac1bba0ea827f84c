package dev.rampart.emulator.hunting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HuntingQueryTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    private static final String SYNC_QUERY = "DeviceInfo | where Timestamp > ago(1d)"
            + " | summarize arg_max(Timestamp, *) by DeviceId | project DeviceId, DeviceName, LoggedOnUsers";

    private static ObjectNode device(String id, String name, Duration age) {
        ObjectNode row = JsonNodeFactory.instance.objectNode();
        row.put("Timestamp", NOW.minus(age).toString());
        row.put("DeviceId", id);
        row.put("DeviceName", name);
        row.put("ClientVersion", "10.8750.22621.1000");
        row.put("PublicIP", "203.0.113.7");
        row.put("OSArchitecture", "64-bit");
        row.put("OSPlatform", "Windows11");
        row.put("OSBuild", 22631L);
        row.put("OSVersion", "10.0");
        row.put("OSDistribution", "");
        row.put("IsAzureADJoined", true);
        row.put("AadDeviceId", "aad-" + id);
        row.put(
                "LoggedOnUsers",
                "[{\"UserName\":\"user-" + age.toHours() + "\",\"DomainName\":\"CORP\","
                        + "\"Sid\":\"S-1-5-21-1-2-3-1001\"}]");
        row.put("MachineGroup", "UnassignedGroup");
        row.put("OnboardingStatus", "Onboarded");
        row.put("DeviceCategory", "Endpoint");
        row.put("DeviceType", "Workstation");
        row.put("SensorHealthState", "Active");
        row.put("ExposureLevel", "Medium");
        row.put("AssetValue", "Normal");
        row.put("DeviceManualTags", "[]");
        row.put("DeviceDynamicTags", "[]");
        row.put("IsExcluded", false);
        row.put("ReportId", 42L);
        return row;
    }

    private static HuntingResult run(String kql, ObjectNode... rows) {
        return HuntingQuery.parse(kql).execute(List.of(rows).iterator(), NOW);
    }

    private static List<String> column(HuntingResult result, String name) {
        List<String> values = new ArrayList<>();
        for (ObjectNode row : result.rows()) {
            JsonNode value = row.get(name);
            values.add(value.isNull() ? null : value.asText());
        }
        return values;
    }

    private static List<String> fieldNames(ObjectNode row) {
        List<String> names = new ArrayList<>();
        row.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static ObjectNode[] fleet() {
        return new ObjectNode[] {
            device("d1", "ws-001.corp.contoso.com", Duration.ofHours(3)),
            device("d1", "ws-001.corp.contoso.com", Duration.ofHours(1)),
            device("d2", "SRV-DB.corp.contoso.com", Duration.ofHours(2)).put("OSPlatform", "WindowsServer2022"),
            device("d3", "mac-17.local", Duration.ofHours(5))
                    .put("OSPlatform", "macOS")
                    .put("OSBuild", 23)
                    .put("LoggedOnUsers", ""),
            device("d4", "old-laptop", Duration.ofDays(3)),
        };
    }

    @Test
    void typicalSyncQueryReturnsTheLatestRowPerDeviceWithOnlyTheProjectedColumnsInOrder() {
        HuntingResult result = run(
                SYNC_QUERY,
                device("d1", "ws-001-old-name", Duration.ofHours(20)),
                device("d2", "ws-002", Duration.ofHours(2)),
                device("d1", "ws-001", Duration.ofHours(1)),
                device("d1", "ws-001-older-name", Duration.ofHours(5)),
                device("d3", "stale", Duration.ofDays(2)));

        assertThat(result.schema())
                .containsExactly(
                        new HuntingResult.Column("DeviceId", "String"),
                        new HuntingResult.Column("DeviceName", "String"),
                        new HuntingResult.Column("LoggedOnUsers", "String"));
        assertThat(result.rows()).hasSize(2);
        assertThat(fieldNames(result.rows().get(0))).containsExactly("DeviceId", "DeviceName", "LoggedOnUsers");
        assertThat(column(result, "DeviceId")).containsExactly("d1", "d2");
        assertThat(column(result, "DeviceName")).containsExactly("ws-001", "ws-002");
        assertThat(result.rows().get(0).get("LoggedOnUsers").textValue()).startsWith("[{\"UserName\":\"user-1\"");
        assertThat(result.truncated()).isFalse();
    }

    @Test
    void argMaxWithStarPutsTheKeyFirstThenTheMaximizedColumnThenTheRestInTableOrder() {
        HuntingQuery query = HuntingQuery.parse("DeviceInfo | summarize arg_max(Timestamp, *) by DeviceId");
        HuntingResult result = query.execute(List.of(fleet()).iterator(), NOW);

        assertThat(query.table()).isEqualTo("DeviceInfo");
        assertThat(result.schema()).hasSize(51).isEqualTo(query.schema());
        assertThat(result.schema().subList(0, 4))
                .extracting(HuntingResult.Column::name)
                .containsExactly("DeviceId", "Timestamp", "DeviceName", "ClientVersion");
        assertThat(result.schema())
                .contains(
                        new HuntingResult.Column("Timestamp", "DateTime"),
                        new HuntingResult.Column("OSBuild", "Int64"),
                        new HuntingResult.Column("IsAzureADJoined", "Boolean"));
        assertThat(column(result, "DeviceId")).containsExactly("d1", "d2", "d3", "d4");
        ObjectNode first = result.rows().get(0);
        assertThat(first.get("Timestamp").textValue()).isEqualTo("2026-03-01T11:00:00Z");
        assertThat(first.get("OSBuild").isIntegralNumber()).isTrue();
        assertThat(first.get("IsAzureADJoined").booleanValue()).isTrue();
    }

    @Test
    void argMinWithNamedColumnsKeepsTheEarliestRowAndOnlyThoseColumns() {
        HuntingResult result = run(
                "DeviceInfo | where DeviceId == 'd1' | summarize arg_min(Timestamp, DeviceName, OSBuild) by DeviceId",
                device("d1", "newer", Duration.ofHours(1)),
                device("d1", "older", Duration.ofHours(9)));

        assertThat(result.schema())
                .extracting(HuntingResult.Column::name)
                .containsExactly("DeviceId", "Timestamp", "DeviceName", "OSBuild");
        assertThat(column(result, "DeviceName")).containsExactly("older");
    }

    @Test
    void hashPartitionsDevicesIntoDisjointCoveringSets() {
        List<ObjectNode> rows = new ArrayList<>();
        Set<String> all = new HashSet<>();
        for (int i = 0; i < 400; i++) {
            String id = String.format("%040x", i * 7919L);
            all.add(id);
            rows.add(device(id, "host-" + i, Duration.ofHours(1)));
            rows.add(device(id, "host-" + i, Duration.ofHours(30)));
        }

        Set<String> seen = new HashSet<>();
        for (int bucket = 0; bucket < 4; bucket++) {
            HuntingResult result = HuntingQuery.parse("DeviceInfo | where Timestamp > ago(7d)"
                            + " | where hash(DeviceId, 4) == " + bucket
                            + " | summarize arg_max(Timestamp, *) by DeviceId | project DeviceId, LoggedOnUsers")
                    .execute(rows.iterator(), NOW);
            List<String> ids = column(result, "DeviceId");
            assertThat(ids).as("bucket %d", bucket).isNotEmpty().doesNotHaveDuplicates();
            for (String id : ids) {
                assertThat(seen.add(id)).as("%s is in two buckets", id).isTrue();
            }
        }
        assertThat(seen).isEqualTo(all);
    }

    @Test
    void hashWithoutModuloIsANonNegativeLongAndStable() {
        HuntingQuery query =
                HuntingQuery.parse("DeviceInfo | where hash(DeviceId) >= 0 | project DeviceId, h = hash(DeviceId)");
        HuntingResult first = query.execute(List.of(fleet()).iterator(), NOW);
        HuntingResult second = query.execute(List.of(fleet()).iterator(), NOW);

        assertThat(first.rows()).hasSize(5);
        assertThat(first.schema().get(1)).isEqualTo(new HuntingResult.Column("h", "Int64"));
        assertThat(column(first, "h")).isEqualTo(column(second, "h"));
    }

    @Test
    void doubleEqualsIsCaseSensitiveWhileTildeEqualsIsNot() {
        assertThat(column(run("DeviceInfo | where DeviceName == 'srv-db.corp.contoso.com'", fleet()), "DeviceId"))
                .isEmpty();
        assertThat(column(run("DeviceInfo | where DeviceName =~ 'srv-db.corp.contoso.com'", fleet()), "DeviceId"))
                .containsExactly("d2");
        assertThat(column(run("DeviceInfo | where DeviceName != \"SRV-DB.corp.contoso.com\"", fleet()), "DeviceId"))
                .containsExactly("d1", "d1", "d3", "d4");
        assertThat(column(run("DeviceInfo | where DeviceName !~ 'SRV-db.CORP.contoso.com'", fleet()), "DeviceId"))
                .containsExactly("d1", "d1", "d3", "d4");
    }

    @Test
    void hasMatchesWholeTermsWhileContainsMatchesAnySubstring() {
        assertThat(column(run("DeviceInfo | where DeviceName has 'CORP'", fleet()), "DeviceId"))
                .containsExactly("d1", "d1", "d2");
        assertThat(column(run("DeviceInfo | where DeviceName has 'cor'", fleet()), "DeviceId"))
                .isEmpty();
        assertThat(column(run("DeviceInfo | where DeviceName contains 'COR'", fleet()), "DeviceId"))
                .containsExactly("d1", "d1", "d2");
        assertThat(column(run("DeviceInfo | where DeviceName has_cs 'CORP'", fleet()), "DeviceId"))
                .isEmpty();
        assertThat(column(run("DeviceInfo | where DeviceName contains_cs 'SRV'", fleet()), "DeviceId"))
                .containsExactly("d2");
        assertThat(column(run("DeviceInfo | where LoggedOnUsers has 'S-1-5-21'", fleet()), "DeviceId"))
                .containsExactly("d1", "d1", "d2", "d4");
        assertThat(column(run("DeviceInfo | where DeviceName !has 'corp'", fleet()), "DeviceId"))
                .containsExactly("d3", "d4");
    }

    @Test
    void startswithEndswithAndInListsFilterStrings() {
        assertThat(column(run("DeviceInfo | where DeviceName startswith 'WS-'", fleet()), "DeviceId"))
                .containsExactly("d1", "d1");
        assertThat(column(run("DeviceInfo | where DeviceName endswith '.LOCAL'", fleet()), "DeviceId"))
                .containsExactly("d3");
        assertThat(column(run("DeviceInfo | where OSPlatform in ('macOS', 'WindowsServer2022')", fleet()), "DeviceId"))
                .containsExactly("d2", "d3");
        assertThat(column(run("DeviceInfo | where OSPlatform in ('MACOS')", fleet()), "DeviceId"))
                .isEmpty();
        assertThat(column(run("DeviceInfo | where OSPlatform in~ ('MACOS')", fleet()), "DeviceId"))
                .containsExactly("d3");
        assertThat(column(run("DeviceInfo | where OSBuild !in (22631)", fleet()), "DeviceId"))
                .containsExactly("d3");
    }

    @Test
    void datetimeLiteralsAgoAndNowCompareAsInstants() {
        ObjectNode[] rows = fleet();
        assertThat(column(run("DeviceInfo | where Timestamp > ago(150m)", rows), "DeviceId"))
                .containsExactly("d1", "d2");
        assertThat(column(run("DeviceInfo | where Timestamp >= datetime(2026-03-01T09:00:00Z)", rows), "DeviceId"))
                .containsExactly("d1", "d1", "d2");
        assertThat(column(run("DeviceInfo | where Timestamp < datetime(2026-03-01)", rows), "DeviceId"))
                .containsExactly("d4");
        assertThat(column(run("DeviceInfo | where Timestamp > now()", rows), "DeviceId"))
                .isEmpty();
        assertThat(column(run("DeviceInfo | where Timestamp > now(-2h)", rows), "DeviceId"))
                .containsExactly("d1");
    }

    @Test
    void andBindsTighterThanOrAndNotNegates() {
        ObjectNode[] rows = fleet();
        assertThat(column(
                        run(
                                "DeviceInfo | where OSPlatform == 'macOS' or OSPlatform startswith 'Windows'"
                                        + " and DeviceName has 'srv-db'",
                                rows),
                        "DeviceId"))
                .containsExactly("d2", "d3");
        assertThat(column(
                        run(
                                "DeviceInfo | where (OSPlatform == 'macOS' or OSPlatform startswith 'Windows')"
                                        + " and not(DeviceName has 'corp')",
                                rows),
                        "DeviceId"))
                .containsExactly("d3", "d4");
    }

    @Test
    void isemptyTreatsMissingAndNullStringsAsEmpty() {
        ObjectNode missing = device("d5", "no-users", Duration.ofHours(1));
        missing.remove("LoggedOnUsers");
        ObjectNode nullUsers = device("d6", "null-users", Duration.ofHours(1));
        nullUsers.putNull("LoggedOnUsers");
        ObjectNode[] rows = {fleet()[3], missing, nullUsers, fleet()[1]};

        assertThat(column(run("DeviceInfo | where isempty(LoggedOnUsers)", rows), "DeviceId"))
                .containsExactly("d3", "d5", "d6");
        assertThat(column(run("DeviceInfo | where isnotempty(LoggedOnUsers)", rows), "DeviceId"))
                .containsExactly("d1");
        assertThat(column(run("DeviceInfo | where isnull(LoggedOnUsers)", rows), "DeviceId"))
                .isEmpty();
        assertThat(run("DeviceInfo | where DeviceId == 'd6' | project LoggedOnUsers", rows)
                        .rows()
                        .get(0)
                        .get("LoggedOnUsers")
                        .textValue())
                .isEmpty();
    }

    @Test
    void takeAndLimitStopReadingTheInputEarly() {
        AtomicInteger read = new AtomicInteger();
        Iterator<ObjectNode> rows = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public ObjectNode next() {
                int i = read.incrementAndGet();
                return device("d" + i, "host-" + i, Duration.ofMinutes(i));
            }
        };

        HuntingResult result = HuntingQuery.parse("DeviceInfo | take 3").execute(rows, NOW);

        assertThat(column(result, "DeviceId")).containsExactly("d1", "d2", "d3");
        assertThat(read.get()).isEqualTo(3);
        assertThat(result.truncated()).isFalse();
        assertThat(run("DeviceInfo | limit 2", fleet()).rows()).hasSize(2);
    }

    @Test
    void topReturnsTheFirstRowsByTheKeyDescendingByDefault() {
        assertThat(column(run("DeviceInfo | top 2 by Timestamp", fleet()), "DeviceId"))
                .containsExactly("d1", "d2");
        assertThat(column(run("DeviceInfo | top 2 by Timestamp asc | project DeviceName", fleet()), "DeviceName"))
                .containsExactly("old-laptop", "mac-17.local");
    }

    @Test
    void orderBySortsByEveryKeyAndKeepsTiesInInputOrder() {
        assertThat(column(run("DeviceInfo | order by OSBuild asc, Timestamp desc", fleet()), "Timestamp"))
                .containsExactly(
                        "2026-03-01T07:00:00Z",
                        "2026-03-01T11:00:00Z",
                        "2026-03-01T10:00:00Z",
                        "2026-03-01T09:00:00Z",
                        "2026-02-26T12:00:00Z");
        assertThat(column(run("DeviceInfo | sort by DeviceId | take 3", fleet()), "DeviceId"))
                .containsExactly("d4", "d3", "d2");
        assertThat(column(run("DeviceInfo | sort by OSBuild desc | project DeviceName", fleet()), "DeviceName"))
                .containsExactly(
                        "ws-001.corp.contoso.com",
                        "ws-001.corp.contoso.com",
                        "SRV-DB.corp.contoso.com",
                        "old-laptop",
                        "mac-17.local");
    }

    @Test
    void summarizeCountByAndTheCountOperatorCountRows() {
        HuntingResult byPlatform = run("DeviceInfo | summarize count() by OSPlatform", fleet());
        assertThat(byPlatform.schema())
                .containsExactly(
                        new HuntingResult.Column("OSPlatform", "String"), new HuntingResult.Column("count_", "Int64"));
        assertThat(column(byPlatform, "OSPlatform")).containsExactly("Windows11", "WindowsServer2022", "macOS");
        assertThat(column(byPlatform, "count_")).containsExactly("3", "1", "1");

        HuntingResult devices = run("DeviceInfo | summarize Devices = count() | where Devices > 1", fleet());
        assertThat(column(devices, "Devices")).containsExactly("5");

        HuntingResult count = run("DeviceInfo | where OSPlatform == 'nothing' | count", fleet());
        assertThat(count.schema()).containsExactly(new HuntingResult.Column("Count", "Int64"));
        assertThat(count.rows().get(0).get("Count").longValue()).isZero();
    }

    @Test
    void projectAwayRemovesColumnsAndProjectCanRenameAndCompute() {
        HuntingResult away = run("DeviceInfo | take 1 | project-away LoggedOnUsers, ReportId", fleet());
        assertThat(away.schema())
                .hasSize(49)
                .extracting(HuntingResult.Column::name)
                .doesNotContain("LoggedOnUsers");

        HuntingResult renamed =
                run("DeviceInfo | take 1 | project Id = DeviceId, IsServer = OSPlatform has 'Server'", fleet());
        assertThat(renamed.schema())
                .containsExactly(
                        new HuntingResult.Column("Id", "String"), new HuntingResult.Column("IsServer", "Boolean"));
        assertThat(renamed.rows().get(0).get("IsServer").booleanValue()).isFalse();
    }

    @Test
    void commentsAndLineBreaksAreAllowedBetweenTokens() {
        String kql = "// latest state per device\n"
                + "DeviceInfo\n"
                + "| where Timestamp > ago(1d) // only recent rows\n"
                + "| summarize arg_max(Timestamp, *)\n"
                + "    by DeviceId\n"
                + "| project DeviceId,\n"
                + "          LoggedOnUsers\n"
                + "// done\n";

        assertThat(column(run(kql, fleet()), "DeviceId")).containsExactly("d1", "d2", "d3");
    }

    @Test
    void rowsOlderThanThirtyDaysAreNeverVisible() {
        HuntingResult result = run(
                "DeviceInfo | where Timestamp > ago(90d) | project DeviceId",
                device("recent", "a", Duration.ofDays(29)),
                device("edge", "b", Duration.ofDays(30)),
                device("expired", "c", Duration.ofDays(30).plusSeconds(1)),
                device("ancient", "d", Duration.ofDays(365)));

        assertThat(column(result, "DeviceId")).containsExactly("recent", "edge");
    }

    @Test
    void resultsBeyondTheCapAreCutOffAndFlaggedAsTruncated() {
        HuntingQuery query = HuntingQuery.parse("DeviceInfo | order by Timestamp desc");

        HuntingResult cut = query.execute(List.of(fleet()).iterator(), NOW, 3);
        assertThat(cut.rows()).hasSize(3);
        assertThat(cut.truncated()).isTrue();
        assertThat(column(cut, "DeviceId")).containsExactly("d1", "d2", "d1");

        HuntingResult exact = query.execute(List.of(fleet()).iterator(), NOW, 5);
        assertThat(exact.rows()).hasSize(5);
        assertThat(exact.truncated()).isFalse();
    }

    @Test
    void theDefaultCapIsOneHundredThousandRows() {
        int total = HuntingQuery.MAX_RESULT_ROWS + 1;
        Iterator<ObjectNode> rows = new Iterator<>() {
            private int produced;

            @Override
            public boolean hasNext() {
                return produced < total;
            }

            @Override
            public ObjectNode next() {
                produced++;
                ObjectNode row = JsonNodeFactory.instance.objectNode();
                row.put("Timestamp", "2026-03-01T11:00:00Z");
                row.put("DeviceId", "d" + produced);
                return row;
            }
        };

        HuntingResult result =
                HuntingQuery.parse("DeviceInfo | project DeviceId").execute(rows, NOW);

        assertThat(result.rows()).hasSize(100_000);
        assertThat(result.truncated()).isTrue();
    }

    @Test
    void datetimesAreWrittenInUtcWithoutTrailingZeros() {
        ObjectNode row = device("d1", "a", Duration.ZERO).put("Timestamp", "2026-03-01T13:00:00.1230000+02:00");

        HuntingResult result = run("DeviceInfo | project Timestamp", row);

        assertThat(column(result, "Timestamp")).containsExactly("2026-03-01T11:00:00.123Z");
    }

    @Test
    void unknownTableFailsToResolve() {
        assertThatThrownBy(() -> HuntingQuery.parse("DeviceProcessEvents | take 10"))
                .isInstanceOf(HuntingQueryException.class)
                .hasMessage("Failed to resolve table or column expression named 'DeviceProcessEvents'");
    }

    @Test
    void unknownColumnFailsToResolveNamingTheOperator() {
        assertThatThrownBy(() -> HuntingQuery.parse("DeviceInfo | where DeviceNam == 'x'"))
                .isInstanceOf(HuntingQueryException.class)
                .hasMessage("'where' operator: Failed to resolve scalar expression named 'DeviceNam'");
        assertThatThrownBy(() -> HuntingQuery.parse("DeviceInfo | project DeviceId | project DeviceName"))
                .hasMessage("'project' operator: Failed to resolve scalar expression named 'DeviceName'");
    }

    @Test
    void unsupportedOperatorsAndFunctionsAreNamed() {
        assertThatThrownBy(() -> HuntingQuery.parse("DeviceInfo | join kind=inner (DeviceInfo) on DeviceId"))
                .isInstanceOf(HuntingQueryException.class)
                .hasMessageStartingWith("The 'join' operator is not supported by the emulator (line [1,14])");
        assertThatThrownBy(() -> HuntingQuery.parse("DeviceInfo | mv-expand LoggedOnUsers"))
                .hasMessageStartingWith("The 'mv-expand' operator is not supported");
        assertThatThrownBy(() -> HuntingQuery.parse("DeviceInfo | where strlen(DeviceName) > 3"))
                .hasMessageStartingWith("The function 'strlen' is not supported by the emulator (line [1,20])");
        assertThatThrownBy(() -> HuntingQuery.parse("DeviceInfo | summarize dcount(DeviceId)"))
                .hasMessageStartingWith("The aggregation function 'dcount' is not supported");
        assertThatThrownBy(() -> HuntingQuery.parse("DeviceInfo | where Timestamp between (ago(1d) .. now())"))
                .hasMessageStartingWith("The 'between' operator is not supported");
        assertThatThrownBy(() -> HuntingQuery.parse("DeviceInfo | where Timestamp > now() - 1d"))
                .hasMessage("Arithmetic operators such as '-' are not supported by the emulator (line [1,38])");
    }

    @Test
    void syntaxErrorsNameTheOffendingTokenAndItsPosition() {
        assertThatThrownBy(() -> HuntingQuery.parse("DeviceInfo | where DeviceName == \"x\" foo"))
                .isInstanceOf(HuntingQueryException.class)
                .hasMessage("Query could not be parsed at 'foo' on line [1,38]: expected '|' or the end of the query");
        assertThatThrownBy(() -> HuntingQuery.parse("DeviceInfo\n// comment\n| where DeviceId ==\n"))
                .hasMessage("Query could not be parsed at end of query on line [4,1]: expected an expression");
        assertThatThrownBy(() -> HuntingQuery.parse("DeviceInfo | where DeviceId == 'unterminated"))
                .hasMessage("Query could not be parsed at ''unterminated' on line [1,32]: unterminated string literal");
        assertThatThrownBy(() -> HuntingQuery.parse("DeviceInfo | where DeviceId = 'x'"))
                .hasMessage("Query could not be parsed at '=' on line [1,29]: use '==' to compare values");
        assertThatThrownBy(() -> HuntingQuery.parse("  ")).hasMessage("The query is empty");
    }

    @Test
    void comparingValuesOfDifferentTypesIsRejected() {
        assertThatThrownBy(() -> HuntingQuery.parse("DeviceInfo | where OSBuild == '22631'"))
                .isInstanceOf(HuntingQueryException.class)
                .hasMessage(
                        "'where' operator: Cannot compare values of types long and string. Try adding explicit casts");
        assertThatThrownBy(() -> HuntingQuery.parse("DeviceInfo | where DeviceName"))
                .hasMessage("'where' operator: the predicate must be of type bool, but it is of type string");
        assertThatThrownBy(() -> HuntingQuery.parse("DeviceInfo | where Timestamp > 7d"))
                .hasMessageContaining("can only be used as the argument of ago() or now()");
    }

    @Test
    void groupingColumnsShouldBeReadEvenWhenTheResultDropsThem() {
        HuntingResult result = run(
                "DeviceInfo | summarize arg_max(Timestamp, *) by DeviceId | project LoggedOnUsers",
                device("d1", "a", Duration.ofHours(3)),
                device("d1", "a", Duration.ofHours(1)),
                device("d2", "b", Duration.ofHours(2)));
        assertThat(column(result, "LoggedOnUsers"))
                .containsExactly(
                        "[{\"UserName\":\"user-1\",\"DomainName\":\"CORP\",\"Sid\":\"S-1-5-21-1-2-3-1001\"}]",
                        "[{\"UserName\":\"user-2\",\"DomainName\":\"CORP\",\"Sid\":\"S-1-5-21-1-2-3-1001\"}]");
    }

    @Test
    void columnsTheQueryNeverUsesShouldNotBeReadFromTheInput() {
        Set<String> asked = new HashSet<>();
        @SuppressWarnings("unchecked") // the anonymous class inherits ObjectNode's covariant deepCopy()
        ObjectNode row = new ObjectNode(JsonNodeFactory.instance) {
            private static final long serialVersionUID = 1L;

            @Override
            public JsonNode get(String name) {
                asked.add(name);
                return super.get(name);
            }
        };
        row.setAll(device("d1", "a", Duration.ofHours(1)));
        HuntingResult result = run("DeviceInfo | where OSPlatform == 'Windows11' | project DeviceId", row);
        assertThat(column(result, "DeviceId")).containsExactly("d1");
        assertThat(asked).containsExactlyInAnyOrder("Timestamp", "DeviceId", "OSPlatform");
    }
}
