package dev.rampart.emulator.odata;

import static org.assertj.core.api.Assertions.*;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ODataFilterTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final Set<String> MACHINE_PROPERTIES = Set.of(
            "id",
            "computerDnsName",
            "healthStatus",
            "riskScore",
            "exposureLevel",
            "osPlatform",
            "lastSeen",
            "rbacGroupId",
            "aadDeviceId",
            "isAadJoined",
            "machineTags");

    private static final JsonNode MACHINE = json(
            """
            {
              "id": "1e5bc9d7e413ddd7902c2932e418702b84d0cc07",
              "computerDnsName": "mymachine1.contoso.com",
              "healthStatus": "Active",
              "riskScore": "Low",
              "exposureLevel": "Medium",
              "osPlatform": "Windows10",
              "lastSeen": "2018-08-03T16:14:19.5323456Z",
              "rbacGroupId": 140,
              "aadDeviceId": null,
              "isAadJoined": true,
              "machineTags": ["Finance", "Main Office"]
            }
            """);

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ODataFilter parse(String filter) {
        return ODataFilter.parse(filter, MACHINE_PROPERTIES);
    }

    private static boolean matchesMachine(String filter) {
        return parse(filter).test(MACHINE);
    }

    private static boolean matches(String filter, String entity) {
        return parse(filter).test(json(entity));
    }

    // --- comparison operators ----------------------------------------------------------------------------------------

    @Test
    void eqShouldMatchEqualString() {
        assertThat(matchesMachine("healthStatus eq 'Active'")).isTrue();
        assertThat(matchesMachine("healthStatus eq 'Inactive'")).isFalse();
    }

    @Test
    void eqShouldCompareStringValuesCaseInsensitively() {
        assertThat(matchesMachine("healthStatus eq 'active'")).isTrue();
        assertThat(matchesMachine("computerDnsName eq 'MYMACHINE1.CONTOSO.COM'"))
                .isTrue();
    }

    @Test
    void neShouldMatchOnlyDifferentValues() {
        assertThat(matchesMachine("healthStatus ne 'Active'")).isFalse();
        assertThat(matchesMachine("healthStatus ne 'Inactive'")).isTrue();
    }

    @Test
    void orderingOperatorsShouldCompareNumbersNumerically() {
        assertThat(matchesMachine("rbacGroupId gt 139")).isTrue();
        assertThat(matchesMachine("rbacGroupId gt 140")).isFalse();
        assertThat(matchesMachine("rbacGroupId ge 140")).isTrue();
        assertThat(matchesMachine("rbacGroupId lt 141")).isTrue();
        assertThat(matchesMachine("rbacGroupId lt 140")).isFalse();
        assertThat(matchesMachine("rbacGroupId le 140")).isTrue();
        assertThat(matchesMachine("rbacGroupId le 139.5")).isFalse();
        assertThat(matchesMachine("rbacGroupId gt -1")).isTrue();
    }

    @Test
    void orderingOperatorsShouldCompareStringsCaseInsensitivelyInOrdinalOrder() {
        assertThat(matchesMachine("riskScore gt 'high'")).isTrue(); // "Low" > "high"
        assertThat(matchesMachine("riskScore lt 'MEDIUM'")).isTrue();
        assertThat(matchesMachine("riskScore ge 'low'")).isTrue();
        assertThat(matchesMachine("riskScore le 'LOW'")).isTrue();
        assertThat(matchesMachine("riskScore lt 'low'")).isFalse();
    }

    @Test
    void literalOnTheLeftShouldBeComparedAsIfSwapped() {
        assertThat(matchesMachine("'Active' eq healthStatus")).isTrue();
        assertThat(matchesMachine("150 gt rbacGroupId")).isTrue();
        assertThat(matchesMachine("130 gt rbacGroupId")).isFalse();
    }

    @Test
    void booleanPropertyShouldCompareAsBooleanAndWorkAlone() {
        assertThat(matchesMachine("isAadJoined eq true")).isTrue();
        assertThat(matchesMachine("isAadJoined eq false")).isFalse();
        assertThat(matchesMachine("isAadJoined")).isTrue();
        assertThat(matchesMachine("not isAadJoined")).isFalse();
    }

    @Test
    void escapedQuoteInStringLiteralShouldBeASingleQuote() {
        assertThat(matches("computerDnsName eq 'o''brien-pc'", "{\"computerDnsName\": \"O'Brien-PC\"}"))
                .isTrue();
    }

    @Test
    void unquotedGuidShouldCompareAsStringIgnoringCase() {
        String entity = "{\"aadDeviceId\": \"6F1D3C2B-9A8E-4F7D-B6C5-A4E3D2C1B0A9\"}";
        assertThat(matches("aadDeviceId eq 6f1d3c2b-9a8e-4f7d-b6c5-a4e3d2c1b0a9", entity))
                .isTrue();
        assertThat(matches("aadDeviceId eq guid'6f1d3c2b-9a8e-4f7d-b6c5-a4e3d2c1b0a9'", entity))
                .isTrue();
        assertThat(matches("aadDeviceId eq deadbeef-9a8e-4f7d-b6c5-a4e3d2c1b0a9", entity))
                .isFalse();
    }

    // --- logical operators -------------------------------------------------------------------------------------------

    @Test
    void andShouldBindTighterThanOr() {
        Set<String> abc = Set.of("a", "b", "c");
        ODataFilter filter = ODataFilter.parse("a eq 1 or b eq 2 and c eq 3", abc);

        assertThat(filter.test(json("{\"a\": 1, \"b\": 0, \"c\": 0}"))).isTrue();
        assertThat(filter.test(json("{\"a\": 0, \"b\": 2, \"c\": 3}"))).isTrue();
        assertThat(filter.test(json("{\"a\": 0, \"b\": 2, \"c\": 0}"))).isFalse();
    }

    @Test
    void parenthesesShouldOverridePrecedence() {
        Set<String> abc = Set.of("a", "b", "c");
        ODataFilter filter = ODataFilter.parse("(a eq 1 or b eq 2) and c eq 3", abc);

        assertThat(filter.test(json("{\"a\": 1, \"b\": 0, \"c\": 0}"))).isFalse();
        assertThat(filter.test(json("{\"a\": 1, \"b\": 0, \"c\": 3}"))).isTrue();
        assertThat(filter.test(json("{\"a\": 0, \"b\": 2, \"c\": 3}"))).isTrue();
    }

    @Test
    void notShouldNegateTheFollowingComparison() {
        assertThat(matchesMachine("not healthStatus eq 'Active'")).isFalse();
        assertThat(matchesMachine("not healthStatus eq 'Inactive' and riskScore eq 'Low'"))
                .isTrue();
        assertThat(matchesMachine("not (healthStatus eq 'Inactive' or riskScore eq 'Low')"))
                .isFalse();
        assertThat(matchesMachine("not not healthStatus eq 'Active'")).isTrue();
    }

    @Test
    void keywordsAndPropertyNamesShouldBeCaseInsensitive() {
        ODataFilter filter = parse("HealthStatus EQ 'Active' AND RBACGROUPID Ge 140 Or NOT riskscore eq 'Low'");

        assertThat(filter.test(MACHINE)).isTrue();
        assertThat(filter.properties()).containsExactly("healthStatus", "rbacGroupId", "riskScore");
    }

    // --- functions ---------------------------------------------------------------------------------------------------

    @Test
    void startswithShouldMatchPrefixIgnoringCase() {
        assertThat(matchesMachine("startswith(computerDnsName,'mymachine')")).isTrue();
        assertThat(matchesMachine("startswith(computerDnsName, 'MYMACHINE1.')")).isTrue();
        assertThat(matchesMachine("startswith(computerDnsName,'contoso')")).isFalse();
    }

    @Test
    void endswithAndContainsShouldMatchSuffixAndSubstring() {
        assertThat(matchesMachine("endswith(computerDnsName,'.contoso.com')")).isTrue();
        assertThat(matchesMachine("endswith(computerDnsName,'mymachine1')")).isFalse();
        assertThat(matchesMachine("contains(computerDnsName,'Machine1')")).isTrue();
        assertThat(matchesMachine("contains(computerDnsName,'fabrikam')")).isFalse();
    }

    @Test
    void functionComparedWithTrueOrFalseShouldMatchOrNegate() {
        assertThat(matchesMachine("startswith(computerDnsName,'my') eq true")).isTrue();
        assertThat(matchesMachine("startswith(computerDnsName,'my') eq false")).isFalse();
        assertThat(matchesMachine("contains(computerDnsName,'fabrikam') ne true"))
                .isTrue();
        assertThat(matchesMachine("not contains(computerDnsName,'fabrikam')")).isTrue();
    }

    @Test
    void functionOnMissingPropertyShouldNotMatch() {
        assertThat(matches("startswith(computerDnsName,'a')", "{}")).isFalse();
    }

    // --- lambdas and in ----------------------------------------------------------------------------------------------

    @Test
    void lambdaAnyShouldMatchWhenOneTagEquals() {
        assertThat(matchesMachine("machineTags/any(tag: tag eq 'Finance')")).isTrue();
        assertThat(matchesMachine("machineTags/any(t: t eq 'main office')")).isTrue();
        assertThat(matchesMachine("machineTags/any(tag: tag eq 'Engineering')")).isFalse();
    }

    @Test
    void lambdaAnyWithStartswithShouldMatchTagPrefix() {
        assertThat(matchesMachine("machineTags/any(tag: startswith(tag, 'Fin'))"))
                .isTrue();
        assertThat(matchesMachine("machineTags/any(tag: startswith(tag, 'Eng'))"))
                .isFalse();
    }

    @Test
    void lambdaAnyShouldNotMatchMachineWithoutTags() {
        assertThat(matches("machineTags/any(t: t eq 'Finance')", "{\"machineTags\": []}"))
                .isFalse();
        assertThat(matches("machineTags/any(t: t eq 'Finance')", "{}")).isFalse();
        assertThat(matches("machineTags/any()", "{\"machineTags\": []}")).isFalse();
        assertThat(matchesMachine("machineTags/any()")).isTrue();
    }

    @Test
    void lambdaAllShouldRequireEveryTagToMatch() {
        assertThat(matchesMachine("machineTags/all(t: t ne 'Engineering')")).isTrue();
        assertThat(matchesMachine("machineTags/all(t: t eq 'Finance')")).isFalse();
        assertThat(matchesMachine("machineTags/all(t: contains(t, 'n'))")).isTrue();
    }

    @Test
    void lambdaCombinedWithComparisonShouldFollowTheDocumentedSample() {
        assertThat(matchesMachine("healthStatus ne 'Inactive' and machineTags/any(tag: tag eq 'Finance')"))
                .isTrue();
        assertThat(matchesMachine("healthStatus ne 'Active' and machineTags/any(tag: tag eq 'Finance')"))
                .isFalse();
    }

    @Test
    void inShouldMatchAnyListedValue() {
        assertThat(matchesMachine("healthStatus in ('Inactive', 'active')")).isTrue();
        assertThat(matchesMachine("riskScore in ('High','Medium')")).isFalse();
        assertThat(matchesMachine("rbacGroupId in (1, 140)")).isTrue();
    }

    @Test
    void comparingCollectionDirectlyShouldTellToUseAny() {
        ODataFilter filter = parse("machineTags eq 'Finance'");

        assertThatThrownBy(() -> filter.test(MACHINE))
                .isInstanceOf(ODataException.class)
                .hasMessageStartingWith("Invalid ODataQuery.")
                .hasMessageContaining("machineTags/any(");
    }

    // --- dates -------------------------------------------------------------------------------------------------------

    @Test
    void unquotedDateTimeShouldCompareAsInstantWithSevenFractionalDigits() {
        assertThat(matchesMachine("lastSeen gt 2018-08-03T16:14:19Z")).isTrue();
        assertThat(matchesMachine("lastSeen lt 2018-08-03T16:14:19.5323457Z")).isTrue();
        assertThat(matchesMachine("lastSeen eq 2018-08-03T16:14:19.5323456Z")).isTrue();
        assertThat(matchesMachine("lastSeen gt 2018-08-03T16:14:19.6Z")).isFalse();
    }

    @Test
    void bareDateShouldMeanMidnightUtc() {
        assertThat(matchesMachine("lastSeen gt 2018-08-01Z")).isTrue();
        assertThat(matchesMachine("lastSeen gt 2018-08-01")).isTrue();
        assertThat(matchesMachine("lastSeen lt 2018-08-04")).isTrue();
        assertThat(matchesMachine("lastSeen lt 2018-08-03")).isFalse();
        assertThat(matches("lastSeen eq 2018-08-01", "{\"lastSeen\": \"2018-08-01T00:00:00.0000000Z\"}"))
                .isTrue();
    }

    @Test
    void dateTimeWithOffsetShouldCompareAsInstant() {
        // 18:14:19+02:00 is 16:14:19Z
        assertThat(matchesMachine("lastSeen gt 2018-08-03T18:14:19+02:00")).isTrue();
        assertThat(matchesMachine("lastSeen lt 2018-08-03T18:14:20+02:00")).isTrue();
        String entity = "{\"lastSeen\": \"2026-01-01T02:00:00.1234567+02:00\"}";
        assertThat(matches("lastSeen eq 2026-01-01T00:00:00.1234567Z", entity)).isTrue();
    }

    @Test
    void typedAndQuotedDateTimeLiteralsShouldCompareAsInstants() {
        assertThat(matchesMachine("lastSeen gt datetime'2018-08-01T00:00:00Z'")).isTrue();
        assertThat(matchesMachine("lastSeen lt datetimeoffset'2018-08-01T00:00:00Z'"))
                .isFalse();
        assertThat(matchesMachine("lastSeen gt '2018-08-03T16:14:19Z'")).isTrue();
    }

    // --- numbers as numbers or strings -------------------------------------------------------------------------------

    @Test
    void rbacGroupIdNumberLiteralShouldMatchNumberAndNumericString() {
        assertThat(matches("rbacGroupId eq 140", "{\"rbacGroupId\": 140}")).isTrue();
        assertThat(matches("rbacGroupId eq 140", "{\"rbacGroupId\": \"140\"}")).isTrue();
        assertThat(matches("rbacGroupId eq 140", "{\"rbacGroupId\": 140.0}")).isTrue();
        assertThat(matches("rbacGroupId gt 99", "{\"rbacGroupId\": \"140\"}")).isTrue();
        assertThat(matches("rbacGroupId eq 141", "{\"rbacGroupId\": \"140\"}")).isFalse();
    }

    @Test
    void rbacGroupIdStringLiteralShouldMatchNumber() {
        assertThat(matches("rbacGroupId eq '140'", "{\"rbacGroupId\": 140}")).isTrue();
        assertThat(matches("rbacGroupId eq '140'", "{\"rbacGroupId\": \"140\"}"))
                .isTrue();
        assertThat(matches("rbacGroupId eq 'abc'", "{\"rbacGroupId\": 140}")).isFalse();
        assertThat(matches("rbacGroupId ne 'abc'", "{\"rbacGroupId\": 140}")).isTrue();
    }

    // --- null and missing --------------------------------------------------------------------------------------------

    @Test
    void eqNullShouldMatchMissingOrNullField() {
        assertThat(matches("aadDeviceId eq null", "{\"aadDeviceId\": null}")).isTrue();
        assertThat(matches("aadDeviceId eq null", "{}")).isTrue();
        assertThat(matches("aadDeviceId eq null", "{\"aadDeviceId\": \"x\"}")).isFalse();
    }

    @Test
    void neNullShouldMatchPresentField() {
        assertThat(matches("aadDeviceId ne null", "{\"aadDeviceId\": \"x\"}")).isTrue();
        assertThat(matches("aadDeviceId ne null", "{\"aadDeviceId\": null}")).isFalse();
        assertThat(matches("aadDeviceId ne null", "{}")).isFalse();
    }

    @Test
    void orderingWithNullOrMissingFieldShouldBeFalse() {
        assertThat(matches("rbacGroupId gt null", "{\"rbacGroupId\": 140}")).isFalse();
        assertThat(matches("rbacGroupId le null", "{\"rbacGroupId\": 140}")).isFalse();
        assertThat(matches("rbacGroupId gt 1", "{}")).isFalse();
        assertThat(matches("rbacGroupId lt 1", "{\"rbacGroupId\": null}")).isFalse();
        assertThat(matches("rbacGroupId eq 1", "{}")).isFalse();
        assertThat(matches("rbacGroupId ne 1", "{}")).isTrue();
    }

    // --- properties and whitelist ------------------------------------------------------------------------------------

    @Test
    void propertiesShouldReturnCanonicalNamesInOrderOfUse() {
        ODataFilter filter =
                parse("LASTSEEN gt 2018-08-01Z and machinetags/any(t: t eq 'x') or lastSeen lt 2020-01-01");

        assertThat(filter.properties()).containsExactly("lastSeen", "machineTags");
    }

    @Test
    void propertyNotInWhitelistShouldBeRejectedListingFilterableProperties() {
        assertThatThrownBy(() -> ODataFilter.parse("foo eq 'x'", Set.of("healthStatus", "lastSeen", "computerDnsName")))
                .isInstanceOf(ODataException.class)
                .hasMessage("Invalid ODataQuery. Could not find a filterable property named 'foo'. "
                        + "Filterable properties: computerDnsName, healthStatus, lastSeen.");
    }

    @Test
    void unquotedStringValueShouldExplainThatStringsNeedQuotes() {
        assertThatThrownBy(() -> parse("healthStatus eq Active"))
                .isInstanceOf(ODataException.class)
                .hasMessageContaining("position 17")
                .hasMessageContaining("single quotes");
    }

    // --- syntax errors and guards ------------------------------------------------------------------------------------

    @Test
    void missingLiteralShouldReportSyntaxErrorWithPosition() {
        assertThatThrownBy(() -> parse("healthStatus eq"))
                .isInstanceOf(ODataException.class)
                .hasMessage("Invalid ODataQuery. Syntax error at position 16 in 'healthStatus eq': expected a literal"
                        + " but found the end of the filter.");
    }

    @Test
    void unknownOperatorShouldReportSyntaxErrorWithPosition() {
        assertThatThrownBy(() -> parse("healthStatus equals 'Active'"))
                .isInstanceOf(ODataException.class)
                .hasMessageStartingWith("Invalid ODataQuery. Syntax error at position 14 ")
                .hasMessageContaining("expected a comparison operator");
    }

    @Test
    void trailingTokensShouldBeRejected() {
        assertThatThrownBy(() -> parse("healthStatus eq 'Active' riskScore eq 'Low'"))
                .isInstanceOf(ODataException.class)
                .hasMessageContaining("position 26")
                .hasMessageContaining("expected 'and', 'or' or the end of the filter");
    }

    @Test
    void unterminatedStringShouldBeRejected() {
        assertThatThrownBy(() -> parse("healthStatus eq 'Active"))
                .isInstanceOf(ODataException.class)
                .hasMessageStartingWith("Invalid ODataQuery. Syntax error at position 17 ")
                .hasMessageContaining("unterminated string literal");
    }

    @Test
    void unbalancedParenthesesShouldBeRejected() {
        assertThatThrownBy(() -> parse("(healthStatus eq 'Active'"))
                .isInstanceOf(ODataException.class)
                .hasMessageContaining("expected ')' to close the '(' at position 1");
        assertThatThrownBy(() -> parse("healthStatus eq 'Active')"))
                .isInstanceOf(ODataException.class)
                .hasMessageContaining("position 25")
                .hasMessageContaining("but found ')'");
    }

    @Test
    void unknownFunctionShouldBeRejected() {
        assertThatThrownBy(() -> parse("tolower(healthStatus) eq 'active'"))
                .isInstanceOf(ODataException.class)
                .hasMessageStartingWith("Invalid ODataQuery. Syntax error at position 1 ")
                .hasMessageContaining("unknown or unsupported function 'tolower'");
    }

    @Test
    void unencodedPlusInOffsetShouldBeExplained() {
        // a '+' left unencoded in the URL arrives as a space
        assertThatThrownBy(() -> parse("lastSeen gt 2026-01-01T00:00:00 02:00"))
                .isInstanceOf(ODataException.class)
                .hasMessageContaining("%2B");
    }

    @Test
    void malformedLiteralsShouldBeRejected() {
        assertThatThrownBy(() -> parse("lastSeen gt 2018-13-01"))
                .isInstanceOf(ODataException.class)
                .hasMessageContaining("malformed literal '2018-13-01'");
        assertThatThrownBy(() -> parse("healthStatus eq \"Active\""))
                .isInstanceOf(ODataException.class)
                .hasMessageContaining("single quotes");
        assertThatThrownBy(() -> parse("startswith(computerDnsName, 5)"))
                .isInstanceOf(ODataException.class)
                .hasMessageContaining("expected a string literal");
    }

    @Test
    void comparingTwoPropertiesShouldBeRejected() {
        assertThatThrownBy(() -> parse("healthStatus eq riskScore"))
                .isInstanceOf(ODataException.class)
                .hasMessageContaining("comparing two properties is not supported");
    }

    @Test
    void blankFilterShouldBeRejected() {
        assertThatThrownBy(() -> parse("   "))
                .isInstanceOf(ODataException.class)
                .hasMessage("Invalid ODataQuery. The $filter expression is empty.");
        assertThatThrownBy(() -> parse("")).isInstanceOf(ODataException.class);
    }

    @Test
    void overLongFilterShouldBeRejected() {
        String filter = "healthStatus eq '" + "x".repeat(4_000) + "'";

        assertThatThrownBy(() -> parse(filter))
                .isInstanceOf(ODataException.class)
                .hasMessageContaining("maximum is 4000");
    }

    @Test
    void longFlatChainWithinTheLimitShouldBeEvaluated() {
        StringBuilder filter = new StringBuilder("rbacGroupId eq 0");
        while (filter.length() < 3_900) {
            filter.append(" or rbacGroupId eq 1");
        }
        filter.append(" or rbacGroupId eq 140");

        assertThat(matchesMachine(filter.toString())).isTrue();
    }

    @Test
    void deepNestingShouldBeRejectedWithoutStackOverflow() {
        String parentheses = "(".repeat(1_900) + "healthStatus eq 'Active'" + ")".repeat(1_900);
        String nots = "not ".repeat(990) + "healthStatus eq 'Active'";

        assertThatThrownBy(() -> parse(parentheses))
                .isInstanceOf(ODataException.class)
                .hasMessageContaining("nested more than 50 levels");
        assertThatThrownBy(() -> parse(nots))
                .isInstanceOf(ODataException.class)
                .hasMessageContaining("nested more than 50 levels");
    }

    @Test
    void nestingUpToTheLimitShouldBeAccepted() {
        String filter = "(".repeat(50) + "healthStatus eq 'Active'" + ")".repeat(50);

        assertThat(matchesMachine(filter)).isTrue();
    }

    @Test
    void parsedFilterShouldBeUsableFromManyThreads() throws Exception {
        ODataFilter filter = parse("healthStatus eq 'Active' and machineTags/any(t: startswith(t, 'fin'))");
        ExecutorService executor = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                JsonNode entity = i % 2 == 0 ? MACHINE : json("{\"healthStatus\": \"Inactive\"}");
                results.add(executor.submit(() -> filter.test(entity)));
            }
            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i).get()).isEqualTo(i % 2 == 0);
            }
        } finally {
            executor.shutdownNow();
        }
    }
}
