package dev.rampart.defender;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which Entra ID application permission each Rampart data set and feature needs (F25, F29), read from the one table
 * {@code dev/rampart/defender/permissions.tsv}. {@code rampart verify} names its permissions and guide links from it,
 * and {@code scripts/register-entra-app.sh} creates the app registration from the same file.
 */
public final class Permissions {
    /** The setup guide, relative to the repository root; each permission has a step (a heading) in it. */
    public static final String GUIDE = "docs/setup-entra.md";

    static final String RESOURCE = "permissions.tsv";
    static final List<String> COLUMNS = List.of(
            "data_set",
            "api",
            "resource_app_id",
            "permission",
            "app_role_id",
            "feature",
            "read_only",
            "probe",
            "guide_anchor");
    private static final Pattern GUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern ANCHOR = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    private static final Set<String> APIS = Set.of("WindowsDefenderATP", "Microsoft Graph");
    private static final Set<String> FEATURES = Set.of("import", "actions", "hunting", "hunting-legacy", "identities");

    private static final List<Permission> ALL = load();

    private Permissions() {}

    /**
     * One row of the table: an application permission one data set needs, and for which feature.
     *
     * @param appRoleId the app role's id in the global cloud, or {@code null} where no Microsoft page states it (it is
     *     then looked up by name in the tenant)
     * @param probe the endpoint {@code rampart verify} calls to test it, or {@code null} when it cannot be tested
     *     without acting on a device
     */
    public record Permission(
            String dataSet,
            String api,
            String resourceAppId,
            String name,
            String appRoleId,
            String feature,
            boolean readOnly,
            String probe,
            String anchor) {

        /** The link to this permission's step in the guide, e.g. {@code docs/setup-entra.md#grant-machinereadall}. */
        public String guide() {
            return GUIDE + "#" + anchor;
        }
    }

    /** Every row, in the table's order. */
    public static List<Permission> all() {
        return ALL;
    }

    /** The data sets, in the table's order (the order {@code rampart verify} checks them in). */
    public static Set<String> dataSets() {
        Set<String> s = new LinkedHashSet<>();
        ALL.forEach(p -> s.add(p.dataSet()));
        return s;
    }

    /** The rows a data set needs. */
    public static List<Permission> forDataSet(String dataSet) {
        return ALL.stream().filter(p -> p.dataSet().equals(dataSet)).toList();
    }

    /** The rows the given features need (e.g. {@code import}, {@code actions}). */
    public static List<Permission> forFeatures(Collection<String> features) {
        return ALL.stream().filter(p -> features.contains(p.feature())).toList();
    }

    /**
     * The permission {@code rampart verify} tests for a data set with a call to the named endpoint.
     *
     * @throws IllegalArgumentException when the table has no such row (a table and verifier out of step)
     */
    public static Permission probedBy(String dataSet, String probe) {
        return ALL.stream()
                .filter(p -> p.dataSet().equals(dataSet) && probe.equals(p.probe()))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        RESOURCE + " has no row for data set " + dataSet + " probed by " + probe));
    }

    private static List<Permission> load() {
        try (InputStream in = Permissions.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path");
            }
            return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses the table; every malformed line is an error that names its line number. */
    static List<Permission> parse(BufferedReader reader) throws IOException {
        List<Permission> rows = new ArrayList<>();
        boolean header = false;
        int number = 0;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            number++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            List<String> f = List.of(line.split("\t", -1));
            if (!header) {
                if (!f.equals(COLUMNS)) {
                    throw bad(number, "the header must be " + String.join(" TAB ", COLUMNS));
                }
                header = true;
                continue;
            }
            if (f.size() != COLUMNS.size() || f.stream().anyMatch(String::isBlank)) {
                throw bad(number, COLUMNS.size() + " non-empty fields separated by one TAB each, got " + f);
            }
            String api = f.get(1);
            if (!APIS.contains(api)) {
                throw bad(number, "api is one of " + APIS + ", got " + api);
            }
            if (!GUID.matcher(f.get(2)).matches()) {
                throw bad(number, "resource_app_id is a GUID, got " + f.get(2));
            }
            String roleId = f.get(4).toLowerCase(Locale.ROOT);
            if (!roleId.equals("unconfirmed") && !GUID.matcher(roleId).matches()) {
                throw bad(number, "app_role_id is a GUID or \"unconfirmed\", got " + f.get(4));
            }
            if (!FEATURES.contains(f.get(5))) {
                throw bad(number, "feature is one of " + FEATURES + ", got " + f.get(5));
            }
            if (!f.get(6).equals("yes") && !f.get(6).equals("no")) {
                throw bad(number, "read_only is yes or no, got " + f.get(6));
            }
            if (!ANCHOR.matcher(f.get(8)).matches()) {
                throw bad(number, "guide_anchor is lower-case words joined by hyphens, got " + f.get(8));
            }
            rows.add(new Permission(
                    f.get(0),
                    api,
                    f.get(2),
                    f.get(3),
                    roleId.equals("unconfirmed") ? null : roleId,
                    f.get(5),
                    f.get(6).equals("yes"),
                    f.get(7).equals("-") ? null : f.get(7),
                    f.get(8)));
        }
        if (rows.isEmpty()) {
            throw new IllegalStateException(RESOURCE + " lists no permission");
        }
        return List.copyOf(rows);
    }

    private static IllegalStateException bad(int line, String what) {
        return new IllegalStateException(RESOURCE + " line " + line + ": " + what);
    }
}
