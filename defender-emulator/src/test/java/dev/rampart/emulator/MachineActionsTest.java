package dev.rampart.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MachineActionsTest {
    DefenderEmulator emulator;
    SandboxHttp http;

    @BeforeEach
    void start() {
        emulator = DefenderEmulator.builder()
                .devices(200)
                .quotas("off")
                .start(Instant.parse("2026-03-02T06:00:00Z"))
                .start();
        http = new SandboxHttp(emulator);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private String machine(String filter) {
        JsonNode v = http.get("/api/machines?$top=1&$filter=" + filter).json().get("value");
        assertThat(v).as("a machine matching " + filter).isNotEmpty();
        return v.get(0).get("id").asText();
    }

    private String activeWindows() {
        return machine("healthStatus eq 'Active' and onboardingStatus eq 'Onboarded' and osPlatform eq 'Windows11'");
    }

    @Test
    void isolationShouldGoPendingInProgressSucceededOnTheClock() {
        String id = activeWindows();
        var created = http.post(
                "/api/machines/" + id + "/isolate", "{\"Comment\":\"ticket 4711\",\"IsolationType\":\"Selective\"}");
        assertThat(created.status()).isEqualTo(201);
        JsonNode a = created.json();
        assertThat(a.get("@odata.context").asText()).endsWith("/api/$metadata#MachineActions/$entity");
        assertThat(a.get("status").asText()).isEqualTo("Pending");
        assertThat(a.get("type").asText()).isEqualTo("Isolate");
        assertThat(a.get("scope").asText()).isEqualTo("Selective");
        assertThat(a.get("requestSource").asText()).isEqualTo("PublicApi");
        assertThat(a.get("requestorComment").asText()).isEqualTo("ticket 4711");
        assertThat(a.get("machineId").asText()).isEqualTo(id);
        String actionId = a.get("id").asText();

        emulator.advance(Duration.ofMinutes(2));
        assertThat(http.get("/api/machineactions/" + actionId)
                        .json()
                        .get("status")
                        .asText())
                .isEqualTo("InProgress");
        emulator.advance(Duration.ofMinutes(5));
        JsonNode done = http.get("/api/machineactions/" + actionId).json();
        assertThat(done.get("status").asText()).isEqualTo("Succeeded");
        assertThat(done.get("lastUpdateDateTimeUtc").asText())
                .isNotEqualTo(done.get("creationDateTimeUtc").asText());

        JsonNode state = http.control("GET", "/machines/" + id, null).json();
        assertThat(state.get("isolated").asBoolean()).isTrue();
        assertThat(state.get("isolationType").asText()).isEqualTo("Selective");

        assertThat(http.post("/api/machines/" + id + "/unisolate", "{\"Comment\":\"done\"}")
                        .status())
                .isEqualTo(201);
        emulator.advance(Duration.ofMinutes(10));
        assertThat(http.control("GET", "/machines/" + id, null)
                        .json()
                        .get("isolated")
                        .asBoolean())
                .isFalse();
    }

    @Test
    void secondActionOfTheSameTypeWhilePendingShouldBeActiveRequestAlreadyExists() {
        String id = activeWindows();
        assertThat(http.post(
                                "/api/machines/" + id + "/runAntiVirusScan",
                                "{\"Comment\":\"scan\",\"ScanType\":\"Quick\"}")
                        .status())
                .isEqualTo(201);
        var again =
                http.post("/api/machines/" + id + "/runAntiVirusScan", "{\"Comment\":\"scan\",\"ScanType\":\"Full\"}");
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.json().at("/error/code").asText()).isEqualTo("ActiveRequestAlreadyExists");
        assertThat(again.json().at("/error/message").asText()).isEqualTo("Action is already in progress");
        // another type is independent
        assertThat(http.post("/api/machines/" + id + "/isolate", "{\"Comment\":\"x\"}")
                        .status())
                .isEqualTo(201);
        emulator.advance(Duration.ofHours(1));
        assertThat(http.post(
                                "/api/machines/" + id + "/runAntiVirusScan",
                                "{\"Comment\":\"scan\",\"ScanType\":\"Full\"}")
                        .status())
                .isEqualTo(201);
    }

    @Test
    void bodyKeysAreCaseSensitiveAndRequired() {
        String id = activeWindows();
        var lower = http.post("/api/machines/" + id + "/isolate", "{\"comment\":\"x\"}");
        assertThat(lower.status()).isEqualTo(400);
        assertThat(lower.json().at("/error/code").asText()).isEqualTo("MissingRequiredParameter");
        var noScanType = http.post("/api/machines/" + id + "/runAntiVirusScan", "{\"Comment\":\"x\"}");
        assertThat(noScanType.json().at("/error/code").asText()).isEqualTo("MissingRequiredParameter");
        var badType =
                http.post("/api/machines/" + id + "/isolate", "{\"Comment\":\"x\",\"IsolationType\":\"Partial\"}");
        assertThat(badType.json().at("/error/code").asText()).isEqualTo("InvalidRequestBody");
        var notJson = http.post("/api/machines/" + id + "/isolate", "Comment=x");
        assertThat(notJson.json().at("/error/code").asText()).isEqualTo("InvalidRequestBody");
    }

    @Test
    void actionOnAnInactiveDeviceShouldStayPendingThenTimeOut() {
        String id = machine("healthStatus eq 'Inactive'");
        String actionId = http.post("/api/machines/" + id + "/isolate", "{\"Comment\":\"x\"}")
                .json()
                .get("id")
                .asText();
        emulator.advance(Duration.ofHours(2));
        assertThat(http.get("/api/machineactions/" + actionId)
                        .json()
                        .get("status")
                        .asText())
                .isEqualTo("Pending");
        emulator.advance(Duration.ofDays(1));
        JsonNode dayLater = http.get("/api/machineactions/" + actionId).json();
        assertThat(dayLater.get("status").asText())
                .as("still waiting a day later")
                .isEqualTo("Pending");
        assertThat(dayLater.get("errorHResult").asInt()).isZero();
        emulator.advance(Duration.ofDays(2));
        JsonNode ended = http.get("/api/machineactions/" + actionId).json();
        assertThat(ended.get("status").asText())
                .as("about three days after the request")
                .isEqualTo("TimeOut");
        assertThat(ended.get("errorHResult").asInt()).isEqualTo(-2145844840);
    }

    @Test
    void actionOnADeviceWithImpairedCommunicationShouldFail() {
        String id = activeWindows();
        http.control("POST", "/machines/" + id, "{\"healthStatus\":\"ImpairedCommunication\"}");
        String actionId = http.post(
                        "/api/machines/" + id + "/runAntiVirusScan", "{\"Comment\":\"x\",\"ScanType\":\"Quick\"}")
                .json()
                .get("id")
                .asText();
        emulator.advance(Duration.ofMinutes(30));
        JsonNode a = http.get("/api/machineactions/" + actionId).json();
        assertThat(a.get("status").asText()).isEqualTo("Failed");
        assertThat(a.get("errorHResult").asInt()).isNotZero();
    }

    @Test
    void mobileDevicesCannotBeIsolated() {
        var r = http.post(
                "/api/machines/" + machine("osPlatform eq 'iOS' or osPlatform eq 'Android'") + "/isolate",
                "{\"Comment\":\"x\"}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().at("/error/code").asText()).isEqualTo("OsPlatformNotSupported");
    }

    @Test
    void listShouldFilterByMachineAndTypeAndCancelShouldStopAPendingAction() {
        String id = activeWindows();
        String actionId = http.post("/api/machines/" + id + "/isolate", "{\"Comment\":\"x\"}")
                .json()
                .get("id")
                .asText();
        http.post("/api/machines/" + id + "/runAntiVirusScan", "{\"Comment\":\"x\",\"ScanType\":\"Quick\"}");
        JsonNode list = http.get("/api/machineactions?$filter=machineId eq '" + id + "' and type eq 'Isolate'")
                .json();
        assertThat(list.get("@odata.context").asText()).endsWith("#MachineActions");
        assertThat(list.get("value")).hasSize(1);
        var cancelled = http.post("/api/machineactions/" + actionId + "/cancel", "{\"Comment\":\"wrong device\"}");
        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.json().get("status").asText()).isEqualTo("Cancelled");
        assertThat(cancelled.json().get("cancellationComment").asText()).isEqualTo("wrong device");
        assertThat(cancelled.json().get("errorHResult").asInt()).isEqualTo(-2147467260);
        assertThat(http.post("/api/machineactions/" + actionId + "/cancel", "{\"Comment\":\"again\"}")
                        .status())
                .isEqualTo(400);
        assertThat(http.get("/api/machineactions/00000000-0000-0000-0000-000000000000")
                        .status())
                .isEqualTo(404);
    }
}
