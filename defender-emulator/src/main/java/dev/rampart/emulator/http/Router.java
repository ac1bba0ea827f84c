package dev.rampart.emulator.http;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps (method, path) to a route. Templates use {@code {name}} segments; literal segments match case-insensitively,
 * because the Defender API's paths do ({@code /api/Software} and {@code /api/software} both answer). A more literal
 * template wins over a more general one ({@code /api/machines/findbytag} over {@code /api/machines/{id}}).
 */
public final class Router {
    /** Which service a route belongs to: it decides authentication and the error envelope. */
    public enum Service {
        ENTRA,
        DEFENDER,
        GRAPH,
        BLOB,
        CONTROL
    }

    /**
     * Per-endpoint policy: the quota key and limits (REFERENCE.md section 16; 0 = not documented, no limit), the
     * application roles any one of which grants access, and whether the endpoint needs a Defender Vulnerability
     * Management licence.
     */
    public record Policy(String quotaKey, int perMinute, int perHour, List<String> roles, boolean tvm) {
        public static final Policy NONE = new Policy(null, 0, 0, List.of(), false);
    }

    @FunctionalInterface
    public interface Handler {
        void handle(Call call);
    }

    public record Route(
            String method, String template, Service service, Policy policy, Handler handler, String[] segments) {
        int literals() {
            int n = 0;
            for (String s : segments) {
                if (!s.startsWith("{")) {
                    n++;
                }
            }
            return n;
        }
    }

    public record Match(Route route, Map<String, String> params) {}

    private final List<Route> routes = new ArrayList<>();

    public void add(String method, String template, Service service, Policy policy, Handler handler) {
        routes.add(new Route(method, template, service, policy, handler, split(template)));
        routes.sort(Comparator.comparingInt((Route r) -> r.segments().length)
                .thenComparing(Comparator.comparingInt(Route::literals).reversed()));
    }

    /** Finds the route, or null. {@code methodMismatch[0]} is set when the path exists with another method. */
    public Match match(String method, String path, boolean[] methodMismatch) {
        String[] parts = split(path);
        for (Route r : routes) {
            if (r.segments().length != parts.length) {
                continue;
            }
            Map<String, String> params = new HashMap<>();
            boolean ok = true;
            for (int i = 0; i < parts.length && ok; i++) {
                String t = r.segments()[i];
                if (t.startsWith("{")) {
                    params.put(t.substring(1, t.length() - 1), parts[i]);
                } else {
                    ok = t.equalsIgnoreCase(parts[i]);
                }
            }
            if (ok) {
                if (r.method().equals(method)) {
                    return new Match(r, params);
                }
                methodMismatch[0] = true;
            }
        }
        return null;
    }

    private static String[] split(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.isEmpty() ? new String[0] : p.split("/", -1);
    }
}
