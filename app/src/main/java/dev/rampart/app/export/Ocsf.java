package dev.rampart.app.export;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Locale;

/**
 * Findings as OCSF 1.1.0 Vulnerability Finding events (category 2 Findings, class 2002), one JSON object per line.
 * Mapping, after the OCSF schema (schema.ocsf.io, class vulnerability_finding; the class was added in v1.1.0):
 * activity Create (1) for an open finding, Close (3) for a fixed or archived one; severity_id from Defender's severity
 * (Low 2, Medium 3, High 4, Critical 5); status New (1) or Resolved (4, fixed) or Suppressed (3, archived: the device
 * went inactive); {@code finding_info} carries Rampart's finding id and the CVE title; {@code vulnerabilities[0]} the
 * CVE with its CVSS score, the affected package and the remediation; {@code device} and {@code resources} the asset.
 * Times are epoch milliseconds, as OCSF's timestamp_t.
 */
final class Ocsf {
    static final String VERSION = "1.1.0";

    private Ocsf() {}

    static long write(ResultSet rs, OutputStream out) throws SQLException, IOException {
        long n = 0;
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.setRootValueSeparator(new SerializedString("\n"));
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            while (rs.next()) {
                event(g, rs);
                n++;
            }
            if (n > 0) {
                g.writeRaw('\n');
            }
        }
        out.flush();
        return n;
    }

    static int severityId(String severity) {
        if (severity == null) {
            return 0;
        }
        return switch (severity.toLowerCase(Locale.ROOT)) {
            case "informational", "info" -> 1;
            case "low" -> 2;
            case "medium" -> 3;
            case "high" -> 4;
            case "critical" -> 5;
            default -> 99;
        };
    }

    private static void event(JsonGenerator g, ResultSet rs) throws SQLException, IOException {
        String state = rs.getString("state");
        int activity = state.equals("open") ? 1 : 3;
        int status =
                switch (state) {
                    case "open" -> 1;
                    case "fixed" -> 4;
                    default -> 3;
                };
        String severity = rs.getString("severity");
        Timestamp last = rs.getTimestamp("last_seen");
        Timestamp changed = state.equals("fixed")
                ? rs.getTimestamp("fixed_at")
                : state.equals("archived") ? rs.getTimestamp("archived_at") : rs.getTimestamp("opened_at");
        g.writeStartObject();
        g.writeNumberField("activity_id", activity);
        g.writeStringField("activity_name", activity == 1 ? "Create" : "Close");
        g.writeNumberField("category_uid", 2);
        g.writeStringField("category_name", "Findings");
        g.writeNumberField("class_uid", 2002);
        g.writeStringField("class_name", "Vulnerability Finding");
        g.writeNumberField("type_uid", 2002 * 100 + activity);
        g.writeNumberField("severity_id", severityId(severity));
        if (severity != null) {
            g.writeStringField("severity", severity);
        }
        g.writeNumberField("status_id", status);
        g.writeStringField("status", status == 1 ? "New" : status == 4 ? "Resolved" : "Suppressed");
        time(g, "time", changed != null ? changed : last);

        g.writeObjectFieldStart("metadata");
        g.writeStringField("version", VERSION);
        g.writeObjectFieldStart("product");
        g.writeStringField("name", "Rampart");
        g.writeStringField("vendor_name", "Rampart");
        g.writeEndObject();
        g.writeStringField("uid", "rampart-finding-" + rs.getLong("id"));
        g.writeArrayFieldStart("labels");
        g.writeString("project:" + rs.getString("project"));
        g.writeString("source:" + rs.getString("source"));
        g.writeEndArray();
        g.writeEndObject();

        String cve = rs.getString("cve_id");
        String title = rs.getString("vuln_name");
        g.writeObjectFieldStart("finding_info");
        g.writeStringField("uid", String.valueOf(rs.getLong("id")));
        g.writeStringField("title", title != null ? title : cve);
        time(g, "created_time", rs.getTimestamp("opened_at"));
        time(g, "first_seen_time", rs.getTimestamp("first_seen"));
        time(g, "last_seen_time", last);
        g.writeEndObject();

        g.writeArrayFieldStart("vulnerabilities");
        g.writeStartObject();
        g.writeObjectFieldStart("cve");
        g.writeStringField("uid", cve);
        double cvss = rs.getDouble("cvss");
        if (!rs.wasNull()) {
            g.writeArrayFieldStart("cvss");
            g.writeStartObject();
            g.writeNumberField("base_score", cvss);
            String vector = rs.getString("cvss_vector");
            if (vector != null) {
                g.writeStringField("vector_string", vector);
            }
            g.writeStringField("version", "3.x");
            g.writeEndObject();
            g.writeEndArray();
        }
        double epss = rs.getDouble("epss");
        if (!rs.wasNull()) {
            g.writeObjectFieldStart("epss");
            g.writeStringField("score", String.valueOf(epss));
            g.writeEndObject();
        }
        g.writeEndObject();
        if (rs.getString("description") != null) {
            g.writeStringField("desc", rs.getString("description"));
        }
        if (title != null) {
            g.writeStringField("title", title);
        }
        if (severity != null) {
            g.writeStringField("severity", severity);
        }
        boolean exploit = rs.getBoolean("public_exploit");
        if (!rs.wasNull()) {
            g.writeBooleanField("is_exploit_available", exploit);
        }
        time(g, "first_seen_time", rs.getTimestamp("first_seen"));
        time(g, "last_seen_time", last);
        g.writeArrayFieldStart("affected_packages");
        g.writeStartObject();
        g.writeStringField("name", rs.getString("product_name"));
        g.writeStringField("version", rs.getString("product_version"));
        g.writeStringField("vendor_name", rs.getString("product_vendor"));
        g.writeEndObject();
        g.writeEndArray();
        String update = rs.getString("recommended_update");
        String kb = rs.getString("fixing_kb");
        if (update != null || kb != null) {
            g.writeObjectFieldStart("remediation");
            g.writeStringField("desc", update != null ? update : "Install " + kb);
            if (kb != null) {
                g.writeArrayFieldStart("kb_article_list");
                g.writeStartObject();
                g.writeStringField("uid", kb);
                g.writeEndObject();
                g.writeEndArray();
            }
            g.writeEndObject();
        }
        g.writeEndObject();
        g.writeEndArray();

        String machine = rs.getString("defender_machine_id");
        g.writeObjectFieldStart("device");
        g.writeStringField("uid", machine != null ? machine : "rampart-asset-" + rs.getLong("asset_id"));
        g.writeStringField("name", rs.getString("asset_name"));
        if (rs.getString("hostname") != null) {
            g.writeStringField("hostname", rs.getString("hostname"));
        }
        g.writeNumberField("type_id", 0);
        if (rs.getString("os_platform") != null) {
            g.writeObjectFieldStart("os");
            g.writeStringField("name", rs.getString("os_platform"));
            g.writeNumberField("type_id", 0);
            g.writeEndObject();
        }
        g.writeEndObject();
        g.writeArrayFieldStart("resources");
        g.writeStartObject();
        g.writeStringField("uid", machine != null ? machine : "rampart-asset-" + rs.getLong("asset_id"));
        g.writeStringField("name", rs.getString("asset_name"));
        g.writeStringField("type", "Device");
        g.writeEndObject();
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void time(JsonGenerator g, String field, Timestamp t) throws IOException {
        if (t != null) {
            g.writeNumberField(field, t.getTime());
        }
    }
}
