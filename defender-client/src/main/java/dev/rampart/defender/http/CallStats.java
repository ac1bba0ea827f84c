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
    private volatile Duration serverOffset;

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

    /** Notes the service's clock from a response's {@code Date} header (RFC 9110 section 6.6.1); ignores bad ones. */
    void serverDate(String date) {
        if (date == null) {
            return;
        }
        try {
            java.time.Instant server = java.time.ZonedDateTime.parse(
                            date, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant();
            serverOffset = Duration.between(java.time.Instant.now(), server);
        } catch (java.time.format.DateTimeParseException e) {
            // a response without a usable Date says nothing about the service's clock
        }
    }

    /**
     * The service's time now, from the last response's {@code Date} header and the time passed since (to the second,
     * the header's precision); null before the first response. Times the service compares with its own clock (the
     * delta export's {@code sinceTime}) should come from here, not from a local clock that may be off.
     */
    public java.time.Instant serverNow() {
        Duration offset = serverOffset;
        return offset == null
                ? null
                : java.time.Instant.now().plus(offset).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
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
