package dev.rampart.app.server;

import dev.rampart.app.security.Permission;
import dev.rampart.app.security.Requires;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.context.ApplicationContext;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;

/** Every HTTP route the running application serves, read from its handler mappings (Rampart's, actuator's, ...). */
record Routes(List<Route> all) {

    record Route(String method, String pattern, HandlerMethod handler) {
        boolean rampart() {
            return handler.getBeanType().getName().startsWith("dev.rampart.");
        }

        /** The permission the route needs: its {@code @Requires}, or for framework routes the filter chain's rule. */
        Permission permission() {
            if (rampart()) {
                Requires r = handler.getMethodAnnotation(Requires.class);
                return r == null ? null : r.value();
            }
            if (pattern.startsWith("/actuator/health") || pattern.startsWith("/v3/api-docs")) {
                return Permission.PUBLIC;
            }
            if (pattern.startsWith("/actuator")) {
                return Permission.SERVER_ADMIN;
            }
            return null;
        }

        boolean takesBody() {
            for (var p : handler.getMethodParameters()) {
                if (p.hasParameterAnnotation(RequestBody.class)) {
                    return true;
                }
            }
            return pattern.endsWith("/imports");
        }

        boolean writes() {
            return !method.equals("GET") && !method.equals("HEAD");
        }

        /** The path with each variable replaced by a value from {@code values} (default "1"). */
        String path(Map<String, String> values) {
            String p = pattern.replace("/**", "/liveness");
            java.util.regex.Matcher m =
                    java.util.regex.Pattern.compile("\\{\\*?([^}]+)}").matcher(p);
            StringBuilder b = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(b, java.util.regex.Matcher.quoteReplacement(values.getOrDefault(m.group(1), "1")));
            }
            m.appendTail(b);
            return b.toString();
        }

        @Override
        public String toString() {
            return method + " " + pattern;
        }
    }

    static Routes of(ApplicationContext context) {
        List<Route> routes = new ArrayList<>();
        for (RequestMappingInfoHandlerMapping mapping :
                context.getBeansOfType(RequestMappingInfoHandlerMapping.class).values()) {
            for (Map.Entry<RequestMappingInfo, HandlerMethod> e :
                    mapping.getHandlerMethods().entrySet()) {
                var methods = e.getKey().getMethodsCondition().getMethods();
                for (String pattern : e.getKey().getPatternValues()) {
                    if (pattern.equals("/error")) {
                        continue; // the servlet error page: renders whatever error occurred, to anyone
                    }
                    if (methods.isEmpty()) {
                        routes.add(new Route("GET", pattern, e.getValue()));
                    }
                    for (RequestMethod m : methods) {
                        routes.add(new Route(m.name(), pattern, e.getValue()));
                    }
                }
            }
        }
        routes.sort(java.util.Comparator.comparing(Route::pattern).thenComparing(Route::method));
        return new Routes(routes);
    }
}
