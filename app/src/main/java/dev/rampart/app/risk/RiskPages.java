package dev.rampart.app.risk;

import dev.rampart.app.security.Audit;
import dev.rampart.app.security.Caller;
import dev.rampart.app.security.Permission;
import dev.rampart.app.security.Requires;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The criticality form on an asset's Risk tab: the API's rule (analysts and admins), then back to the tab. */
@Controller
public class RiskPages {
    private final RiskController risk;
    private final Audit audit;

    public RiskPages(RiskController risk, Audit audit) {
        this.risk = risk;
        this.audit = audit;
    }

    @PostMapping("/projects/{project}/assets/{assetId}/criticality")
    @Requires(Permission.TRIAGE)
    public String setCriticality(
            Caller caller,
            @PathVariable String project,
            @PathVariable long assetId,
            @RequestParam(required = false) String criticality) {
        String c = criticality == null || criticality.isBlank() ? null : criticality.toLowerCase(Locale.ROOT);
        if (c != null && !RiskController.CRITICALITIES.contains(c)) {
            throw dev.rampart.app.web.ApiProblem.invalid("criticality", "is low, normal, high or critical");
        }
        String before = risk.setCriticality(caller.requireProject(), assetId, c);
        audit.record(
                caller,
                "asset.criticality",
                "asset " + assetId,
                "success",
                Map.of("from", String.valueOf(before), "to", String.valueOf(c), "via", "ui"));
        return "redirect:/projects/" + project + "/assets/" + assetId + "?tab=risk";
    }
}
