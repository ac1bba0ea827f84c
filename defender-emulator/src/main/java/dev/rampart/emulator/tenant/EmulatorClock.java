package dev.rampart.emulator.tenant;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * The tenant's clock. It starts at a given instant, runs at a given speed relative to the wall clock (0 freezes it,
 * which tests use), and jumps forward when told to. Everything the synthetic tenant reports (last seen, alerts,
 * machine action states, delta exports) is computed from this clock; token lifetimes use the wall clock, because the
 * clients that cache tokens do.
 */
public final class EmulatorClock extends Clock {
    private final Clock wall;
    private final Instant start;
    private final double speed;
    private final long wallStartNanos;
    private volatile Duration advanced = Duration.ZERO;

    public EmulatorClock(Instant start, double speed) {
        this(start, speed, Clock.systemUTC());
    }

    EmulatorClock(Instant start, double speed, Clock wall) {
        this.wall = wall;
        this.start = start.truncatedTo(ChronoUnit.MILLIS);
        this.speed = speed;
        this.wallStartNanos = System.nanoTime();
    }

    public Instant start() {
        return start;
    }

    @Override
    public Instant instant() {
        long elapsedNanos = speed == 0 ? 0 : (long) ((System.nanoTime() - wallStartNanos) * speed);
        return start.plus(advanced).plusNanos(elapsedNanos).truncatedTo(ChronoUnit.MILLIS);
    }

    public synchronized void advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("the clock only moves forward");
        }
        advanced = advanced.plus(d);
    }

    public Clock wall() {
        return wall;
    }

    @Override
    public ZoneOffset getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
        throw new UnsupportedOperationException("the emulator clock is UTC");
    }
}
