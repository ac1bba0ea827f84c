package dev.rampart.app.connector;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rampart.app.project.Projects;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Stores connectors, each with the source row its assets and findings are attributed to. */
public final class Connectors {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource dataSource;
    private final JdbcClient jdbc;
    private final Projects projects;

    public Connectors(DataSource dataSource) {
        this.dataSource = dataSource;
        this.jdbc = JdbcClient.create(dataSource);
        this.projects = new Projects(dataSource);
    }

    /**
     * Creates the connector, or updates the one of the same project and name, from a spec. The enabled flag is not
     * changed here for an existing connector: {@link #setEnabled} does that with the F15 rules.
     */
    public Connector save(ConnectorSpec spec) {
        long projectId = projects.ensure(spec.project());
        long id = jdbc.sql(
                        """
                        insert into connector (project_id, name, tenant_id, client_id, secret_ref, cloud, base_url,
                                               sandbox, scope, options, enabled)
                        values (:project, :name, :tenant, :client, :secret, :cloud, :base, :sandbox,
                                cast(:scope as jsonb), cast(:options as jsonb), :enabled)
                        on conflict (project_id, name) do update set
                            tenant_id = excluded.tenant_id, client_id = excluded.client_id,
                            secret_ref = excluded.secret_ref, cloud = excluded.cloud, base_url = excluded.base_url,
                            sandbox = excluded.sandbox,
                            scope = excluded.scope, options = excluded.options, updated_at = now()
                        returning id
                        """)
                .param("project", projectId)
                .param("name", spec.name())
                .param("tenant", spec.tenantId())
                .param("client", spec.clientId())
                .param("secret", spec.secretRef())
                .param("cloud", spec.cloud())
                .param("base", spec.sandbox() != null ? spec.sandbox() : spec.baseUrl())
                .param("sandbox", spec.sandbox() != null)
                .param("scope", spec.scope().toJson().toString())
                .param("options", spec.options().toJson().toString())
                .param("enabled", spec.enabled())
                .query(Long.class)
                .single();
        jdbc.sql(
                        """
                        insert into source (project_id, name, kind, connector_id) values (?, ?, 'defender', ?)
                        on conflict (connector_id) do nothing
                        """)
                .params(projectId, "defender:" + spec.name(), id)
                .update();
        return find(id);
    }

    /**
     * Enables or disables a connector (F15). Disabling stops its imports and deletes the profiles it created (the
     * assets stay and are classified like any other); enabling recreates them from its assets. One transaction.
     */
    public Connector setEnabled(long id, boolean enabled, java.time.Instant at) {
        Connector c = find(id);
        var time = at.atOffset(java.time.ZoneOffset.UTC);
        try {
            dev.rampart.app.database.Transactions.run(dataSource, t -> {
                Projects.lockForChange(t, c.projectId());
                t.sql("update connector set enabled = ?, updated_at = now() where id = ?")
                        .params(enabled, id)
                        .update();
                if (enabled) {
                    dev.rampart.app.profile.Profiles.assign(t, c.projectId(), id, c.sourceId(), true, time);
                } else {
                    dev.rampart.app.profile.Profiles.removeFor(t, c.projectId(), id, time);
                }
                return null;
            });
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("could not change connector " + id + ": " + e.getMessage(), e);
        }
        return find(id);
    }

    /** The stored connector of a project and name. */
    public java.util.Optional<Connector> find(String project, String name) {
        return jdbc.sql("select c.id from connector c join project p on p.id = c.project_id"
                        + " where p.key = ? and c.name = ?")
                .params(project, name)
                .query(Long.class)
                .optional()
                .map(this::find);
    }

    public Connector find(long id) {
        return jdbc.sql(
                        """
                        select c.id, c.project_id, s.id as source_id, c.enabled, p.key as project_key, c.name
                          from connector c join project p on p.id = c.project_id
                          join source s on s.connector_id = c.id
                         where c.id = ?
                        """)
                .param(id)
                .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getBoolean(4) ? 1 : 0})
                .optional()
                .map(r -> new Connector(r[0], r[1], r[2], stored(r[0], r[3] == 1)))
                .orElseThrow(() -> new IllegalArgumentException("no connector " + id));
    }

    private ConnectorSpec stored(long id, boolean enabled) {
        return jdbc.sql(
                        """
                        select p.key, c.name, c.tenant_id, c.client_id, c.secret_ref, c.cloud, c.base_url,
                               c.scope::text, c.options::text, c.sandbox
                          from connector c join project p on p.id = c.project_id where c.id = ?
                        """)
                .param(id)
                .query((rs, n) -> {
                    String ref = rs.getString(5);
                    String base = rs.getString(7);
                    boolean sandbox = rs.getBoolean(10);
                    try {
                        var problems = new java.util.ArrayList<String>();
                        Scope scope = Scope.parse(JSON.readTree(rs.getString(8)), "scope", problems);
                        ConnectorOptions options = ConnectorOptions.fromJson(JSON.readTree(rs.getString(9)));
                        return new ConnectorSpec(
                                rs.getString(1),
                                rs.getString(2),
                                null,
                                rs.getString(3),
                                rs.getString(4),
                                ref != null && ref.startsWith("env:") ? ref.substring(4) : null,
                                ref != null && ref.startsWith("file:") ? ref.substring(5) : null,
                                rs.getString(6),
                                sandbox ? base : null,
                                sandbox ? null : base,
                                scope,
                                enabled,
                                options);
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException("stored connector " + id + " has unreadable JSON", e);
                    }
                })
                .single();
    }
}
