package dev.rampart.app.web;

import static java.nio.charset.StandardCharsets.UTF_8;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URLDecoder;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * The API refuses query parameters its endpoint does not know ({@code unknown-parameter}, 400), so that a misspelt
 * filter is an error rather than a silently unfiltered list. The known ones are the handler's {@code @RequestParam}s;
 * a handler that takes all parameters as a map checks them itself (the asset list's {@code meta.<key>}).
 */
public final class KnownParameters implements HandlerInterceptor {
    private final Map<HandlerMethod, Set<String>> known = new ConcurrentHashMap<>();

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!(handler instanceof HandlerMethod hm)
                || !hm.getBeanType().getName().startsWith("dev.rampart.")
                || !request.getRequestURI().startsWith("/api/")
                || request.getQueryString() == null) {
            return true;
        }
        Set<String> names = known.computeIfAbsent(hm, KnownParameters::names);
        if (names == null || names.contains("*")) {
            return true;
        }
        for (String pair : request.getQueryString().split("&")) {
            String p = URLDecoder.decode(pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair, UTF_8);
            if (!p.isEmpty() && !names.contains(p) && !p.equals("_csrf")) {
                throw new ApiProblem(
                        HttpStatus.BAD_REQUEST,
                        "unknown-parameter",
                        "Unknown parameter",
                        "'" + Text.oneLine(p, 40) + "' is not a parameter of this endpoint"
                                + (names.isEmpty() ? " (it takes none)" : " (known: " + String.join(", ", names) + ")"),
                        List.of(new ApiProblem.FieldError(Text.oneLine(p, 40), "is not a known parameter")));
            }
        }
        return true;
    }

    private static Set<String> names(HandlerMethod hm) {
        Set<String> names = new TreeSet<>();
        for (MethodParameter p : hm.getMethodParameters()) {
            RequestParam rp = p.getParameterAnnotation(RequestParam.class);
            if (rp == null) {
                continue;
            }
            if (Map.class.isAssignableFrom(p.getParameterType())) {
                names.add("*");
                continue;
            }
            String name = !rp.name().isEmpty() ? rp.name() : !rp.value().isEmpty() ? rp.value() : p.getParameterName();
            if (name != null) {
                names.add(name);
            }
        }
        return names;
    }
}
