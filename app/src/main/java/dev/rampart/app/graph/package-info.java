/**
 * The entity graph (F20): entity classes and relationships derived from the inventory tables, an entity's
 * neighbours, paths between two entities, and the project's graph exported as JSON, GraphML or Neo4j's import CSV.
 * The query language ({@code dev.rampart.app.query}) compiles over the same model.
 */
package dev.rampart.app.graph;
