package dev.rampart.app.inventory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Links into the Microsoft Defender portal, in one place because their formats are not formally documented
 * (../shared/mde-api/REFERENCE.md section 2.2 and 2.3). Portal hosts by cloud: security.microsoft.com (commercial and
 * GCC) [DOC], security.microsoft.us (GCC High) [DOC], security.apps.mil (DoD) [DOC]. The device page
 * {@code /machines/v2/{id}/overview?tid=} is the format many tools use [COMM]; the device's vulnerabilities and alerts
 * tabs have no confirmed path, so both link to the device page, where the portal shows those tabs [UNCONFIRMED]. Alerts
 * {@code /alerts/{id}?tid=} follow Graph's alertWebUrl [DOC-EX]; CVE pages {@code
 * /vulnerabilities/vulnerability/{cve}/overview} [COMM].
 */
public record DefenderLinks(String portal, String tenantId) {

    /** The portal of a connector's cloud ({@code null} or a commercial region: security.microsoft.com). */
    public static DefenderLinks of(String cloud, String tenantId) {
        String host =
                switch (cloud == null ? "" : cloud) {
                    case "gcc-high" -> "https://security.microsoft.us";
                    case "dod" -> "https://security.apps.mil";
                    default -> "https://security.microsoft.com";
                };
        return new DefenderLinks(host, tenantId);
    }

    private String tid() {
        return tenantId == null ? "" : "?tid=" + URLEncoder.encode(tenantId, StandardCharsets.UTF_8);
    }

    private static String seg(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    public String deviceOverview(String machineId) {
        return portal + "/machines/v2/" + seg(machineId) + "/overview" + tid();
    }

    /** No confirmed tab path: the device page, which has the vulnerabilities tab. */
    public String deviceVulnerabilities(String machineId) {
        return deviceOverview(machineId);
    }

    /** No confirmed tab path: the device page, which has the alerts tab. */
    public String deviceAlerts(String machineId) {
        return deviceOverview(machineId);
    }

    public String alert(String alertId) {
        return portal + "/alerts/" + seg(alertId) + tid();
    }

    public String cve(String cveId) {
        return portal + "/vulnerabilities/vulnerability/" + seg(cveId) + "/overview";
    }
}
