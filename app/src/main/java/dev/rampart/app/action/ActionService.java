package dev.rampart.app.action;

import dev.rampart.app.connector.ConnectorClients;
import dev.rampart.app.connector.Connectors;
import dev.rampart.app.security.Audit;
import dev.rampart.app.security.Caller;
import dev.rampart.app.web.ApiProblem;
import dev.rampart.app.web.Text;
import dev.rampart.defender.DefenderClient;
import dev.rampart.defender.Permissions;
import dev.rampart.defender.error.ActionPendingException;
import dev.rampart.defender.error.DefenderException;
import dev.rampart.defender.error.NotFoundException;
import dev.rampart.defender.error.PermissionException;
import dev.rampart.defender.model.MachineAction;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Response actions (F18). {@link #request} checks the asset (onboarded in Defender, active, its connector enabled) and
 * the reason, records the action, sends it through the asset's connector and audits the answer; {@link #follow}
 * (called by the poller on any node) asks Defender about due actions, with back-off, until they end. Defender's
 * "already pending", a missing permission and a refused device each become a problem a person can act on.
 */
public final class ActionService {
    private static final Logger LOG = LoggerFactory.getLogger(ActionService.class);
    /** Defender's final states, and Rampart's own: refused before Defender took it. */
    static final List<String> FINAL = List.of("Succeeded", "Failed", "TimeOut", "Cancelled", "Refused");

    private final JdbcClient jdbc;
    private final DataSource dataSource;
    private final Connectors connectors;
    private final ConnectorClients clients;
    private final Audit audit;
    private final Clock clock;
    private final Settings settings;

    /**
     * @param firstPoll how long after a request Defender is first asked
     * @param maxPoll the longest wait between two polls
     * @param giveUpAfter Rampart stops following an action Defender never ends after this long
     * @param maxBulkScan how many devices one bulk scan may name
     */
    public record Settings(Duration firstPoll, Duration maxPoll, Duration giveUpAfter, int maxBulkScan) {}

    public ActionService(DataSource dataSource, ConnectorClients clients, Audit audit, Clock clock, Settings settings) {
        this.jdbc = JdbcClient.create(dataSource);
        this.dataSource = dataSource;
        this.connectors = new Connectors(dataSource);
        this.clients = clients;
        this.audit = audit;
        this.clock = clock;
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    /** An action as the API answers it. */
    public record ActionView(
            long id,
            Long assetId,
            String assetName,
            String type,
            String isolationType,
            String scanType,
            String status,
            String reason,
            String requestedBy,
            OffsetDateTime requestedAt,
            String defenderActionId,
            String error,
            OffsetDateTime updatedAt,
            OffsetDateTime finishedAt) {
        public boolean running() {
            return !FINAL.contains(status);
        }
    }

    /** What to do: {@code isolate} (Full or Selective), {@code release}, {@code scan} (Quick or Full), and why. */
    public record ActionRequest(String type, String isolationType, String scanType, String reason) {}

    /** Where an asset's actions go: its Defender device and the connector that reads it. */
    record Target(long assetId, String machineId, long connectorId, boolean active, String onboarding) {}

    private static final String SELECT =
            """
            select m.id, m.asset_id, a.name, m.type, m.isolation_type, m.scan_type, m.status, m.reason, m.requested_by,
                   m.requested_at, m.defender_action_id, m.error, m.updated_at, m.finished_at
              from machine_action m left join asset a on a.id = m.asset_id
            """;

    private static ActionView row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new ActionView(
                rs.getLong(1),
                (Long) rs.getObject(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                rs.getString(7),
                rs.getString(8),
                rs.getString(9),
                rs.getObject(10, OffsetDateTime.class),
                rs.getString(11),
                rs.getString(12),
                rs.getObject(13, OffsetDateTime.class),
                rs.getObject(14, OffsetDateTime.class));
    }

    public Optional<ActionView> find(long projectId, long id) {
        return jdbc.sql(SELECT + " where m.project_id = ? and m.id = ?")
                .params(projectId, id)
                .query(ActionService::row)
                .optional();
    }

    /** A project's actions, newest first, before the id {@code before}; optionally of one asset, status or type. */
    public List<ActionView> list(long projectId, long before, int limit, Long assetId, String status, String type) {
        return jdbc.sql(
                        SELECT
                                + """
                         where m.project_id = ? and m.id < ? and (cast(? as bigint) is null or m.asset_id = ?)
                           and (cast(? as text) is null or m.status = ?) and (cast(? as text) is null or m.type = ?)
                         order by m.id desc limit ?
                        """)
                .params(projectId, before, assetId, assetId, status, status, type, type, limit)
                .query(ActionService::row)
                .list();
    }

    /** Whether an asset can take actions now, and why not: for the asset page, which offers them only when it can. */
    public Optional<String> unavailable(long projectId, long assetId) {
        Optional<Target> t = target(projectId, assetId);
        if (t.isEmpty()) {
            return Optional.of("Rampart knows this device only from other sources: actions go through Defender, which"
                    + " does not report it");
        }
        if (!"Onboarded".equals(t.get().onboarding())) {
            return Optional.of(
                    "the device is not onboarded in Defender (" + t.get().onboarding() + ")");
        }
        if (!t.get().active()) {
            return Optional.of("the device is inactive: Defender could not carry out an action on it");
        }
        if (!connectors.find(t.get().connectorId()).enabled()) {
            return Optional.of("the device's connector is disabled");
        }
        return Optional.empty();
    }

    private Optional<Target> target(long projectId, long assetId) {
        Boolean exists = jdbc.sql("select true from asset where project_id = ? and id = ?")
                .params(projectId, assetId)
                .query(Boolean.class)
                .optional()
                .orElse(null);
        if (exists == null) {
            throw ApiProblem.notFound("no asset " + assetId);
        }
        return jdbc.sql(
                        """
                        select a.id, s.external_id, so.connector_id, a.active and s.active,
                               coalesce(a.metadata->>'onboardingStatus', 'Onboarded')
                          from asset a join asset_source s on s.asset_id = a.id
                          join source so on so.id = s.source_id and so.kind = 'defender' and so.connector_id is not null
                         where a.id = ? order by s.active desc, s.last_seen desc nulls last limit 1
                        """)
                .param(assetId)
                .query((rs, n) ->
                        new Target(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getBoolean(4), rs.getString(5)))
                .optional();
    }

    /** Checks the request's fields; the type's options get their defaults (Full isolation, Quick scan). */
    static ActionRequest validate(ActionRequest r) {
        List<ApiProblem.FieldError> errors = new java.util.ArrayList<>();
        if (r == null) {
            throw ApiProblem.badRequest("malformed-json", "the body is missing");
        }
        String type = r.type() == null ? "" : r.type().toLowerCase(Locale.ROOT);
        if (!List.of("isolate", "release", "scan").contains(type)) {
            errors.add(new ApiProblem.FieldError("type", "is required: isolate, release or scan"));
        }
        String isolation = r.isolationType() == null ? "Full" : capital(r.isolationType());
        if (type.equals("isolate") && !List.of("Full", "Selective").contains(isolation)) {
            errors.add(new ApiProblem.FieldError("isolationType", "is Full or Selective"));
        }
        String scan = r.scanType() == null ? "Quick" : capital(r.scanType());
        if (type.equals("scan") && !List.of("Quick", "Full").contains(scan)) {
            errors.add(new ApiProblem.FieldError("scanType", "is Quick or Full"));
        }
        String reason = r.reason() == null ? "" : r.reason().strip();
        if (reason.isEmpty() || reason.length() > 1000 || Text.hasControl(reason)) {
            errors.add(new ApiProblem.FieldError(
                    "reason",
                    "is required: why, in up to 1000 characters on one line (Defender keeps it as the comment)"));
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        return new ActionRequest(
                type, type.equals("isolate") ? isolation : null, type.equals("scan") ? scan : null, reason);
    }

    private static String capital(String s) {
        String t = s.strip().toLowerCase(Locale.ROOT);
        return t.isEmpty() ? t : Character.toUpperCase(t.charAt(0)) + t.substring(1);
    }

    /**
     * Requests an action on an asset through Defender and records it; the answer is the action (Pending when Defender
     * took it). A device Defender does not manage, an inactive one or one whose connector is disabled is a 409;
     * Defender's "already pending" a 409 {@code action-pending}; a missing permission a 502 naming it and the guide's
     * step; Defender's refusal a 409 with its words.
     */
    public ActionView request(Caller caller, long assetId, ActionRequest raw) {
        ActionRequest r = validate(raw);
        long projectId = caller.requireProject();
        Optional<String> why = unavailable(projectId, assetId);
        if (why.isPresent()) {
            audit(caller, assetId, r, null, "denied", why.get(), null);
            throw new ApiProblem(HttpStatus.CONFLICT, "action-unavailable", "Action unavailable", why.get(), null);
        }
        Target t = target(projectId, assetId).orElseThrow();
        Instant now = clock.instant();
        long id = jdbc.sql(
                        """
                        insert into machine_action (project_id, asset_id, connector_id, machine_id, type, isolation_type,
                                                    scan_type, reason, requested_by, requested_at, status, updated_at)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'Requested', ?) returning id
                        """)
                .params(
                        projectId,
                        assetId,
                        t.connectorId(),
                        t.machineId(),
                        r.type(),
                        r.isolationType(),
                        r.scanType(),
                        r.reason(),
                        caller.actor(),
                        now.atOffset(ZoneOffset.UTC),
                        now.atOffset(ZoneOffset.UTC))
                .query(Long.class)
                .single();
        String comment = r.reason() + " (requested in Rampart by " + caller.username() + ", action " + id + ")";
        MachineAction sent;
        try {
            DefenderClient client = clients.client(connectors.find(t.connectorId()));
            sent = switch (r.type()) {
                case "isolate" -> client.isolate(
                        t.machineId(),
                        r.isolationType().equals("Selective")
                                ? DefenderClient.IsolationType.SELECTIVE
                                : DefenderClient.IsolationType.FULL,
                        comment);
                case "release" -> client.unisolate(t.machineId(), comment);
                default -> client.runAntivirusScan(
                        t.machineId(),
                        r.scanType().equals("Full") ? DefenderClient.ScanType.FULL : DefenderClient.ScanType.QUICK,
                        comment);
            };
        } catch (ActionPendingException e) {
            String what =
                    switch (r.type()) {
                        case "isolate" -> "an isolation";
                        case "release" -> "a release from isolation";
                        default -> "an antivirus scan";
                    };
            String detail = "Defender is still carrying out " + what + " of this device"
                    + (e.pendingActionId() == null ? "" : " (Defender action " + e.pendingActionId() + ")")
                    + ": wait for it to end; the actions list follows it";
            end(id, "Refused", detail);
            audit(caller, assetId, r, id, "failure", detail, null);
            throw new ApiProblem(HttpStatus.CONFLICT, "action-pending", "Action already pending", detail, null)
                    .with("action", find(projectId, id).orElseThrow())
                    .with("pendingDefenderActionId", e.pendingActionId());
        } catch (PermissionException e) {
            String permission = r.type().equals("scan") ? "Machine.Scan" : "Machine.Isolate";
            String guide = Permissions.all().stream()
                    .filter(p -> p.name().equals(permission))
                    .map(Permissions.Permission::guide)
                    .findFirst()
                    .orElse(Permissions.GUIDE);
            String detail = "the connector's app registration lacks Defender's " + permission
                    + " application permission: grant it (with admin consent) as " + guide + " shows";
            end(id, "Refused", detail);
            audit(caller, assetId, r, id, "failure", detail, null);
            throw ApiProblem.permissionMissing(permission, detail).with("guide", guide);
        } catch (DefenderException e) {
            boolean refused = e.status() >= 400 && e.status() < 500;
            String detail = refused
                    ? "Defender refused the action: " + (e.errorMessage() == null ? e.getMessage() : e.errorMessage())
                    : "Defender did not answer: " + e.getMessage();
            end(id, refused ? "Refused" : "Failed", detail);
            audit(caller, assetId, r, id, "failure", detail, null);
            throw new ApiProblem(
                    refused ? HttpStatus.CONFLICT : HttpStatus.BAD_GATEWAY,
                    refused ? "action-refused" : "defender-error",
                    refused ? "Action refused" : "Defender error",
                    detail,
                    null);
        } catch (IllegalArgumentException e) {
            end(id, "Refused", e.getMessage());
            audit(caller, assetId, r, id, "failure", e.getMessage(), null);
            throw new ApiProblem(HttpStatus.CONFLICT, "action-unavailable", "Action unavailable", e.getMessage(), null);
        }
        jdbc.sql(
                        """
                        update machine_action set defender_action_id = ?, status = ?, updated_at = ?, next_poll_at = ?
                         where id = ?
                        """)
                .params(
                        sent.id(),
                        status(sent.status()),
                        now.atOffset(ZoneOffset.UTC),
                        now.plus(settings.firstPoll()).atOffset(ZoneOffset.UTC),
                        id)
                .update();
        audit(caller, assetId, r, id, "success", null, sent);
        return find(projectId, id).orElseThrow();
    }

    private static String status(String defender) {
        for (String s : List.of("Pending", "InProgress", "Succeeded", "Failed", "TimeOut", "Cancelled")) {
            if (s.equalsIgnoreCase(defender)) {
                return s;
            }
        }
        return "Pending";
    }

    private void end(long id, String status, String error) {
        Instant now = clock.instant();
        jdbc.sql(
                        """
                        update machine_action set status = ?, error = ?, updated_at = ?, finished_at = ?,
                               next_poll_at = null, lease_until = null where id = ?
                        """)
                .params(status, error, now.atOffset(ZoneOffset.UTC), now.atOffset(ZoneOffset.UTC), id)
                .update();
    }

    private void audit(
            Caller caller, long assetId, ActionRequest r, Long id, String outcome, String error, MachineAction sent) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("type", r.type());
        if (r.isolationType() != null) {
            details.put("isolationType", r.isolationType());
        }
        if (r.scanType() != null) {
            details.put("scanType", r.scanType());
        }
        details.put("reason", r.reason());
        if (id != null) {
            details.put("action", id);
        }
        if (sent != null) {
            details.put("defenderActionId", sent.id());
            details.put("defenderStatus", sent.status());
        }
        if (error != null) {
            details.put("error", error);
        }
        audit.record(caller, "action." + r.type(), "asset " + assetId, outcome, details);
    }

    // ------------------------------------------------------------------ following actions until they end

    /**
     * Follows the due actions this node can lease (each once, across nodes: {@code for update skip locked} and a lease);
     * returns how many it asked Defender about.
     */
    public int follow(String node) {
        Instant now = clock.instant();
        List<long[]> due = jdbc.sql(
                        """
                        update machine_action set lease_until = ?, lease_node = ?
                         where id in (select id from machine_action
                                       where status in ('Requested', 'Pending', 'InProgress') and next_poll_at <= ?
                                         and (lease_until is null or lease_until < ?)
                                       order by next_poll_at limit 50 for update skip locked)
                        returning id, coalesce(connector_id, -1)
                        """)
                .params(
                        now.plus(Duration.ofMinutes(1)).atOffset(ZoneOffset.UTC),
                        node,
                        now.atOffset(ZoneOffset.UTC),
                        now.atOffset(ZoneOffset.UTC))
                .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2)})
                .list();
        for (long[] d : due) {
            try {
                followOne(d[0], d[1]);
            } catch (RuntimeException e) {
                LOG.warn("could not follow action {}: {}", d[0], e.toString());
                backOff(d[0], e.getMessage());
            }
        }
        return due.size();
    }

    private void followOne(long id, long connectorId) {
        record Row(long projectId, Long assetId, String type, String defenderId, int polls, Instant requestedAt) {}
        Row r = jdbc.sql(
                        """
                        select project_id, asset_id, type, defender_action_id, polls, requested_at
                          from machine_action where id = ?
                        """)
                .param(id)
                .query((rs, n) -> new Row(
                        rs.getLong(1),
                        (Long) rs.getObject(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getInt(5),
                        rs.getObject(6, OffsetDateTime.class).toInstant()))
                .single();
        Instant now = clock.instant();
        if (r.defenderId() == null || connectorId < 0) {
            finish(r.projectId(), r.assetId(), id, r.type(), "Failed", "Defender never took the action", now);
            return;
        }
        if (now.isAfter(r.requestedAt().plus(settings.giveUpAfter()))) {
            finish(
                    r.projectId(),
                    r.assetId(),
                    id,
                    r.type(),
                    "TimeOut",
                    "Defender did not end it within " + settings.giveUpAfter().toDays()
                            + " days; Rampart stopped following it",
                    now);
            return;
        }
        MachineAction a;
        try {
            a = clients.client(connectors.find(connectorId)).getMachineAction(r.defenderId());
        } catch (NotFoundException e) {
            finish(r.projectId(), r.assetId(), id, r.type(), "Failed", "Defender no longer knows the action", now);
            return;
        } catch (DefenderException | IllegalArgumentException e) {
            // throttled after the client's retries, Defender down, a credential being fixed: ask again later
            backOff(id, e.getMessage());
            return;
        }
        String status = status(a.status());
        if (FINAL.contains(status)) {
            finish(
                    r.projectId(),
                    r.assetId(),
                    id,
                    r.type(),
                    status,
                    status.equals("Succeeded")
                            ? null
                            : "Defender ended it " + status
                                    + (a.errorHResult() != null && a.errorHResult() != 0
                                            ? " (error " + a.errorHResult() + ")"
                                            : ""),
                    now);
            return;
        }
        Duration wait = Duration.ofMillis(Math.min(
                settings.maxPoll().toMillis(), settings.firstPoll().toMillis() * (1L << Math.min(r.polls() + 1, 10))));
        jdbc.sql(
                        """
                        update machine_action set status = ?, polls = polls + 1, next_poll_at = ?, updated_at = ?,
                               lease_until = null, error = null where id = ?
                        """)
                .params(status, now.plus(wait).atOffset(ZoneOffset.UTC), now.atOffset(ZoneOffset.UTC), id)
                .update();
    }

    private void backOff(long id, String error) {
        Instant now = clock.instant();
        jdbc.sql(
                        """
                        update machine_action set polls = polls + 1, lease_until = null, error = ?,
                               next_poll_at = ? + least(interval '1 second' * ? * power(2, least(polls + 1, 10)),
                                                        interval '1 second' * ?)
                         where id = ?
                        """)
                .params(
                        error == null ? null : Text.oneLine(error, 500),
                        now.atOffset(ZoneOffset.UTC),
                        settings.firstPoll().toSeconds(),
                        settings.maxPoll().toSeconds(),
                        id)
                .update();
    }

    /**
     * Records an action's end: the status, the asset's isolation after an isolate or release that succeeded and an
     * {@code action.<status>} change event in one transaction (a reader, or a node that dies between them, never sees
     * a succeeded isolation on an asset not marked isolated), then an audit entry by the system.
     */
    private void finish(long projectId, Long assetId, long id, String type, String status, String error, Instant now) {
        var ts = now.atOffset(ZoneOffset.UTC);
        boolean ended;
        try {
            ended = dev.rampart.app.database.Transactions.run(dataSource, tx -> {
                int updated = tx.sql(
                                """
                                update machine_action set status = ?, error = ?, updated_at = ?, finished_at = ?,
                                       next_poll_at = null, lease_until = null, polls = polls + 1
                                 where id = ? and status in ('Requested', 'Pending', 'InProgress')
                                """)
                        .params(status, error, ts, ts, id)
                        .update();
                if (updated == 0) {
                    return false;
                }
                if (status.equals("Succeeded") && assetId != null && !type.equals("scan")) {
                    tx.sql("update asset set isolated = ? where id = ?")
                            .params(type.equals("isolate"), assetId)
                            .update();
                }
                tx.sql(
                                """
                                insert into change_event (project_id, run_id, at, type, asset_id, details)
                                values (?, null, ?, ?, ?, cast(? as jsonb))
                                """)
                        .params(
                                projectId,
                                ts,
                                "action." + status.toLowerCase(Locale.ROOT),
                                assetId,
                                "{\"action\": " + id + ", \"type\": \"" + type + "\"}")
                        .update();
                return true;
            });
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("could not record the end of action " + id + ": " + e.getMessage(), e);
        }
        if (!ended) {
            return;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("action", id);
        details.put("status", status);
        if (error != null) {
            details.put("error", error);
        }
        audit.record("rampart", "system", null, projectId, "action.end", "asset " + assetId, "success", details);
    }
}
