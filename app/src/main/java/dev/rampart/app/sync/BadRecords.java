package dev.rampart.app.sync;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rampart.app.connector.ConnectorOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records read and records refused, per kind (machines, vulnerabilities, software, alerts, logon users). A refused
 * record is logged with its id and reason (the first hundred of each kind, then a count); past the connector's
 * threshold the run fails without changing the inventory.
 */
final class BadRecords {
    private static final Logger LOG = LoggerFactory.getLogger(BadRecords.class);
    private static final int LOGGED_PER_KIND = 100;

    private final Map<String, long[]> counts = new LinkedHashMap<>();

    void good(String kind) {
        counts.computeIfAbsent(kind, k -> new long[2])[0]++;
    }

    void bad(String kind, String id, String reason) {
        long[] c = counts.computeIfAbsent(kind, k -> new long[2]);
        c[1]++;
        if (c[1] <= LOGGED_PER_KIND) {
            LOG.warn("refused a {} record{}: {}", kind, id == null ? "" : " (id " + id + ")", reason);
        } else if (c[1] == LOGGED_PER_KIND + 1) {
            LOG.warn("more {} records refused; only their number is reported from now on", kind);
        }
    }

    long bad(String kind) {
        long[] c = counts.get(kind);
        return c == null ? 0 : c[1];
    }

    /** Throws a terminal failure when a kind has more bad records than the options allow. */
    void check(ConnectorOptions options) {
        for (Map.Entry<String, long[]> e : counts.entrySet()) {
            long total = e.getValue()[0] + e.getValue()[1];
            long bad = e.getValue()[1];
            if (bad > options.badRecordAllowance(total)) {
                throw new SyncFailedException(
                        SyncFailedException.Kind.BAD_DATA,
                        bad + " of " + total + " " + e.getKey() + " records were invalid, more than the "
                                + options.badRecordAllowance(total) + " allowed (maxBadRecords "
                                + options.maxBadRecords() + ", maxBadRecordPercent " + options.maxBadRecordPercent()
                                + "); nothing was changed");
            }
        }
    }

    ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        counts.forEach((k, c) -> {
            if (c[1] > 0) {
                o.put(k, c[1]);
            }
        });
        return o;
    }
}
