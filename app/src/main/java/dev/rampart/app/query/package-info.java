/**
 * Rampart's query language (F21, docs/queries.md): an ANTLR grammar, a compiler to one SQL statement over the entity
 * graph's tables with bound values only, the runner with its cost cap, saved queries, the API and the page.
 */
package dev.rampart.app.query;
