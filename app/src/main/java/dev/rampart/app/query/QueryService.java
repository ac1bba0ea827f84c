package dev.rampart.app.query;

import dev.rampart.app.export.Exporter;
import dev.rampart.app.graph.GraphModel;
import dev.rampart.app.security.Audit;
import dev.rampart.app.security.Caller;
import dev.rampart.app.security.SavedTexts;
import dev.rampart.app.web.ApiProblem;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.http.HttpStatus;

/**
 * Runs queries in Rampart's query language (F21) for a project: compiled to one statement, run in a read-only
 * transaction under a statement timeout, at most the server's row limit returned. Also keeps the project's saved
 * queries.
 */
public final class QueryService {
    private final DataSource dataSource;
    private final int maxRows;
    private final Duration timeout;
    private final Clock clock;
    private final SavedTexts saved;

    /**
     * @param maxRows the rows an answer holds at most ({@code truncated} says when there were more)
     * @param timeout how long one query may run before PostgreSQL cancels it
     */
    public QueryService(DataSource dataSource, Audit audit, int maxRows, Duration timeout, Clock clock) {
        this.dataSource = dataSource;
        this.maxRows = maxRows;
        this.timeout = timeout;
        this.clock = clock;
        this.saved = new SavedTexts(dataSource, audit, "saved_query", "query", QueryCompiler.MAX_LENGTH, text -> {
            try {
                QueryCompiler.compile(text, 0, 1, clock.instant());
                return null;
            } catch (QueryException e) {
                return "is not a valid query: " + e.getMessage();
            }
        });
    }

    /** The project's saved queries. */
    public SavedTexts saved() {
        return saved;
    }

    /** An answer: the columns (name and type) and the rows, values as JSON would have them (times as ISO text). */
    public record Answer(List<QueryCompiler.Column> columns, List<List<Object>> rows, boolean truncated) {

        /** The rows as CSV (RFC 4180) under a header of the column names. */
        public String toCsv() {
            return Exporter.csvTable(
                    columns.stream().map(QueryCompiler.Column::name).toList(), cells());
        }

        /** The rows as text cells: empty for null. */
        public List<List<String>> cells() {
            return rows.stream()
                    .map(r -> r.stream().map(v -> v == null ? "" : v.toString()).toList())
                    .toList();
        }
    }

    /** Runs {@code text} in the caller's project. */
    public Answer run(Caller caller, String text) {
        return run(caller.requireProject(), text);
    }

    /**
     * Runs {@code text} in a project.
     *
     * @throws ApiProblem 400 {@code query-invalid} with {@code position}, {@code line}, {@code column} and
     *     {@code expected}; 400 {@code query-too-costly} when it outruns the timeout
     */
    public Answer run(long projectId, String text) {
        QueryCompiler.Compiled c;
        try {
            c = QueryCompiler.compile(text, projectId, maxRows, clock.instant());
        } catch (QueryException e) {
            throw invalid(e);
        }
        try {
            return execute(c);
        } catch (SQLException e) {
            if ("57014".equals(e.getSQLState())) {
                throw ApiProblem.badRequest(
                                "query-too-costly",
                                "the query ran longer than the server's limit of " + timeout.toMillis()
                                        + " ms and was stopped: narrow it with WITH conditions, or ask for fewer"
                                        + " steps")
                        .with("timeoutMillis", timeout.toMillis());
            }
            throw new IllegalStateException("the query failed in the database (SQL state " + e.getSQLState() + ")", e);
        }
    }

    /** A query error as the API's problem: 400 {@code /problems/query-invalid}. */
    public static ApiProblem invalid(QueryException e) {
        return new ApiProblem(HttpStatus.BAD_REQUEST, "query-invalid", "Query not valid", e.getMessage(), null)
                .with("position", e.position())
                .with("line", e.line())
                .with("column", e.column())
                .with("expected", e.expected());
    }

    private Answer execute(QueryCompiler.Compiled c) throws SQLException {
        try (Connection con = dataSource.getConnection()) {
            boolean autoCommit = con.getAutoCommit();
            con.setAutoCommit(false);
            try {
                try (Statement st = con.createStatement()) {
                    st.execute("set transaction read only");
                    st.execute("set local statement_timeout = " + Math.max(1, timeout.toMillis()));
                }
                List<List<Object>> rows = new ArrayList<>();
                boolean truncated = false;
                try (PreparedStatement ps = con.prepareStatement(c.sql())) {
                    for (int i = 0; i < c.params().size(); i++) {
                        ps.setObject(i + 1, c.params().get(i));
                    }
                    ps.setFetchSize(1000);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            if (rows.size() == c.limit()) {
                                truncated = true;
                                break;
                            }
                            rows.add(row(rs, c.columns()));
                        }
                    }
                }
                return new Answer(c.columns(), rows, truncated);
            } finally {
                con.rollback();
                con.setAutoCommit(autoCommit);
            }
        }
    }

    private static List<Object> row(ResultSet rs, List<QueryCompiler.Column> columns) throws SQLException {
        List<Object> row = new ArrayList<>(columns.size());
        for (int i = 0; i < columns.size(); i++) {
            row.add(GraphModel.read(rs, i + 1, columns.get(i).type()));
        }
        return row;
    }
}
