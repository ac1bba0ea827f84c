package dev.rampart.emulator.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimesTest {
    @Test
    void fastFormattingShouldMatchTheReferenceFormatters() {
        for (String s : new String[] {
            "2026-03-02T06:00:00Z",
            "2026-03-02T06:00:00.5Z",
            "2026-03-02T06:00:00.1234567Z",
            "1999-12-31T23:59:59.0000001Z",
            "2026-11-22T00:19:01.120Z",
            "2024-02-29T12:00:00.000000100Z"
        }) {
            Instant t = Instant.parse(s);
            assertThat(Times.odata(t)).as(s).isEqualTo(Times.odataReference(t));
            assertThat(Times.export(t)).as(s).isEqualTo(Times.exportReference(t));
        }
        assertThat(Times.odata(Instant.parse("2023-04-19T13:27:53.1618923Z")))
                .isEqualTo("2023-04-19T13:27:53.1618923Z");
        assertThat(Times.export(Instant.parse("2020-11-03T10:13:34.847688Z"))).isEqualTo("2020-11-03 10:13:34.847688");
        assertThat(Times.export(Instant.parse("2026-03-01T22:10:05Z"))).isEqualTo("2026-03-01 22:10:05");
    }
}
