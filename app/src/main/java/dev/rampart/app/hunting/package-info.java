/**
 * The hunting console (F19): KQL through Defender's advanced hunting, run for a project's connector (Graph's
 * {@code security/runHuntingQuery}, else Defender's legacy {@code advancedqueries/run}), audited, with saved hunts
 * per project, through the API and a page.
 */
package dev.rampart.app.hunting;
