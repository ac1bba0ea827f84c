package dev.rampart.defender.http;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: attempt n (from 0) waits a random time between half and all of
 * {@code base * 2^n}, capped; {@code Retry-After} from the service always wins. The Azure SDK defaults: 3 retries,
 * 0.8 s base, 60 s cap.
 */
public record RetryPolicy(int maxRetries, Duration base, Duration cap) {
    public static final RetryPolicy DEFAULT = new RetryPolicy(3, Duration.ofMillis(800), Duration.ofSeconds(60));

    public RetryPolicy {
        if (maxRetries < 0 || base.isNegative() || cap.isNegative()) {
            throw new IllegalArgumentException("retries and delays must not be negative");
        }
    }

    public Duration backoff(int attempt) {
        double full = Math.min(cap.toMillis(), base.toMillis() * Math.pow(2, attempt));
        double jittered = full / 2 + ThreadLocalRandom.current().nextDouble() * full / 2;
        return Duration.ofMillis((long) jittered);
    }
}
