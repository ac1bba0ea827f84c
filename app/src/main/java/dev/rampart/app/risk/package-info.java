/**
 * Endpoint risk (F17): the scoring model ({@link dev.rampart.app.risk.RiskModel}, a pure function, docs/risk.md), its
 * computation for a project's assets inside a run's transaction, and sensor health flags (F10).
 */
package dev.rampart.app.risk;
