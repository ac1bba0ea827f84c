package dev.rampart.emulator.tenant;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The date-time spellings of real Defender traffic (REFERENCE.md sections 3.1 and 6.3). */
public final class Times {
    private Times() {}

    private static final DateTimeFormatter SECONDS_T =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter SECONDS_SPACE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    /*
     * The fraction is appended by hand: DateTimeFormatterBuilder.appendFraction goes through BigDecimal, which was the
     * largest single cost of rendering a machine.
     */

    /**
     * OData date-times as the service writes them: UTC, {@code Z}, and a fraction of varying width. Real responses
     * carry .NET values with trailing zeros trimmed, so 7, 6, 3 and 2 fractional digits all occur
     * ({@code 2023-04-19T13:27:53.1618923Z}, {@code ...53.161892Z}, {@code ...53.161Z}, {@code ...39.13Z}). The width
     * is chosen from the instant itself, so the same instant is always written the same way; the value written is the
     * instant cut to that width (with 100 ns ticks below a whole millisecond filled in, so within a millisecond of
     * it), and filters compare against what was written.
     */
    public static String odata(Instant t) {
        if (t == null) {
            return null;
        }
        long h = Hash.mix(t.getEpochSecond() * 1_000_000_007L + t.getNano());
        int pick = (int) Long.remainderUnsigned(h, 20);
        int width = pick < 12 ? 7 : pick < 16 ? 6 : pick < 19 ? 3 : 2;
        int nano = t.getNano();
        if (nano % 1_000_000 == 0) {
            // the sandbox's clock keeps milliseconds; the service's keeps 100 ns ticks: fill in the ticks below the
            // millisecond from the instant itself, so that 6 and 7 digit values look like real ones
            nano += (int) Long.remainderUnsigned(h >>> 8, 10_000) * 100;
        }
        return SECONDS_T.format(t) + trimmedFraction(nano, width) + "Z";
    }

    /** {@code .ddd} with at most {@code width} digits and no trailing zeros; empty when nothing is left. */
    private static String trimmedFraction(int nano, int width) {
        String digits = Integer.toString(nano + 1_000_000_000).substring(1, 1 + width);
        int end = digits.length();
        while (end > 0 && digits.charAt(end - 1) == '0') {
            end--;
        }
        return end == 0 ? "" : "." + digits.substring(0, end);
    }

    /**
     * Export timestamps: {@code yyyy-MM-dd HH:mm:ss} with no zone, and either no fraction or exactly seven digits
     * ({@code 2020-11-03 10:13:34.8476880}), as real export files carry them; never one to six digits.
     */
    public static String export(Instant t) {
        if (t == null) {
            return null;
        }
        if (t.getNano() / 100 == 0) {
            return SECONDS_SPACE.format(t);
        }
        return SECONDS_SPACE.format(t) + "."
                + Integer.toString(t.getNano() / 100 + 10_000_000).substring(1);
    }

    /** Whole-second ISO form used by Graph and by some Defender fields, e.g. {@code 2024-02-13T00:00:00Z}. */
    public static String seconds(Instant t) {
        return t == null
                ? null
                : DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }

    /** ISO with milliseconds, as in delta export {@code eventTimestamp}. */
    public static String millis(Instant t) {
        return t == null
                ? null
                : DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    }
}
