package dev.rampart.defender.http;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps calls under Defender's documented quotas (REFERENCE.md section 16) so that a full sync meets few 429s: a
 * sliding window per endpoint for the per-minute and the per-hour limit. One limiter per client, that is per
 * (tenant, app), matching the service's quota key "Destination+TenantID+AppID". {@link #acquire} blocks until the call
 * may go and returns how long it waited.
 */
public final class RateLimiter {
    /** A documented quota: calls per minute and per hour (0 = not documented, not limited). */
    public record Quota(int perMinute, int perHour) {
        public static final Quota NONE = new Quota(0, 0);
    }

    private final boolean enabled;
    private final Sleeper sleeper;
    private final Map<String, ArrayDeque<Long>> minute = new ConcurrentHashMap<>();
    private final Map<String, ArrayDeque<Long>> hour = new ConcurrentHashMap<>();

    /** Sleeps; replaceable in tests. */
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;

        long nanoTime();

        Sleeper SYSTEM = new Sleeper() {
            @Override
            public void sleep(Duration d) throws InterruptedException {
                Thread.sleep(Math.max(0, d.toMillis()));
            }

            @Override
            public long nanoTime() {
                return System.nanoTime();
            }
        };
    }

    public RateLimiter(boolean enabled, Sleeper sleeper) {
        this.enabled = enabled;
        this.sleeper = sleeper;
    }

    public Duration acquire(String endpoint, Quota quota) throws InterruptedException {
        if (!enabled || quota.perMinute() <= 0 && quota.perHour() <= 0) {
            return Duration.ZERO;
        }
        long waited = 0;
        while (true) {
            long now = sleeper.nanoTime();
            long wait = Math.max(
                    waitFor(
                            minute,
                            endpoint,
                            quota.perMinute(),
                            Duration.ofMinutes(1).toNanos(),
                            now),
                    waitFor(hour, endpoint, quota.perHour(), Duration.ofHours(1).toNanos(), now));
            if (wait <= 0) {
                record(minute, endpoint, quota.perMinute(), now);
                record(hour, endpoint, quota.perHour(), now);
                return Duration.ofNanos(waited);
            }
            sleeper.sleep(Duration.ofNanos(wait));
            waited += wait;
        }
    }

    private static long waitFor(Map<String, ArrayDeque<Long>> windows, String key, int limit, long span, long now) {
        if (limit <= 0) {
            return 0;
        }
        ArrayDeque<Long> q = windows.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (q) {
            while (!q.isEmpty() && now - q.peekFirst() >= span) {
                q.pollFirst();
            }
            return q.size() < limit ? 0 : span - (now - q.peekFirst()) + 1;
        }
    }

    private static void record(Map<String, ArrayDeque<Long>> windows, String key, int limit, long now) {
        if (limit <= 0) {
            return;
        }
        ArrayDeque<Long> q = windows.get(key);
        synchronized (q) {
            q.addLast(now);
        }
    }
}
