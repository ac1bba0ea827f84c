package dev.rampart.app.connector;

/** A stored connector: the identifiers the sync runtime needs, and its spec. */
public record Connector(long id, long projectId, long sourceId, ConnectorSpec spec) {
    public String name() {
        return spec.name();
    }

    public boolean enabled() {
        return spec.enabled();
    }
}
