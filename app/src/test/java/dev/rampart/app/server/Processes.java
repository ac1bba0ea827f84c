package dev.rampart.app.server;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts {@code rampart} commands in processes of their own, on the test class path. */
final class Processes {
    private Processes() {}

    static ProcessBuilder rampart(Map<String, String> env, String... args) {
        return rampartWithHeap("512m", env, args);
    }

    /** A command with a heap of {@code maxHeap} ({@code -Xmx}): what it needs must fit, or it fails. */
    static ProcessBuilder rampartWithHeap(String maxHeap, Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap,
                "-cp",
                System.getProperty("java.class.path"),
                "dev.rampart.app.Rampart"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        return pb;
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
