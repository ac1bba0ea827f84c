/**
 * Response actions through Defender (F18): isolate, release and antivirus scan, requested with a reason by a
 * responder, audited, sent through the asset's connector and followed until Defender says they ended.
 */
package dev.rampart.app.action;
