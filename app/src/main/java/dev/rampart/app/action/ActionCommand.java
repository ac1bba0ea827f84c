package dev.rampart.app.action;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code rampart action isolate|release|scan|status}: response actions from the command line, through a running
 * server's API (the embedded database admits one process at a time, and the server holds the connector's credential
 * and follows the action). The API token comes from {@code RAMPART_TOKEN} or a file, never the command line. Prints
 * the action as one JSON line; exit 0 when Defender took it (with {@code --wait}: when it succeeded), 1 when refused
 * or failed, 2 for a wrong command line.
 */
public final class ActionCommand {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final List<String> FINAL = ActionService.FINAL;

    /** What the command line gave. */
    public record Options(
            String verb,
            URI server,
            String token,
            String project,
            Long asset,
            Long id,
            String reason,
            String isolationType,
            String scanType,
            boolean await,
            Duration waitFor) {}

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final PrintStream out;
    private final PrintStream err;

    public ActionCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public int run(Options o) throws IOException, InterruptedException {
        String base = o.server().toString().replaceAll("/+$", "") + "/api/v1/projects/" + o.project();
        JsonNode action;
        if (o.verb().equals("status")) {
            HttpResponse<String> r = send(o, "GET", base + "/actions/" + o.id(), null);
            if (r.statusCode() != 200) {
                return refused(r);
            }
            action = JSON.readTree(r.body());
        } else {
            ObjectNode body = JSON.createObjectNode();
            body.put("type", o.verb());
            body.put("reason", o.reason());
            if (o.isolationType() != null) {
                body.put("isolationType", o.isolationType());
            }
            if (o.scanType() != null) {
                body.put("scanType", o.scanType());
            }
            HttpResponse<String> r = send(o, "POST", base + "/assets/" + o.asset() + "/actions", body.toString());
            if (r.statusCode() != 202) {
                return refused(r);
            }
            action = JSON.readTree(r.body());
        }
        if (o.await()) {
            long deadline = System.nanoTime() + o.waitFor().toNanos();
            while (!FINAL.contains(action.path("status").asString())) {
                if (System.nanoTime() > deadline) {
                    out.println(action);
                    err.println("rampart: the action is still "
                            + action.path("status").asString() + " after "
                            + o.waitFor().toSeconds() + " s; follow it with rampart action status --id "
                            + action.path("id").asLong());
                    return 1;
                }
                Thread.sleep(2000);
                HttpResponse<String> r =
                        send(o, "GET", base + "/actions/" + action.path("id").asLong(), null);
                if (r.statusCode() != 200) {
                    return refused(r);
                }
                action = JSON.readTree(r.body());
            }
        }
        out.println(action);
        String status = action.path("status").asString();
        // without --wait, an action still going is fine; an ended one must have succeeded
        boolean ok = status.equals("Succeeded") || (!o.await() && !FINAL.contains(status));
        if (!ok) {
            err.println("rampart: the action ended " + status
                    + (action.path("error").isNull()
                            ? ""
                            : ": " + action.path("error").asString()));
        }
        return ok ? 0 : 1;
    }

    private HttpResponse<String> send(Options o, String method, String url, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + o.token())
                .header("Accept", "application/json");
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Says why the server refused, from its problem document, and answers exit code 1. */
    private int refused(HttpResponse<String> r) {
        String detail;
        try {
            JsonNode p = JSON.readTree(r.body());
            detail = p.path("detail").asString("HTTP " + r.statusCode());
            if (p.has("errors")) {
                for (JsonNode e : p.get("errors")) {
                    detail = e.path("field").asString() + ": "
                            + e.path("message").asString();
                }
            }
        } catch (RuntimeException e) {
            detail = "HTTP " + r.statusCode();
        }
        err.println("rampart: " + r.statusCode() + " " + detail);
        return 1;
    }
}
