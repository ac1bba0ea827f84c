package dev.rampart.app.sync;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * What the apply step needs to know about the run it applies.
 *
 * @param runId the run
 * @param projectId the project every row belongs to
 * @param sourceId the source the staged rows come from
 * @param connectorId the Defender connector, or null for a push import
 * @param at the run's time: the time of its events, fixed and archived dates
 * @param authoritative the source's names, OS and identifiers replace what other sources said (Defender); otherwise
 *     they only fill gaps
 * @param completeList the staged devices are every device the source has: one it no longer lists is not reported
 * @param gracePeriodDays days a device may be reported inactive before this source calls it inactive
 * @param findings what the staged findings are: every finding of the listed devices, changes only, or nothing
 * @param software replace the listed devices' software from the staged rows
 * @param logonUsers replace logon users: {@code all} for every listed device, {@code staged} for devices with staged
 *     rows, {@code none}
 * @param alerts apply the staged alerts
 * @param catalog apply the staged CVE catalog
 */
record RunContext(
        long runId,
        long projectId,
        long sourceId,
        Long connectorId,
        Instant at,
        boolean authoritative,
        boolean completeList,
        int gracePeriodDays,
        Findings findings,
        boolean software,
        String logonUsers,
        boolean alerts,
        boolean catalog) {

    enum Findings {
        FULL,
        CHANGES,
        NONE
    }

    /** The run's time as a parameter PostgreSQL binds as timestamptz. */
    OffsetDateTime atTimestamp() {
        return at.atOffset(ZoneOffset.UTC);
    }
}
