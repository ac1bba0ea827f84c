package dev.rampart.emulator.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TimesTest {
    private static final Pattern ODATA = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.(\\d{1,7}))?Z");
    private static final Pattern EXPORT = Pattern.compile("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(\\.\\d{7})?");

    /** Real API values are .NET date-times with trailing zeros trimmed: 7, 6, 3 and 2 digits all occur. */
    @Test
    void apiTimesShouldCarryTheMixOfFractionWidthsRealTrafficShows() {
        Map<Integer, Integer> widths = new TreeMap<>();
        Instant t = Instant.parse("2026-03-02T06:00:00.1234567Z");
        for (int i = 0; i < 2000; i++) {
            // half of them whole milliseconds, as the sandbox's clock keeps them
            t = t.plus(Duration.ofMillis(997_531).plusNanos(i % 2 == 0 ? 0 : 123_457L * i % 999_999_999L));
            String s = Times.odata(t);
            Matcher m = ODATA.matcher(s);
            assertThat(m.matches()).as(s).isTrue();
            String fraction = m.group(2) == null ? "" : m.group(2);
            assertThat(fraction).as(s).doesNotEndWith("0");
            widths.merge(fraction.length(), 1, Integer::sum);
            Instant written = Instant.parse(s);
            assertThat(written).as(s).isAfter(t.minusMillis(10)).isBefore(t.plusMillis(1));
            assertThat(Times.odata(t))
                    .as("the same instant is written the same way")
                    .isEqualTo(s);
        }
        assertThat(widths.keySet()).contains(7, 6, 3, 2);
        assertThat(widths.get(7)).isGreaterThan(widths.get(2));
    }

    /** Export files: no fraction, or exactly seven digits ({@code 2020-11-03 10:13:34.8476880}). */
    @Test
    void exportTimesShouldHaveNoFractionOrExactlySevenDigits() {
        assertThat(Times.export(Instant.parse("2020-11-03T10:13:34.847688Z"))).isEqualTo("2020-11-03 10:13:34.8476880");
        assertThat(Times.export(Instant.parse("2026-03-01T22:10:05.5Z"))).isEqualTo("2026-03-01 22:10:05.5000000");
        assertThat(Times.export(Instant.parse("2026-03-01T22:10:05Z"))).isEqualTo("2026-03-01 22:10:05");
        assertThat(Times.export(Instant.parse("2026-03-01T22:10:05.00000005Z"))).isEqualTo("2026-03-01 22:10:05");
        Instant t = Instant.parse("2026-03-02T06:00:00Z");
        for (int i = 0; i < 500; i++) {
            t = t.plusNanos(1_234_567_891L * i);
            assertThat(Times.export(t)).matches(EXPORT);
        }
    }
}
