package dev.rampart.app.sync;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The one-object account of a run that {@code rampart sync} prints and the run row keeps. */
public record RunSummary(ObjectNode json) {
    public boolean succeeded() {
        return "succeeded".equals(json.path("state").asText());
    }

    public long runId() {
        return json.path("runId").asLong();
    }

    public long count(String key) {
        return json.path(key).asLong();
    }

    public String error() {
        return json.path("error").asText(null);
    }

    @Override
    public String toString() {
        return json.toString();
    }
}
