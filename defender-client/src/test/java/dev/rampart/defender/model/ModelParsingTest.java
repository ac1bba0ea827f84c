package dev.rampart.defender.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ModelParsingTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void rbacGroupIdShouldParseFromANumberOrAString() {
        assertThat(Machine.from(json("{\"rbacGroupId\": 140}")).rbacGroupId()).isEqualTo(140L);
        assertThat(Machine.from(json("{\"rbacGroupId\": 0}")).rbacGroupId()).isZero();
        assertThat(Machine.from(json("{\"rbacGroupId\": \"140\"}")).rbacGroupId())
                .isEqualTo(140L);
        assertThat(Machine.from(json("{\"rbacGroupId\": \" 75 \"}")).rbacGroupId())
                .isEqualTo(75L);
        assertThat(Machine.from(json("{\"rbacGroupId\": \"Workstations\"}")).rbacGroupId())
                .isNull();
        assertThat(Machine.from(json("{\"rbacGroupId\": null}")).rbacGroupId()).isNull();
        assertThat(Machine.from(json("{}")).rbacGroupId()).isNull();
        assertThat(ExportVulnerability.from(json("{\"rbacGroupId\": \"212\"}")).rbacGroupId())
                .isEqualTo(212L);
        assertThat(SoftwareInventoryRow.from(json("{\"RbacGroupId\": 212}")).rbacGroupId())
                .isEqualTo(212L);
    }

    @Test
    void exportRowShouldReadPascalCaseKeysAsWellAsCamelCase() {
        JsonNode pascal = json(
                """
                {
                  "Id": "4e1f_google_chrome_126.0.6478.127_CVE-2025-12345",
                  "DeviceId": "4e1f9c0a7b3d2e6f8a1b0c9d8e7f6a5b4c3d2e1f",
                  "DeviceName": "ws-0142.corp.example.com",
                  "RbacGroupName": "Workstations-EU",
                  "RbacGroupId": 212,
                  "IsOnboarded": true,
                  "OSPlatform": "Windows11",
                  "OSVersion": "10.0.22631.3447",
                  "OSArchitecture": "x64",
                  "CveBatchTitle": null,
                  "CveBatchUrl": null,
                  "SoftwareVendor": "google",
                  "SoftwareName": "chrome",
                  "SoftwareVersion": "126.0.6478.127",
                  "CveId": "CVE-2025-12345",
                  "CvssScore": 8.1,
                  "VulnerabilitySeverityLevel": "High",
                  "RecommendedSecurityUpdate": null,
                  "RecommendedSecurityUpdateId": 4550961,
                  "SecurityUpdateAvailable": true,
                  "DiskPaths": ["C:\\\\Program Files\\\\Google\\\\Chrome\\\\Application\\\\chrome.exe"],
                  "RegistryPaths": [],
                  "FirstSeenTimestamp": "2026-02-20 07:41:13",
                  "LastSeenTimestamp": "2026-03-01 22:10:05.8476880",
                  "ExploitabilityLevel": "NoExploit",
                  "RecommendationReference": "va-_-google-_-chrome"
                }
                """);
        ExportVulnerability row = ExportVulnerability.from(pascal);

        assertThat(row.id()).isEqualTo("4e1f_google_chrome_126.0.6478.127_CVE-2025-12345");
        assertThat(row.isOnboarded()).isTrue();
        assertThat(row.raw().has("CveBatchTitle"))
                .as("columns without a typed field are kept")
                .isTrue();
        assertThat(row.deviceId()).isEqualTo("4e1f9c0a7b3d2e6f8a1b0c9d8e7f6a5b4c3d2e1f");
        assertThat(row.deviceName()).isEqualTo("ws-0142.corp.example.com");
        assertThat(row.rbacGroupName()).isEqualTo("Workstations-EU");
        assertThat(row.rbacGroupId()).isEqualTo(212L);
        assertThat(row.osPlatform()).isEqualTo("Windows11");
        assertThat(row.osVersion()).isEqualTo("10.0.22631.3447");
        assertThat(row.osArchitecture()).isEqualTo("x64");
        assertThat(row.softwareVendor()).isEqualTo("google");
        assertThat(row.softwareName()).isEqualTo("chrome");
        assertThat(row.softwareVersion()).isEqualTo("126.0.6478.127");
        assertThat(row.cveId()).isEqualTo("CVE-2025-12345");
        assertThat(row.cvssScore()).isEqualTo(8.1);
        assertThat(row.vulnerabilitySeverityLevel()).isEqualTo("High");
        assertThat(row.recommendedSecurityUpdate()).isNull();
        assertThat(row.recommendedSecurityUpdateId()).isEqualTo("4550961");
        assertThat(row.securityUpdateAvailable()).isTrue();
        assertThat(row.diskPaths()).containsExactly("C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe");
        assertThat(row.registryPaths()).isEmpty();
        assertThat(row.firstSeenTimestamp()).isEqualTo(Instant.parse("2026-02-20T07:41:13Z"));
        assertThat(row.lastSeenTimestamp()).isEqualTo(Instant.parse("2026-03-01T22:10:05.847688Z"));
        assertThat(row.exploitabilityLevel()).isEqualTo("NoExploit");
        assertThat(row.recommendationReference()).isEqualTo("va-_-google-_-chrome");
        assertThat(row.status()).isNull();
        assertThat(row.eventTimestamp()).isNull();
        assertThat(row.isChange()).isFalse();
        assertThat(row.raw().has("DeviceId")).isTrue();

        ObjectNode camel = MAPPER.createObjectNode();
        pascal.properties().forEach(e -> camel.set(lowerFirst(e.getKey()), e.getValue()));
        for (String os : List.of("Platform", "Version", "Architecture")) {
            camel.set("os" + os, camel.remove("oS" + os));
        }
        assertThat(ExportVulnerability.from(camel))
                .usingRecursiveComparison()
                .ignoringFields("raw")
                .isEqualTo(row);
    }

    @Test
    void softwareInventoryRowShouldReadCpeAndNonCpeRowsInEitherCase() {
        SoftwareInventoryRow cpe = SoftwareInventoryRow.from(
                json(
                        """
                {
                  "deviceId": "4e1f9c0a7b3d2e6f8a1b0c9d8e7f6a5b4c3d2e1f",
                  "rbacGroupName": "Workstations-EU",
                  "deviceName": "ws-0142.corp.example.com",
                  "osPlatform": "Windows11",
                  "softwareVendor": "microsoft",
                  "softwareName": "windows_11",
                  "softwareVersion": "10.0.22631.3447",
                  "numberOfWeaknesses": 12,
                  "diskPaths": [],
                  "registryPaths": [],
                  "softwareFirstSeenTimestamp": "2025-02-11 08:20:00",
                  "endOfSupportStatus": "None",
                  "endOfSupportDate": "2021-05-11T00:00:00+00:00"
                }
                """));
        assertThat(cpe.deviceId()).isEqualTo("4e1f9c0a7b3d2e6f8a1b0c9d8e7f6a5b4c3d2e1f");
        assertThat(cpe.softwareName()).isEqualTo("windows_11");
        assertThat(cpe.numberOfWeaknesses()).isEqualTo(12);
        assertThat(cpe.softwareFirstSeenTimestamp()).isEqualTo(Instant.parse("2025-02-11T08:20:00Z"));
        assertThat(cpe.softwareLastSeenTimestamp()).isNull();
        assertThat(cpe.endOfSupportStatus()).isEqualTo("None");
        assertThat(cpe.endOfSupportDate()).isEqualTo(Instant.parse("2021-05-11T00:00:00Z"));

        SoftwareInventoryRow nonCpe = SoftwareInventoryRow.from(
                json(
                        """
                {
                  "DeviceId": "4e1f9c0a7b3d2e6f8a1b0c9d8e7f6a5b4c3d2e1f",
                  "DeviceName": "ws-0142.corp.example.com",
                  "OSPlatform": "Windows11",
                  "RbacGroupName": "Workstations-EU",
                  "RbacGroupId": "212",
                  "SoftwareLastSeenTimestamp": "2026-03-01 06:00:00.1234567",
                  "SoftwareName": "Contoso Agent",
                  "SoftwareVendor": "Contoso Ltd.",
                  "SoftwareVersion": "4.2"
                }
                """));
        assertThat(nonCpe.deviceId()).isEqualTo("4e1f9c0a7b3d2e6f8a1b0c9d8e7f6a5b4c3d2e1f");
        assertThat(nonCpe.osPlatform()).isEqualTo("Windows11");
        assertThat(nonCpe.rbacGroupId()).isEqualTo(212L);
        assertThat(nonCpe.softwareVendor()).isEqualTo("Contoso Ltd.");
        assertThat(nonCpe.softwareLastSeenTimestamp()).isEqualTo(Instant.parse("2026-03-01T06:00:00.1234567Z"));
        assertThat(nonCpe.numberOfWeaknesses()).isNull();
        assertThat(nonCpe.diskPaths()).isEmpty();
    }

    @Test
    void deltaRowShouldCarryStatusAndEventTimestamp() {
        ExportVulnerability fixed = ExportVulnerability.from(
                json(
                        """
                {
                  "id": "4e1f_chrome_125.0.6422.142_CVE-2025-11111_",
                  "deviceId": "4e1f9c0a7b3d2e6f8a1b0c9d8e7f6a5b4c3d2e1f",
                  "softwareVendor": "google",
                  "softwareName": "chrome",
                  "softwareVersion": "125.0.6422.142",
                  "cveId": "CVE-2025-11111",
                  "vulnerabilitySeverityLevel": "Medium",
                  "lastSeenTimestamp": "2026-02-27 18:00:02",
                  "firstSeenTimestamp": "2026-01-15 09:12:40",
                  "status": "Fixed",
                  "eventTimestamp": "2026-03-01T12:04:51.113Z"
                }
                """));

        assertThat(fixed.status()).isEqualTo("Fixed");
        assertThat(fixed.eventTimestamp()).isEqualTo(Instant.parse("2026-03-01T12:04:51.113Z"));
        assertThat(fixed.isChange()).isTrue();
        assertThat(fixed.isFixed()).isTrue();
        assertThat(fixed.isNew()).isFalse();
        assertThat(fixed.isUpdated()).isFalse();
        assertThat(fixed.cvssScore()).as("the delta example omits cvssScore").isNull();
        assertThat(ExportVulnerability.from(json("{\"Status\": \"new\"}")).isNew())
                .isTrue();
        assertThat(ExportVulnerability.from(json("{\"status\": \"Updated\"}")).isUpdated())
                .isTrue();
    }

    @Test
    void exportTimestampsShouldParseWithAndWithoutFractionAsUtc() {
        ExportVulnerability row = ExportVulnerability.from(
                json(
                        """
                {"firstSeenTimestamp": "2020-11-03 10:13:34.8476880", "lastSeenTimestamp": "2026-03-01 22:10:05"}
                """));

        assertThat(row.firstSeenTimestamp()).isEqualTo(Instant.parse("2020-11-03T10:13:34.847688Z"));
        assertThat(row.lastSeenTimestamp()).isEqualTo(Instant.parse("2026-03-01T22:10:05Z"));
        assertThat(ExportVulnerability.from(json("{\"lastSeenTimestamp\": \"2026-03-01 22:10:05.123\"}"))
                        .lastSeenTimestamp())
                .isEqualTo(Instant.parse("2026-03-01T22:10:05.123Z"));
    }

    @Test
    void odataAndGraphDateTimesShouldParseWithUpToSevenFractionDigitsAndAnyOffset() {
        Alert alert = Alert.from(
                json(
                        """
                {
                  "alertCreationTime": "2021-01-26T20:33:57.7220239Z",
                  "lastUpdateTime": "2021-01-26T20:33:59.2Z",
                  "firstEventTime": "2021-01-26T22:31:32+02:00",
                  "lastEventTime": "2021-01-26T20:31:33Z",
                  "resolvedTime": null
                }
                """));
        assertThat(alert.alertCreationTime()).isEqualTo(Instant.parse("2021-01-26T20:33:57.7220239Z"));
        assertThat(alert.lastUpdateTime()).isEqualTo(Instant.parse("2021-01-26T20:33:59.200Z"));
        assertThat(alert.firstEventTime()).isEqualTo(Instant.parse("2021-01-26T20:31:32Z"));
        assertThat(alert.lastEventTime()).isEqualTo(Instant.parse("2021-01-26T20:31:33Z"));
        assertThat(alert.resolvedTime()).isNull();

        assertThat(Organization.from(json("{\"createdDateTime\": \"2021-09-01T14:59:04Z\"}"))
                        .createdDateTime())
                .isEqualTo(Instant.parse("2021-09-01T14:59:04Z"));
        assertThat(Machine.from(json("{\"lastSeen\": \"2024-01-25T18:45:56.688814Z\"}"))
                        .lastSeen())
                .isEqualTo(Instant.parse("2024-01-25T18:45:56.688814Z"));
    }

    @Test
    void unparseableDateShouldBecomeNullWithoutThrowing() {
        String text =
                """
                {
                  "id": "m1",
                  "firstSeen": "yesterday",
                  "lastSeen": "2021-02-30T00:00:00Z",
                  "vmMetadata": "not-an-object",
                  "ipAddresses": "10.0.0.1"
                }
                """;
        Machine machine = Machine.from(json(text));

        assertThat(machine.firstSeen()).isNull();
        assertThat(machine.lastSeen()).isNull();
        assertThat(machine.vmMetadata()).isNull();
        assertThat(machine.ipAddresses()).isEmpty();
        assertThat(machine.raw().get("firstSeen").textValue()).isEqualTo("yesterday");
        assertThat(machine.raw()).isEqualTo(json(text));
        for (String bad : List.of("", " ", "12345", "2021-13-01T00:00:00Z", "2021-01-01T00:00:00.1234567891Z")) {
            assertThat(Alert.from(json("{\"lastUpdateTime\": \"" + bad + "\"}")).lastUpdateTime())
                    .as(bad)
                    .isNull();
        }
        assertThat(Alert.from(json("{\"lastUpdateTime\": 1611693237}")).lastUpdateTime())
                .isNull();
        assertThat(Alert.from(json("{\"lastUpdateTime\": {\"at\": \"2021-01-01T00:00:00Z\"}}"))
                        .lastUpdateTime())
                .isNull();
    }

    @Test
    void unknownEnumTextShouldBeKeptAsSentAndHelpersShouldIgnoreCase() {
        Machine machine = Machine.from(
                json(
                        """
                {"healthStatus": "HibernatingSomehow", "onboardingStatus": "onboarded", "riskScore": "Apocalyptic"}
                """));
        assertThat(machine.healthStatus()).isEqualTo("HibernatingSomehow");
        assertThat(machine.riskScore()).isEqualTo("Apocalyptic");
        assertThat(machine.isActive()).isFalse();
        assertThat(machine.isOnboarded()).isTrue();
        assertThat(Machine.from(json("{\"healthStatus\": \"active\"}")).isActive())
                .isTrue();
        assertThat(Machine.from(json("{}")).isActive()).isFalse();

        Alert alert = Alert.from(json("{\"status\": \"RESOLVED\", \"severity\": \"Catastrophic\"}"));
        assertThat(alert.isResolved()).isTrue();
        assertThat(alert.severity()).isEqualTo("Catastrophic");
        assertThat(Alert.from(json("{\"status\": \"InProgress\"}")).isResolved())
                .isFalse();
    }

    @Test
    void unknownFieldsShouldBeKeptInRaw() {
        Machine machine = Machine.from(
                json(
                        """
                {"id": "m1", "brandNewField": {"nested": [1, 2]}, "@odata.context": "https://x/$metadata#Machines"}
                """));

        assertThat(machine.id()).isEqualTo("m1");
        assertThat(machine.raw().get("brandNewField")).isEqualTo(json("{\"nested\": [1, 2]}"));
        assertThat(machine.raw().get("@odata.context").textValue()).isEqualTo("https://x/$metadata#Machines");
        assertThat(Vulnerability.from(json("{\"@odata.type\": \"#x.PublicVulnerabilityDto\", \"id\": \"CVE-1\"}"))
                        .raw()
                        .get("@odata.type")
                        .textValue())
                .isEqualTo("#x.PublicVulnerabilityDto");
    }

    @Test
    void rawShouldBeADeepCopyThatNeitherTheSourceNorTheCallerCanChange() {
        ObjectNode source = (ObjectNode)
                json(
                        """
                {"id": "m1", "machineTags": ["a"], "ipAddresses": [{"ipAddress": "10.0.0.1"}]}
                """);
        Machine machine = Machine.from(source);

        source.put("id", "changed");
        ((ObjectNode) source.get("ipAddresses").get(0)).put("ipAddress", "changed");
        ObjectNode copy = machine.raw();
        copy.put("id", "changed-too");
        copy.withArray("machineTags").add("b");
        machine.ipAddresses().get(0).raw().put("ipAddress", "changed-three");

        assertThat(machine.raw())
                .isEqualTo(
                        json(
                                """
                {"id": "m1", "machineTags": ["a"], "ipAddresses": [{"ipAddress": "10.0.0.1"}]}
                """));
        assertThat(machine.raw()).isNotSameAs(machine.raw());
        assertThat(machine.ipAddresses().get(0).raw().get("ipAddress").textValue())
                .isEqualTo("10.0.0.1");

        ObjectNode passedIn = (ObjectNode) json("{\"id\": \"v1\"}");
        Software software = new Software("v1", null, null, null, null, null, null, null, passedIn);
        passedIn.put("id", "changed");
        assertThat(software.raw().get("id").textValue()).isEqualTo("v1");
    }

    @Test
    void listsShouldBeUnmodifiableAndEmptyWhenAbsentOrNull() {
        Machine absent = Machine.from(json("{\"machineTags\": null}"));
        assertThat(absent.machineTags()).isEmpty();
        assertThat(absent.ipAddresses()).isEmpty();
        assertThat(Alert.from(json("{}")).comments()).isEmpty();
        assertThat(Alert.from(json("{}")).evidence()).isEmpty();
        assertThat(Alert.from(json("{}")).mitreTechniques()).isEmpty();

        Machine machine = Machine.from(json("{\"machineTags\": [\"Finance\", null, \"Laptop\"]}"));
        assertThat(machine.machineTags()).containsExactly("Finance", "Laptop");
        assertThatThrownBy(() -> machine.machineTags().add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> machine.ipAddresses().clear()).isInstanceOf(UnsupportedOperationException.class);

        List<String> groupTypes = new ArrayList<>(List.of("Unified"));
        DirectoryGroup group = new DirectoryGroup(
                "g1",
                null,
                null,
                null,
                null,
                null,
                null,
                groupTypes,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null);
        groupTypes.add("DynamicMembership");
        assertThat(group.groupTypes()).containsExactly("Unified");
        assertThat(group.raw()).isEmpty();
        assertThat(new Organization(null, null, null, null, null, null, null, null, null).verifiedDomains())
                .isEmpty();
    }

    @Test
    void mitreTechniquesShouldParseFromAnArrayOrACommaSeparatedString() {
        assertThat(Alert.from(json("{\"mitreTechniques\": [\"T1064\", \"T1085\", \"T1220\"]}"))
                        .mitreTechniques())
                .containsExactly("T1064", "T1085", "T1220");
        assertThat(Alert.from(json("{\"mitreTechniques\": \"T1064, T1085,,T1220\"}"))
                        .mitreTechniques())
                .containsExactly("T1064", "T1085", "T1220");
        assertThat(Alert.from(json("{\"mitreTechniques\": \"T1204\"}")).mitreTechniques())
                .containsExactly("T1204");
        assertThat(Alert.from(json("{\"mitreTechniques\": \"\"}")).mitreTechniques())
                .isEmpty();
        assertThat(Alert.from(json("{\"mitreTechniques\": null}")).mitreTechniques())
                .isEmpty();
    }

    @Test
    void relatedUserShouldParseFromAnObjectAStringOrNull() {
        RelatedUser object = Alert.from(json("{\"relatedUser\": {\"userName\": \"jdoe\", \"domainName\": \"CORP\"}}"))
                .relatedUser();
        assertThat(object.userName()).isEqualTo("jdoe");
        assertThat(object.domainName()).isEqualTo("CORP");
        assertThat(object.raw()).isEqualTo(json("{\"userName\": \"jdoe\", \"domainName\": \"CORP\"}"));

        Alert withString = Alert.from(json("{\"relatedUser\": \"CORP\\\\jdoe\"}"));
        assertThat(withString.relatedUser().userName()).isEqualTo("jdoe");
        assertThat(withString.relatedUser().domainName()).isEqualTo("CORP");
        assertThat(withString.raw().get("relatedUser").textValue()).isEqualTo("CORP\\jdoe");
        RelatedUser bare = Alert.from(json("{\"relatedUser\": \"jdoe\"}")).relatedUser();
        assertThat(bare.userName()).isEqualTo("jdoe");
        assertThat(bare.domainName()).isNull();

        assertThat(Alert.from(json("{\"relatedUser\": null}")).relatedUser()).isNull();
        assertThat(Alert.from(json("{\"relatedUser\": \"\"}")).relatedUser()).isNull();
        assertThat(Alert.from(json("{}")).relatedUser()).isNull();
    }

    @Test
    void alertShouldParseItsScalarsCommentsAndEvidence() {
        Alert alert = Alert.from(
                json(
                        """
                {
                  "id": "da637472900382838869_1364969609",
                  "incidentId": 1126093,
                  "investigationId": null,
                  "assignedTo": null,
                  "severity": "Low",
                  "status": "New",
                  "investigationState": "Queued",
                  "detectionSource": "WindowsDefenderAtp",
                  "detectorId": "17e10bbc-3a68-474a-8aad-faef14d43952",
                  "category": "Execution",
                  "title": "Example Title",
                  "machineId": "111e6dd8c833c8a052ea231ec1b19adaf497b625",
                  "computerDnsName": "test.example.com",
                  "rbacGroupName": "A",
                  "aadTenantId": "11111111-1253-6432-9bf6-94542403f21c",
                  "comments": [
                    {"comment": "Example Comment", "createdBy": "user@example.com",
                     "createdTime": "2021-01-26T01:00:37.8404534Z"}
                  ],
                  "evidence": [
                    {"entityType": "User", "evidenceCreationTime": "2021-01-26T20:33:58.42Z", "accountName": "name",
                     "domainName": "DOMAIN", "userSid": "S-1-5-21-1", "processId": null},
                    {"entityType": "Process", "evidenceCreationTime": "2021-01-26T20:33:58.6133333Z",
                     "sha1": "111", "fileName": "rundll32.exe", "processId": 3276, "parentProcessId": "8420",
                     "processCreationTime": "2021-01-26T20:31:32.9581596Z", "detectionStatus": "Detected"}
                  ]
                }
                """));

        assertThat(alert.id()).isEqualTo("da637472900382838869_1364969609");
        assertThat(alert.incidentId()).isEqualTo(1126093L);
        assertThat(alert.investigationId()).isNull();
        assertThat(alert.machineId()).isEqualTo("111e6dd8c833c8a052ea231ec1b19adaf497b625");
        assertThat(alert.detectionSource()).isEqualTo("WindowsDefenderAtp");
        assertThat(alert.comments()).singleElement().satisfies(c -> {
            assertThat(c.comment()).isEqualTo("Example Comment");
            assertThat(c.createdBy()).isEqualTo("user@example.com");
            assertThat(c.createdTime()).isEqualTo(Instant.parse("2021-01-26T01:00:37.8404534Z"));
        });
        assertThat(alert.evidence()).hasSize(2);
        AlertEvidence user = alert.evidence().get(0);
        assertThat(user.entityType()).isEqualTo("User");
        assertThat(user.accountName()).isEqualTo("name");
        assertThat(user.userSid()).isEqualTo("S-1-5-21-1");
        assertThat(user.processId()).isNull();
        AlertEvidence process = alert.evidence().get(1);
        assertThat(process.processId()).isEqualTo(3276L);
        assertThat(process.parentProcessId()).isEqualTo(8420L);
        assertThat(process.processCreationTime()).isEqualTo(Instant.parse("2021-01-26T20:31:32.9581596Z"));
        assertThat(process.detectionStatus()).isEqualTo("Detected");
    }

    @Test
    void machineActionShouldAcceptBothLastUpdateSpellings() {
        MachineAction documented = MachineAction.from(
                json(
                        """
                {
                  "id": "9b2f6c1e-3d4a-4e5f-8a9b-0c1d2e3f4a5b",
                  "type": "Isolate",
                  "scope": "Full",
                  "status": "Pending",
                  "machineId": "4e1f9c0a7b3d2e6f8a1b0c9d8e7f6a5b4c3d2e1f",
                  "creationDateTimeUtc": "2026-03-02T09:15:00.1234567Z",
                  "lastUpdateDateTimeUtc": "2026-03-02T09:15:00.1234570Z",
                  "errorHResult": 0,
                  "requestSource": "PublicApi",
                  "relatedFileInfo": null,
                  "commands": []
                }
                """));
        assertThat(documented.lastUpdateDateTimeUtc()).isEqualTo(Instant.parse("2026-03-02T09:15:00.1234570Z"));
        assertThat(documented.creationDateTimeUtc()).isEqualTo(Instant.parse("2026-03-02T09:15:00.1234567Z"));
        assertThat(documented.errorHResult()).isZero();
        assertThat(documented.relatedFileIdentifier()).isNull();
        assertThat(documented.isPending()).isTrue();
        assertThat(documented.isCompleted()).isFalse();

        MachineAction exampleSpelling = MachineAction.from(
                json(
                        """
                {
                  "id": "a1",
                  "type": "RunAntiVirusScan",
                  "status": "Succeeded",
                  "lastUpdateTimeUtc": "2019-01-03T10:13:45.5632218Z",
                  "relatedFileInfo": {"fileIdentifier": "abc", "fileIdentifierType": "Sha1"}
                }
                """));
        assertThat(exampleSpelling.lastUpdateDateTimeUtc()).isEqualTo(Instant.parse("2019-01-03T10:13:45.5632218Z"));
        assertThat(exampleSpelling.relatedFileIdentifier()).isEqualTo("abc");
        assertThat(exampleSpelling.relatedFileIdentifierType()).isEqualTo("Sha1");
        assertThat(exampleSpelling.isCompleted()).isTrue();
        assertThat(exampleSpelling.isSucceeded()).isTrue();

        assertThat(MachineAction.from(json("{\"status\": \"inprogress\"}")).isPending())
                .isTrue();
        assertThat(MachineAction.from(json("{\"status\": \"TimeOut\"}")).isCompleted())
                .isTrue();
        assertThat(MachineAction.from(json("{}")).isCompleted()).isFalse();
    }

    @Test
    void graphMemberShouldTakeItsTypeFromOdataTypeAndCarryTheTypedUserOrGroup() {
        DirectoryObject group = DirectoryObject.from(
                json(
                        """
                {"@odata.type": "#microsoft.graph.group", "id": "7d8e9f00-1122-3344-5566-778899aabbcc",
                 "displayName": "Nested-Group", "groupTypes": ["DynamicMembership"], "securityEnabled": true}
                """));
        assertThat(group.type()).isEqualTo("group");
        assertThat(group.odataType()).isEqualTo("#microsoft.graph.group");
        assertThat(group.isGroup()).isTrue();
        assertThat(group.id()).isEqualTo("7d8e9f00-1122-3344-5566-778899aabbcc");
        assertThat(group.displayName()).isEqualTo("Nested-Group");
        assertThat(group.user()).isNull();
        assertThat(group.group().displayName()).isEqualTo("Nested-Group");
        assertThat(group.group().securityEnabled()).isTrue();
        assertThat(group.group().isDynamic()).isTrue();

        DirectoryObject user = DirectoryObject.from(
                json(
                        """
                {"@odata.type": "#microsoft.graph.user", "id": "0c3f5e1a-2b4d-4c6e-8f0a-1b2c3d4e5f60",
                 "displayName": "Jane Doe", "userPrincipalName": "jdoe@corp.example.com"}
                """));
        assertThat(user.type()).isEqualTo("user");
        assertThat(user.isUser()).isTrue();
        assertThat(user.group()).isNull();
        assertThat(user.user().userPrincipalName()).isEqualTo("jdoe@corp.example.com");

        DirectoryObject device = DirectoryObject.from(
                json(
                        """
                {"@odata.type": "#microsoft.graph.device", "id": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
                 "displayName": "WS-0142", "deviceId": "6f1d3c2b-9a8e-4f7d-b6c5-a4e3d2c1b0a9"}
                """));
        assertThat(device.type()).isEqualTo("device");
        assertThat(device.isDevice()).isTrue();
        assertThat(device.deviceId()).isEqualTo("6f1d3c2b-9a8e-4f7d-b6c5-a4e3d2c1b0a9");
        assertThat(device.user()).isNull();
        assertThat(device.group()).isNull();

        DirectoryObject principal =
                DirectoryObject.from(json("{\"@odata.type\": \"#microsoft.graph.servicePrincipal\", \"id\": \"s1\"}"));
        assertThat(principal.type()).isEqualTo("servicePrincipal");
        assertThat(principal.user()).isNull();
        assertThat(principal.group()).isNull();
        assertThat(principal.displayName()).isNull();

        assertThat(DirectoryObject.from(json("{\"id\": \"x\"}")).type()).isNull();
        assertThat(DirectoryObject.from(json("{\"@odata.type\": \"#Microsoft.Graph.User\"}"))
                        .isUser())
                .isTrue();
    }

    @Test
    void huntingResultShouldReadLegacyAndGraphCasing() {
        HuntingResult legacy = HuntingResult.from(
                json(
                        """
                {
                  "Schema": [
                    {"Name": "Timestamp", "Type": "DateTime"},
                    {"Name": "DeviceId", "Type": "String"},
                    {"Name": "DeviceName", "Type": "String"},
                    {"Name": "OSBuild", "Type": "Int64"}
                  ],
                  "Results": [
                    {"Timestamp": "2026-03-01T10:00:00.1234567Z", "DeviceId": "4e1f", "DeviceName": "ws-0142",
                     "OSBuild": 22631},
                    {"Timestamp": "2026-03-01T11:00:00Z", "DeviceId": "7a6b", "DeviceName": "srv-db01",
                     "OSBuild": null}
                  ]
                }
                """));
        HuntingResult graph = HuntingResult.from(
                json(
                        """
                {
                  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#security.huntingQueryResults",
                  "schema": [
                    {"name": "Timestamp", "type": "DateTime"},
                    {"name": "DeviceId", "type": "String"},
                    {"name": "DeviceName", "type": "String"},
                    {"name": "OSBuild", "type": "Int64"}
                  ],
                  "results": [
                    {"Timestamp": "2026-03-01T10:00:00.1234567Z", "DeviceId": "4e1f", "DeviceName": "ws-0142",
                     "OSBuild": 22631},
                    {"Timestamp": "2026-03-01T11:00:00Z", "DeviceId": "7a6b", "DeviceName": "srv-db01",
                     "OSBuild": null}
                  ]
                }
                """));

        for (HuntingResult result : List.of(legacy, graph)) {
            assertThat(result.columnNames()).containsExactly("Timestamp", "DeviceId", "DeviceName", "OSBuild");
            assertThat(result.columns().get(0).type()).isEqualTo("DateTime");
            assertThat(result.rowCount()).isEqualTo(2);
            assertThat(result.rows()).hasSize(2);
            assertThat(result.text(0, "DeviceName")).isEqualTo("ws-0142");
            assertThat(result.text(1, "devicename")).isEqualTo("srv-db01");
            assertThat(result.instant(0, "Timestamp")).isEqualTo(Instant.parse("2026-03-01T10:00:00.1234567Z"));
            assertThat(result.longValue(0, "OSBuild")).isEqualTo(22631L);
            assertThat(result.longValue(1, "OSBuild")).isNull();
            assertThat(result.cell(0, "DeviceId").textValue()).isEqualTo("4e1f");
            assertThat(result.text(5, "DeviceId")).isNull();
            assertThat(result.cell(0, "NoSuchColumn")).isNull();
        }
        legacy.rows().get(0).put("DeviceName", "changed");
        assertThat(legacy.text(0, "DeviceName")).isEqualTo("ws-0142");
        assertThat(HuntingResult.from(json("{}")).rowCount()).isZero();
        assertThat(HuntingResult.from(json("{}")).columns()).isEmpty();
    }

    @Test
    void computerDnsNameShouldSplitIntoHostNameAndDomainAtTheFirstDot() {
        Machine fqdn = Machine.from(json("{\"computerDnsName\": \"ws-0142.corp.example.com\"}"));
        assertThat(fqdn.hostName()).isEqualTo("ws-0142");
        assertThat(fqdn.dnsDomain()).isEqualTo("corp.example.com");

        Machine bare = Machine.from(json("{\"computerDnsName\": \"se-pov-desktop\"}"));
        assertThat(bare.hostName()).isEqualTo("se-pov-desktop");
        assertThat(bare.dnsDomain()).isNull();

        assertThat(Machine.from(json("{\"computerDnsName\": \"host.\"}")).dnsDomain())
                .isNull();
        Machine none = Machine.from(json("{\"computerDnsName\": null}"));
        assertThat(none.hostName()).isNull();
        assertThat(none.dnsDomain()).isNull();
    }

    @Test
    void numbersAndBooleansShouldParseFromNumericAndBooleanText() {
        assertThat(ExportVulnerability.from(json("{\"cvssScore\": 8.1}")).cvssScore())
                .isEqualTo(8.1);
        assertThat(ExportVulnerability.from(json("{\"cvssScore\": \"7.5\"}")).cvssScore())
                .isEqualTo(7.5);
        assertThat(ExportVulnerability.from(json("{\"cvssScore\": \"n/a\"}")).cvssScore())
                .isNull();
        assertThat(ExportVulnerability.from(json("{\"cvssScore\": \"\"}")).cvssScore())
                .isNull();
        assertThat(Vulnerability.from(json("{\"cvssV3\": \"9.8\", \"exposedMachines\": \"37\"}")))
                .satisfies(v -> {
                    assertThat(v.cvssV3()).isEqualTo(9.8);
                    assertThat(v.exposedMachines()).isEqualTo(37L);
                });
        Machine machine = Machine.from(json("{\"osBuild\": \"19044\", \"isAadJoined\": \"TRUE\"}"));
        assertThat(machine.osBuild()).isEqualTo(19044L);
        assertThat(machine.isAadJoined()).isTrue();
        assertThat(Machine.from(json("{\"osBuild\": 19044.5, \"isAadJoined\": \"maybe\"}")))
                .satisfies(m -> {
                    assertThat(m.osBuild()).isNull();
                    assertThat(m.isAadJoined()).isNull();
                });
        assertThat(SoftwareInventoryRow.from(json("{\"numberOfWeaknesses\": 99999999999}"))
                        .numberOfWeaknesses())
                .isNull();
        assertThat(Vulnerability.from(json("{\"cveSupportability\": [\"Supported\", \"SupportedInPremium\"]}"))
                        .cveSupportability())
                .isEqualTo("Supported, SupportedInPremium");
    }

    @Test
    void nonObjectInputShouldGiveAnEmptyModelInsteadOfThrowing() {
        List<Function<JsonNode, Record>> parsers = List.of(
                Machine::from,
                IpAddress::from,
                VmMetadata::from,
                Vulnerability::from,
                MachineVulnerability::from,
                MachineReference::from,
                ExportVulnerability::from,
                SoftwareInventoryRow::from,
                Software::from,
                Alert::from,
                AlertEvidence::from,
                AlertComment::from,
                RelatedUser::from,
                LogonUser::from,
                MachineAction::from,
                HuntingResult::from,
                HuntingColumn::from,
                Organization::from,
                VerifiedDomain::from,
                DirectoryUser::from,
                DirectoryGroup::from,
                DirectoryObject::from);
        List<JsonNode> odd = new ArrayList<>(List.of(NullNode.getInstance(), json("[1, 2]"), json("42")));
        odd.add(null);
        for (Function<JsonNode, Record> parser : parsers) {
            for (JsonNode node : odd) {
                assertThatCode(() -> parser.apply(node)).as("%s", node).doesNotThrowAnyException();
            }
        }
        Machine empty = Machine.from(NullNode.getInstance());
        assertThat(empty.id()).isNull();
        assertThat(empty.raw()).isEmpty();
        assertThat(RelatedUser.from(TextNode.valueOf("jdoe")).raw()).isEmpty();
    }

    @Test
    void organizationShouldExposeVerifiedDomainsAndTheDefaultDomain() {
        Organization organization = Organization.from(
                json(
                        """
                {
                  "id": "11111111-2222-3333-4444-555555555555",
                  "displayName": "Example Corp",
                  "tenantType": "AAD",
                  "countryLetterCode": "DE",
                  "onPremisesSyncEnabled": true,
                  "verifiedDomains": [
                    {"name": "example.onmicrosoft.com", "type": "Managed", "isDefault": false, "isInitial": true,
                     "capabilities": "Email, OfficeCommunicationsOnline"},
                    {"name": "corp.example.com", "type": "Federated", "isDefault": true, "isInitial": false,
                     "capabilities": "Email"}
                  ]
                }
                """));

        assertThat(organization.id()).isEqualTo("11111111-2222-3333-4444-555555555555");
        assertThat(organization.tenantType()).isEqualTo("AAD");
        assertThat(organization.onPremisesSyncEnabled()).isTrue();
        assertThat(organization.verifiedDomains())
                .extracting(VerifiedDomain::name)
                .containsExactly("example.onmicrosoft.com", "corp.example.com");
        assertThat(organization.verifiedDomains().get(0).isInitial()).isTrue();
        assertThat(organization.verifiedDomains().get(0).capabilities()).isEqualTo("Email, OfficeCommunicationsOnline");
        assertThat(organization.defaultDomain()).isEqualTo("corp.example.com");
    }

    @Test
    void directoryUserShouldReadSelectedOnPremisesProperties() {
        DirectoryUser user = DirectoryUser.from(
                json(
                        """
                {
                  "id": "0c3f5e1a-2b4d-4c6e-8f0a-1b2c3d4e5f60",
                  "userPrincipalName": "jdoe@corp.example.com",
                  "displayName": "Jane Doe",
                  "accountEnabled": true,
                  "userType": "guest",
                  "businessPhones": ["+49 30 1234"],
                  "onPremisesSamAccountName": "jdoe",
                  "onPremisesDomainName": "corp.example.com",
                  "onPremisesSecurityIdentifier": "S-1-5-21-1111111111-2222222222-3333333333-1104"
                }
                """));
        assertThat(user.accountEnabled()).isTrue();
        assertThat(user.isGuest()).isTrue();
        assertThat(user.businessPhones()).containsExactly("+49 30 1234");
        assertThat(user.onPremisesSamAccountName()).isEqualTo("jdoe");
        assertThat(user.onPremisesSecurityIdentifier()).isEqualTo("S-1-5-21-1111111111-2222222222-3333333333-1104");
        assertThat(user.mail()).isNull();
    }

    @Test
    void smallerEntitiesShouldParseTheReferenceExamples() {
        MachineVulnerability row = MachineVulnerability.from(
                json(
                        """
                {"id": "4e1f-_-CVE-2025-12345-_-google-_-chrome-_-126.0.6478.127-_-", "cveId": "CVE-2025-12345",
                 "machineId": "4e1f", "fixingKbId": 3185911, "productName": "chrome", "productVendor": "google",
                 "productVersion": "126.0.6478.127", "severity": "High"}
                """));
        assertThat(row.cveId()).isEqualTo("CVE-2025-12345");
        assertThat(row.machineId()).isEqualTo("4e1f");
        assertThat(row.fixingKbId()).isEqualTo("3185911");
        assertThat(row.productVersion()).isEqualTo("126.0.6478.127");

        MachineReference reference = MachineReference.from(
                json(
                        """
                {"id": "4e1f", "computerDnsName": "ws-0142", "osPlatform": "Windows11", "rbacGroupName": "EU"}
                """));
        assertThat(reference.computerDnsName()).isEqualTo("ws-0142");
        assertThat(reference.rbacGroupName()).isEqualTo("EU");

        Software software = Software.from(
                json(
                        """
                {"id": "google-_-chrome", "name": "chrome", "vendor": "google", "weaknesses": 38,
                 "publicExploit": true, "activeAlert": false, "exposedMachines": 410, "impactScore": 3.41823}
                """));
        assertThat(software.weaknesses()).isEqualTo(38L);
        assertThat(software.exposedMachines()).isEqualTo(410L);
        assertThat(software.impactScore()).isEqualTo(3.41823);
        assertThat(software.publicExploit()).isTrue();

        LogonUser logon = LogonUser.from(
                json(
                        """
                {"id": "corp\\\\jdoe", "accountName": "jdoe", "accountDomain": "corp",
                 "firstSeen": "2025-11-02T07:55:10Z", "lastSeen": "2026-03-01T08:02:44Z",
                 "logonTypes": "Interactive, Network", "logOnMachinesCount": 2, "isDomainAdmin": false,
                 "isOnlyNetworkUser": false}
                """));
        assertThat(logon.id()).isEqualTo("corp\\jdoe");
        assertThat(logon.accountSid()).isNull();
        assertThat(logon.lastSeen()).isEqualTo(Instant.parse("2026-03-01T08:02:44Z"));
        assertThat(logon.logonTypeList()).containsExactly("Interactive", "Network");
        assertThat(logon.logOnMachinesCount()).isEqualTo(2L);
        assertThat(logon.isDomainAdmin()).isFalse();

        Machine machine = Machine.from(
                json(
                        """
                {"ipAddresses": [{"ipAddress": "127.0.0.1", "macAddress": null, "type": "SoftwareLoopback",
                                  "operationalStatus": "Up"}],
                 "vmMetadata": {"vmId": "v1", "cloudProvider": "Azure", "resourceId": "/subscriptions/s/vm",
                                "subscriptionId": "s"}}
                """));
        assertThat(machine.ipAddresses()).singleElement().satisfies(ip -> {
            assertThat(ip.macAddress()).isNull();
            assertThat(ip.type()).isEqualTo("SoftwareLoopback");
            assertThat(ip.isUp()).isTrue();
        });
        assertThat(machine.vmMetadata().cloudProvider()).isEqualTo("Azure");
        assertThat(machine.vmMetadata().subscriptionId()).isEqualTo("s");
    }

    private static String lowerFirst(String name) {
        return Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }
}
