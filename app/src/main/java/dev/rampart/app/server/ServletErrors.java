package dev.rampart.app.server;

import dev.rampart.app.security.Permission;
import dev.rampart.app.security.Requires;
import dev.rampart.app.web.InputFilter;
import dev.rampart.app.web.PageErrors;
import dev.rampart.app.web.Problems;
import dev.rampart.app.web.Text;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.servlet.ModelAndView;

/**
 * The servlet container's error page ({@code /error}), for errors that no controller answered: a method the address
 * does not take (TRACE, or an unknown one), a request the firewall refused, a refusal of {@link InputFilter}. The API
 * gets a problem document, a browser the error page; neither ever shows a stack trace, a class or a database name.
 */
@Controller
public class ServletErrors implements ErrorController {
    private static final Logger LOG = LoggerFactory.getLogger(ServletErrors.class);

    @RequestMapping("/error")
    @Requires(Permission.PUBLIC)
    public ModelAndView error(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        Throwable e = (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        HttpStatus status = HttpStatus.resolve(code instanceof Integer i ? i : 500);
        if (status == null || status.value() < 400) {
            status = HttpStatus.INTERNAL_SERVER_ERROR;
        }
        String sentence = (String) request.getAttribute(InputFilter.SENTENCE);
        String incident = null;
        if (isFirewallRefusal(e)) {
            status = HttpStatus.BAD_REQUEST;
            sentence = "The request was refused: its address or method is not one Rampart takes.";
        } else if (sentence == null) {
            sentence = sentence(status, request.getMethod());
        }
        if (status.is5xxServerError()) {
            incident = UUID.randomUUID().toString();
            LOG.error("incident {}: {} {}", incident, status.value(), e == null ? "" : e.toString(), e);
            sentence = "Rampart could not complete the request. The server log has the details under incident "
                    + incident + ".";
        }
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String accept = request.getHeader("Accept");
        if (PageErrors.isPage(uri == null ? "" : uri.toString(), accept)) {
            return PageErrors.page(status, sentence, incident);
        }
        response.setStatus(status.value());
        Problems.write(response, status, slug(status), status.getReasonPhrase(), detail(sentence));
        return null;
    }

    private static boolean isFirewallRefusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.springframework.security.web.firewall.RequestRejectedException) {
                return true;
            }
        }
        return false;
    }

    static String slug(HttpStatus status) {
        return status.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** "The request ..." as the API's detail: lower-case first letter, no final period. */
    private static String detail(String sentence) {
        String s = sentence.endsWith(".") ? sentence.substring(0, sentence.length() - 1) : sentence;
        return Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    static String sentence(HttpStatus status, String method) {
        return switch (status) {
            case NOT_FOUND -> "There is nothing at this address.";
            case METHOD_NOT_ALLOWED -> "This address does not take the method " + Text.oneLine(method, 20) + ".";
            case UNAUTHORIZED -> "Sign in, or send an API token.";
            case FORBIDDEN -> "You may not do this.";
            case CONTENT_TOO_LARGE -> "The request is larger than this server takes.";
            case UNSUPPORTED_MEDIA_TYPE -> "The request's content type is not one this address takes.";
            default -> "The request is not valid.";
        };
    }
}
