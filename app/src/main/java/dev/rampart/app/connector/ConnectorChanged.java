package dev.rampart.app.connector;

/** Published when a connector is created, changed or deleted, so that the scheduler follows at once. */
public record ConnectorChanged(long connectorId) {}
