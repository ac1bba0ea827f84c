package dev.rampart.emulator.fault;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.rampart.emulator.http.Call;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The active fault rules. Matching is deterministic: count-based rules fire on the next N matching requests, and
 * probability-based rules draw from one seeded generator, so a run with the same requests in the same order meets the
 * same faults.
 */
public final class Faults {
    private final List<Active> rules = new ArrayList<>();
    private final Random random;
    private final long seed;

    private static final class Active {
        final FaultRule rule;
        int left;

        Active(FaultRule rule) {
            this.rule = rule;
            this.left = rule.count();
        }
    }

    public Faults(long seed) {
        this.seed = seed;
        this.random = new Random(seed);
    }

    public synchronized void add(FaultRule rule) {
        rules.add(new Active(rule));
    }

    public synchronized void clear() {
        rules.clear();
        random.setSeed(seed);
    }

    /** The rules that fire for this request, in the order they were added; count-based rules are used up. */
    public synchronized List<FaultRule> fire(String method, String path) {
        List<FaultRule> fired = new ArrayList<>(1);
        for (var it = rules.iterator(); it.hasNext(); ) {
            Active a = it.next();
            if (!a.rule.matches(method, path)) {
                continue;
            }
            if (a.rule.probability() < 1.0 && random.nextDouble() >= a.rule.probability()) {
                continue;
            }
            fired.add(a.rule);
            if (a.rule.probability() >= 1.0 && --a.left <= 0) {
                it.remove();
            }
        }
        return fired;
    }

    public synchronized ArrayNode toJson() {
        ArrayNode arr = Call.JSON.createArrayNode();
        for (Active a : rules) {
            arr.add(a.rule.toJson().put("remaining", a.rule.probability() < 1.0 ? -1 : a.left));
        }
        return arr;
    }
}
