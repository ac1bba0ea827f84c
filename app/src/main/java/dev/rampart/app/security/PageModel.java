package dev.rampart.app.security;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.WebRequest;

/**
 * For every page: what the caller may do in the page's project, and whether they administer the server, so templates
 * show only the controls it allows.
 */
@ControllerAdvice(annotations = Controller.class)
public class PageModel {
    private final Users users;

    public PageModel(Users users) {
        this.users = users;
    }

    @ModelAttribute
    public void caller(WebRequest request, Model model) {
        Object c = request.getAttribute(AccessInterceptor.CALLER, RequestAttributes.SCOPE_REQUEST);
        // The advice also reaches the REST controllers (they are @Controllers too); they have no header to fill.
        if (!(c instanceof Caller caller)
                || (request instanceof org.springframework.web.context.request.ServletWebRequest r
                        && r.getRequest().getRequestURI().startsWith("/api/"))) {
            return;
        }
        if (caller.role() != null) {
            model.addAttribute("projectAdmin", caller.role().allows(Permission.PROJECT_ADMIN));
        }
        model.addAttribute("projects", projects(caller));
        // The server administration page takes a signed-in server admin, so the header links to it only for one.
        model.addAttribute("serverAdmin", caller.serverAdmin() && caller.tokenId() == null);
    }

    /** The projects the caller may switch to ({@link Users#visibleProjects}). */
    public java.util.List<String> projects(Caller caller) {
        RampartPrincipal p = AccessInterceptor.principal();
        return p == null
                ? java.util.List.of()
                : users.visibleProjects(p).stream()
                        .map(Users.ProjectRole::project)
                        .toList();
    }
}
