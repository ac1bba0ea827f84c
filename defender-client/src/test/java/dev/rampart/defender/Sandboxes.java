package dev.rampart.defender;

import dev.rampart.defender.http.RetryPolicy;
import dev.rampart.emulator.DefenderEmulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/** Test fixtures: emulators and clients pointed at them. */
final class Sandboxes {
    static final Instant START = Instant.parse("2026-03-02T06:00:00Z");
    static final RetryPolicy FAST = new RetryPolicy(3, Duration.ofMillis(5), Duration.ofMillis(50));
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private Sandboxes() {}

    static DefenderEmulator emulator(int devices) {
        return DefenderEmulator.builder()
                .devices(devices)
                .quotas("off")
                .start(START)
                .vulnerabilitiesPerDevice(10)
                .start();
    }

    static DefenderClient client(DefenderEmulator e) {
        return client(e, b -> {});
    }

    static DefenderClient client(DefenderEmulator e, Consumer<DefenderClientBuilder> tweak) {
        DefenderClientBuilder b = new DefenderClientBuilder()
                .tenantId(e.tenantId())
                .clientId(e.clientId())
                .credential(Credential.secret(e.clientSecret()))
                .sandbox(URI.create(e.baseUrl()))
                .retryPolicy(FAST)
                .rateLimit(false);
        tweak.accept(b);
        return b.build();
    }

    /** Calls the emulator's control API. */
    static String control(DefenderEmulator e, String method, String path, String json) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(e.controlUrl() + path))
                    .header("Content-Type", "application/json")
                    .method(
                            method,
                            json == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(json));
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 300) {
                throw new AssertionError("control " + path + " answered " + r.statusCode() + ": " + r.body());
            }
            return r.body();
        } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    static void fault(DefenderEmulator e, String json) {
        control(e, "POST", "/faults", json);
    }
}
