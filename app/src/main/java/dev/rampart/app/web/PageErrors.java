package dev.rampart.app.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Locale;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Errors on the web UI's pages as a page with a sentence, not as the API's problem JSON: a refused page says what is
 * missing, an unknown page or item says so, and an unexpected error gives the incident id the log has. The API keeps
 * its problems ({@link ProblemHandler}); a request is a page's when its handler is a page controller, or, with no
 * handler, when a browser asks for HTML outside the API's paths.
 */
@Component
public class PageErrors implements HandlerExceptionResolver, Ordered {
    private static final Logger LOG = LoggerFactory.getLogger(PageErrors.class);

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 1; // after Boot's DefaultErrorAttributes, which only records the error
    }

    static boolean isPage(HttpServletRequest request, Object handler) {
        if (handler instanceof HandlerMethod hm) {
            return hm.getBeanType().getName().startsWith("dev.rampart.")
                    && !AnnotatedElementUtils.hasAnnotation(hm.getBeanType(), ResponseBody.class)
                    && !hm.hasMethodAnnotation(ResponseBody.class);
        }
        return isPage(request.getRequestURI(), request.getHeader("Accept"));
    }

    /** A browser's request for a page: HTML asked for, outside the API's paths. */
    public static boolean isPage(String uri, String accept) {
        return !(uri.startsWith("/api/") || uri.startsWith("/actuator") || uri.startsWith("/v3/"))
                && accept != null
                && accept.contains("text/html");
    }

    @Override
    public ModelAndView resolveException(
            HttpServletRequest request, HttpServletResponse response, Object handler, Exception e) {
        if (!isPage(request, handler)) {
            return null;
        }
        HttpStatus status;
        String sentence;
        String incident = null;
        if (e instanceof ApiProblem p) {
            status = p.status();
            sentence = sentence(p.getMessage());
        } else if (e instanceof NoResourceFoundException
                || e instanceof org.springframework.web.servlet.NoHandlerFoundException) {
            status = HttpStatus.NOT_FOUND;
            sentence = "There is no page at this address.";
        } else if (e instanceof MethodArgumentTypeMismatchException m) {
            status = HttpStatus.BAD_REQUEST;
            sentence = "The address has a value for '" + m.getName() + "' that is not valid.";
        } else if (e instanceof MissingServletRequestParameterException m) {
            status = HttpStatus.BAD_REQUEST;
            sentence = "The form is missing '" + m.getParameterName() + "'.";
        } else if (ProblemHandler.isBadValue(e)) {
            status = HttpStatus.BAD_REQUEST;
            sentence = PageErrors.sentence(ProblemHandler.BAD_VALUE);
        } else {
            status = HttpStatus.INTERNAL_SERVER_ERROR;
            incident = UUID.randomUUID().toString();
            LOG.error(
                    "incident {}: {} {}: {}", incident, request.getMethod(), request.getRequestURI(), e.toString(), e);
            sentence =
                    "Rampart could not show this page. The server log has the details under incident " + incident + ".";
        }
        return page(status, sentence, incident);
    }

    /** The error page: the status, one sentence, and the incident id when the log has one. */
    public static ModelAndView page(HttpStatus status, String sentence, String incident) {
        ModelAndView page = new ModelAndView("error", status);
        page.addObject("status", status.value());
        page.addObject("error", status.getReasonPhrase());
        page.addObject("sentence", sentence);
        page.addObject("incident", incident);
        return page;
    }

    /** "no connector 7" → "No connector 7." */
    public static String sentence(String message) {
        if (message == null || message.isBlank()) {
            return "The request could not be completed.";
        }
        String s = message.strip();
        s = s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
        return s.endsWith(".") ? s : s + ".";
    }
}
