package dev.rampart.emulator.tenant;

/**
 * Stateless, deterministic pseudo-randomness: every synthetic value is a function of the tenant seed and the
 * coordinates of the thing it describes (device index, slot, bucket...). Nothing is stored, so a tenant of any size
 * costs the same memory, and the same seed always gives the same tenant.
 */
public final class Hash {
    private Hash() {}

    /** SplitMix64 finaliser. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    public static long of(long seed, long... parts) {
        long h = mix(seed ^ 0x9E3779B97F4A7C15L);
        for (long p : parts) {
            h = mix(h ^ (p + 0x9E3779B97F4A7C15L));
        }
        return h;
    }

    /** Uniform double in [0, 1). */
    public static double unit(long hash) {
        return (hash >>> 11) * 0x1.0p-53;
    }

    public static double unit(long seed, long... parts) {
        return unit(of(seed, parts));
    }

    /** Uniform int in [0, bound). */
    public static int below(long hash, int bound) {
        return (int) Math.floorMod(hash, (long) bound);
    }

    /** Picks an index by cumulative weights. */
    public static int weighted(double u, double[] weights) {
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        double x = u * total;
        for (int i = 0; i < weights.length; i++) {
            x -= weights[i];
            if (x < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    /** A GUID-shaped string derived from a hash pair. */
    public static String guid(long a, long b) {
        String hex = String.format("%016x%016x", a, b);
        return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-4" + hex.substring(13, 16) + "-"
                + "89ab".charAt((int) ((b >>> 60) & 3)) + hex.substring(17, 20) + "-" + hex.substring(20, 32);
    }

    public static String hex(long a, int chars) {
        String s = String.format("%016x", a);
        return s.substring(16 - Math.min(chars, 16));
    }
}
