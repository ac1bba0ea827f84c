package dev.rampart.app.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * At most {@code perMinute} sign-in attempts per client address and minute, on this node (a fixed one-minute window
 * per address). Attempts over the limit are refused before any password is checked. The table holds at most
 * {@code maxAddresses} windows; when it is full of live windows, new addresses are let through (and the limit is the
 * per-account lock-out's), so that an attack from many addresses cannot lock everyone out.
 */
public final class SignInThrottle {
    /** What the throttle says about one attempt. */
    public enum Verdict {
        ALLOWED,
        /** The first refusal of this address in this window: worth one audit entry. */
        REFUSED_FIRST,
        REFUSED
    }

    private static final class Window {
        final Instant start;
        int attempts;

        Window(Instant start) {
            this.start = start;
        }
    }

    private final int perMinute;
    private final int maxAddresses;
    private final Clock clock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    public SignInThrottle(int perMinute, int maxAddresses, Clock clock) {
        this.perMinute = perMinute;
        this.maxAddresses = maxAddresses;
        this.clock = clock;
    }

    public Verdict attempt(String address) {
        Instant now = clock.instant();
        String key = address == null ? "unknown" : address;
        if (windows.size() >= maxAddresses && !windows.containsKey(key)) {
            forgetExpired(now);
            if (windows.size() >= maxAddresses) {
                return Verdict.ALLOWED;
            }
        }
        Window w = windows.compute(key, (k, old) -> {
            Window cur = old == null || !old.start.plus(Duration.ofMinutes(1)).isAfter(now) ? new Window(now) : old;
            cur.attempts++;
            return cur;
        });
        synchronized (w) {
            if (w.attempts <= perMinute) {
                return Verdict.ALLOWED;
            }
            return w.attempts == perMinute + 1 ? Verdict.REFUSED_FIRST : Verdict.REFUSED;
        }
    }

    private void forgetExpired(Instant now) {
        for (Iterator<Window> i = windows.values().iterator(); i.hasNext(); ) {
            if (!i.next().start.plus(Duration.ofMinutes(1)).isAfter(now)) {
                i.remove();
            }
        }
    }
}
