package dev.rampart.app.sync;

import dev.rampart.app.database.CopyWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The staging tables a run writes before it applies anything: one COPY stream per data set, every row tagged with
 * the run id. {@link #discard} removes a run's rows.
 */
public final class Staging {
    static final String MACHINES = "stage_machine";
    static final String MACHINE_COLUMNS = "run_id, machine_id, defender_machine_id, name, hostname, fqdn,"
            + " aad_device_id, os_platform, os_version, health_status, active, first_seen, last_seen, metadata,"
            + " addresses, in_scope";
    static final String FINDINGS = "stage_finding";
    static final String FINDING_COLUMNS = "run_id, machine_id, cve_id, product_vendor, product_name, product_version,"
            + " severity, cvss, exploitability, recommended_update, fixing_kb, first_seen, last_seen, change, event_at";
    static final String SOFTWARE = "stage_software";
    static final String SOFTWARE_COLUMNS = "run_id, machine_id, vendor, name, version, weaknesses, first_seen,"
            + " last_seen, end_of_support, end_of_support_date";
    static final String ALERTS = "stage_alert";
    static final String ALERT_COLUMNS = "run_id, alert_id, machine_id, title, severity, status, category,"
            + " classification, determination, detection_source, created_at, first_event_at, last_event_at,"
            + " last_update_at, resolved_at, evidence_summary";
    static final String LOGON_USERS = "stage_logon_user";
    static final String LOGON_USER_COLUMNS = "run_id, machine_id, account_name, account_domain, account_sid,"
            + " first_seen, last_seen, logon_types, is_domain_admin";
    static final String VULNERABILITIES = "stage_vulnerability";
    static final String VULNERABILITY_COLUMNS = "run_id, cve_id, name, description, severity, cvss_v3, cvss_vector,"
            + " public_exploit, exploit_verified, exploit_in_kit, exploit_types, epss, published_on, updated_on,"
            + " exposed_machines";

    static final String DIRECTORY_USERS = "stage_directory_user";
    static final String DIRECTORY_USER_COLUMNS = "run_id, object_id, user_principal_name, display_name, mail,"
            + " sam_account_name, on_premises_domain, sid, department, job_title, employee_id, account_enabled,"
            + " user_type";
    static final String DIRECTORY_GROUPS = "stage_directory_group";
    static final String DIRECTORY_GROUP_COLUMNS =
            "run_id, object_id, display_name, description, mail, security_enabled, mail_enabled";
    static final String GROUP_MEMBERS = "stage_group_member";
    static final String GROUP_MEMBER_COLUMNS = "run_id, group_object_id, member_type, member_object_id";

    private static final String[] TABLES = {
        MACHINES,
        FINDINGS,
        SOFTWARE,
        ALERTS,
        LOGON_USERS,
        VULNERABILITIES,
        DIRECTORY_USERS,
        DIRECTORY_GROUPS,
        GROUP_MEMBERS
    };

    private final Connection connection;
    private final long runId;

    Staging(Connection connection, long runId) {
        this.connection = connection;
        this.runId = runId;
    }

    long runId() {
        return runId;
    }

    CopyWriter open(String table, String columns) throws SQLException {
        return new CopyWriter(connection, table, columns);
    }

    Connection connection() {
        return connection;
    }

    /** Deletes the staged rows of a run (the connection must be in auto-commit mode or committed after). */
    static void discard(Connection c, long runId) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String t : TABLES) {
                s.executeUpdate("delete from " + t + " where run_id = " + runId);
            }
        }
    }
}
