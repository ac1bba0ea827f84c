package dev.rampart.app.export;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * Streams assets, findings or change events as JSON lines or CSV, reading the database through a cursor: a million
 * rows take the memory of one.
 */
public final class Exporter {
    public enum Kind {
        ASSETS,
        FINDINGS,
        EVENTS
    }

    public enum Format {
        JSONL,
        CSV,
        /** OCSF 1.1 Vulnerability Finding (class 2002) events, one per line; findings only. */
        OCSF
    }

    private static final String ASSETS =
            """
            select p.key as project, a.id, a.defender_machine_id as "defenderMachineId", a.name, a.hostname, a.fqdn,
                   a.aad_device_id as "aadDeviceId", a.os_platform as "osPlatform", a.os_version as "osVersion",
                   a.active, a.health_status as "healthStatus", a.first_seen as "firstSeen",
                   (select max(o.last_seen) from asset_source o where o.asset_id = a.id) as "lastSeen",
                   a.deactivated_at as "deactivatedAt",
                   (select coalesce(jsonb_agg(jsonb_build_object('name', s.name, 'externalId', o.external_id,
                               'active', o.active, 'healthStatus', o.health_status, 'lastSeen', o.last_seen)
                               order by s.name), '[]'::jsonb)
                      from asset_source o join source s on s.id = o.source_id where o.asset_id = a.id) as sources
              from asset a join project p on p.id = a.project_id
             where (cast(? as text) is null or p.key = ?)
             order by a.id
            """;
    private static final String FINDINGS =
            """
            select p.key as project, f.id, a.defender_machine_id as "defenderMachineId", f.asset_id as "assetId",
                   a.name as "assetName", f.cve_id as "cveId", f.product_vendor as "productVendor",
                   f.product_name as "productName", f.product_version as "productVersion", f.severity, f.cvss,
                   f.exploitability, f.recommended_update as "recommendedUpdate", f.fixing_kb as "fixingKb",
                   f.state, f.first_seen as "firstSeen", f.last_seen as "lastSeen", f.opened_at as "openedAt",
                   f.fixed_at as "fixedAt", f.archived_at as "archivedAt", f.times_reopened as "timesReopened",
                   s.name as source
              from finding f join asset a on a.id = f.asset_id join project p on p.id = f.project_id
              join source s on s.id = f.source_id
             where (cast(? as text) is null or p.key = ?)
             order by f.id
            """;
    private static final String EVENTS =
            """
            select p.key as project, e.id, e.type, e.run_id as "runId", e.at, e.asset_id as "assetId",
                   a.defender_machine_id as "defenderMachineId", e.finding_id as "findingId", f.cve_id as "cveId",
                   e.alert_id as "alertId", e.ticket_id as "ticketId", e.details
              from change_event e join project p on p.id = e.project_id
              left join asset a on a.id = e.asset_id left join finding f on f.id = e.finding_id
             where (cast(? as text) is null or p.key = ?)
             order by e.id
            """;

    /** Findings with what the OCSF mapping needs from the CVE catalog. */
    private static final String FINDINGS_OCSF =
            """
            select f.id, f.cve_id, f.severity, f.cvss, f.exploitability, f.product_vendor, f.product_name,
                   f.product_version, f.recommended_update, f.fixing_kb, f.state, f.first_seen, f.last_seen,
                   f.opened_at, f.fixed_at, f.archived_at, a.id as asset_id, a.name as asset_name, a.hostname,
                   a.defender_machine_id, a.os_platform, v.name as vuln_name, v.description, v.cvss_vector,
                   v.public_exploit, v.epss, p.key as project, s.name as source
              from finding f join asset a on a.id = f.asset_id join project p on p.id = f.project_id
              join source s on s.id = f.source_id
              left join vulnerability v on v.project_id = f.project_id and v.cve_id = f.cve_id
             where (cast(? as text) is null or p.key = ?)
             order by f.id
            """;

    private final DataSource dataSource;

    public Exporter(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Writes every row of a kind (of one project, or all when {@code project} is null); returns the row count. */
    public long export(Kind kind, Format format, String project, OutputStream out) throws SQLException {
        if (format == Format.OCSF && kind != Kind.FINDINGS) {
            throw new IllegalArgumentException("OCSF is an export of findings only");
        }
        String sql =
                switch (kind) {
                    case ASSETS -> ASSETS;
                    case FINDINGS -> format == Format.OCSF ? FINDINGS_OCSF : FINDINGS;
                    case EVENTS -> EVENTS;
                };
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false); // a cursor, not the whole result in memory
            c.setReadOnly(true);
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setFetchSize(1000);
                s.setString(1, project);
                s.setString(2, project);
                try (ResultSet rs = s.executeQuery()) {
                    return switch (format) {
                        case JSONL -> jsonLines(rs, out);
                        case CSV -> csv(rs, out);
                        case OCSF -> Ocsf.write(rs, out);
                    };
                }
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long jsonLines(ResultSet rs, OutputStream out) throws SQLException, IOException {
        ResultSetMetaData md = rs.getMetaData();
        long n = 0;
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.setRootValueSeparator(new SerializedString("\n"));
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            while (rs.next()) {
                g.writeStartObject();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    g.writeFieldName(md.getColumnLabel(i));
                    writeValue(g, rs, md, i);
                }
                g.writeEndObject();
                n++;
            }
            if (n > 0) {
                g.writeRaw('\n');
            }
        }
        out.flush();
        return n;
    }

    private static void writeValue(JsonGenerator g, ResultSet rs, ResultSetMetaData md, int i)
            throws SQLException, IOException {
        Object v = rs.getObject(i);
        if (v == null) {
            g.writeNull();
            return;
        }
        switch (md.getColumnType(i)) {
            case Types.BIGINT, Types.INTEGER, Types.SMALLINT -> g.writeNumber(rs.getLong(i));
            case Types.DOUBLE, Types.REAL, Types.NUMERIC -> g.writeNumber(rs.getDouble(i));
            case Types.BOOLEAN, Types.BIT -> g.writeBoolean(rs.getBoolean(i));
            case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> g.writeString(instant(rs, i));
            default -> {
                if ("jsonb".equals(md.getColumnTypeName(i)) || "json".equals(md.getColumnTypeName(i))) {
                    g.writeRawValue(rs.getString(i));
                } else {
                    g.writeString(rs.getString(i));
                }
            }
        }
    }

    private static String instant(ResultSet rs, int i) throws SQLException {
        return DateTimeFormatter.ISO_INSTANT.format(rs.getTimestamp(i).toInstant());
    }

    private static long csv(ResultSet rs, OutputStream out) throws SQLException, IOException {
        ResultSetMetaData md = rs.getMetaData();
        StringBuilder line = new StringBuilder();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            line.append(i > 1 ? "," : "").append(md.getColumnLabel(i));
        }
        out.write(line.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
        long n = 0;
        while (rs.next()) {
            line.setLength(0);
            for (int i = 1; i <= md.getColumnCount(); i++) {
                if (i > 1) {
                    line.append(',');
                }
                if (rs.getObject(i) == null) {
                    continue;
                }
                int type = md.getColumnType(i);
                String v = type == Types.TIMESTAMP || type == Types.TIMESTAMP_WITH_TIMEZONE
                        ? instant(rs, i)
                        : rs.getString(i);
                line.append(csvField(v));
            }
            out.write(line.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
            n++;
        }
        out.flush();
        return n;
    }

    /** A small table as CSV (RFC 4180, CRLF lines): the header, then the rows, each field through {@link #csvField}. */
    public static String csvTable(List<String> header, List<List<String>> rows) {
        StringBuilder b = new StringBuilder();
        csvLine(b, header);
        rows.forEach(r -> csvLine(b, r));
        return b.toString();
    }

    private static void csvLine(StringBuilder b, List<String> cells) {
        b.append(String.join(",", cells.stream().map(Exporter::csvField).toList()))
                .append("\r\n");
    }

    /**
     * RFC 4180 quoting; a leading formula character (or tab or carriage return, which spreadsheets skip before one) is
     * prefixed with a quote so spreadsheets do not run it. Plain numbers stay numbers.
     */
    public static String csvField(String v) {
        String s = v;
        if (!s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0 && !s.matches("-?[0-9.]+")) {
            s = "'" + s;
        }
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }

    public static Kind kind(String s) {
        try {
            return Kind.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("export what? assets, findings or events, not '" + s + "'");
        }
    }

    public static Format format(String s) {
        try {
            return Format.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the format is jsonl, csv or ocsf, not '" + s + "'");
        }
    }
}
