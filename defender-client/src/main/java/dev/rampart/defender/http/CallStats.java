package dev.rampart.defender.http;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a client did: calls (attempts sent), retries, throttle waits (429s answered and the limiter's own waits), the
 * time spent waiting, and response bytes read. Thread-safe; {@link #snapshot()} for a run's figures.
 */
public final class CallStats {
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong throttled = new AtomicLong();
    private final AtomicLong limiterWaits = new AtomicLong();
    private final AtomicLong waitedMillis = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    /** An immutable copy of the counters. */
    public record Snapshot(long calls, long retries, long throttled, long limiterWaits, Duration waited, long bytes) {
        public Snapshot minus(Snapshot earlier) {
            return new Snapshot(
                    calls - earlier.calls,
                    retries - earlier.retries,
                    throttled - earlier.throttled,
                    limiterWaits - earlier.limiterWaits,
                    waited.minus(earlier.waited),
                    bytes - earlier.bytes);
        }
    }

    void call() {
        calls.incrementAndGet();
    }

    void retry() {
        retries.incrementAndGet();
    }

    void throttled() {
        throttled.incrementAndGet();
    }

    void waited(Duration d, boolean limiter) {
        if (limiter && !d.isZero()) {
            limiterWaits.incrementAndGet();
        }
        waitedMillis.addAndGet(d.toMillis());
    }

    void bytes(long n) {
        bytes.addAndGet(n);
    }

    public Snapshot snapshot() {
        return new Snapshot(
                calls.get(),
                retries.get(),
                throttled.get(),
                limiterWaits.get(),
                Duration.ofMillis(waitedMillis.get()),
                bytes.get());
    }
}
