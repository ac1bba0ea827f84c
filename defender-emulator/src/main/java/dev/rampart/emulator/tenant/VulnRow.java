package dev.rampart.emulator.tenant;

import java.time.Instant;

/**
 * One vulnerable software row on one device: device x CVE x product x version (the export APIs' row key), present
 * from {@code firstSeen} until {@code fixedAt} (null while it is still there).
 */
public record VulnRow(int device, Cve cve, Product product, String version, Instant firstSeen, Instant fixedAt) {}
