package dev.rampart.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Memory must not grow with the tenant: a 60,000-device tenant is paged through in a JVM whose heap (96 MB) is far
 * smaller than the tenant would need if it were held in memory. The 200,000-device figure comes from the benchmark
 * ({@code ./rampart emulator-bench}, see DEVELOPING.md); this is its small, CI-sized twin.
 */
class BoundedMemoryTest {
    @Test
    void sixtyThousandDevicesShouldPageThroughA96MegabyteHeap() throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(
                javaBin,
                "-Xmx96m",
                "-XX:+ExitOnOutOfMemoryError",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.rampart.emulator.bench.EmulatorBench",
                "--devices",
                "60000",
                "--vulns-per-device",
                "20",
                "--max-export-rows",
                "400000",
                "--paging-only");
        java.io.File log = java.io.File.createTempFile("bounded-memory", ".log");
        log.deleteOnExit();
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log)
                .start();
        boolean finished = p.waitFor(240, TimeUnit.SECONDS);
        if (!finished) {
            p.destroyForcibly();
        }
        String output = java.nio.file.Files.readString(log.toPath(), StandardCharsets.UTF_8);
        assertThat(finished).as("bench finished in time: " + output).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        String last = output.lines()
                .filter(l -> l.startsWith("{"))
                .reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError(output));
        JsonNode r = SandboxHttp.JSON.readTree(last);
        assertThat(r.get("machines").asLong()).isEqualTo(60_000);
        assertThat(r.get("exportRows").asLong()).isEqualTo(400_000);
        assertThat(r.get("maxUsedHeapMb").asLong()).isLessThanOrEqualTo(96);
    }
}
