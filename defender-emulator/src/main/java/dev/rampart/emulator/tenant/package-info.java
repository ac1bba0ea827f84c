/** The synthetic tenant: devices, CVE catalog, software, alerts and directory computed on demand from a seed, and the clock that drives its change model. */
package dev.rampart.emulator.tenant;
