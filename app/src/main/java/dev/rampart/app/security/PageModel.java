package dev.rampart.app.security;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.WebRequest;

/** For every page: what the caller may do in the page's project, so templates show only the controls it allows. */
@ControllerAdvice(annotations = Controller.class)
public class PageModel {
    @ModelAttribute
    public void caller(WebRequest request, Model model) {
        Object c = request.getAttribute(AccessInterceptor.CALLER, RequestAttributes.SCOPE_REQUEST);
        if (c instanceof Caller caller && caller.role() != null) {
            model.addAttribute("projectAdmin", caller.role().allows(Permission.PROJECT_ADMIN));
        }
    }
}
