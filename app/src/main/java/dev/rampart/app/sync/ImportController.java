package dev.rampart.app.sync;

import dev.rampart.app.security.Audit;
import dev.rampart.app.security.Caller;
import dev.rampart.app.security.Permission;
import dev.rampart.app.security.Requires;
import dev.rampart.app.web.ApiProblem;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /api/v1/projects/{project}/imports} (F13): a push import from another scanner, in the format of
 * {@code rampart import} (docs/sync.md). The body is streamed into staging, then applied in one transaction; the
 * answer is the run's summary (201 when applied), or a problem ({@code import-refused}, 422, with the run's summary as
 * {@code run}) when the import changed nothing: malformed JSON, or bad records over the limits.
 */
@RestController
public class ImportController {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final PushImport imports;
    private final Audit audit;

    public ImportController(DataSource dataSource, Clock clock, Audit audit) {
        this.imports = new PushImport(dataSource, clock);
        this.audit = audit;
    }

    @PostMapping("/api/v1/projects/{project}/imports")
    @Requires(Permission.EDIT_CONNECTOR)
    public ResponseEntity<JsonNode> push(@PathVariable String project, HttpServletRequest request, Caller caller)
            throws IOException {
        if (request.getContentType() == null || !request.getContentType().startsWith("application/json")) {
            throw new ApiProblem(
                    HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                    "unsupported-media-type",
                    "Unsupported media type",
                    "send the import as application/json",
                    null);
        }
        RunSummary summary;
        try (InputStream in = request.getInputStream()) {
            summary = imports.run(project, in);
        }
        audit.record(
                caller,
                "import.push",
                project,
                summary.succeeded() ? "success" : "failure",
                Map.of("run", summary.runId(), "error", String.valueOf(summary.error())));
        JsonNode body = JSON.readTree(summary.json().toString());
        if (!summary.succeeded()) {
            throw new ApiProblem(
                            HttpStatus.UNPROCESSABLE_CONTENT,
                            "import-refused",
                            "Import refused",
                            "nothing was imported: " + summary.error(),
                            null)
                    .with("run", body);
        }
        return ResponseEntity.status(HttpStatus.CREATED).body(body);
    }
}
