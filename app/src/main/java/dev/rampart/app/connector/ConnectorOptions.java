package dev.rampart.app.connector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How a connector's runs behave: the health-status rules (F12), how vulnerabilities are read, the alert overlap
 * window and the bad-data threshold. Every field has a default; see docs/sync.md.
 *
 * @param gracePeriodDays days a device stays Inactive in Defender before Rampart deactivates it (0: on the next run)
 * @param keepActiveWhileOtherSourceActive when true, an asset another source reports active stays active although
 *     Defender reports it Inactive; when false Defender's word deactivates it
 * @param fileExportAboveDevices above this many devices a full run reads vulnerabilities through the file export,
 *     at or below it through the paged JSON export
 * @param exportPageSize page size of the JSON exports (1 to 200,000)
 * @param fullEveryDays an incremental run turns full when the last full run is this many days old (1 to 7)
 * @param alertOverlapMinutes alerts are read from this long before the last alert update seen, so none is lost at
 *     the cursor; the overlap's repeats are recognised and not imported twice
 * @param maxBadRecords a kind of record may have this many invalid records before the run fails
 * @param maxBadRecordPercent ... or this share of the kind's records, whichever allows more
 * @param logonUsers {@code auto} (hunting when permitted, else per device), {@code hunting}, {@code per-device} or
 *     {@code off}
 * @param perDeviceLogonLimit at most this many per-device logon-user calls in a run (only new devices are asked)
 * @param logonUsersEveryHours logon users of every device are read in bulk (hunting) at most this often; runs in
 *     between ask only for new devices
 * @param sensorVersions the sensor version each OS platform should run at least (e.g. {@code {"Windows11":
 *     "10.8350.26100.2295"}}); a platform not named is held to the newest version seen in the tenant (F10)
 * @param expectedManagedBy the tools that should manage the devices (Defender's {@code managedBy}, e.g. {@code
 *     ["Intune"]}); empty: any tool, but not none ({@code Unknown})
 * @param directoryEveryHours the tenant's Entra directory (users, groups, memberships) is read from Microsoft Graph
 *     at most this often (F9); 0: never
 */
public record ConnectorOptions(
        int gracePeriodDays,
        boolean keepActiveWhileOtherSourceActive,
        int fileExportAboveDevices,
        int exportPageSize,
        int fullEveryDays,
        int alertOverlapMinutes,
        int maxBadRecords,
        double maxBadRecordPercent,
        String logonUsers,
        int perDeviceLogonLimit,
        int logonUsersEveryHours,
        java.util.Map<String, String> sensorVersions,
        List<String> expectedManagedBy,
        int directoryEveryHours) {

    public static final ConnectorOptions DEFAULTS = new ConnectorOptions(
            0, true, 50_000, 100_000, 7, 10, 10, 1.0, "auto", 200, 24, java.util.Map.of(), List.of(), 24);

    private static final java.util.regex.Pattern VERSION =
            java.util.regex.Pattern.compile("[0-9]{1,9}(\\.[0-9]{1,9}){0,5}");

    public ConnectorOptions {
        sensorVersions = java.util.Map.copyOf(sensorVersions);
        expectedManagedBy = List.copyOf(expectedManagedBy);
    }

    private static final Set<String> LOGON_MODES = Set.of("auto", "hunting", "per-device", "off");

    static ConnectorOptions parse(JsonNode node, String at, List<String> problems) {
        if (node == null || node.isNull()) {
            return DEFAULTS;
        }
        if (!node.isObject()) {
            problems.add(at + " must be an object");
            return DEFAULTS;
        }
        Set<String> known = Set.of(
                "gracePeriodDays",
                "keepActiveWhileOtherSourceActive",
                "fileExportAboveDevices",
                "exportPageSize",
                "fullEveryDays",
                "alertOverlapMinutes",
                "maxBadRecords",
                "maxBadRecordPercent",
                "logonUsers",
                "perDeviceLogonLimit",
                "logonUsersEveryHours",
                "sensorVersions",
                "expectedManagedBy",
                "directoryEveryHours");
        List<String> unknown = ConnectorSpec.unknownKeys(node, known);
        if (!unknown.isEmpty()) {
            problems.add(at + " has unknown keys " + unknown + " (known: "
                    + known.stream().sorted().toList() + ")");
        }
        ConnectorOptions d = DEFAULTS;
        String logon = node.path("logonUsers").asText(d.logonUsers()).toLowerCase(Locale.ROOT);
        if (!LOGON_MODES.contains(logon)) {
            problems.add(at + ".logonUsers must be auto, hunting, per-device or off");
        }
        return new ConnectorOptions(
                integer(node, "gracePeriodDays", d.gracePeriodDays(), 0, 365, at, problems),
                bool(node, "keepActiveWhileOtherSourceActive", d.keepActiveWhileOtherSourceActive(), at, problems),
                integer(node, "fileExportAboveDevices", d.fileExportAboveDevices(), 0, Integer.MAX_VALUE, at, problems),
                integer(node, "exportPageSize", d.exportPageSize(), 1, 200_000, at, problems),
                integer(node, "fullEveryDays", d.fullEveryDays(), 1, 7, at, problems),
                integer(node, "alertOverlapMinutes", d.alertOverlapMinutes(), 0, 24 * 60, at, problems),
                integer(node, "maxBadRecords", d.maxBadRecords(), 0, Integer.MAX_VALUE, at, problems),
                number(node, "maxBadRecordPercent", d.maxBadRecordPercent(), at, problems),
                logon,
                integer(node, "perDeviceLogonLimit", d.perDeviceLogonLimit(), 0, 100_000, at, problems),
                integer(node, "logonUsersEveryHours", d.logonUsersEveryHours(), 1, 168, at, problems),
                sensorVersions(node.get("sensorVersions"), at, problems),
                strings(node.get("expectedManagedBy"), at + ".expectedManagedBy", problems),
                integer(node, "directoryEveryHours", d.directoryEveryHours(), 0, 168, at, problems));
    }

    private static java.util.Map<String, String> sensorVersions(JsonNode v, String at, List<String> p) {
        java.util.Map<String, String> m = new java.util.TreeMap<>();
        if (v == null || v.isNull()) {
            return m;
        }
        if (!v.isObject()) {
            p.add(at + ".sensorVersions must be an object of OS platform to version, e.g. {\"Windows11\":"
                    + " \"10.8350.26100.2295\"}");
            return m;
        }
        v.fields().forEachRemaining(e -> {
            if (!e.getKey().matches("[A-Za-z0-9 ._-]{1,64}")
                    || !e.getValue().isTextual()
                    || !VERSION.matcher(e.getValue().asText()).matches()) {
                p.add(at + ".sensorVersions." + e.getKey() + " must be a version of numbers and dots");
            } else {
                m.put(e.getKey(), e.getValue().asText());
            }
        });
        return m;
    }

    private static List<String> strings(JsonNode v, String at, List<String> p) {
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            p.add(at + " must be a list of names");
            return out;
        }
        for (JsonNode x : v) {
            if (!x.isTextual() || !x.asText().matches("[A-Za-z0-9 ._-]{1,64}")) {
                p.add(at + " must hold names of letters, digits, spaces, '.', '_' or '-'");
            } else {
                out.add(x.asText());
            }
        }
        return out;
    }

    private static int integer(JsonNode node, String key, int dflt, int min, int max, String at, List<String> p) {
        JsonNode v = node.get(key);
        if (v == null) {
            return dflt;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < min || v.asInt() > max) {
            p.add(at + "." + key + " must be a whole number from " + min + " to " + max);
            return dflt;
        }
        return v.asInt();
    }

    private static boolean bool(JsonNode node, String key, boolean dflt, String at, List<String> p) {
        JsonNode v = node.get(key);
        if (v == null) {
            return dflt;
        }
        if (!v.isBoolean()) {
            p.add(at + "." + key + " must be true or false");
            return dflt;
        }
        return v.asBoolean();
    }

    private static double number(JsonNode node, String key, double dflt, String at, List<String> p) {
        JsonNode v = node.get(key);
        if (v == null) {
            return dflt;
        }
        if (!v.isNumber() || v.asDouble() < 0 || v.asDouble() > 100) {
            p.add(at + "." + key + " must be a number from 0 to 100");
            return dflt;
        }
        return v.asDouble();
    }

    /** The number of bad records of one kind allowed among {@code total}. */
    public long badRecordAllowance(long total) {
        return Math.max(maxBadRecords, (long) Math.floor(total * maxBadRecordPercent / 100.0));
    }

    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("gracePeriodDays", gracePeriodDays);
        o.put("keepActiveWhileOtherSourceActive", keepActiveWhileOtherSourceActive);
        o.put("fileExportAboveDevices", fileExportAboveDevices);
        o.put("exportPageSize", exportPageSize);
        o.put("fullEveryDays", fullEveryDays);
        o.put("alertOverlapMinutes", alertOverlapMinutes);
        o.put("maxBadRecords", maxBadRecords);
        o.put("maxBadRecordPercent", maxBadRecordPercent);
        o.put("logonUsers", logonUsers);
        o.put("perDeviceLogonLimit", perDeviceLogonLimit);
        o.put("logonUsersEveryHours", logonUsersEveryHours);
        ObjectNode versions = o.putObject("sensorVersions");
        sensorVersions.forEach(versions::put);
        expectedManagedBy.forEach(o.putArray("expectedManagedBy")::add);
        o.put("directoryEveryHours", directoryEveryHours);
        return o;
    }

    public static ConnectorOptions fromJson(JsonNode node) {
        List<String> problems = new ArrayList<>();
        ConnectorOptions o = parse(node, "options", problems);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("stored connector options are invalid: " + problems);
        }
        return o;
    }
}
