package dev.rampart.app.web;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;
import org.springframework.stereotype.Component;

/**
 * Times on pages, as {@code ${@when.of(t)}}: minutes in UTC ("2026-06-01 08:00 UTC"), the way the API's ISO times read
 * to a person; the full value stays in the element's title.
 */
@Component("when")
public class When {
    private static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'");

    public String of(Object t) {
        TemporalAccessor utc = utc(t);
        return utc == null ? (t == null ? "" : t.toString()) : MINUTES.format(utc);
    }

    private static OffsetDateTime utc(Object t) {
        if (t instanceof OffsetDateTime o) {
            return o.withOffsetSameInstant(ZoneOffset.UTC);
        }
        if (t instanceof Instant i) {
            return i.atOffset(ZoneOffset.UTC);
        }
        if (t instanceof java.sql.Timestamp ts) {
            return ts.toInstant().atOffset(ZoneOffset.UTC);
        }
        return null;
    }
}
