package dev.rampart.emulator.tenant;

import java.time.Duration;
import java.time.Instant;

/**
 * The tenant's Entra directory: users and groups, computed from the seed by index like everything else. The same users
 * log on to devices (Defender's logon users), so identities can be joined across the two APIs by SAM account name,
 * SID or UPN, as Rampart must (F9).
 */
public final class Directory {
    private Directory() {}

    private static final String[] FIRST = {
        "Ava", "Ben", "Chloe", "Daniel", "Emma", "Felix", "Grace", "Hugo", "Isla", "Jonas", "Kira", "Liam", "Mia",
                "Noah",
        "Olivia", "Paul", "Quinn", "Rosa", "Sam", "Tara", "Umar", "Vera", "Will", "Xenia", "Yusuf", "Zoe", "Aron",
                "Bea",
        "Carl", "Dina", "Erik", "Fay", "Gina", "Hans", "Ida", "Jack", "Lena", "Marc", "Nina", "Omar", "Pia", "Ravi",
        "Sara", "Tim", "Ute", "Vik", "Wen", "Yara", "Zack", "Anja"
    };
    private static final String[] LAST = {
        "Adams", "Berg", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Hansen", "Ito", "Jensen", "Kowalski",
                "Lopez",
        "Meyer", "Novak", "Olsen", "Petit", "Quist", "Rossi", "Schmidt", "Tanaka", "Ueda", "Varga", "Weber", "Xu",
        "Young", "Zimmer", "Alvarez", "Brown", "Clarke", "Dahl", "Eriksen", "Ford", "Gray", "Hill", "Ivanova", "Jones",
        "Klein", "Lang", "Moreau", "Nagy", "Ortiz", "Park", "Reyes", "Silva", "Torres", "Urban", "Vogel", "Wong",
        "Yilmaz", "Zhou"
    };
    private static final String[] DEPARTMENTS = {
        "Finance", "HR", "Engineering", "Sales", "Marketing", "IT", "Legal", "Operations"
    };

    public static String first(SyntheticTenant t, int u) {
        return FIRST[Hash.below(Hash.of(t.seed(), 150, u), FIRST.length)];
    }

    public static String last(SyntheticTenant t, int u) {
        return LAST[Hash.below(Hash.of(t.seed(), 151, u), LAST.length)];
    }

    public static String displayName(SyntheticTenant t, int u) {
        return first(t, u) + " " + last(t, u);
    }

    /** The on-premises SAM account name, unique by construction: initial, surname, index. */
    public static String sam(SyntheticTenant t, int u) {
        return (first(t, u).charAt(0) + last(t, u)).toLowerCase(java.util.Locale.ROOT) + u;
    }

    public static String upn(SyntheticTenant t, int u) {
        String renamed = t.state().renamedUpn(u);
        return renamed != null
                ? renamed
                : (first(t, u) + "." + last(t, u)).toLowerCase(java.util.Locale.ROOT) + u + "@corp.contoso.com";
    }

    /** Whether the user is in the directory (not deleted through the tenant's state). */
    public static boolean exists(SyntheticTenant t, int u) {
        return !t.state().userDeleted(u);
    }

    public static String id(SyntheticTenant t, int u) {
        return Hash.guid(Hash.of(t.seed(), 152, u), Hash.of(t.seed(), 153, u));
    }

    public static int userIndex(SyntheticTenant t, String id) {
        // ids are random-looking; keep a bounded search out of the hot path: callers page by index
        for (int u = 0; u < t.userCount(); u++) {
            if (id(t, u).equalsIgnoreCase(id)) {
                return u;
            }
        }
        return -1;
    }

    public static String sid(SyntheticTenant t, int u) {
        long h = Hash.of(t.seed(), 154);
        return "S-1-5-21-" + (1_000_000_000L + Math.floorMod(h, 1_000_000_000L)) + "-"
                + (1_000_000_000L + Math.floorMod(h >>> 20, 1_000_000_000L)) + "-"
                + (1_000_000_000L + Math.floorMod(h >>> 40, 1_000_000_000L)) + "-" + (1100 + u);
    }

    public static boolean isAdmin(SyntheticTenant t, int u) {
        return u < 25 && Hash.unit(t.seed(), 155, u) < 0.3;
    }

    public static boolean enabled(SyntheticTenant t, int u) {
        return Hash.unit(t.seed(), 156, u) < 0.95;
    }

    public static String department(SyntheticTenant t, int u) {
        return DEPARTMENTS[Hash.below(Hash.of(t.seed(), 157, u), DEPARTMENTS.length)];
    }

    public static Instant created(SyntheticTenant t, int u) {
        return t.origin().minus(Duration.ofDays(30 + Hash.below(Hash.of(t.seed(), 158, u), 2000)));
    }

    // ------------------------------------------------------------------ groups

    /**
     * Groups 0 to 3 are umbrella groups whose members are other groups (nesting two levels deep); the others hold a
     * contiguous slice of users each, so membership is computed, not stored.
     */
    public static final int UMBRELLAS = 4;

    public static String groupId(SyntheticTenant t, int g) {
        return Hash.guid(Hash.of(t.seed(), 160, g), Hash.of(t.seed(), 161, g));
    }

    public static String groupName(SyntheticTenant t, int g) {
        if (g < UMBRELLAS) {
            return new String[] {"All Staff", "Security Team", "IT Admins", "Contractors"}[g];
        }
        return "SG-" + DEPARTMENTS[g % DEPARTMENTS.length] + "-" + g;
    }

    /** Member groups of an umbrella group: 0 contains 1..3; 1..3 contain three leaf groups each. */
    public static int[] childGroups(SyntheticTenant t, int g) {
        if (g == 0) {
            return new int[] {1, 2, 3};
        }
        if (g < UMBRELLAS) {
            int base = UMBRELLAS + (g - 1) * 3;
            int n = Math.max(0, Math.min(3, t.groupCount() - base));
            int[] out = new int[n];
            for (int k = 0; k < n; k++) {
                out[k] = base + k;
            }
            return out;
        }
        return new int[0];
    }

    /** The users of a leaf group: a contiguous range [from, to). */
    public static int[] userRange(SyntheticTenant t, int g) {
        if (g < UMBRELLAS) {
            return new int[] {0, Math.min(t.userCount(), 5 + g)};
        }
        int leaves = t.groupCount() - UMBRELLAS;
        int per = Math.max(1, t.userCount() / Math.max(1, leaves));
        int from = (g - UMBRELLAS) * per;
        int size = Math.max(1, per / 2 + Hash.below(Hash.of(t.seed(), 162, g), per));
        return new int[] {Math.min(from, t.userCount()), Math.min(t.userCount(), from + size)};
    }
}
