package dev.rampart.emulator.tenant;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;

/** The date-time spellings of real Defender traffic (REFERENCE.md sections 3.1 and 6.3). */
public final class Times {
    private Times() {}

    /** OData lists: ISO-8601 UTC with seven fractional digits, e.g. {@code 2023-04-19T13:27:53.1618923Z}. */
    private static final DateTimeFormatter ODATA = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd'T'HH:mm:ss")
            .appendFraction(ChronoField.NANO_OF_SECOND, 7, 7, true)
            .appendLiteral('Z')
            .toFormatter()
            .withZone(ZoneOffset.UTC);

    /** Export APIs: {@code yyyy-MM-dd HH:mm:ss[.fffffff]} with no zone. */
    private static final DateTimeFormatter EXPORT = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss")
            .optionalStart()
            .appendFraction(ChronoField.NANO_OF_SECOND, 0, 7, true)
            .optionalEnd()
            .toFormatter()
            .withZone(ZoneOffset.UTC);

    private static final DateTimeFormatter SECONDS_T =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter SECONDS_SPACE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    /*
     * The fraction is appended by hand: DateTimeFormatterBuilder.appendFraction goes through BigDecimal, which was the
     * largest single cost of rendering a machine.
     */
    public static String odata(Instant t) {
        if (t == null) {
            return null;
        }
        String digits = Integer.toString(t.getNano() / 100 + 10_000_000);
        return SECONDS_T.format(t) + "." + digits.substring(1) + "Z";
    }

    public static String export(Instant t) {
        if (t == null) {
            return null;
        }
        if (t.getNano() == 0) {
            return SECONDS_SPACE.format(t);
        }
        String digits = Integer.toString(t.getNano() / 100 + 10_000_000).substring(1);
        int end = digits.length();
        while (end > 1 && digits.charAt(end - 1) == '0') {
            end--;
        }
        return SECONDS_SPACE.format(t) + "." + digits.substring(0, end);
    }

    /** The formatters these fast paths must agree with (kept for the test that checks they do). */
    static String odataReference(Instant t) {
        return ODATA.format(t);
    }

    static String exportReference(Instant t) {
        return EXPORT.format(t);
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
