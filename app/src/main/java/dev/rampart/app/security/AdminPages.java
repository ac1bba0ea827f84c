package dev.rampart.app.security;

import dev.rampart.app.web.ApiProblem;
import dev.rampart.app.web.Text;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * A project's administration page (project admins): members and their roles, API tokens (a new one is shown once),
 * and the project's audit log. Changes go through the same classes as the API and are audited the same way.
 */
@Controller
public class AdminPages {
    private final Users users;
    private final ApiTokens tokens;
    private final Audit audit;
    private final Clock clock;

    public AdminPages(Users users, ApiTokens tokens, Audit audit, Clock clock) {
        this.users = users;
        this.tokens = tokens;
        this.audit = audit;
        this.clock = clock;
    }

    private String page(Caller caller, String project, Model model) {
        long p = caller.requireProject();
        model.addAttribute("project", project);
        model.addAttribute("members", users.members(p));
        model.addAttribute("tokens", tokens.list(p, null));
        model.addAttribute("audit", audit.list(p, Long.MAX_VALUE, 100));
        model.addAttribute(
                "roles", java.util.Arrays.stream(Role.values()).map(Role::key).toList());
        model.addAttribute("now", clock.instant());
        return "admin/project";
    }

    @GetMapping("/projects/{project}/admin")
    @Requires(Permission.PROJECT_ADMIN)
    public String show(Caller caller, @PathVariable String project, Model model) {
        return page(caller, project, model);
    }

    @PostMapping("/projects/{project}/admin/members")
    @Requires(Permission.PROJECT_ADMIN)
    public String setMember(
            Caller caller,
            @PathVariable String project,
            @RequestParam String username,
            @RequestParam String role,
            Model model) {
        String name = username.trim();
        if (!Users.USERNAME.matcher(name).matches()) {
            model.addAttribute("memberError", "A user name is 1 to 128 letters, digits, '.', '_', '@' or '-'.");
            return page(caller, project, model);
        }
        var user = users.find(name);
        if (user.isEmpty()) {
            model.addAttribute(
                    "memberError", "There is no user named '" + name + "'. A server administrator creates users.");
            return page(caller, project, model);
        }
        Role r = parse(role);
        if (r == null) {
            model.addAttribute("memberError", "Choose one of the roles offered.");
            return page(caller, project, model);
        }
        users.setMembership(user.get().id(), caller.requireProject(), r);
        audit.record(
                caller, "member.set", "user " + user.get().username(), "success", Map.of("role", r.key(), "via", "ui"));
        model.addAttribute("saved", user.get().username() + " is now " + r.key() + ".");
        return page(caller, project, model);
    }

    private static Role parse(String role) {
        try {
            return Role.parse(role);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @PostMapping("/projects/{project}/admin/members/{userId}/remove")
    @Requires(Permission.PROJECT_ADMIN)
    public String removeMember(Caller caller, @PathVariable String project, @PathVariable long userId, Model model) {
        if (userId == caller.userId()) {
            model.addAttribute("memberError", "You cannot remove yourself; ask another project admin.");
            return page(caller, project, model);
        }
        users.removeMembership(userId, caller.requireProject());
        audit.record(caller, "member.remove", "user " + userId, "success", Map.of("via", "ui"));
        model.addAttribute("saved", "Member removed.");
        return page(caller, project, model);
    }

    /** Issues a token for yourself; its value is on this answer only. */
    @PostMapping("/projects/{project}/admin/tokens")
    @Requires(Permission.PROJECT_ADMIN)
    public String createToken(
            Caller caller,
            @PathVariable String project,
            @RequestParam String name,
            @RequestParam String role,
            @RequestParam(defaultValue = "90") int days,
            Model model) {
        Role r = parse(role);
        if (name.isBlank() || name.length() > 100 || Text.hasControl(name) || days < 1 || days > 366 || r == null) {
            model.addAttribute("tokenError", "Give the token a name (up to 100 characters), a role and 1 to 366 days.");
            return page(caller, project, model);
        }
        if (!caller.role().covers(r)) {
            throw ApiProblem.forbidden("a token cannot be stronger than your own role");
        }
        ApiTokens.Issued issued = tokens.issue(
                caller.userId(),
                caller.requireProject(),
                r,
                name.trim(),
                clock.instant().plus(Duration.ofDays(days)));
        audit.record(
                caller,
                "token.create",
                "token " + issued.token().id(),
                "success",
                Map.of("name", name.trim(), "role", r.key(), "via", "ui"));
        model.addAttribute("newToken", issued.value());
        return page(caller, project, model);
    }

    @PostMapping("/projects/{project}/admin/tokens/{tokenId}/revoke")
    @Requires(Permission.PROJECT_ADMIN)
    public String revoke(Caller caller, @PathVariable String project, @PathVariable long tokenId, Model model) {
        tokens.find(tokenId)
                .filter(t -> t.projectId() == caller.requireProject())
                .orElseThrow(() -> ApiProblem.notFound("no token " + tokenId));
        tokens.revoke(tokenId);
        audit.record(caller, "token.revoke", "token " + tokenId, "success", Map.of("via", "ui"));
        model.addAttribute("saved", "Token " + tokenId + " revoked.");
        return page(caller, project, model);
    }
}
