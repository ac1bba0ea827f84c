package dev.rampart.app.graph;

import dev.rampart.app.security.Audit;
import dev.rampart.app.security.Caller;
import dev.rampart.app.security.Permission;
import dev.rampart.app.security.Requires;
import dev.rampart.app.web.ApiProblem;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.sql.SQLException;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * The entity graph through the API (F20): an entity with its neighbours, the shortest paths between two entities,
 * and the project's whole graph as JSON, GraphML or Neo4j's import CSV. Everyone in the project may read them.
 */
@RestController
public class GraphController {
    private final GraphService graph;
    private final GraphExport export;
    private final Audit audit;

    public GraphController(GraphService graph, GraphExport export, Audit audit) {
        this.graph = graph;
        this.export = export;
        this.audit = audit;
    }

    private static int depth(Integer depth, int max) {
        int d = depth == null ? 1 : depth;
        if (d < 1 || d > max) {
            throw ApiProblem.invalid("depth", "is 1 to " + max);
        }
        return d;
    }

    /**
     * {@code {"entities": [{"id", "class", "type", "key", "properties"}], "relationships": [{"from", "to", "verb"}],
     * "truncated"}}: the entity first, then its neighbours up to {@code depth} (1 to 3) relationships away.
     */
    @GetMapping("/api/v1/projects/{project}/graph/{entityType}/{id}")
    @Requires(Permission.READ)
    public GraphService.Subgraph entity(
            @PathVariable String entityType,
            @PathVariable String id,
            @RequestParam(required = false) Integer depth,
            Caller caller) {
        return graph.around(caller.requireProject(), GraphService.entityClass(entityType), id, depth(depth, 3));
    }

    /**
     * {@code {"paths": [["Device:1", "Finding:7", "Vulnerability:CVE-..."]], "entities", "relationships",
     * "truncated"}}: the shortest paths (10 at most) between {@code from} and {@code to}, given as {@code Class:id},
     * at most {@code depth} (1 to 6, default 4) relationships long; none when they are not that close.
     */
    @GetMapping("/api/v1/projects/{project}/graph/paths")
    @Requires(Permission.READ)
    public GraphService.Paths paths(
            @RequestParam(required = false) String from,
            @RequestParam(required = false) String to,
            @RequestParam(required = false) Integer depth,
            Caller caller) {
        return graph.paths(caller.requireProject(), from, to, depth(depth == null ? 4 : depth, 6));
    }

    /** The project's graph, streamed: {@code format=json} (default), {@code graphml} or {@code neo4j} (a zip). */
    @GetMapping("/api/v1/projects/{project}/exports/graph")
    @Requires(Permission.READ)
    public ResponseEntity<StreamingResponseBody> exportGraph(
            @PathVariable String project, @RequestParam(required = false) String format, Caller caller) {
        GraphExport.Format f;
        try {
            f = GraphExport.format(format);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.invalid("format", e.getMessage());
        }
        long projectId = caller.requireProject();
        audit.record(
                caller,
                "export.graph",
                project,
                "success",
                Map.of("format", f.name().toLowerCase()));
        StreamingResponseBody body = (OutputStream out) -> {
            OutputStream buffered = new BufferedOutputStream(out, 1 << 16);
            try {
                export.export(projectId, f, buffered);
            } catch (SQLException e) {
                throw new java.io.IOException("graph export failed (SQL state " + e.getSQLState() + ")", e);
            }
            buffered.flush();
        };
        String ext =
                switch (f) {
                    case JSON -> "graph.json";
                    case GRAPHML -> "graphml";
                    case NEO4J -> "neo4j.zip";
                };
        MediaType type =
                switch (f) {
                    case JSON -> MediaType.APPLICATION_JSON;
                    case GRAPHML -> MediaType.parseMediaType("application/graphml+xml");
                    case NEO4J -> MediaType.parseMediaType("application/zip");
                };
        return ResponseEntity.ok()
                .contentType(type)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + project + "." + ext + "\"")
                .body(body);
    }
}
