package dev.rampart.app.risk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.app.risk.RiskModel.AlertFacts;
import dev.rampart.app.risk.RiskModel.AssetFacts;
import dev.rampart.app.risk.RiskModel.FindingFacts;
import dev.rampart.app.risk.RiskModel.Level;
import dev.rampart.app.risk.RiskModel.Risk;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The risk model's ordering on hand-made assets: what a responder should fix first comes first. */
class RiskModelTest {
    private static final AssetFacts NORMAL = AssetFacts.of(null, "Normal");

    static FindingFacts finding(String cve, double cvss, String exploitability, Double epss) {
        return new FindingFacts(
                cve, null, cvss, exploitability, false, false, false, epss, "windows_11", "KB" + cve.hashCode());
    }

    static Risk assess(AssetFacts asset, List<FindingFacts> findings, List<AlertFacts> alerts) {
        RiskModel.Accumulator acc = new RiskModel.Accumulator();
        findings.forEach(acc::finding);
        alerts.forEach(acc::alert);
        return acc.assess(asset);
    }

    static Risk assess(FindingFacts... findings) {
        return assess(NORMAL, List.of(findings), List.of());
    }

    @Test
    void exploitabilityShouldRankBeforeSeverity() {
        Risk verifiedMedium = assess(finding("CVE-1", 5.5, "ExploitIsVerified", null));
        Risk inKitHigh = assess(finding("CVE-2", 7.5, "ExploitIsInKit", null));
        Risk publicCritical = assess(finding("CVE-3", 9.8, "ExploitIsPublic", null));
        Risk unexploitedCritical = assess(finding("CVE-4", 9.8, "NoExploit", 0.02));
        Risk likelyCritical = assess(finding("CVE-5", 9.8, "NoExploit", 0.9));
        assertThat(publicCritical.score()).isGreaterThan(inKitHigh.score());
        assertThat(inKitHigh.score()).isGreaterThan(verifiedMedium.score());
        assertThat(verifiedMedium.score()).isGreaterThan(unexploitedCritical.score());
        // a high EPSS (likely to be exploited soon) counts, but below a known exploit
        assertThat(likelyCritical.score())
                .isGreaterThan(unexploitedCritical.score())
                .isLessThan(publicCritical.score());
        assertThat(unexploitedCritical.level()).isEqualTo(Level.LOW);
        assertThat(publicCritical.level()).isEqualTo(Level.HIGH);
    }

    @Test
    void theCatalogsExploitFactsShouldCountEvenWhenTheFindingSaysNone() {
        FindingFacts f = new FindingFacts("CVE-9", "High", 8.1, "NoExploit", true, false, false, null, "x", null);
        assertThat(RiskModel.findingScore(f)).isEqualTo(81.0);
        FindingFacts severityOnly =
                new FindingFacts("CVE-8", "Critical", null, null, false, false, false, null, "x", null);
        assertThat(RiskModel.findingScore(severityOnly))
                .isEqualTo(100 * 0.05 * 0.95, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void aVerifiedExploitOnAHighValueDeviceShouldBeCriticalAndSaySo() {
        Risk r = assess(
                AssetFacts.of(null, "High"),
                List.of(
                        finding("CVE-2024-38063", 9.8, "ExploitIsVerified", 0.4),
                        finding("CVE-2023-0001", 4.0, "NoExploit", null)),
                List.of());
        assertThat(r.level()).isEqualTo(Level.CRITICAL);
        assertThat(r.score()).isEqualTo(117.6); // 1.2 × (98 + 0.3 × 2 × 2/300)
        assertThat(r.contributors().get(0).text()).startsWith("CVE-2024-38063, exploit verified, CVSS 9.8, windows_11");
        assertThat(r.contributors()).anySatisfy(c -> assertThat(c.text())
                .isEqualTo("a high-value device: Defender's device value High, × 1.2"));
        // the same device set low by people in Rampart: their word wins over Defender's
        Risk lowered = assess(
                AssetFacts.of("low", "High"),
                List.of(finding("CVE-2024-38063", 9.8, "ExploitIsVerified", 0.4)),
                List.of());
        assertThat(lowered.score()).isEqualTo(78.4);
        assertThat(lowered.level()).isEqualTo(Level.HIGH);
    }

    @Test
    void manyUnexploitedFindingsShouldNotOutrankOneExploitedCritical() {
        List<FindingFacts> many = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            many.add(finding("CVE-M" + i, 9.0, "NoExploit", 0.05));
        }
        Risk noisy = assess(NORMAL, many, List.of());
        Risk oneBad = assess(finding("CVE-X", 9.8, "ExploitIsVerified", null));
        assertThat(oneBad.score()).isGreaterThan(noisy.score());
        // but more findings of the same kind do add something
        Risk one = assess(finding("CVE-M0", 9.0, "NoExploit", 0.05));
        assertThat(noisy.score()).isGreaterThan(one.score());
        assertThat(noisy.contributors()).anySatisfy(c -> assertThat(c.text()).isEqualTo("500 open findings in all"));
    }

    @Test
    void anUnresolvedAlertShouldCountAndAResolvedOneNot() {
        Risk alerted = assess(NORMAL, List.of(), List.of(new AlertFacts("a1", "Ransomware behaviour", "High", "New")));
        assertThat(alerted.level()).isEqualTo(Level.HIGH);
        assertThat(alerted.score()).isEqualTo(85.0);
        assertThat(alerted.contributors().get(0).text()).isEqualTo("High alert (New) Ransomware behaviour");
        Risk resolved = assess(NORMAL, List.of(), List.of(new AlertFacts("a2", "x", "High", "Resolved")));
        assertThat(resolved.level()).isEqualTo(Level.NONE);
        assertThat(resolved.score()).isZero();
        // both an exploitable finding and an alert rank above either alone
        Risk both = assess(
                NORMAL,
                List.of(finding("CVE-1", 7.0, "ExploitIsPublic", null)),
                List.of(new AlertFacts("a3", "x", "Medium", "InProgress")));
        assertThat(both.score())
                .isGreaterThan(
                        assess(finding("CVE-1", 7.0, "ExploitIsPublic", null)).score());
        assertThat(both.score()).isGreaterThan(55);
    }

    @Test
    void aDeviceDefenderDoesNotSeeShouldTakeItsOsExposureOnlyWhenHigher() {
        AssetFacts pushed = new AssetFacts(null, null, 72.0, "Windows11 22H2", 40);
        Risk nothingOwn = assess(pushed, List.of(), List.of());
        assertThat(nothingOwn.inferred()).isTrue();
        assertThat(nothingOwn.exposure()).isEqualTo(72.0);
        assertThat(nothingOwn.contributors().get(0).kind()).isEqualTo("inferred");
        assertThat(nothingOwn.contributors().get(0).text())
                .isEqualTo("not seen by Defender: the exposure of 40 Defender devices on Windows11 22H2 (median)");
        Risk worseOwn = assess(pushed, List.of(finding("CVE-1", 9.8, "ExploitIsVerified", null)), List.of());
        assertThat(worseOwn.inferred()).isFalse();
        assertThat(worseOwn.exposure()).isEqualTo(98.0);
    }

    @Test
    void theResultShouldNotDependOnTheOrderFindingsArriveIn() {
        List<FindingFacts> findings = new ArrayList<>();
        Random r = new Random(3);
        String[] x = {"NoExploit", "ExploitIsPublic", "ExploitIsInKit", "ExploitIsVerified"};
        for (int i = 0; i < 200; i++) {
            findings.add(finding("CVE-" + i, 1 + r.nextInt(90) / 10.0, x[r.nextInt(4)], r.nextDouble()));
        }
        // the same CVE on several products, and alerts of equal severity: the explanation names the same ones
        for (String product : List.of("edge", "chrome", "teams")) {
            findings.add(new FindingFacts(
                    "CVE-2024-0001", null, 10.0, "ExploitIsVerified", true, false, false, null, product, null));
        }
        List<AlertFacts> alerts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            alerts.add(new AlertFacts("da" + (7 - i), "alert " + i, "High", "New"));
        }
        Risk first = assess(NORMAL, findings, alerts);
        for (int round = 0; round < 20; round++) {
            Collections.shuffle(findings, r);
            Collections.shuffle(alerts, r);
            assertThat(assess(NORMAL, findings, alerts)).isEqualTo(first);
        }
        assertThat(first.contributors().get(0).text()).contains("CVE-2024-0001").contains("chrome");
        assertThat(first.contributors().stream().filter(c -> c.kind().equals("alert")))
                .singleElement()
                .extracting(RiskModel.Contributor::id)
                .isEqualTo("da3");
    }

    @Test
    void levelsShouldFollowTheDocumentedThresholds() {
        assertThat(Level.of(0)).isEqualTo(Level.NONE);
        assertThat(Level.of(0.1)).isEqualTo(Level.LOW);
        assertThat(Level.of(35)).isEqualTo(Level.MEDIUM);
        assertThat(Level.of(65)).isEqualTo(Level.HIGH);
        assertThat(Level.of(90)).isEqualTo(Level.CRITICAL);
        assertThat(Level.parse("critical")).isEqualTo(Level.CRITICAL);
    }
}
