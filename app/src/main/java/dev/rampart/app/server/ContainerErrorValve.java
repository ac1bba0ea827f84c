package dev.rampart.app.server;

import dev.rampart.app.web.PageErrors;
import dev.rampart.app.web.Problems;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.http.HttpStatus;

/**
 * Tomcat's report of errors that happen before Rampart sees the request (a request line or header too long, an
 * invalid URI such as one with an encoded NUL): a problem document, or a one-sentence page for a browser, instead of
 * Tomcat's own HTML. Takes the place of Tomcat's {@link ErrorReportValve} on the host.
 */
public final class ContainerErrorValve extends ErrorReportValve {
    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int code = response.getStatus();
        if (code < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        HttpStatus status = HttpStatus.resolve(code);
        if (status == null) {
            status = HttpStatus.BAD_REQUEST;
        }
        String sentence = status.is5xxServerError()
                ? "Rampart could not take the request."
                : code == 400
                        ? "The request is malformed or too large (its address or headers)."
                        : ServletErrors.sentence(status, request.getMethod());
        String uri = request.getRequestURI() == null ? "" : request.getRequestURI();
        boolean page = PageErrors.isPage(uri, request.getHeader("Accept"));
        try {
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            String body;
            if (page) {
                response.setContentType("text/html");
                body = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + code + " · Rampart"
                        + "</title></head><body><main><h1>" + status.getReasonPhrase()
                        + "</h1><p id=\"error-sentence\">"
                        + org.springframework.web.util.HtmlUtils.htmlEscape(sentence) + "</p></main></body></html>";
            } else {
                response.setContentType("application/problem+json");
                String detail =
                        Character.toLowerCase(sentence.charAt(0)) + sentence.substring(1, sentence.length() - 1);
                body = Problems.json(status, ServletErrors.slug(status), status.getReasonPhrase(), detail);
            }
            Writer w = response.getReporter();
            if (w != null) {
                w.write(body);
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client is gone or the response is already closed: nothing more to say
        }
    }
}
