package dev.rampart.emulator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rampart.emulator.http.ApiError;
import dev.rampart.emulator.http.Call;
import dev.rampart.emulator.http.Router;
import dev.rampart.emulator.http.Router.Policy;
import dev.rampart.emulator.http.Router.Service;
import dev.rampart.emulator.tenant.Device;
import dev.rampart.emulator.tenant.EmulatorClock;
import dev.rampart.emulator.tenant.Hash;
import dev.rampart.emulator.tenant.Platform;
import dev.rampart.emulator.tenant.SyntheticTenant;
import dev.rampart.emulator.tenant.Times;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Isolate, release and antivirus scan (REFERENCE.md section 10), and the machine action records that follow them.
 * An action is {@code Pending} when created, {@code InProgress} a minute later and {@code Succeeded} a few minutes
 * after that (a full scan takes longer), all on the tenant's clock. On a device that is not reporting it stays
 * {@code Pending} and ends {@code TimeOut} after about three days; on a device with impaired communication it ends {@code Failed}.
 * A second action of the same type while one is pending or in progress is refused with
 * {@code ActiveRequestAlreadyExists}.
 */
public final class MachineActions {
    private static final Set<String> FILTER =
            Set.of("id", "status", "machineId", "type", "requestor", "creationDateTimeUtc");
    private static final List<String> READ = List.of("Machine.Read.All", "Machine.ReadWrite.All");

    /** One requested action. Its status is computed from the clock; only a cancellation is stored. */
    public record Action(
            String id,
            String type,
            String scope,
            String requestor,
            String comment,
            int device,
            String computerDnsName,
            Instant created,
            String externalId,
            String outcome, // Succeeded, Failed or TimeOut
            Duration duration,
            String cancelledBy,
            String cancelComment,
            Instant cancelledAt) {

        String status(Instant now) {
            if (cancelledAt != null && !cancelledAt.isAfter(now)) {
                return "Cancelled";
            }
            if (outcome.equals("TimeOut")) {
                return now.isBefore(created.plus(duration)) ? "Pending" : "TimeOut";
            }
            if (now.isBefore(created.plus(Duration.ofMinutes(1)))) {
                return "Pending";
            }
            return now.isBefore(created.plus(duration)) ? "InProgress" : outcome;
        }

        Instant lastUpdate(Instant now) {
            if (cancelledAt != null && !cancelledAt.isAfter(now)) {
                return cancelledAt;
            }
            Instant progress = created.plus(Duration.ofMinutes(1));
            Instant end = created.plus(duration);
            if (!now.isBefore(end)) {
                return end;
            }
            return !outcome.equals("TimeOut") && !now.isBefore(progress) ? progress : created;
        }
    }

    /** How long an action waits for a device that does not report before it ends {@code TimeOut}: about 3 days. */
    static final Duration TIMEOUT = Duration.ofDays(3);

    /**
     * The HRESULT real machine actions carry once they end without success: zero while pending, in progress or
     * succeeded; {@code -2145844840} on {@code TimeOut}, {@code -2147467260} ({@code E_ABORT}) on {@code Cancelled};
     * for {@code Failed} the sandbox uses {@code -2147024809} ({@code E_INVALIDARG}), as the real code depends on the
     * failure.
     */
    static int errorHResult(String status) {
        return switch (status) {
            case "TimeOut" -> -2145844840;
            case "Cancelled" -> -2147467260;
            case "Failed" -> -2147024809;
            default -> 0;
        };
    }

    private final SyntheticTenant tenant;
    private final EmulatorClock clock;
    private final List<Action> actions = new CopyOnWriteArrayList<>();

    MachineActions(SyntheticTenant tenant, EmulatorClock clock) {
        this.tenant = tenant;
        this.clock = clock;
    }

    void register(Router r) {
        Service d = Service.DEFENDER;
        r.add(
                "POST",
                "/api/machines/{id}/isolate",
                d,
                new Policy("isolate", 100, 1500, List.of("Machine.Isolate"), false),
                c -> request(c, "Isolate"));
        r.add(
                "POST",
                "/api/machines/{id}/unisolate",
                d,
                new Policy("unisolate", 100, 1500, List.of("Machine.Isolate"), false),
                c -> request(c, "Unisolate"));
        r.add(
                "POST",
                "/api/machines/{id}/runAntiVirusScan",
                d,
                new Policy("runantivirusscan", 100, 1500, List.of("Machine.Scan"), false),
                c -> request(c, "RunAntiVirusScan"));
        r.add("GET", "/api/machineactions", d, new Policy("machineactions", 100, 1500, READ, false), this::list);
        r.add("GET", "/api/machineactions/{id}", d, new Policy("machineaction", 100, 1500, READ, false), this::get);
        r.add(
                "POST",
                "/api/machineactions/{id}/cancel",
                d,
                new Policy("cancelaction", 100, 1500, List.of("Machine.Isolate", "Machine.Scan"), false),
                this::cancel);
    }

    /** Whether a device is isolated now: its latest finished isolate or release decides. */
    public boolean isolated(int device) {
        Instant now = clock.instant();
        Action latest = null;
        for (Action a : actions) {
            if (a.device() == device
                    && (a.type().equals("Isolate") || a.type().equals("Unisolate"))
                    && a.status(now).equals("Succeeded")
                    && (latest == null
                            || a.created()
                                    .plus(a.duration())
                                    .isAfter(latest.created().plus(latest.duration())))) {
                latest = a;
            }
        }
        return latest != null && latest.type().equals("Isolate");
    }

    public String isolationType(int device) {
        Instant now = clock.instant();
        for (int k = actions.size() - 1; k >= 0; k--) {
            Action a = actions.get(k);
            if (a.device() == device
                    && a.type().equals("Isolate")
                    && a.status(now).equals("Succeeded")) {
                return a.scope();
            }
        }
        return null;
    }

    private void request(Call call, String type) {
        int i = tenant.indexOf(call.pathParam("id"));
        if (i < 0) {
            throw ApiError.notFound("Machine " + call.pathParam("id") + " was not found");
        }
        JsonNode body = parseBody(call);
        JsonNode comment = body.get("Comment");
        if (comment == null || !comment.isTextual() || comment.asText().isBlank()) {
            throw ApiError.badRequest(
                    "MissingRequiredParameter",
                    "Comment is a required parameter (property names are" + " case-sensitive: 'Comment').");
        }
        String scope = null;
        if (type.equals("Isolate")) {
            JsonNode it = body.get("IsolationType");
            scope = it == null || it.isNull() ? "Full" : it.asText();
            if (!List.of("Full", "Selective", "UnManagedDevice").contains(scope)) {
                throw ApiError.badRequest(
                        "InvalidRequestBody", "IsolationType must be Full, Selective or UnManagedDevice.");
            }
        } else if (type.equals("RunAntiVirusScan")) {
            JsonNode st = body.get("ScanType");
            if (st == null || st.isNull()) {
                throw ApiError.badRequest(
                        "MissingRequiredParameter", "ScanType is a required parameter (Quick or Full).");
            }
            scope = st.asText();
            if (!scope.equals("Quick") && !scope.equals("Full")) {
                throw ApiError.badRequest("InvalidRequestBody", "ScanType must be Quick or Full.");
            }
        }
        Instant now = clock.instant();
        Device d = tenant.device(i, now);
        Platform.Family family = d.platform().family();
        if (family == Platform.Family.MOBILE
                || family == Platform.Family.OTHER
                || type.equals("RunAntiVirusScan") && !d.platform().windows()) {
            throw ApiError.badRequest(
                    "OsPlatformNotSupported",
                    "The action " + type + " is not supported for the OS" + " platform "
                            + d.platform().apiName() + " of machine " + d.id() + ".");
        }
        if (!d.onboarded()) {
            throw ApiError.badRequest(
                    "DisallowedOperation",
                    "Machine " + d.id() + " is not onboarded to Microsoft Defender" + " for Endpoint.");
        }
        synchronized (actions) {
            for (Action a : actions) {
                String s = a.status(now);
                if (a.device() == i && a.type().equals(type) && (s.equals("Pending") || s.equals("InProgress"))) {
                    throw new ApiError(400, "ActiveRequestAlreadyExists", "Action is already in progress");
                }
            }
            String outcome;
            Duration duration;
            if (!d.reporting() || d.healthStatus().equals("Inactive")) {
                outcome = "TimeOut";
                duration = TIMEOUT;
            } else if (d.healthStatus().contains("Impaired")) {
                outcome = "Failed";
                duration = Duration.ofMinutes(10);
            } else {
                outcome = "Succeeded";
                duration = type.equals("RunAntiVirusScan")
                        ? Duration.ofMinutes("Full".equals(scope) ? 45 : 8)
                        : Duration.ofMinutes(3);
            }
            String id =
                    Hash.guid(Hash.of(tenant.seed(), 180, actions.size()), Hash.of(tenant.seed(), 181, actions.size()));
            JsonNode ext = body.get("ExternalID");
            Action a = new Action(
                    id,
                    type,
                    scope,
                    call.principal == null ? "unknown" : call.principal.appId(),
                    comment.asText(),
                    i,
                    d.computerDnsName(),
                    now,
                    ext == null ? null : ext.asText(),
                    outcome,
                    duration,
                    null,
                    null,
                    null);
            actions.add(a);
            call.odata(201, entity(call, a, now, true));
        }
    }

    private static JsonNode parseBody(Call call) {
        try {
            JsonNode n = Call.JSON.readTree(call.body());
            if (n == null || !n.isObject()) {
                throw ApiError.badRequest("InvalidRequestBody", "The request body must be a JSON object.");
            }
            return n;
        } catch (IOException e) {
            throw ApiError.badRequest("InvalidRequestBody", "The request body is not valid JSON.");
        }
    }

    private ObjectNode entity(Call call, Action a, Instant now, boolean withContext) {
        ObjectNode o = Call.JSON.createObjectNode();
        if (withContext) {
            o.put("@odata.context", call.base() + "/api/$metadata#MachineActions/$entity");
        }
        o.put("id", a.id());
        o.put("type", a.type());
        o.putNull("title");
        o.put("requestor", a.requestor());
        o.put("requestorComment", a.comment());
        o.put("status", a.status(now));
        o.put("machineId", tenant.machineId(a.device()));
        o.put("computerDnsName", a.computerDnsName());
        o.put("creationDateTimeUtc", Times.odata(a.created()));
        o.put("lastUpdateDateTimeUtc", Times.odata(a.lastUpdate(now)));
        boolean cancelled = a.cancelledAt() != null && !a.cancelledAt().isAfter(now);
        o.put("cancellationRequestor", cancelled ? a.cancelledBy() : null);
        o.put("cancellationComment", cancelled ? a.cancelComment() : null);
        o.put("cancellationDateTimeUtc", cancelled ? Times.odata(a.cancelledAt()) : null);
        o.put("errorHResult", errorHResult(a.status(now)));
        if (a.scope() == null) {
            o.putNull("scope");
        } else {
            o.put("scope", a.scope());
        }
        o.put("externalId", a.externalId());
        o.put("requestSource", "PublicApi");
        o.putNull("relatedFileInfo");
        o.putArray("commands");
        o.putNull("troubleshootInfo");
        return o;
    }

    private void list(Call call) {
        Instant now = clock.instant();
        List<Action> snapshot = new ArrayList<>(actions);
        ODataList.serve(call, "MachineActions", 10_000, FILTER, start -> snapshot.stream()
                .map(a -> entity(call, a, now, false))
                .iterator());
    }

    private Action find(String id) {
        for (Action a : actions) {
            if (a.id().equalsIgnoreCase(id)) {
                return a;
            }
        }
        throw ApiError.notFound("Machine action " + id + " was not found");
    }

    private void get(Call call) {
        Action a = find(call.pathParam("id"));
        call.odata(200, entity(call, a, clock.instant(), true));
    }

    private void cancel(Call call) {
        JsonNode body = parseBody(call);
        JsonNode comment = body.get("Comment");
        if (comment == null || comment.asText().isBlank()) {
            throw ApiError.badRequest("MissingRequiredParameter", "Comment is a required parameter.");
        }
        Instant now = clock.instant();
        synchronized (actions) {
            Action a = find(call.pathParam("id"));
            String s = a.status(now);
            if (!s.equals("Pending") && !s.equals("InProgress")) {
                throw ApiError.badRequest(
                        "InvalidInput", "Action " + a.id() + " is " + s + " and cannot be cancelled.");
            }
            Action c = new Action(
                    a.id(),
                    a.type(),
                    a.scope(),
                    a.requestor(),
                    a.comment(),
                    a.device(),
                    a.computerDnsName(),
                    a.created(),
                    a.externalId(),
                    a.outcome(),
                    a.duration(),
                    call.principal == null ? "unknown" : call.principal.appId(),
                    comment.asText(),
                    now);
            actions.set(actions.indexOf(a), c);
            call.odata(200, entity(call, c, now, true));
        }
    }
}
