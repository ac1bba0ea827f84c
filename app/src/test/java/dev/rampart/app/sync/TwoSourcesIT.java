package dev.rampart.app.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.app.ticket.Tickets;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** F13 and F12 across sources: matching, one asset with two sources, and the health rules between them. */
class TwoSourcesIT {

    private static RunSummary push(SyncFixture f, String json) {
        return new PushImport(f.dataSource, f.emulator.clock())
                .run(f.project, new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static String machine(SyncFixture f, int i, String column) {
        return f.jdbc.sql("select " + column + " from asset where project_id = ? and defender_machine_id = ?")
                .params(f.projectId(), f.emulator.tenant().machineId(i))
                .query(String.class)
                .single();
    }

    @Test
    void pushedAssetsShouldMatchDefenderDevicesByEachIdentifier() {
        try (SyncFixture f = new SyncFixture(30)) {
            assertThat(f.full().succeeded()).isTrue();
            int a = f.vulnerableDevice();
            String aad = f.jdbc.sql("select aad_device_id from asset where aad_device_id is not null and project_id = ?"
                            + " limit 1")
                    .param(f.projectId())
                    .query(String.class)
                    .single();
            String fqdn = f.jdbc.sql("select fqdn from asset where fqdn is not null and project_id = ? and"
                            + " aad_device_id is distinct from ? order by id limit 1")
                    .params(f.projectId(), aad)
                    .query(String.class)
                    .single();
            String[] ipMac = f.jdbc.sql(
                            """
                            select d.ip, d.mac from asset_address d join asset x on x.id = d.asset_id
                             where x.project_id = ? and d.mac <> '' and x.fqdn is distinct from ?
                               and x.aad_device_id is distinct from ? order by x.id limit 1
                            """)
                    .params(f.projectId(), fqdn, aad)
                    .query((rs, n) -> new String[] {rs.getString(1), rs.getString(2)})
                    .single();
            String mac = ipMac[1].replaceAll("(..)(?!$)", "$1:");
            long before = f.count("select count(*) from asset where project_id = ?", f.projectId());

            RunSummary run = push(
                    f,
                    """
                    {"source": "scanner", "assets": [
                      {"id": "s-1", "defenderMachineId": "%s", "findings": [{"cveId": "CVE-2099-0001"}]},
                      {"id": "s-2", "aadDeviceId": "%s"},
                      {"id": "s-3", "fqdn": "%s"},
                      {"id": "s-4", "ips": [{"ip": "%s", "mac": "%s"}]},
                      {"id": "s-5", "name": "printer-7", "ips": [{"ip": "10.250.0.1", "mac": "AA-BB-CC-DD-EE-FF"}]}
                    ]}
                    """
                            .formatted(f.emulator.tenant().machineId(a), aad, fqdn.toUpperCase(), ipMac[0], mac));

            assertThat(run.succeeded()).as(run.toString()).isTrue();
            assertThat(run.count("assetsAdded")).as("only the printer is new").isEqualTo(1);
            assertThat(f.count("select count(*) from asset where project_id = ?", f.projectId()))
                    .isEqualTo(before + 1);
            assertThat(f.count(
                            """
                            select count(*) from asset_source o join source s on s.id = o.source_id
                             where s.project_id = ? and s.name = 'scanner'
                               and exists (select 1 from asset_source d where d.asset_id = o.asset_id
                                            and d.source_id <> o.source_id)
                            """,
                            f.projectId()))
                    .as("four pushed assets are Defender devices: one asset, two sources")
                    .isEqualTo(4);
            assertThat(f.count(
                            "select count(*) from finding x join source s on s.id = x.source_id where x.project_id = ?"
                                    + " and s.name = 'scanner' and x.cve_id = 'CVE-2099-0001' and x.asset_id = ?",
                            f.projectId(),
                            f.assetId(f.emulator.tenant().machineId(a))))
                    .isEqualTo(1);
            assertThat(machine(f, a, "name")).as("Defender's name stays").isNotEqualTo("s-1");
        }
    }

    /**
     * Linux sensors report {@code 127.0.0.1} and {@code ::1} with MAC {@code 000000000000}: every Linux device has
     * them, so they identify none. Defender's loopbacks stay in the metadata only, and a pushed device with only those
     * (kept as pushed, but with no MAC to match on) is a device of its own.
     */
    @Test
    void loopbackAddressesAndTheAllZeroMacShouldMatchNothing() {
        try (SyncFixture f = new SyncFixture(60)) {
            assertThat(f.full().succeeded()).isTrue();
            assertThat(f.count(
                            "select count(*) from asset where project_id = ? and os_platform in ('Ubuntu',"
                                    + " 'RedHatEnterpriseLinux', 'Linux')",
                            f.projectId()))
                    .as("the tenant has Linux devices")
                    .isPositive();
            assertThat(f.count(
                            """
                            select count(*) from asset_address d join asset a on a.id = d.asset_id
                             where a.project_id = ? and (d.ip in ('127.0.0.1', '::1') or d.mac = '000000000000')
                            """,
                            f.projectId()))
                    .isZero();
            long before = f.count("select count(*) from asset where project_id = ?", f.projectId());

            RunSummary run = push(
                    f,
                    """
                    {"source": "scanner", "assets": [
                      {"id": "appliance-1", "ips": [{"ip": "127.0.0.1", "mac": "00:00:00:00:00:00"},
                                                    {"ip": "::1", "mac": "000000000000"}]}
                    ]}
                    """);

            assertThat(run.succeeded()).as(run.toString()).isTrue();
            assertThat(run.count("assetsAdded")).isEqualTo(1);
            assertThat(f.count("select count(*) from asset where project_id = ?", f.projectId()))
                    .isEqualTo(before + 1);
        }
    }

    @Test
    void deviceInactiveInDefenderButActiveElsewhereShouldStayActive() {
        try (SyncFixture f = new SyncFixture(30)) {
            assertThat(f.full().succeeded()).isTrue();
            int i = f.vulnerableDevice();
            String id = f.emulator.tenant().machineId(i);
            assertThat(push(
                                    f,
                                    "{\"source\": \"scanner\", \"assets\": [{\"id\": \"x\", \"defenderMachineId\": \""
                                            + id + "\", \"active\": true}]}")
                            .succeeded())
                    .isTrue();
            f.setMachine(i, "{\"healthStatus\":\"Inactive\"}");

            RunSummary run = f.full();

            assertThat(run.count("assetsDeactivated")).isZero();
            assertThat(f.count("select count(*) from asset where id = ? and active", f.assetId(id)))
                    .isEqualTo(1);
            assertThat(f.count("select count(*) from finding where asset_id = ? and state = 'open'", f.assetId(id)))
                    .isPositive();

            f.connector("{\"keepActiveWhileOtherSourceActive\": false}", "{\"kind\":\"all\"}");
            RunSummary strict = f.full();
            assertThat(strict.count("assetsDeactivated"))
                    .as("the switch lets Defender decide")
                    .isEqualTo(1);
        }
    }

    @Test
    void otherSourceReportingADeactivatedAssetActiveShouldReopenItsTicketsNotDuplicateThem() {
        try (SyncFixture f = new SyncFixture(30)) {
            assertThat(f.full().succeeded()).isTrue();
            int i = f.vulnerableDevice();
            String id = f.emulator.tenant().machineId(i);
            long asset = f.assetId(id);
            List<Long> findings = f.openFindings(asset);
            long ticket = new Tickets(f.dataSource).open(f.projectId(), asset, "patch", findings);
            f.setMachine(i, "{\"healthStatus\":\"Inactive\"}");
            assertThat(f.full().count("assetsDeactivated")).isEqualTo(1);
            assertThat(f.count("select count(*) from ticket where id = ? and state = 'mitigated'", ticket))
                    .isEqualTo(1);

            RunSummary run = push(
                    f,
                    "{\"source\": \"scanner\", \"assets\": [{\"id\": \"x\", \"defenderMachineId\": \"" + id + "\"}]}");

            assertThat(run.succeeded()).as(run.toString()).isTrue();
            assertThat(run.count("assetsReactivated")).isEqualTo(1);
            assertThat(run.count("ticketsReopened")).isEqualTo(1);
            assertThat(f.count("select count(*) from ticket where project_id = ?", f.projectId()))
                    .isEqualTo(1);
            assertThat(f.count("select count(*) from ticket where id = ? and state = 'open'", ticket))
                    .isEqualTo(1);
            assertThat(f.count("select count(*) from finding where asset_id = ? and state = 'open'", asset))
                    .isEqualTo(findings.size());

            // Defender, which still says Inactive, does not take it back while the scanner reports it active.
            assertThat(f.full().count("assetsDeactivated")).isZero();
            assertThat(f.count("select count(*) from ticket where project_id = ?", f.projectId()))
                    .isEqualTo(1);
        }
    }

    @Test
    void pushWithTooManyBadRecordsShouldFailAndChangeNothing() {
        try (SyncFixture f = new SyncFixture(10)) {
            assertThat(f.full().succeeded()).isTrue();
            String before = f.inventory();
            StringBuilder assets = new StringBuilder();
            for (int n = 0; n < 12; n++) {
                assets.append(n == 0 ? "" : ",")
                        .append("{\"name\": \"no-id-")
                        .append(n)
                        .append("\"}");
            }
            assets.append(",{\"id\": \"ok\", \"findings\": [{\"cvss\": 99}]}");

            RunSummary run = push(f, "{\"source\": \"scanner\", \"assets\": [" + assets + "]}");

            assertThat(run.succeeded()).isFalse();
            assertThat(run.error()).contains("12 of 13 assets records were invalid");
            assertThat(run.json().path("badRecords").path("assets").asLong()).isEqualTo(12);
            assertThat(run.json().path("badRecords").path("findings").asLong()).isEqualTo(1);
            assertThat(f.inventory()).isEqualTo(before);
        }
    }

    @Test
    void pushShouldRefuseUnknownTopLevelKeysWithTheirName() {
        try (SyncFixture f = new SyncFixture(5)) {
            RunSummary run = push(f, "{\"source\": \"scanner\", \"asets\": []}");
            assertThat(run.succeeded()).isFalse();
            assertThat(run.error()).contains("unknown key 'asets'");
        }
    }

    @Test
    void recordsClaimingADefenderIdAnotherAssetHoldsShouldKeepTheirAssetButNotTheClaim() {
        try (SyncFixture f = new SyncFixture(10)) {
            assertThat(f.full().succeeded()).isTrue();
            String taken = f.emulator.tenant().machineId(0);

            assertThat(push(f, "{\"source\": \"scanner\", \"assets\": [{\"id\": \"z\", \"name\": \"odd\"}]}")
                            .succeeded())
                    .isTrue();

            RunSummary run = push(
                    f,
                    """
                    {"source": "scanner", "assets": [
                      {"id": "z", "name": "odd", "defenderMachineId": "%s"},
                      {"id": "b", "name": "nas-1", "defenderMachineId": "ffffffffffffffffffffffffffffffffffffffff"},
                      {"id": "c", "name": "nas-2", "defenderMachineId": "ffffffffffffffffffffffffffffffffffffffff"}
                    ]}
                    """
                            .formatted(taken));

            assertThat(run.succeeded()).as(run.toString()).isTrue();
            assertThat(f.count(
                            "select count(*) from asset where project_id = ? and defender_machine_id = ?",
                            f.projectId(),
                            "ffffffffffffffffffffffffffffffffffffffff"))
                    .isEqualTo(1);
            assertThat(f.count(
                            "select count(*) from asset where project_id = ? and defender_machine_id = ?",
                            f.projectId(),
                            taken))
                    .isEqualTo(1);
        }
    }
}
