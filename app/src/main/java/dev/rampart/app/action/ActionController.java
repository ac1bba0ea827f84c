package dev.rampart.app.action;

import dev.rampart.app.security.Caller;
import dev.rampart.app.security.Permission;
import dev.rampart.app.security.Requires;
import dev.rampart.app.web.ApiProblem;
import dev.rampart.app.web.CursorPage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Response actions through the API (F18): request one on an asset ({@code respond}), scan several at once, and
 * follow them ({@code read}).
 */
@RestController
public class ActionController {
    private final ActionService actions;

    public ActionController(ActionService actions) {
        this.actions = actions;
    }

    /** Isolates, releases or scans the asset's device through Defender; 202 with the action, followed from then on. */
    @PostMapping("/api/v1/projects/{project}/assets/{assetId}/actions")
    @Requires(Permission.RESPOND)
    public ResponseEntity<ActionService.ActionView> request(
            @PathVariable long assetId, @RequestBody ActionService.ActionRequest body, Caller caller) {
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(actions.request(caller, assetId, body));
    }

    /** Scans several devices: each its own action and audit entry; one device's refusal does not stop the others. */
    public record BulkScan(List<Long> assetIds, String scanType, String reason) {}

    public record BulkItem(long assetId, ActionService.ActionView action, Map<String, Object> problem) {}

    @PostMapping("/api/v1/projects/{project}/actions/scan")
    @Requires(Permission.RESPOND)
    public ResponseEntity<Map<String, Object>> bulkScan(@RequestBody BulkScan body, Caller caller) {
        int max = actions.settings().maxBulkScan();
        if (body == null
                || body.assetIds() == null
                || body.assetIds().isEmpty()
                || body.assetIds().size() > max) {
            throw ApiProblem.invalid(
                    "assetIds", "is required: 1 to " + max + " asset ids (rampart.actions.max-bulk-scan)");
        }
        ActionService.ActionRequest r =
                ActionService.validate(new ActionService.ActionRequest("scan", null, body.scanType(), body.reason()));
        List<BulkItem> items = new ArrayList<>();
        for (Long id : new java.util.LinkedHashSet<>(body.assetIds())) {
            if (id == null) {
                continue;
            }
            try {
                items.add(new BulkItem(id, actions.request(caller, id, r), null));
            } catch (ApiProblem p) {
                Map<String, Object> problem = new LinkedHashMap<>();
                problem.put("type", "/problems/" + p.slug());
                problem.put("status", p.status().value());
                problem.put("detail", p.getMessage());
                items.add(new BulkItem(id, null, problem));
            }
        }
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("items", items));
    }

    /** The project's actions, newest first. Filters: {@code assetId}, {@code status}, {@code type}. */
    @GetMapping("/api/v1/projects/{project}/actions")
    @Requires(Permission.READ)
    public CursorPage<ActionService.ActionView> list(
            Caller caller,
            @RequestParam(required = false) Long assetId,
            @RequestParam(required = false) String status,
            @RequestParam(required = false) String type,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) Integer limit) {
        if (status != null
                && !List.of(
                                "Requested",
                                "Pending",
                                "InProgress",
                                "Succeeded",
                                "Failed",
                                "TimeOut",
                                "Cancelled",
                                "Refused")
                        .contains(status)) {
            throw ApiProblem.invalid(
                    "status", "is Requested, Pending, InProgress, Succeeded, Failed, TimeOut, Cancelled or Refused");
        }
        if (type != null && !List.of("isolate", "release", "scan").contains(type)) {
            throw ApiProblem.invalid("type", "is isolate, release or scan");
        }
        int n = CursorPage.limit(limit);
        long before = CursorPage.decodeId(cursor, Long.MAX_VALUE);
        return CursorPage.of(
                actions.list(caller.requireProject(), before, n + 1, assetId, status, type),
                n,
                a -> String.valueOf(a.id()));
    }

    @GetMapping("/api/v1/projects/{project}/actions/{actionId}")
    @Requires(Permission.READ)
    public ActionService.ActionView get(@PathVariable long actionId, Caller caller) {
        return actions.find(caller.requireProject(), actionId)
                .orElseThrow(() -> ApiProblem.notFound("no action " + actionId));
    }
}
