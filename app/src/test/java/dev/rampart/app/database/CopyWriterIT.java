package dev.rampart.app.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CopyWriterIT {

    @Test
    void rowsShouldArriveIntactWhateverCharactersTheyHold() throws Exception {
        try (Connection c = TestDatabase.get().connection();
                Statement s = c.createStatement()) {
            s.execute("create temp table t (a text, b boolean, c timestamptz, d double precision, e jsonb)");
            String nasty = "tab\there, newline\nthere, back\\slash, \\N, quote \" and ünïcødé\r";
            try (CopyWriter w = new CopyWriter(c, "t", "a, b, c, d, e")) {
                w.row(nasty, true, Instant.parse("2026-03-02T06:00:00.123Z"), 7.5, "{\"k\": \"v\\tw\"}");
                w.row(null, null, null, null, null);
                for (int i = 0; i < 50_000; i++) {
                    w.row("row " + i, false, null, (double) i, null);
                }
            }
            try (ResultSet r = s.executeQuery("select a, b, c, d, e->>'k' from t order by d nulls first limit 2")) {
                r.next();
                assertThat(r.getString(1)).isNull();
                r.next();
                assertThat(r.getString(1)).isEqualTo("row 0");
            }
            try (ResultSet r = s.executeQuery("select a, b, c, d, e->>'k', (select count(*) from t) from t where b")) {
                r.next();
                assertThat(r.getString(1)).isEqualTo(nasty);
                assertThat(r.getTimestamp(3).toInstant()).isEqualTo(Instant.parse("2026-03-02T06:00:00.123Z"));
                assertThat(r.getDouble(4)).isEqualTo(7.5);
                assertThat(r.getString(5)).isEqualTo("v\tw");
                assertThat(r.getLong(6)).isEqualTo(50_002);
            }
        }
    }
}
