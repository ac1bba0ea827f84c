package dev.rampart.app.web;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import tools.jackson.databind.json.JsonMapper;

/** Builds problem details, and writes them where no controller advice reaches (security filters, the size limit). */
public final class Problems {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Problems() {}

    public static URI type(String slug) {
        return URI.create("/problems/" + slug);
    }

    public static ProblemDetail of(HttpStatus status, String slug, String title, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setType(type(slug));
        p.setTitle(title);
        return p;
    }

    public static ProblemDetail of(ApiProblem e) {
        ProblemDetail p = of(e.status(), e.slug(), e.title(), e.getMessage());
        if (!e.errors().isEmpty()) {
            p.setProperty("errors", e.errors());
        }
        e.properties().forEach(p::setProperty);
        return p;
    }

    /** Writes a problem as the whole response, for filters. */
    public static void write(HttpServletResponse response, HttpStatus status, String slug, String title, String detail)
            throws IOException {
        response.setStatus(status.value());
        response.setContentType("application/problem+json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(json(status, slug, title, detail));
    }

    /** A problem document as JSON text. */
    public static String json(HttpStatus status, String slug, String title, String detail) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("type", type(slug).toString());
        body.put("title", title);
        body.put("status", status.value());
        body.put("detail", detail);
        return JSON.writeValueAsString(body);
    }

    public static List<ApiProblem.FieldError> field(String field, String message) {
        return List.of(new ApiProblem.FieldError(field, message));
    }
}
