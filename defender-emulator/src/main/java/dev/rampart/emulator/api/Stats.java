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
        for (int i = 0; i < t.deviceCount(); i++) {
            for (InstalledSoftware s : t.software(i)) {
                installedByProduct[s.product().index()]++;
            }
            java.util.Arrays.fill(productSeen, false);
            t.vulnerabilities(i, now, row -> {
                int c = row.cve().index();
                exposedByCve[c]++;
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
