package dev.rampart.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rampart.emulator.junit.EmulatorExtension;
import dev.rampart.emulator.junit.Sandbox;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EmulatorExtension.class)
@Sandbox(devices = 2500)
class GraphApiTest {
    private final DefenderEmulator emulator;
    private final SandboxHttp http;

    GraphApiTest(DefenderEmulator emulator) {
        this.emulator = emulator;
        this.http = new SandboxHttp(emulator);
    }

    @Test
    void organizationShouldBeTheOneTenant() {
        JsonNode body = http.get("/v1.0/organization").json();
        assertThat(body.get("@odata.context").asText()).endsWith("/v1.0/$metadata#organization");
        JsonNode org = body.get("value").get(0);
        assertThat(org.get("id").asText()).isEqualTo(emulator.tenantId());
        assertThat(org.get("verifiedDomains").toString())
                .contains(emulator.tenant().initialDomain());
    }

    @Test
    void usersShouldPageWithSkiptokenAndHonourTop() {
        Set<String> ids = new HashSet<>();
        String url =
                "/v1.0/users?$top=999&$select=id,userPrincipalName,onPremisesSamAccountName,onPremisesSecurityIdentifier";
        int pages = 0;
        while (url != null) {
            JsonNode body = http.get(url).json();
            pages++;
            for (JsonNode u : body.get("value")) {
                assertThat(u.fieldNames())
                        .toIterable()
                        .containsExactly(
                                "id", "userPrincipalName", "onPremisesSamAccountName", "onPremisesSecurityIdentifier");
                assertThat(ids.add(u.get("id").asText())).isTrue();
            }
            url = body.has("@odata.nextLink") ? body.get("@odata.nextLink").asText() : null;
            if (url != null) {
                assertThat(url).contains("$skiptoken=").contains("$top=999");
            }
        }
        assertThat(ids).hasSize(emulator.tenant().userCount());
        assertThat(pages).isEqualTo((emulator.tenant().userCount() + 998) / 999);
    }

    @Test
    void defaultUserPageShouldBe100WithTheDefaultProperties() {
        JsonNode body = http.get("/v1.0/users").json();
        assertThat(body.get("value")).hasSize(100);
        assertThat(body.get("value").get(0).fieldNames())
                .toIterable()
                .containsExactly(
                        "businessPhones",
                        "displayName",
                        "givenName",
                        "jobTitle",
                        "mail",
                        "mobilePhone",
                        "officeLocation",
                        "preferredLanguage",
                        "surname",
                        "userPrincipalName",
                        "id");
    }

    @Test
    void invalidPagingShouldBeRefusedLikeGraph() {
        var big = http.get("/v1.0/users?$top=1000");
        assertThat(big.status()).isEqualTo(400);
        assertThat(big.json().at("/error/message").asText())
                .isEqualTo("Invalid page size specified: '1000'. Must be between 1 and 999 inclusive.");
        assertThat(big.json().at("/error/innerError/date").asText()).isNotBlank();
        assertThat(http.get("/v1.0/users?$skip=10").status()).isEqualTo(400);
        assertThat(http.get("/v1.0/users?$select=nope").status()).isEqualTo(400);
        assertThat(http.get("/v1.0/users?$select=birthday").status()).isEqualTo(501);
    }

    @Test
    void transitiveMembersShouldIncludeNestedGroupsAndTheirUsers() {
        JsonNode groups = http.get("/v1.0/groups?$top=999").json().get("value");
        String allStaff = null;
        for (JsonNode g : groups) {
            if (g.get("displayName").asText().equals("All Staff")) {
                allStaff = g.get("id").asText();
            }
        }
        assertThat(allStaff).isNotNull();
        JsonNode direct =
                http.get("/v1.0/groups/" + allStaff + "/members?$top=999").json();
        JsonNode transitive = http.get("/v1.0/groups/" + allStaff + "/transitiveMembers?$top=999")
                .json();
        assertThat(direct.get("@odata.context").asText()).endsWith("#directoryObjects");
        assertThat(direct.get("value").toString())
                .contains("#microsoft.graph.group")
                .contains("#microsoft.graph.user");
        assertThat(transitive.get("value").size())
                .isGreaterThan(direct.get("value").size());
        Set<String> directIds = new HashSet<>();
        direct.get("value").forEach(m -> directIds.add(m.get("id").asText()));
        Set<String> transitiveIds = new HashSet<>();
        transitive.get("value").forEach(m -> transitiveIds.add(m.get("id").asText()));
        assertThat(transitiveIds).containsAll(directIds);
        assertThat(http.get("/v1.0/groups/00000000-0000-0000-0000-000000000000/members")
                        .status())
                .isEqualTo(404);
    }

    @Test
    void directoryUsersShouldMatchDefenderLogonUsers() {
        JsonNode machine = http.get("/api/machines?$top=1&$filter=onboardingStatus eq 'Onboarded'")
                .json()
                .get("value")
                .get(0);
        JsonNode logon = http.get("/api/machines/" + machine.get("id").asText() + "/logonusers")
                .json()
                .get("value")
                .get(0);
        String sid = logon.get("accountSid").asText();
        boolean found = false;
        String url = "/v1.0/users?$top=999&$select=onPremisesSecurityIdentifier,onPremisesSamAccountName";
        while (url != null && !found) {
            JsonNode body = http.get(url).json();
            for (JsonNode u : body.get("value")) {
                if (u.get("onPremisesSecurityIdentifier").asText().equals(sid)) {
                    assertThat(u.get("onPremisesSamAccountName").asText())
                            .isEqualTo(logon.get("accountName").asText());
                    found = true;
                }
            }
            url = body.has("@odata.nextLink") ? body.get("@odata.nextLink").asText() : null;
        }
        assertThat(found).isTrue();
    }

    @Test
    void graphHuntingShouldAnswerInLowerCase() {
        var r = http.post(
                "/v1.0/security/runHuntingQuery",
                "{\"Query\":\"DeviceInfo | summarize arg_max(Timestamp, *) by DeviceId | project DeviceId, LoggedOnUsers | take 3\"}");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        JsonNode body = r.json();
        assertThat(body.get("schema").get(0).get("name").asText()).isEqualTo("DeviceId");
        assertThat(body.get("results")).hasSize(3);
    }
}
