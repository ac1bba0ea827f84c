package dev.rampart.emulator.api;

import dev.rampart.emulator.tenant.InstalledSoftware;
import dev.rampart.emulator.tenant.SyntheticTenant;
import java.time.Instant;

/**
 * Tenant-wide figures the catalog endpoints report ({@code exposedMachines}, {@code firstDetected}, software
 * weaknesses): one scan over all devices, cached until the next six-hour bucket or the next manual change, since
 * Defender itself refreshes these figures periodically rather than per request.
 */
final class Stats {
    final int[] exposedByCve;
    final long[] firstDetectedByCve;
    final int[] installedByProduct;
    final int[] exposedByProduct;
    final int[] weaknessesByProduct;
    final boolean[] exploitByProduct;
    /** Per device: the rank of its most severe open vulnerability (0 none, 1 Low ... 4 Critical). */
    final byte[] worstByDevice;

    final long bucket;
    final long version;

    private Stats(SyntheticTenant t, Instant now, long bucket, long version) {
        int cves = t.catalog().cves().size();
        int products = t.catalog().products().size();
        this.bucket = bucket;
        this.version = version;
        exposedByCve = new int[cves];
        firstDetectedByCve = new long[cves];
        java.util.Arrays.fill(firstDetectedByCve, Long.MAX_VALUE);
        installedByProduct = new int[products];
        exposedByProduct = new int[products];
        weaknessesByProduct = new int[products];
        exploitByProduct = new boolean[products];
        boolean[] productSeen = new boolean[products];
        worstByDevice = new byte[t.deviceCount()];
        for (int i = 0; i < t.deviceCount(); i++) {
            final int device = i;
            for (InstalledSoftware s : t.software(i)) {
                installedByProduct[s.product().index()]++;
            }
            java.util.Arrays.fill(productSeen, false);
            t.vulnerabilities(i, now, row -> {
                int c = row.cve().index();
                exposedByCve[c]++;
                worstByDevice[device] = (byte) Math.max(
                        worstByDevice[device], Entities.severityRank(row.cve().severity()));
                firstDetectedByCve[c] =
                        Math.min(firstDetectedByCve[c], row.firstSeen().toEpochMilli());
                int p = row.product().index();
                if (!productSeen[p]) {
                    productSeen[p] = true;
                    exposedByProduct[p]++;
                }
            });
        }
        for (int c = 0; c < cves; c++) {
            if (exposedByCve[c] > 0) {
                var cve = t.catalog().cve(c);
                weaknessesByProduct[cve.product()]++;
                exploitByProduct[cve.product()] |= cve.publicExploit();
            }
        }
    }

    static Stats of(Stats cached, SyntheticTenant t, Instant now) {
        long bucket = t.bucket(now);
        long version = t.state().version();
        if (cached != null && cached.bucket == bucket && cached.version == version) {
            return cached;
        }
        return new Stats(t, now, bucket, version);
    }

    Instant firstDetected(int cve) {
        return firstDetectedByCve[cve] == Long.MAX_VALUE ? null : Instant.ofEpochMilli(firstDetectedByCve[cve]);
    }
}
