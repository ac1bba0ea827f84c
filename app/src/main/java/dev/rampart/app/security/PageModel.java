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
    private final org.springframework.jdbc.core.simple.JdbcClient jdbc;

    public PageModel(javax.sql.DataSource dataSource) {
        this.jdbc = org.springframework.jdbc.core.simple.JdbcClient.create(dataSource);
    }

    @ModelAttribute
    public void caller(WebRequest request, Model model) {
        Object c = request.getAttribute(AccessInterceptor.CALLER, RequestAttributes.SCOPE_REQUEST);
        if (!(c instanceof Caller caller)) {
            return;
        }
        if (caller.role() != null) {
            model.addAttribute("projectAdmin", caller.role().allows(Permission.PROJECT_ADMIN));
        }
        model.addAttribute("projects", projects(caller));
        // The server administration page takes a signed-in server admin, so the header links to it only for one.
        model.addAttribute("serverAdmin", caller.serverAdmin() && caller.tokenId() == null);
    }

    /** The projects the caller may switch to: all for a signed-in server admin, else their memberships. */
    public java.util.List<String> projects(Caller caller) {
        if (caller.serverAdmin() && caller.tokenId() == null) {
            return jdbc.sql("select key from project order by key")
                    .query(String.class)
                    .list();
        }
        if (caller.tokenId() != null) {
            return caller.projectKey() == null ? java.util.List.of() : java.util.List.of(caller.projectKey());
        }
        return jdbc.sql("select p.key from project p join membership m on m.project_id = p.id where m.user_id = ?"
                        + " order by p.key")
                .param(caller.userId())
                .query(String.class)
                .list();
    }
}
