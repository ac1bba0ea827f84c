package dev.rampart.emulator;

import java.io.PrintStream;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * The standalone emulator:
 *
 * <pre>
 * rampart emulator [--port 8443] [--devices 5000] [--seed 7] [--quotas real|off|scaled:N]
 *                  [--start 2026-03-02T06:00:00Z] [--clock-speed 1] [--vulns-per-device 66]
 * rampart demo     (a sandbox tenant of 3,000 devices on port 8443)
 * </pre>
 *
 * The first line on stdout is one JSON object with the connection facts ({@code tenantId}, {@code clientId},
 * {@code clientSecret}, {@code loginUrl}, {@code apiUrl}, {@code graphUrl}, {@code controlUrl}); it then runs until
 * stopped.
 */
public final class EmulatorMain {
    private EmulatorMain() {}

    /** The outcome of the command line: an exit code, and the running emulator when there is one. */
    record Started(int code, DefenderEmulator emulator) {}

    public static void main(String[] args) throws InterruptedException {
        Started s = start(args, System.out, System.err);
        if (s.emulator() == null) {
            System.exit(s.code());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            s.emulator().close();
            stopped.countDown();
        }));
        stopped.await();
    }

    static Started start(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("help") || args[0].equals("-h")) {
            usage(out);
            return new Started(0, null);
        }
        String command = args[0];
        if (!command.equals("emulator") && !command.equals("demo")) {
            err.println("rampart: unknown command '" + command + "'");
            usage(err);
            return new Started(2, null);
        }
        DefenderEmulator.Builder b =
                DefenderEmulator.builder().port(8443).devices(5000).seed(7).clockSpeed(1);
        if (command.equals("demo")) {
            b.devices(3000);
        }
        try {
            for (int i = 1; i < args.length; i++) {
                String a = args[i];
                String v = i + 1 < args.length ? args[i + 1] : null;
                switch (a) {
                    case "--port" -> b.port(Integer.parseInt(need(a, v)));
                    case "--devices" -> b.devices(Integer.parseInt(need(a, v)));
                    case "--seed" -> b.seed(Long.parseLong(need(a, v)));
                    case "--quotas" -> b.quotas(need(a, v));
                    case "--start" -> b.start(Instant.parse(need(a, v)));
                    case "--clock-speed" -> b.clockSpeed(Double.parseDouble(need(a, v)));
                    case "--vulns-per-device" -> b.vulnerabilitiesPerDevice(Double.parseDouble(need(a, v)));
                    case "--cves" -> b.cves(Integer.parseInt(need(a, v)));
                    default -> throw new IllegalArgumentException("unknown option '" + a + "'");
                }
                i++;
            }
        } catch (IllegalArgumentException e) {
            err.println("rampart " + command + ": " + e.getMessage());
            usage(err);
            return new Started(2, null);
        }
        long t0 = System.nanoTime();
        DefenderEmulator emulator;
        try {
            emulator = b.start();
        } catch (RuntimeException e) {
            err.println("rampart " + command + ": " + e.getMessage());
            return new Started(1, null);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        out.println(emulator.describe().toString());
        out.flush();
        err.printf(
                Locale.ROOT,
                "Sandbox tenant %s with %d devices ready in %d ms at %s (Ctrl-C to stop).%n",
                emulator.tenantId(),
                emulator.tenant().deviceCount(),
                ms,
                emulator.baseUrl());
        if (command.equals("demo")) {
            err.println();
            err.println("This is the Defender sandbox; the Rampart server joins the demo in a later release. Try:");
            err.println(
                    "  TOKEN=$(curl -s " + emulator.loginUrl() + "/" + emulator.tenantId() + "/oauth2/v2.0/token \\");
            err.println("    -d grant_type=client_credentials -d client_id=" + emulator.clientId()
                    + " --data-urlencode 'client_secret=" + emulator.clientSecret() + "' \\");
            err.println("    -d scope=https://api.securitycenter.microsoft.com/.default"
                    + " | sed -E 's/.*\"access_token\":\"([^\"]+)\".*/\\1/')");
            err.println(
                    "  curl -s -H \"Authorization: Bearer $TOKEN\" '" + emulator.apiUrl() + "/api/machines?$top=2'");
            err.println("  curl -s -X POST " + emulator.controlUrl() + "/clock/advance -d '{\"days\":1}'");
        }
        return new Started(0, emulator);
    }

    private static String need(String option, String value) {
        if (value == null || value.startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }

    private static void usage(PrintStream s) {
        s.println("usage: rampart emulator [--port 8443] [--devices 5000] [--seed 7] [--quotas real|off|scaled:N]");
        s.println("                        [--start ISO-INSTANT] [--clock-speed 1] [--vulns-per-device 66] [--cves N]");
        s.println("       rampart demo      (a 3,000-device sandbox tenant on port 8443)");
    }
}
