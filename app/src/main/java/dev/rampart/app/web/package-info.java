/**
 * What every HTTP endpoint shares: RFC 9457 problem details for every error, cursor pages, the body size limit and the
 * {@link dev.rampart.app.security.Caller} argument.
 */
package dev.rampart.app.web;
