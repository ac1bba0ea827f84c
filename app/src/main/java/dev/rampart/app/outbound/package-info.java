/**
 * Where the server may connect to: one policy for every outbound call (connectors today, notifications next), which
 * refuses private, loopback, link-local, multicast and cloud metadata addresses, in every spelling and after name
 * resolution, unless the server's configuration allows them.
 */
package dev.rampart.app.outbound;
