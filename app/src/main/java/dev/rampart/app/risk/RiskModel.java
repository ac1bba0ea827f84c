package dev.rampart.app.risk;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;

/**
 * The endpoint risk model (F17), a pure function of an asset's facts; docs/risk.md gives the weights and why.
 *
 * <ul>
 *   <li>A finding scores {@code 100 × E × S}: E, how exploitable it is (exploit verified 1.0, in a kit 0.9, public 0.7,
 *       else 0.05 + 0.45 × EPSS), first; S, its CVSS (or severity) second. A verified exploit on a Medium outranks an
 *       unexploited Critical.
 *   <li>Exposure: the top finding's score, plus at most 30 % of what remains to 100 from the next nine.
 *   <li>Alert risk: the most severe unresolved alert (High 85, Medium 55, Low 25, Informational 5).
 *   <li>Overall score: {@code V × (max(exposure, alert) + 0.15 × min(exposure, alert))}, V the asset's value (its
 *       criticality set in Rampart, else Defender's device value: low 0.8, normal 1.0, high 1.2, critical 1.4).
 *   <li>Level: Critical from 90, High from 65, Medium from 35, Low above 0, None at 0.
 * </ul>
 *
 * Devices that Defender does not see get the exposure Defender reports for devices with the same OS and version in
 * the tenant, marked as inferred, when that is higher than their own.
 */
public final class RiskModel {
    private RiskModel() {}

    /** How many findings an asset's exposure considers (the top one and the next nine). */
    static final int TOP = 10;

    public enum Level {
        NONE("None"),
        LOW("Low"),
        MEDIUM("Medium"),
        HIGH("High"),
        CRITICAL("Critical");

        private final String label;

        Level(String label) {
            this.label = label;
        }

        /** As the API and pages write it: None, Low, Medium, High, Critical. */
        public String label() {
            return label;
        }

        public static Level of(double score) {
            return score >= 90 ? CRITICAL : score >= 65 ? HIGH : score >= 35 ? MEDIUM : score > 0 ? LOW : NONE;
        }

        public static Level parse(String s) {
            for (Level l : values()) {
                if (l.label.equalsIgnoreCase(s)) {
                    return l;
                }
            }
            throw new IllegalArgumentException("unknown risk level '" + s + "' (None, Low, Medium, High, Critical)");
        }
    }

    /** An open finding, with what the CVE catalog says of its exploits. */
    public record FindingFacts(
            String cveId,
            String severity,
            Double cvss,
            String exploitability,
            boolean exploitVerified,
            boolean exploitInKit,
            boolean publicExploit,
            Double epss,
            String product,
            String recommendedUpdate) {}

    /** An alert of the asset; only unresolved ones count. */
    public record AlertFacts(String alertId, String title, String severity, String status) {}

    /**
     * The asset itself: its criticality (set in Rampart, or null), Defender's device value (or null), and the exposure
     * inferred from devices of the same OS and version (null when it has a Defender source or none can be inferred).
     */
    public record AssetFacts(
            String criticality, String deviceValue, Double inferredExposure, String inferredFrom, int inferredDevices) {
        public static AssetFacts of(String criticality, String deviceValue) {
            return new AssetFacts(criticality, deviceValue, null, null, 0);
        }
    }

    /** One reason for the score, as a person checks it: what, which one, a sentence, and its part of the score. */
    public record Contributor(String kind, String id, String text, double weight) {}

    public record Risk(
            Level level,
            double score,
            double exposure,
            double alert,
            boolean inferred,
            List<Contributor> contributors) {}

    // ------------------------------------------------------------------ the factors

    /** E: how exploitable a finding is, from 0.05 (nothing known) to 1 (exploit verified). */
    static double exploitFactor(FindingFacts f) {
        String x = f.exploitability() == null ? "" : f.exploitability();
        if (f.exploitVerified() || x.equals("ExploitIsVerified")) {
            return 1.0;
        }
        if (f.exploitInKit() || x.equals("ExploitIsInKit")) {
            return 0.9;
        }
        if (f.publicExploit() || x.equals("ExploitIsPublic")) {
            return 0.7;
        }
        double epss = f.epss() == null ? 0 : Math.max(0, Math.min(1, f.epss()));
        return 0.05 + 0.45 * epss;
    }

    /** S: how severe, from the CVSS base score, or the severity when there is none. */
    static double severityFactor(FindingFacts f) {
        if (f.cvss() != null && f.cvss() > 0) {
            return Math.min(10, f.cvss()) / 10;
        }
        return switch (f.severity() == null ? "" : f.severity().toLowerCase(Locale.ROOT)) {
            case "critical" -> 0.95;
            case "high" -> 0.8;
            case "medium" -> 0.55;
            case "low" -> 0.25;
            default -> 0.1;
        };
    }

    /** A finding's score, 0 to 100. */
    public static double findingScore(FindingFacts f) {
        return 100 * exploitFactor(f) * severityFactor(f);
    }

    /** V: the asset's value; Rampart's criticality wins over Defender's device value. */
    public static double valueFactor(AssetFacts a) {
        String v = a.criticality() != null ? a.criticality() : a.deviceValue();
        return switch (v == null ? "" : v.toLowerCase(Locale.ROOT)) {
            case "low" -> 0.8;
            case "high" -> 1.2;
            case "critical" -> 1.4;
            default -> 1.0;
        };
    }

    /** An alert's score: 0 once resolved. */
    public static double alertScore(AlertFacts a) {
        if (a.status() != null && a.status().equalsIgnoreCase("Resolved")) {
            return 0;
        }
        return switch (a.severity() == null ? "" : a.severity().toLowerCase(Locale.ROOT)) {
            case "high" -> 85;
            case "medium" -> 55;
            case "low" -> 25;
            case "informational" -> 5;
            default -> 0;
        };
    }

    // ------------------------------------------------------------------ an asset

    /**
     * An asset's findings and alerts, one at a time: it keeps the top {@value #TOP} findings and the worst alert,
     * so that an asset with thousands of findings costs no more memory than one with ten.
     */
    public static final class Accumulator {
        private final PriorityQueue<Scored> top = new PriorityQueue<>(WORST_FIRST);
        private final java.util.Map<Long, String[]> details = new java.util.HashMap<>();
        private AlertFacts worstAlert;
        private double worstAlertScore;
        private int findings;

        private record Scored(FindingFacts facts, double score, long key) {}

        /**
         * The order of the explanation: highest score first, then by CVE, product and key, so that it does not depend
         * on the order the findings arrive in.
         */
        private static final Comparator<Scored> BEST_FIRST = Comparator.comparingDouble(Scored::score)
                .reversed()
                .thenComparing(x -> x.facts().cveId(), Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparing(x -> x.facts().product(), Comparator.nullsFirst(Comparator.naturalOrder()))
                .thenComparingLong(Scored::key);

        private static final Comparator<Scored> WORST_FIRST = BEST_FIRST.reversed();

        public Accumulator finding(FindingFacts f) {
            return finding(f, findings);
        }

        /**
         * A finding with a key of the caller's (its row id), by which {@link #named()} asks for its product and fix
         * when the caller left them out of the stream.
         */
        public Accumulator finding(FindingFacts f, long key) {
            findings++;
            double score = findingScore(f);
            if (top.size() < TOP) {
                top.add(new Scored(f, score, key));
                return this;
            }
            Scored worst = top.peek();
            if (score < worst.score()) {
                return this; // most findings end here, before any object or comparison
            }
            Scored s = new Scored(f, score, key);
            if (WORST_FIRST.compare(s, worst) > 0) {
                top.poll();
                top.add(s);
            }
            return this;
        }

        private List<Scored> ranked() {
            List<Scored> sorted = new ArrayList<>(top);
            sorted.sort(BEST_FIRST);
            return sorted;
        }

        /** The keys of the findings the explanation names (the first three), in order. */
        public List<Long> named() {
            return ranked().stream().limit(3).map(Scored::key).toList();
        }

        /** The product and fix of a named finding, for its sentence. */
        public void detail(long key, String product, String recommendedUpdate) {
            details.put(key, new String[] {product, recommendedUpdate});
        }

        /** Alerts of equal severity: the one with the smaller id is named, whatever order they come in. */
        private static final Comparator<String> ALERT_ID = Comparator.nullsLast(Comparator.naturalOrder());

        public Accumulator alert(AlertFacts a) {
            double s = alertScore(a);
            if (s > worstAlertScore
                    || s > 0 && s == worstAlertScore && ALERT_ID.compare(a.alertId(), worstAlert.alertId()) < 0) {
                worstAlertScore = s;
                worstAlert = a;
            }
            return this;
        }

        public Risk assess(AssetFacts asset) {
            List<Scored> sorted = ranked();
            double own = 0;
            if (!sorted.isEmpty()) {
                double first = sorted.get(0).score();
                double rest = 0;
                for (int i = 1; i < sorted.size(); i++) {
                    rest += sorted.get(i).score();
                }
                own = first + (100 - first) * 0.3 * Math.min(1, rest / 300);
            }
            boolean inferred = asset.inferredExposure() != null && asset.inferredExposure() > own;
            double exposure = inferred ? asset.inferredExposure() : own;
            double v = valueFactor(asset);
            double hi = Math.max(exposure, worstAlertScore);
            double lo = Math.min(exposure, worstAlertScore);
            double score = round(v * (hi + 0.15 * lo));
            List<Contributor> why = new ArrayList<>();
            if (inferred) {
                why.add(new Contributor(
                        "inferred",
                        asset.inferredFrom(),
                        "not seen by Defender: the exposure of " + asset.inferredDevices() + " Defender devices on "
                                + asset.inferredFrom() + " (median)",
                        round(exposure)));
            }
            for (int i = 0; i < Math.min(3, sorted.size()); i++) {
                Scored s = sorted.get(i);
                FindingFacts f = s.facts();
                String[] d = details.get(s.key());
                if (d != null) {
                    f = new FindingFacts(
                            f.cveId(),
                            f.severity(),
                            f.cvss(),
                            f.exploitability(),
                            f.exploitVerified(),
                            f.exploitInKit(),
                            f.publicExploit(),
                            f.epss(),
                            d[0],
                            d[1]);
                }
                why.add(new Contributor("finding", f.cveId(), describe(f), round(s.score())));
            }
            if (worstAlert != null) {
                why.add(new Contributor(
                        "alert",
                        worstAlert.alertId(),
                        worstAlert.severity() + " alert "
                                + (worstAlert.status() == null ? "" : "(" + worstAlert.status() + ") ")
                                + (worstAlert.title() == null ? "" : worstAlert.title()),
                        round(worstAlertScore)));
            }
            if (v != 1.0) {
                why.add(new Contributor("value", null, valueText(asset, v), v));
            }
            if (findings > 3) {
                why.add(new Contributor("findings", null, findings + " open findings in all", findings));
            }
            return new Risk(Level.of(score), score, round(exposure), round(worstAlertScore), inferred, why);
        }
    }

    /** "CVE-2024-38063, exploit verified, CVSS 9.8, windows_11 (update: KB5041585)". */
    static String describe(FindingFacts f) {
        StringBuilder b = new StringBuilder(f.cveId());
        double e = exploitFactor(f);
        b.append(
                e >= 1.0
                        ? ", exploit verified"
                        : e >= 0.9
                                ? ", exploit in a kit"
                                : e >= 0.7
                                        ? ", public exploit"
                                        : f.epss() != null && f.epss() > 0
                                                ? ", no known exploit (EPSS " + Math.round(f.epss() * 1000) / 10.0
                                                        + " %)"
                                                : ", no known exploit");
        if (f.cvss() != null && f.cvss() > 0) {
            b.append(", CVSS ").append(f.cvss());
        } else if (f.severity() != null) {
            b.append(", ").append(f.severity());
        }
        if (f.product() != null && !f.product().isBlank()) {
            b.append(", ").append(f.product());
        }
        if (f.recommendedUpdate() != null && !f.recommendedUpdate().isBlank()) {
            b.append(" (fix: ").append(f.recommendedUpdate()).append(')');
        }
        return b.toString();
    }

    private static String valueText(AssetFacts a, double v) {
        String what = a.criticality() != null
                ? "criticality " + a.criticality().toLowerCase(Locale.ROOT) + " (set in Rampart)"
                : "Defender's device value " + a.deviceValue();
        return (v > 1 ? "a high-value device: " : "a low-value device: ") + what + ", × " + v;
    }

    private static double round(double d) {
        return Math.round(d * 10) / 10.0;
    }
}
