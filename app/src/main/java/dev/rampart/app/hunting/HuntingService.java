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
import dev.rampart.app.security.SavedTexts;
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
    private final SavedTexts saved;

    public HuntingService(
            DataSource dataSource, Connectors connectors, ConnectorClients clients, Audit audit, int maxRows) {
        this.jdbc = JdbcClient.create(dataSource);
        this.saved = new SavedTexts(dataSource, audit, "saved_hunt", "hunt", MAX_QUERY, kql -> null);
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
            return Exporter.csvTable(schema.stream().map(HuntingColumn::name).toList(), cells());
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

    /** The project's saved hunts. */
    public SavedTexts saved() {
        return saved;
    }
}
