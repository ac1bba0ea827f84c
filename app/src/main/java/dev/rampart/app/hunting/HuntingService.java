package dev.rampart.app.hunting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rampart.app.connector.Connector;
import dev.rampart.app.connector.ConnectorClients;
import dev.rampart.app.connector.Connectors;
import dev.rampart.app.export.Exporter;
import dev.rampart.app.security.Audit;
import dev.rampart.app.security.Caller;
import dev.rampart.app.web.ApiProblem;
import dev.rampart.app.web.Text;
import dev.rampart.defender.DefenderClient;
import dev.rampart.defender.Permissions;
import dev.rampart.defender.error.DefenderException;
import dev.rampart.defender.error.PermissionException;
import dev.rampart.defender.error.ThrottledException;
import dev.rampart.defender.model.HuntingColumn;
import dev.rampart.defender.model.HuntingResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Runs advanced hunting queries for a project (F19). The query goes to the connector's tenant through Graph's
 * {@code security/runHuntingQuery} when the app registration has ThreatHunting.Read.All, else through Defender's
 * legacy {@code advancedqueries/run} (AdvancedQuery.Read.All). Every run is audited with its query. Defender's
 * refusals (a KQL error, a quota) come back as sentences with Defender's own words; Rampart adds no limits of its own
 * beyond the query's length and the rows it returns.
 */
public final class HuntingService {
    /** Longer queries are refused before they reach Defender. */
    public static final int MAX_QUERY = 30_000;

    static final ObjectMapper JSON = new ObjectMapper();

    private final JdbcClient jdbc;
    private final Connectors connectors;
    private final ConnectorClients clients;
    private final Audit audit;
    private final int maxRows;

    public HuntingService(
            DataSource dataSource, Connectors connectors, ConnectorClients clients, Audit audit, int maxRows) {
        this.jdbc = JdbcClient.create(dataSource);
        this.connectors = connectors;
        this.clients = clients;
        this.audit = audit;
        this.maxRows = maxRows;
    }

    /**
     * A query's answer: the schema, the rows (at most the server's row limit; {@code truncated} says when Defender
     * sent more), the connector it ran through and the API ({@code graph} or {@code defender}).
     */
    public record Answer(
            List<HuntingColumn> schema, List<ObjectNode> results, boolean truncated, String connector, String via) {

        /** {@code {"schema": [{"name","type"}], "results": [...], "truncated", "connector", "via"}}. */
        public String toJson() {
            ObjectNode o = JSON.createObjectNode();
            ArrayNode s = o.putArray("schema");
            schema.forEach(c -> s.addObject().put("name", c.name()).put("type", c.type()));
            ArrayNode r = o.putArray("results");
            results.forEach(r::add);
            o.put("truncated", truncated);
            o.put("connector", connector);
            o.put("via", via);
            return o.toString();
        }

        /** The rows as CSV (RFC 4180), columns in schema order; nested values as their JSON text. */
        public String toCsv() {
            StringBuilder b = new StringBuilder();
            List<String> names = schema.stream().map(HuntingColumn::name).toList();
            b.append(String.join(",", names.stream().map(Exporter::csvField).toList()))
                    .append("\r\n");
            for (List<String> row : cells()) {
                b.append(String.join(",", row.stream().map(Exporter::csvField).toList()))
                        .append("\r\n");
            }
            return b.toString();
        }

        /** The rows as text cells in schema order: empty for null, nested values as their JSON text. */
        public List<List<String>> cells() {
            List<List<String>> rows = new ArrayList<>(results.size());
            for (ObjectNode row : results) {
                List<String> cells = new ArrayList<>(schema.size());
                for (HuntingColumn c : schema) {
                    JsonNode v = row.get(c.name());
                    cells.add(v == null || v.isNull() ? "" : v.isValueNode() ? v.asText() : v.toString());
                }
                rows.add(cells);
            }
            return rows;
        }
    }

    /** The connectors a project may hunt through: its enabled ones, by name. */
    public List<Connector> connectorsOf(long projectId) {
        return jdbc
                .sql("select id from connector where project_id = ? and enabled order by name")
                .param(projectId)
                .query(Long.class)
                .list()
                .stream()
                .map(connectors::find)
                .toList();
    }

    /**
     * Runs {@code kql} through the named connector, or the project's only enabled one. The query and its outcome
     * (rows, or Defender's refusal) are audited.
     */
    public Answer run(Caller caller, String connectorName, String kql) {
        String query = kql == null ? "" : kql.strip();
        if (query.isEmpty()) {
            throw ApiProblem.invalid("query", "is required: a KQL query, e.g. DeviceInfo | take 10");
        }
        if (query.length() > MAX_QUERY) {
            throw ApiProblem.invalid("query", "is at most " + MAX_QUERY + " characters");
        }
        Connector connector = choose(caller.requireProject(), connectorName);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("connector", connector.name());
        details.put("query", Text.oneLine(query, 2000));
        DefenderClient client = clients.client(connector);
        String via = "graph";
        try {
            HuntingResult result;
            try {
                result = client.huntGraph(query);
            } catch (PermissionException e) {
                via = "defender";
                result = client.huntLegacy(query);
            }
            Answer answer = answer(result, connector.name(), via);
            details.put("via", via);
            details.put("rows", answer.results().size());
            details.put("truncated", answer.truncated());
            audit.record(caller, "hunting.run", "connector " + connector.name(), "success", details);
            return answer;
        } catch (PermissionException e) {
            String detail =
                    "the connector's app registration may not hunt: grant Microsoft Graph's ThreatHunting.Read.All"
                            + " (or Defender's AdvancedQuery.Read.All) with admin consent, as " + Permissions.GUIDE
                            + " shows";
            details.put("error", detail);
            audit.record(caller, "hunting.run", "connector " + connector.name(), "failure", details);
            throw ApiProblem.permissionMissing("ThreatHunting.Read.All", detail).with("guide", Permissions.GUIDE);
        } catch (ThrottledException e) {
            Duration wait = e.retryAfter();
            String detail = "Defender's hunting quota is used up"
                    + (e.errorMessage() == null ? "" : " (" + Text.oneLine(e.errorMessage(), 300) + ")")
                    + (wait == null ? "" : ": try again in " + Math.max(1, wait.toSeconds()) + " seconds");
            details.put("error", detail);
            audit.record(caller, "hunting.run", "connector " + connector.name(), "failure", details);
            ApiProblem p = new ApiProblem(
                    HttpStatus.TOO_MANY_REQUESTS, "hunting-quota", "Hunting quota used up", detail, null);
            throw wait == null ? p : p.with("retryAfterSeconds", Math.max(1, wait.toSeconds()));
        } catch (DefenderException e) {
            boolean refused = e.status() >= 400 && e.status() < 500;
            String words = e.errorMessage() == null ? e.getMessage() : e.errorMessage();
            String detail = refused
                    ? "Defender refused the query: " + Text.oneLine(words, 1000)
                    : "Defender did not answer: " + Text.oneLine(e.getMessage(), 500);
            details.put("via", via);
            details.put("error", detail);
            audit.record(caller, "hunting.run", "connector " + connector.name(), "failure", details);
            ApiProblem p = new ApiProblem(
                    refused ? HttpStatus.BAD_REQUEST : HttpStatus.BAD_GATEWAY,
                    refused ? "hunting-refused" : "defender-error",
                    refused ? "Query refused" : "Defender error",
                    detail,
                    null);
            throw refused ? p.with("defenderMessage", words) : p;
        }
    }

    private Connector choose(long projectId, String name) {
        List<Connector> all = connectorsOf(projectId);
        if (name != null && !name.isBlank()) {
            return all.stream()
                    .filter(c -> c.name().equals(name))
                    .findFirst()
                    .orElseThrow(() -> ApiProblem.invalid("connector", "is not an enabled connector of this project"));
        }
        if (all.isEmpty()) {
            throw ApiProblem.conflict(
                    "no-connector", "the project has no enabled Defender connector to hunt through: add one first");
        }
        if (all.size() > 1) {
            throw ApiProblem.invalid(
                    "connector",
                    "is required: the project has " + all.size() + " connectors ("
                            + String.join(
                                    ", ", all.stream().map(Connector::name).toList()) + ")");
        }
        return all.get(0);
    }

    private Answer answer(HuntingResult result, String connector, String via) {
        int n = result.rowCount();
        List<ObjectNode> rows = new ArrayList<>(Math.min(n, maxRows));
        for (int i = 0; i < n && i < maxRows; i++) {
            rows.add(result.row(i));
        }
        return new Answer(result.columns(), rows, n > maxRows, connector, via);
    }

    // ------------------------------------------------------------------ saved hunts

    /** A saved hunt; {@code shared} ones are the project's, others their owner's alone. */
    public record Hunt(
            long id, String name, String query, String owner, boolean shared, String createdAt, String updatedAt) {}

    public record HuntRequest(String name, String query, Boolean shared) {}

    private static final String HUNT_COLUMNS =
            "id, name, query, owner, shared, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
                    + " to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";

    private static Hunt hunt(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new Hunt(
                rs.getLong(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getBoolean(5),
                rs.getString(6),
                rs.getString(7));
    }

    /** The hunts the caller sees: the project's shared ones and their own. */
    public List<Hunt> hunts(Caller caller) {
        return jdbc.sql("select " + HUNT_COLUMNS + " from saved_hunt where project_id = ? and (shared or owner = ?)"
                        + " order by lower(name), id")
                .params(caller.requireProject(), caller.username())
                .query(HuntingService::hunt)
                .list();
    }

    public Hunt hunt(Caller caller, long id) {
        return jdbc.sql("select " + HUNT_COLUMNS + " from saved_hunt where project_id = ? and id = ?"
                        + " and (shared or owner = ?)")
                .params(caller.requireProject(), id, caller.username())
                .query(HuntingService::hunt)
                .optional()
                .orElseThrow(() -> ApiProblem.notFound("no saved hunt " + id));
    }

    private static HuntRequest validate(HuntRequest r) {
        List<ApiProblem.FieldError> errors = new ArrayList<>();
        String name = r == null || r.name() == null ? "" : r.name().strip();
        String query = r == null || r.query() == null ? "" : r.query().strip();
        if (name.isEmpty() || name.length() > 200 || name.chars().anyMatch(Character::isISOControl)) {
            errors.add(new ApiProblem.FieldError("name", "is required: 1 to 200 printable characters"));
        }
        if (query.isEmpty() || query.length() > MAX_QUERY) {
            errors.add(new ApiProblem.FieldError(
                    "query", "is required: a KQL query of at most " + MAX_QUERY + " characters"));
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        return new HuntRequest(name, query, r.shared() == null || r.shared());
    }

    public Hunt create(Caller caller, HuntRequest raw) {
        HuntRequest r = validate(raw);
        long id;
        try {
            id = jdbc.sql("insert into saved_hunt (project_id, name, query, owner, shared) values (?, ?, ?, ?, ?)"
                            + " returning id")
                    .params(caller.requireProject(), r.name(), r.query(), caller.username(), r.shared())
                    .query(Long.class)
                    .single();
        } catch (org.springframework.dao.DuplicateKeyException e) {
            throw ApiProblem.conflict("name-taken", "the project has a saved hunt named '" + r.name() + "' already");
        }
        audit.record(caller, "hunt.create", "hunt " + id, "success", Map.of("name", r.name()));
        return hunt(caller, id);
    }

    /** Changes a hunt: its owner, or a project admin for a shared one. */
    public Hunt update(Caller caller, long id, HuntRequest raw) {
        Hunt h = mayChange(caller, id);
        HuntRequest r = validate(raw);
        try {
            jdbc.sql("update saved_hunt set name = ?, query = ?, shared = ?, updated_at = now() where id = ?")
                    .params(r.name(), r.query(), r.shared(), h.id())
                    .update();
        } catch (org.springframework.dao.DuplicateKeyException e) {
            throw ApiProblem.conflict("name-taken", "the project has a saved hunt named '" + r.name() + "' already");
        }
        audit.record(caller, "hunt.update", "hunt " + id, "success", Map.of("name", r.name()));
        return hunt(caller, id);
    }

    public void delete(Caller caller, long id) {
        Hunt h = mayChange(caller, id);
        jdbc.sql("delete from saved_hunt where id = ?").param(h.id()).update();
        audit.record(caller, "hunt.delete", "hunt " + id, "success", Map.of("name", h.name()));
    }

    private Hunt mayChange(Caller caller, long id) {
        Hunt h = hunt(caller, id);
        boolean admin =
                caller.role() != null && caller.role().allows(dev.rampart.app.security.Permission.PROJECT_ADMIN);
        if (!h.owner().equals(caller.username()) && !admin) {
            throw ApiProblem.forbidden(
                    "only its owner or a project admin may change the saved hunt '" + h.name() + "'");
        }
        return h;
    }
}
