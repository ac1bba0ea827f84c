package dev.rampart.app.connector;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rampart.app.database.Transactions;
import dev.rampart.app.outbound.OutboundPolicy;
import dev.rampart.app.project.Projects;
import dev.rampart.app.web.ApiProblem;
import dev.rampart.defender.Cloud;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Connectors as the API and the UI manage them (F1): validated as a whole (every problem with its field), stored with
 * the credential encrypted ({@link CredentialVault}) or as an {@code env:}/{@code file:} reference, returned without
 * it. What makes the server read its own files or call an address is the operator's to allow: credential references
 * and custom base URLs only by server administrators ({@link CredentialReferences}), sandbox URLs only by project
 * admins on servers that allow them, and every address through the {@link OutboundPolicy}.
 */
public final class ConnectorService {
    static final ObjectMapper JSON2 = new ObjectMapper();
    static final JsonMapper JSON3 = JsonMapper.builder().build();
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}");
    private static final Pattern GUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern DOMAIN = Pattern.compile("[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");
    /** The days before a credential's expiry at which Rampart warns (API, metrics, log). */
    public static final int[] WARN_DAYS = {30, 7, 1};

    private final DataSource dataSource;
    private final JdbcClient jdbc;
    private final Connectors connectors;
    private final CredentialVault vault;
    private final Clock clock;
    private final boolean allowSandboxUrls;
    private final CredentialReferences references;
    private final OutboundPolicy outbound;

    public ConnectorService(
            DataSource dataSource,
            CredentialVault vault,
            Clock clock,
            boolean allowSandboxUrls,
            CredentialReferences references,
            OutboundPolicy outbound) {
        this.dataSource = dataSource;
        this.jdbc = JdbcClient.create(dataSource);
        this.connectors = new Connectors(dataSource);
        this.vault = vault;
        this.clock = clock;
        this.allowSandboxUrls = allowSandboxUrls;
        this.references = references;
        this.outbound = outbound;
    }

    /**
     * Who changes a connector, as far as its rules go: a project admin may point it at a sandbox (where the server
     * allows sandboxes); only a server administrator may give a custom base URL or a credential reference.
     */
    public record Editor(boolean projectAdmin, boolean serverAdmin) {
        /** The server itself (the demo): every right. */
        public static final Editor SERVER = new Editor(true, true);

        public static Editor of(dev.rampart.app.security.Caller caller) {
            return new Editor(
                    caller.role() != null && caller.role().allows(dev.rampart.app.security.Permission.PROJECT_ADMIN),
                    caller.serverAdminRights());
        }
    }

    /** The credential as given to the API; at most one of its three values. */
    public record CredentialInput(String secret, String certificatePem, String reference, OffsetDateTime expiresAt) {
        @Override
        public String toString() {
            return "CredentialInput[***]";
        }
    }

    /** When imports run (F4): {@code manual}, {@code interval} every N minutes (default 60), or {@code once} at a time. */
    public record Schedule(String kind, Integer everyMinutes, OffsetDateTime at) {
        public static Schedule hourly() {
            return new Schedule("interval", 60, null);
        }
    }

    public record ConnectorRequest(
            String name,
            String description,
            String tenantId,
            String clientId,
            CredentialInput credential,
            String cloud,
            String baseUrl,
            String sandbox,
            JsonNode scope,
            JsonNode options,
            Boolean enabled,
            Schedule schedule) {}

    /** What the API says about a credential: never its value. */
    public record CredentialView(
            boolean set, String kind, String reference, OffsetDateTime expiresAt, Long expiresInDays, String warning) {}

    public record RunRef(long id, String state, String phase, OffsetDateTime startedAt, OffsetDateTime finishedAt) {}

    public record ConnectorView(
            long id,
            String project,
            String name,
            String description,
            String tenantId,
            String clientId,
            CredentialView credential,
            String cloud,
            String baseUrl,
            boolean sandbox,
            JsonNode scope,
            JsonNode options,
            boolean enabled,
            Schedule schedule,
            int version,
            OffsetDateTime createdAt,
            OffsetDateTime updatedAt,
            RunRef lastRun) {}

    /** The validated request, ready to store. */
    private record Valid(ConnectorSpec spec, CredentialInput credential, Schedule schedule, String description) {}

    /**
     * @param current the connector before this change (null when creating): an address or reference it already has
     *     may be kept by anyone who may edit it
     */
    private Valid validate(
            String project,
            ConnectorRequest r,
            ConnectorView current,
            Editor editor,
            List<ApiProblem.FieldError> errors) {
        boolean creating = current == null;
        if (r == null) {
            throw ApiProblem.badRequest("malformed-json", "the body is missing");
        }
        check(
                r.name() != null && NAME.matcher(r.name()).matches(),
                "name",
                "is required: 1 to 100 letters, digits, spaces, '.', '_' or '-', starting with a letter or digit",
                errors);
        check(
                r.description() == null || r.description().length() <= 2000,
                "description",
                "at most 2000 characters",
                errors);
        check(
                r.tenantId() != null
                        && (GUID.matcher(r.tenantId()).matches()
                                || DOMAIN.matcher(r.tenantId()).matches()),
                "tenantId",
                "is required: the directory (tenant) id, a GUID, or its domain (contoso.onmicrosoft.com)",
                errors);
        check(
                r.clientId() != null && GUID.matcher(r.clientId()).matches(),
                "clientId",
                "is required: the application (client) id, a GUID",
                errors);
        CredentialInput c = r.credential();
        if (c == null) {
            check(!creating, "credential", "is required: a secret, a certificate (PEM) or a reference", errors);
        } else {
            int given =
                    (blank(c.secret()) ? 0 : 1) + (blank(c.certificatePem()) ? 0 : 1) + (blank(c.reference()) ? 0 : 1);
            if (given > 1) {
                errors.add(new ApiProblem.FieldError("credential", "give one of secret, certificatePem or reference"));
            }
            if (given == 0 && c.expiresAt() == null) {
                errors.add(new ApiProblem.FieldError("credential", "give secret, certificatePem or reference"));
            }
            if (!blank(c.reference())) {
                boolean kept = current != null
                        && c.reference().equals(current.credential().reference());
                if (!editor.serverAdmin() && !kept) {
                    errors.add(new ApiProblem.FieldError(
                            "credential.reference",
                            "only a server administrator may set a credential reference (it makes the server read"
                                    + " its own files or environment)"));
                } else {
                    references
                            .refusal(c.reference())
                            .ifPresent(why -> errors.add(new ApiProblem.FieldError("credential.reference", why)));
                }
            }
            if (!blank(c.secret()) && c.secret().length() > 1024) {
                errors.add(new ApiProblem.FieldError("credential.secret", "at most 1024 characters"));
            }
            if (!blank(c.certificatePem())) {
                try {
                    Pem.credential(c.certificatePem());
                } catch (IllegalArgumentException e) {
                    errors.add(new ApiProblem.FieldError("credential.certificatePem", e.getMessage()));
                }
            }
        }
        int endpoints = (blank(r.cloud()) ? 0 : 1) + (blank(r.baseUrl()) ? 0 : 1) + (blank(r.sandbox()) ? 0 : 1);
        check(endpoints <= 1, "cloud", "give at most one of cloud, baseUrl or sandbox", errors);
        if (!blank(r.cloud())) {
            try {
                Cloud.parse(r.cloud());
            } catch (IllegalArgumentException e) {
                errors.add(new ApiProblem.FieldError("cloud", e.getMessage()));
            }
        }
        if (!blank(r.baseUrl())) {
            boolean kept = current != null && !current.sandbox() && r.baseUrl().equals(current.baseUrl());
            if (!editor.serverAdmin() && !kept) {
                errors.add(new ApiProblem.FieldError(
                        "baseUrl",
                        "only a server administrator may set a custom base URL (it decides where Rampart sends the"
                                + " tenant's access token)"));
            } else {
                outbound.refusal(r.baseUrl(), Set.of("https"))
                        .ifPresent(why -> errors.add(new ApiProblem.FieldError("baseUrl", why)));
            }
        }
        if (!blank(r.sandbox())) {
            boolean kept = current != null && current.sandbox() && r.sandbox().equals(current.baseUrl());
            check(
                    allowSandboxUrls,
                    "sandbox",
                    "sandbox URLs are not allowed on this server" + " (rampart.connectors.allow-sandbox-urls)",
                    errors);
            check(
                    editor.projectAdmin() || kept,
                    "sandbox",
                    "only project admins may point a connector at a sandbox",
                    errors);
            outbound.refusal(r.sandbox(), Set.of("http", "https"))
                    .ifPresent(why -> errors.add(new ApiProblem.FieldError("sandbox", why)));
        }
        List<String> problems = new ArrayList<>();
        Scope scope = Scope.parse(r.scope() == null ? null : json2(r.scope()), "scope", problems);
        ConnectorOptions options =
                ConnectorOptions.parse(r.options() == null ? null : json2(r.options()), "options", problems);
        for (String p : problems) {
            errors.add(new ApiProblem.FieldError(p.startsWith("options") ? "options" : "scope", p));
        }
        Schedule schedule = r.schedule() == null && creating ? Schedule.hourly() : r.schedule();
        if (schedule != null) {
            switch (schedule.kind() == null ? "" : schedule.kind()) {
                case "manual" -> {}
                case "interval" -> check(
                        schedule.everyMinutes() == null
                                || (schedule.everyMinutes() >= 5 && schedule.everyMinutes() <= 7 * 24 * 60),
                        "schedule.everyMinutes",
                        "must be between 5 and 10080 (a week)",
                        errors);
                case "once" -> check(schedule.at() != null, "schedule.at", "is required for a one-time run", errors);
                default -> errors.add(new ApiProblem.FieldError("schedule.kind", "must be manual, interval or once"));
            }
            if ("interval".equals(schedule.kind()) && schedule.everyMinutes() == null) {
                schedule = Schedule.hourly();
            }
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        String ref = c == null || blank(c.reference()) ? null : c.reference();
        ConnectorSpec spec = new ConnectorSpec(
                project,
                r.name(),
                r.description(),
                r.tenantId(),
                r.clientId(),
                ref != null && ref.startsWith("env:") ? ref.substring(4) : null,
                ref != null && ref.startsWith("file:") ? ref.substring(5) : null,
                blank(r.cloud()) ? null : r.cloud(),
                blank(r.sandbox()) ? null : r.sandbox(),
                blank(r.baseUrl()) ? null : r.baseUrl(),
                scope,
                r.enabled() == null || r.enabled(),
                options);
        return new Valid(spec, c, schedule, r.description());
    }

    /** The same JSON as the client-side (Jackson 2) tree that Scope and ConnectorOptions read. */
    static com.fasterxml.jackson.databind.JsonNode json2(JsonNode n) {
        try {
            return JSON2.readTree(n.toString());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void check(boolean ok, String field, String message, List<ApiProblem.FieldError> errors) {
        if (!ok) {
            errors.add(new ApiProblem.FieldError(field, message));
        }
    }

    static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** Creates a connector; returns it and the names of the fields set (for the audit log). */
    public ConnectorView create(String project, ConnectorRequest r, Editor editor) {
        Valid v = validate(project, r, null, editor, new ArrayList<>());
        if (connectors.find(project, v.spec().name()).isPresent()) {
            throw ApiProblem.conflict(
                    "already-exists",
                    "project '" + project + "' already has a connector named '"
                            + v.spec().name() + "'");
        }
        Connector saved = connectors.save(v.spec());
        finish(saved.id(), v, true);
        return view(project, saved.id()).orElseThrow();
    }

    /**
     * Replaces a connector's settings. The credential is kept when the request has none (it is write-only, so a client
     * cannot send it back); {@code expectedVersion}, when given, must match (optimistic locking).
     */
    public ConnectorView update(String project, long id, ConnectorRequest r, Editor editor, Integer expectedVersion) {
        ConnectorView current = view(project, id).orElseThrow(() -> ApiProblem.notFound("no connector " + id));
        if (expectedVersion != null && expectedVersion != current.version()) {
            throw ApiProblem.conflict(
                    "version-conflict",
                    "the connector changed since version " + expectedVersion + " (now " + current.version()
                            + "); read it again");
        }
        Valid v = validate(project, r, current, editor, new ArrayList<>());
        if (!v.spec().name().equals(current.name())
                && connectors.find(project, v.spec().name()).isPresent()) {
            throw ApiProblem.conflict(
                    "already-exists", "another connector is named '" + v.spec().name() + "'");
        }
        jdbc.sql("update connector set name = ? where id = ?")
                .params(v.spec().name(), id)
                .update();
        jdbc.sql("update source set name = ? where connector_id = ?")
                .params("defender:" + v.spec().name(), id)
                .update();
        boolean keepReference = r.credential() == null
                || (blank(r.credential().secret())
                        && blank(r.credential().certificatePem())
                        && blank(r.credential().reference()));
        String keptRef = keepReference
                ? jdbc.sql("select secret_ref from connector where id = ?")
                        .param(id)
                        .query(String.class)
                        .optional()
                        .orElse(null)
                : null;
        Connector saved = connectors.save(v.spec());
        if (keptRef != null) {
            jdbc.sql("update connector set secret_ref = ? where id = ?")
                    .params(keptRef, id)
                    .update();
        }
        finish(saved.id(), v, false);
        if (saved.enabled() != v.spec().enabled()) {
            connectors.setEnabled(id, v.spec().enabled(), clock.instant());
        }
        return view(project, id).orElseThrow();
    }

    private void finish(long id, Valid v, boolean creating) {
        CredentialInput c = v.credential();
        if (c != null) {
            if (!blank(c.secret())) {
                vault.store(id, c.secret().trim());
                kind(id, "secret");
            } else if (!blank(c.certificatePem())) {
                vault.store(id, c.certificatePem().trim());
                kind(id, "certificate");
            } else if (!blank(c.reference())) {
                jdbc.sql("update connector set secret_ciphertext = null, secret_key_id = null, secret_ref = ?,"
                                + " credential_kind = 'secret' where id = ?")
                        .params(c.reference(), id)
                        .update();
            }
            OffsetDateTime expires = c.expiresAt();
            if (expires == null && !blank(c.certificatePem())) {
                expires = Pem.certificate(c.certificatePem())
                        .getNotAfter()
                        .toInstant()
                        .atOffset(ZoneOffset.UTC);
            }
            if (expires != null
                    || creating
                    || !blank(c.secret())
                    || !blank(c.certificatePem())
                    || !blank(c.reference())) {
                jdbc.sql("update connector set secret_expires_at = ?, expiry_warned = null where id = ?")
                        .params(expires, id)
                        .update();
            }
        }
        Map<String, Object> schedule = new LinkedHashMap<>();
        Schedule s = v.schedule();
        if (s != null) {
            schedule.put("kind", s.kind());
            if (s.everyMinutes() != null) {
                schedule.put("everyMinutes", s.everyMinutes());
            }
            if (s.at() != null) {
                schedule.put("at", s.at().toInstant().toString());
            }
            jdbc.sql("update connector set schedule = cast(? as jsonb) where id = ?")
                    .params(JSON3.writeValueAsString(schedule), id)
                    .update();
        }
        jdbc.sql("update connector set description = ?, version = version + ?, updated_at = now() where id = ?")
                .params(v.description(), creating ? 0 : 1, id)
                .update();
    }

    private void kind(long id, String kind) {
        jdbc.sql("update connector set credential_kind = ? where id = ?")
                .params(kind, id)
                .update();
    }

    /**
     * Deletes a connector and what it imported: its source's findings, software, alerts and runs; assets no other
     * source reports go too. One transaction, under the project's change lock.
     */
    public boolean delete(String project, long id) {
        Optional<ConnectorView> v = view(project, id);
        if (v.isEmpty()) {
            return false;
        }
        long projectId = new Projects(dataSource).require(project);
        try {
            Transactions.run(dataSource, tx -> {
                Projects.lockForChange(tx, projectId);
                tx.sql("delete from connector where id = ?").param(id).update();
                tx.sql(
                                """
                        delete from asset a where a.project_id = ?
                           and not exists (select 1 from asset_source s where s.asset_id = a.id)
                        """)
                        .param(projectId)
                        .update();
                tx.sql("select recount_inventory(?, null, true)")
                        .param(projectId)
                        .query()
                        .listOfRows();
                // what remains lost the connector's findings, alerts and sensor facts: its risk changes
                dev.rampart.app.risk.SensorHealth.update(tx, projectId, null, clock.instant());
                dev.rampart.app.risk.RiskService.update(
                        tx, projectId, null, clock.instant(), dev.rampart.app.risk.RiskService.Scope.ALL);
                return null;
            });
        } catch (SQLException e) {
            throw new IllegalStateException("could not delete connector " + id + ": " + e.getMessage(), e);
        }
        return true;
    }

    public List<ConnectorView> list(String project) {
        return jdbc
                .sql("select c.id from connector c join project p on p.id = c.project_id where p.key = ? order by"
                        + " c.name")
                .param(project)
                .query(Long.class)
                .list()
                .stream()
                .map(id -> view(project, id).orElseThrow())
                .toList();
    }

    public Optional<ConnectorView> view(String project, long id) {
        Instant now = clock.instant();
        return jdbc.sql(
                        """
                        select c.id, p.key, c.name, c.description, c.tenant_id, c.client_id,
                               c.secret_ciphertext is not null or c.secret_ref is not null, c.credential_kind,
                               c.secret_ref, c.secret_expires_at, c.cloud, c.base_url, c.sandbox, c.scope::text,
                               c.options::text, c.enabled, c.schedule::text, c.version, c.created_at, c.updated_at,
                               r.id, r.state, r.phase, r.started_at, r.finished_at, c.secret_ciphertext is not null
                          from connector c join project p on p.id = c.project_id
                          left join lateral (select * from sync_run r where r.connector_id = c.id
                                             order by r.id desc limit 1) r on true
                         where p.key = ? and c.id = ?
                        """)
                .params(project, id)
                .query((rs, n) -> {
                    OffsetDateTime expires = rs.getObject(10, OffsetDateTime.class);
                    Long days = expires == null
                            ? null
                            : Duration.between(now, expires.toInstant()).toDays();
                    String ref = rs.getString(9);
                    boolean stored = rs.getBoolean(26);
                    CredentialView cred = new CredentialView(
                            rs.getBoolean(7),
                            stored ? rs.getString(8) : ref != null ? "reference" : null,
                            stored ? null : ref,
                            expires,
                            days,
                            expiryWarning(expires, now));
                    JsonNode sched = JSON3.readTree(rs.getString(17));
                    Schedule schedule = new Schedule(
                            sched.path("kind").asString("manual"),
                            sched.has("everyMinutes")
                                    ? sched.get("everyMinutes").asInt()
                                    : null,
                            sched.has("at")
                                    ? OffsetDateTime.parse(sched.get("at").asString())
                                    : null);
                    long runId = rs.getLong(21);
                    RunRef last = rs.wasNull()
                            ? null
                            : new RunRef(
                                    runId,
                                    rs.getString(22),
                                    rs.getString(23),
                                    rs.getObject(24, OffsetDateTime.class),
                                    rs.getObject(25, OffsetDateTime.class));
                    boolean sandbox = rs.getBoolean(13);
                    return new ConnectorView(
                            rs.getLong(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getString(5),
                            rs.getString(6),
                            cred,
                            rs.getString(11),
                            rs.getString(12),
                            sandbox,
                            JSON3.readTree(rs.getString(14)),
                            JSON3.readTree(rs.getString(15)),
                            rs.getBoolean(16),
                            schedule,
                            rs.getInt(18),
                            rs.getObject(19, OffsetDateTime.class),
                            rs.getObject(20, OffsetDateTime.class),
                            last);
                })
                .optional();
    }

    /** "expired", or "expires in N days" within 30 days of the expiry, else null. */
    public static String expiryWarning(OffsetDateTime expires, Instant now) {
        if (expires == null) {
            return null;
        }
        Duration left = Duration.between(now, expires.toInstant());
        if (left.isNegative() || left.isZero()) {
            return "the credential expired on " + expires.toLocalDate() + ": imports fail until a new one is entered";
        }
        long days = left.toDays();
        if (days < WARN_DAYS[0]) {
            String when = days == 0 ? "within a day" : "in " + days + (days == 1 ? " day" : " days");
            return "the credential expires " + when + " (" + expires.toLocalDate()
                    + "): create a new one in Entra ID and enter it here";
        }
        return null;
    }

    /** A connector by id within a project, for the run and verify endpoints. */
    public Connector require(String project, long id) {
        return view(project, id)
                .map(v -> connectors.find(id))
                .orElseThrow(() -> ApiProblem.notFound("no connector " + id + " in project " + project));
    }
}
