package dev.rampart.emulator.quota;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rate limits per (endpoint, tenant, app), the quota key the real service names ("Destination+TenantID+AppID",
 * REFERENCE.md section 12.3), with the per-minute and per-hour limits of section 16. Windows slide over the wall clock,
 * because a throttled client waits in real time.
 *
 * <p>Modes: {@code real} (the documented limits), {@code off} (no limits, for fast tests), {@code scaled:N} (the same
 * call counts, but the windows divided by N, so that a test can reach a quota and see it recover quickly).
 */
public final class Quotas {
    /** The answer when a call is over quota. */
    public record Throttle(int limit, Duration window, long retryAfterSeconds) {
        public String windowText() {
            long s = window.toSeconds();
            return String.format("%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
        }
    }

    private final boolean off;
    private final long divisor;
    private final Map<String, ArrayDeque<Long>> minute = new ConcurrentHashMap<>();
    private final Map<String, ArrayDeque<Long>> hour = new ConcurrentHashMap<>();

    private Quotas(boolean off, long divisor) {
        this.off = off;
        this.divisor = divisor;
    }

    public static Quotas parse(String mode) {
        String m = mode == null ? "real" : mode.trim().toLowerCase(Locale.ROOT);
        if (m.equals("real")) {
            return new Quotas(false, 1);
        }
        if (m.equals("off")) {
            return new Quotas(true, 1);
        }
        if (m.startsWith("scaled:")) {
            try {
                long n = Long.parseLong(m.substring(7));
                if (n >= 1) {
                    return new Quotas(false, n);
                }
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException("quotas must be real, off or scaled:N with N >= 1, not '" + mode + "'");
    }

    public String mode() {
        return off ? "off" : divisor == 1 ? "real" : "scaled:" + divisor;
    }

    /**
     * Counts a call against its quota key. Returns null when it is allowed, or the throttle to answer with (a throttled
     * call does not count, as with the real service's fixed quotas).
     */
    public Throttle acquire(String key, int perMinute, int perHour) {
        if (off || key == null) {
            return null;
        }
        long now = System.nanoTime();
        Throttle t = check(minute, key, perMinute, Duration.ofMinutes(1), now);
        if (t == null) {
            t = check(hour, key, perHour, Duration.ofHours(1), now);
        }
        if (t == null) {
            record(minute, key, perMinute, now);
            record(hour, key, perHour, now);
        }
        return t;
    }

    private Throttle check(Map<String, ArrayDeque<Long>> windows, String key, int limit, Duration window, long now) {
        if (limit <= 0) {
            return null;
        }
        long span = window.toNanos() / divisor;
        ArrayDeque<Long> q = windows.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (q) {
            while (!q.isEmpty() && now - q.peekFirst() >= span) {
                q.pollFirst();
            }
            if (q.size() >= limit) {
                long waitNanos = span - (now - q.peekFirst());
                long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
                return new Throttle(limit, Duration.ofNanos(span), seconds);
            }
        }
        return null;
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
