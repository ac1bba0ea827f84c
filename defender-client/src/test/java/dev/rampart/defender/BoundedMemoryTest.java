package dev.rampart.defender;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Paging holds one page at most: 60,000 machines (seven pages: 10,000 each, each next page re-reading 100 for drift) go through a JVM whose 192 MB heap also holds
 * the sandbox serving them. A client that kept every machine would need several times that.
 */
class BoundedMemoryTest {
    @Test
    void sixtyThousandMachinesShouldPageThroughASmallHeap() throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        File log = File.createTempFile("client-memory", ".log");
        log.deleteOnExit();
        Process p = new ProcessBuilder(List.of(
                        javaBin,
                        "-Xmx192m",
                        "-XX:+ExitOnOutOfMemoryError",
                        "-cp",
                        System.getProperty("java.class.path"),
                        MemoryProbe.class.getName(),
                        "60000"))
                .redirectErrorStream(true)
                .redirectOutput(log)
                .start();
        boolean finished = p.waitFor(240, TimeUnit.SECONDS);
        if (!finished) {
            p.destroyForcibly();
        }
        String output = Files.readString(log.toPath(), StandardCharsets.UTF_8);
        assertThat(finished).as(output).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output.lines().filter(l -> l.matches("\\d+ \\d+")).findFirst())
                .hasValue("60000 7");
    }
}
