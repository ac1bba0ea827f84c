package dev.rampart.emulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rampart.emulator.http.Call;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the requests the emulator answered, by method, path and status, so that tests and benchmarks can assert API
 * usage (how many calls a sync made, how many were throttled). Query strings are not part of the key.
 */
public final class RequestLog {
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final LongAdder total = new LongAdder();
    private final LongAdder throttled = new LongAdder();

    void record(String method, String path, int status) {
        counts.computeIfAbsent(method + " " + path + " " + status, k -> new LongAdder())
                .increment();
        total.increment();
        if (status == 429) {
            throttled.increment();
        }
    }

    public long total() {
        return total.sum();
    }

    public long throttled() {
        return throttled.sum();
    }

    /** Calls whose method and path match exactly (any status). */
    public long count(String method, String path) {
        long n = 0;
        for (Map.Entry<String, LongAdder> e : counts.entrySet()) {
            String k = e.getKey();
            if (k.startsWith(method + " " + path + " ") && k.lastIndexOf(' ') == (method + " " + path).length()) {
                n += e.getValue().sum();
            }
        }
        return n;
    }

    public void clear() {
        counts.clear();
        total.reset();
        throttled.reset();
    }

    public ObjectNode toJson() {
        ObjectNode o = Call.JSON.createObjectNode();
        o.put("total", total());
        o.put("throttled", throttled());
        ArrayNode entries = o.putArray("entries");
        new TreeMap<>(counts).forEach((k, v) -> {
            int a = k.indexOf(' ');
            int b = k.lastIndexOf(' ');
            int status = Integer.parseInt(k.substring(b + 1));
            entries.addObject()
                    .put("method", k.substring(0, a))
                    .put("path", k.substring(a + 1, b))
                    .put("status", status)
                    .put("count", v.sum())
                    .put("throttled", status == 429 ? v.sum() : 0);
        });
        return o;
    }
}
