package dev.rampart.app.export;

import dev.rampart.app.security.Audit;
import dev.rampart.app.security.Caller;
import dev.rampart.app.security.Permission;
import dev.rampart.app.security.Requires;
import dev.rampart.app.web.ApiProblem;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.sql.SQLException;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * {@code GET /api/v1/projects/{project}/exports/{kind}?format=csv|json|ocsf} (F27): streamed from a database cursor
 * straight to the response, so a million findings export in the memory of one. {@code json} is JSON lines; OCSF is
 * for findings only.
 */
@RestController
public class ExportController {
    private final Exporter exporter;
    private final Audit audit;

    public ExportController(DataSource dataSource, Audit audit) {
        this.exporter = new Exporter(dataSource);
        this.audit = audit;
    }

    @GetMapping("/api/v1/projects/{project}/exports/{kind}")
    @Requires(Permission.READ)
    public ResponseEntity<StreamingResponseBody> export(
            @PathVariable String project,
            @PathVariable String kind,
            @RequestParam(defaultValue = "json") String format,
            Caller caller) {
        Exporter.Kind k;
        try {
            k = Exporter.kind(kind);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.notFound("no export '" + kind + "' (assets, findings or events)");
        }
        Exporter.Format f =
                switch (format) {
                    case "json", "jsonl" -> Exporter.Format.JSONL;
                    case "csv" -> Exporter.Format.CSV;
                    case "ocsf" -> Exporter.Format.OCSF;
                    default -> throw ApiProblem.invalid("format", "must be csv, json or ocsf");
                };
        if (f == Exporter.Format.OCSF && k != Exporter.Kind.FINDINGS) {
            throw ApiProblem.invalid("format", "ocsf is for findings only");
        }
        audit.record(caller, "export." + kind, project, "success", Map.of("format", format));
        StreamingResponseBody body = (OutputStream out) -> {
            OutputStream buffered = new BufferedOutputStream(out, 1 << 16);
            try {
                exporter.export(k, f, project, buffered);
            } catch (SQLException e) {
                throw new java.io.IOException("export failed: " + e.getMessage(), e);
            }
            buffered.flush();
        };
        MediaType type = f == Exporter.Format.CSV
                ? new MediaType("text", "csv", java.nio.charset.StandardCharsets.UTF_8)
                : MediaType.parseMediaType("application/x-ndjson");
        String ext = f == Exporter.Format.CSV ? "csv" : f == Exporter.Format.OCSF ? "ocsf.jsonl" : "jsonl";
        return ResponseEntity.ok()
                .contentType(type)
                .header(
                        HttpHeaders.CONTENT_DISPOSITION,
                        "attachment; filename=\"" + project + "-" + kind + "." + ext + "\"")
                .body(body);
    }
}
