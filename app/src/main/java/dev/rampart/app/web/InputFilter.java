package dev.rampart.app.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses, before anything else reads them, request values that no endpoint can take: control characters in the path
 * or in a query parameter (PostgreSQL cannot store NUL, and a control character in a log line forges another),
 * NUL and other control characters except tab and line breaks in form fields, query parameter names over
 * {@value #MAX_NAME} and values over {@value #MAX_VALUE} characters, and malformed percent-encoding. The API answers a
 * problem ({@code invalid-input}, 400); a page, the error page. The refusal names the parameter, never its value.
 */
public final class InputFilter extends OncePerRequestFilter {
    static final int MAX_NAME = 100;
    static final int MAX_VALUE = 2000;
    /** The request attribute that carries the sentence to the error page. */
    public static final String SENTENCE = "rampart.error.sentence";

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String problem = problem(request);
        if (problem == null) {
            chain.doFilter(request, response);
            return;
        }
        if (PageErrors.isPage(request, null)) {
            request.setAttribute(SENTENCE, PageErrors.sentence(problem));
            response.sendError(HttpStatus.BAD_REQUEST.value());
        } else {
            Problems.write(response, HttpStatus.BAD_REQUEST, "invalid-input", "Invalid input", problem);
        }
    }

    static String problem(HttpServletRequest request) {
        String path;
        try {
            path = URLDecoder.decode(request.getRequestURI().replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "the address is not validly percent-encoded";
        }
        if (Text.hasControl(path)) {
            return "the address has a control character";
        }
        String query = request.getQueryString();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String name;
                String value;
                try {
                    name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                    value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    return "the query is not validly percent-encoded";
                }
                String shown = Text.oneLine(name, 40);
                if (name.length() > MAX_NAME || Text.hasControl(name)) {
                    return "a query parameter name is longer than " + MAX_NAME + " characters or has a control"
                            + " character";
                }
                if (Text.hasControl(value)) {
                    return "the query parameter '" + shown + "' has a control character";
                }
                if (value.length() > MAX_VALUE) {
                    return "the query parameter '" + shown + "' is longer than " + MAX_VALUE + " characters";
                }
            }
        }
        String type = request.getContentType();
        if (type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            for (Map.Entry<String, String[]> e : request.getParameterMap().entrySet()) {
                if (Text.hasControl(e.getKey()) || e.getKey().length() > MAX_NAME) {
                    return "a form field name is longer than " + MAX_NAME + " characters or has a control character";
                }
                for (String v : e.getValue()) {
                    if (Text.hasForbiddenControl(v)) {
                        return "the form field '" + Text.oneLine(e.getKey(), 40) + "' has a control character";
                    }
                }
            }
        }
        return null;
    }
}
