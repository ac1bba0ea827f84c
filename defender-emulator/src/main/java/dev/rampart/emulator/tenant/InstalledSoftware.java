package dev.rampart.emulator.tenant;

import java.time.Instant;

/** A product installed on a device, at one version. */
public record InstalledSoftware(Product product, String version, Instant firstSeen) {}
