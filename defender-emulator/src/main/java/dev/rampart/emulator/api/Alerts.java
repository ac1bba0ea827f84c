package dev.rampart.emulator.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rampart.emulator.http.Call;
import dev.rampart.emulator.tenant.Device;
import dev.rampart.emulator.tenant.Directory;
import dev.rampart.emulator.tenant.Hash;
import dev.rampart.emulator.tenant.SyntheticTenant;
import dev.rampart.emulator.tenant.SyntheticTenant.AlertRef;
import dev.rampart.emulator.tenant.Times;
import java.time.Duration;
import java.time.Instant;

/**
 * Alerts (REFERENCE.md section 8.2). Each alert is raised at a point in its bucket, may be taken in progress, and is
 * usually resolved within days; {@code lastUpdateTime} is the latest of those transitions that has happened by the
 * tenant's clock, so an incremental pull on {@code lastUpdateTime ge ...} sees exactly the changes since.
 */
final class Alerts {
    private Alerts() {}

    private record Template(
            String title,
            String category,
            String severity,
            String detectionSource,
            String threatFamily,
            String[] mitre) {}

    private static final Template[] TEMPLATES = {
        new Template(
                "'Mimikatz' credential theft tool",
                "CredentialAccess",
                "High",
                "WindowsDefenderAtp",
                "Mimikatz",
                new String[] {"T1003"}),
        new Template(
                "Suspicious PowerShell command line", "Execution", "Medium", "WindowsDefenderAtp", null, new String[] {
                    "T1059.001"
                }),
        new Template("'Emotet' malware was detected", "Malware", "Medium", "WindowsDefenderAv", "Emotet", new String[] {
            "T1204"
        }),
        new Template(
                "'Wacatac' malware was prevented",
                "Malware",
                "Informational",
                "WindowsDefenderAv",
                "Wacatac",
                new String[] {}),
        new Template(
                "Suspicious process injection observed",
                "DefenseEvasion",
                "Medium",
                "WindowsDefenderAtp",
                null,
                new String[] {"T1055"}),
        new Template(
                "Ransomware behavior detected in the file system",
                "Ransomware",
                "High",
                "WindowsDefenderAtp",
                null,
                new String[] {"T1486"}),
        new Template(
                "Unexpected behavior observed by a process run with no command line arguments",
                "SuspiciousActivity",
                "Low",
                "WindowsDefenderAtp",
                null,
                new String[] {"T1036"}),
        new Template(
                "Potentially unwanted application detected",
                "UnwantedSoftware",
                "Low",
                "WindowsDefenderAv",
                "PUABundler",
                new String[] {}),
        new Template("Phishing link clicked from email", "InitialAccess", "Medium", "OfficeATP", null, new String[] {
            "T1566.002"
        }),
        new Template(
                "Suspicious sign-in to the device using a compromised account",
                "LateralMovement",
                "High",
                "MTP",
                null,
                new String[] {"T1078", "T1021"}),
        new Template(
                "Test alert triggered by an analyst",
                "SuspiciousActivity",
                "Informational",
                "CustomDetection",
                null,
                new String[] {}),
    };

    /** The alert's status changes: when it went in progress and when it was resolved (null if never). */
    record Timeline(Instant created, Instant inProgress, Instant resolved) {
        Instant lastUpdate(Instant now) {
            Instant t = created;
            if (inProgress != null && !inProgress.isAfter(now)) {
                t = inProgress;
            }
            if (resolved != null && !resolved.isAfter(now)) {
                t = resolved;
            }
            return t;
        }

        String status(Instant now) {
            if (resolved != null && !resolved.isAfter(now)) {
                return "Resolved";
            }
            if (inProgress != null && !inProgress.isAfter(now)) {
                return "InProgress";
            }
            return "New";
        }
    }

    static Timeline timeline(SyntheticTenant t, AlertRef a) {
        Instant created = t.alertCreated(a);
        long h1 = t.alertSeed(a, 1);
        long h2 = t.alertSeed(a, 2);
        Instant progress =
                Hash.unit(h1) < 0.5 ? created.plus(Duration.ofMinutes(10 + Hash.below(h1 >>> 8, 48 * 60))) : null;
        Instant resolved = null;
        if (Hash.unit(h2) < 0.75) {
            resolved = created.plus(Duration.ofMinutes(60 + Hash.below(h2 >>> 8, 10 * 24 * 60)));
            if (progress != null && !resolved.isAfter(progress)) {
                resolved = progress.plus(Duration.ofHours(1));
            }
        }
        return new Timeline(created, progress, resolved);
    }

    static ObjectNode alert(SyntheticTenant t, AlertRef a, Instant now, boolean withEvidence) {
        Timeline tl = timeline(t, a);
        int device = t.alertDevice(a);
        Device d = t.device(device, now);
        Template tpl = TEMPLATES[Hash.below(t.alertSeed(a, 3), TEMPLATES.length)];
        long h = t.alertSeed(a, 4);
        String status = tl.status(now);
        ObjectNode o = Call.JSON.createObjectNode();
        o.put("id", t.alertId(a));
        long serial = (a.bucket() - t.firstAlertBucket()) * 1000 + a.number();
        o.put("incidentId", 1000 + serial);
        if (Hash.unit(h) < 0.6) {
            o.put("investigationId", 500 + serial);
            o.put("investigationState", status.equals("Resolved") ? "SuccessfullyRemediated" : "Running");
        } else {
            o.putNull("investigationId");
            o.put("investigationState", "UnsupportedAlertType");
        }
        if (!status.equals("New")) {
            o.put("assignedTo", Directory.upn(t, Hash.below(h >>> 5, Math.min(25, t.userCount()))));
        } else {
            o.putNull("assignedTo");
        }
        o.put("severity", tpl.severity());
        o.put("status", status);
        if (status.equals("Resolved")) {
            boolean tp = Hash.unit(h >>> 9) < 0.6;
            o.put("classification", tp ? "TruePositive" : "FalsePositive");
            o.put("determination", tp ? (tpl.category().equals("Malware") ? "Malware" : "Other") : "Clean");
        } else {
            o.putNull("classification");
            o.putNull("determination");
        }
        o.put("detectionSource", tpl.detectionSource());
        o.put(
                "detectorId",
                Hash.guid(
                        Hash.of(t.seed(), 170, tpl.title().hashCode()),
                        Hash.of(t.seed(), 171, tpl.title().hashCode())));
        o.put("category", tpl.category());
        if (tpl.threatFamily() == null) {
            o.putNull("threatFamilyName");
        } else {
            o.put("threatFamilyName", tpl.threatFamily());
        }
        o.put("title", tpl.title());
        o.put(
                "description",
                "Defender detected activity on " + d.computerDnsName() + " that matches: " + tpl.title() + ".");
        o.put("alertCreationTime", Times.odata(tl.created()));
        o.put("firstEventTime", Times.odata(tl.created().minusSeconds(60 + Hash.below(h >>> 13, 600))));
        o.put("lastEventTime", Times.odata(tl.created().minusSeconds(Hash.below(h >>> 17, 60))));
        o.put("lastUpdateTime", Times.odata(tl.lastUpdate(now)));
        if (status.equals("Resolved")) {
            o.put("resolvedTime", Times.odata(tl.resolved()));
        } else {
            o.putNull("resolvedTime");
        }
        o.put("machineId", d.id());
        o.put("computerDnsName", d.computerDnsName());
        if (d.rbacGroupName() == null) {
            o.putNull("rbacGroupName");
        } else {
            o.put("rbacGroupName", d.rbacGroupName());
        }
        o.put("aadTenantId", t.tenantId());
        if (tpl.threatFamily() == null) {
            o.putNull("threatName");
        } else {
            o.put("threatName", "Trojan:Win32/" + tpl.threatFamily() + ".A");
        }
        ArrayNode mitre = o.putArray("mitreTechniques");
        for (String m : tpl.mitre()) {
            mitre.add(m);
        }
        int[] users = t.logonUsers(device);
        if (users.length > 0) {
            o.putObject("relatedUser")
                    .put("userName", Directory.sam(t, users[0]))
                    .put("domainName", "CONTOSO");
        } else {
            o.putNull("relatedUser");
        }
        ArrayNode comments = o.putArray("comments");
        if (status.equals("Resolved")) {
            comments.addObject()
                    .put("comment", "Investigated and closed.")
                    .put("createdBy", Directory.upn(t, 0))
                    .put("createdTime", Times.odata(tl.resolved()));
        }
        ArrayNode evidence = o.putArray("evidence");
        if (withEvidence) {
            evidence.add(evidence(tl.created(), "File", h, d, t, users));
            evidence.add(evidence(tl.created(), "Process", h >>> 3, d, t, users));
            if (users.length > 0) {
                evidence.add(evidence(tl.created(), "User", h >>> 5, d, t, users));
            }
        }
        return o;
    }

    private static ObjectNode evidence(Instant at, String type, long h, Device d, SyntheticTenant t, int[] users) {
        ObjectNode e = Call.JSON.createObjectNode();
        e.put("entityType", type);
        e.put("evidenceCreationTime", Times.odata(at));
        String[] fields = {
            "sha1",
            "sha256",
            "fileName",
            "filePath",
            "processId",
            "processCommandLine",
            "processCreationTime",
            "parentProcessId",
            "parentProcessCreationTime",
            "parentProcessFileName",
            "parentProcessFilePath",
            "ipAddress",
            "url",
            "registryKey",
            "registryHive",
            "registryValueType",
            "registryValue",
            "accountName",
            "domainName",
            "userSid",
            "aadUserId",
            "userPrincipalName",
            "detectionStatus"
        };
        for (String f : fields) {
            e.putNull(f);
        }
        switch (type) {
            case "File", "Process" -> {
                e.put("sha1", Hash.hex(h, 16) + Hash.hex(h * 31, 16) + Hash.hex(h * 7, 8));
                e.put("sha256", Hash.hex(h, 16) + Hash.hex(h * 3, 16) + Hash.hex(h * 5, 16) + Hash.hex(h * 11, 16));
                e.put("fileName", type.equals("File") ? "invoice_" + Hash.below(h, 9999) + ".exe" : "powershell.exe");
                e.put(
                        "filePath",
                        type.equals("File")
                                ? "C:\\Users\\Public\\Downloads"
                                : "C:\\Windows\\System32\\WindowsPowerShell\\v1.0");
                e.put("detectionStatus", "Detected");
                if (type.equals("Process")) {
                    e.put("processId", 1000 + Hash.below(h, 30000));
                    e.put("processCommandLine", "powershell.exe -NoProfile -EncodedCommand SQBFAFgA");
                    e.put("processCreationTime", Times.odata(at.minusSeconds(30)));
                    e.put("parentProcessId", 500 + Hash.below(h >>> 4, 3000));
                    e.put("parentProcessFileName", "explorer.exe");
                    e.put("parentProcessFilePath", "C:\\Windows");
                }
            }
            default -> {
                int u = users[0];
                e.put("accountName", Directory.sam(t, u));
                e.put("domainName", "CONTOSO");
                e.put("userSid", Directory.sid(t, u));
                e.put("aadUserId", Directory.id(t, u));
                e.put("userPrincipalName", Directory.upn(t, u));
            }
        }
        return e;
    }
}
