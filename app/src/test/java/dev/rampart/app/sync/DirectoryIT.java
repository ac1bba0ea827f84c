package dev.rampart.app.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.emulator.entra.AppRegistration;
import dev.rampart.emulator.tenant.Directory;
import dev.rampart.emulator.tenant.SyntheticTenant;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The Entra directory (F9) against the sandbox's: users, groups and nested memberships imported with the run, logon
 * users matched to users, a renamed UPN followed, a deleted user marked gone and kept, the daily cadence, and a run
 * without the permission going on without it.
 */
class DirectoryIT {

    private static List<String> strings(SyncFixture f, String sql, Object... params) {
        return f.jdbc.sql(sql).params(params).query(String.class).list();
    }

    /** The users a group holds, nested groups included, as the sandbox computes them. */
    private static Set<String> transitiveUsers(SyntheticTenant t, int g) {
        Set<String> out = new HashSet<>();
        int[] range = Directory.userRange(t, g);
        for (int u = range[0]; u < range[1]; u++) {
            out.add(Directory.upn(t, u));
        }
        for (int child : Directory.childGroups(t, g)) {
            out.addAll(transitiveUsers(t, child));
        }
        return out;
    }

    private static Set<String> groupsOf(SyncFixture f, String upn) {
        return new HashSet<>(strings(
                f,
                "select g.display_name from group_member m join directory_group g on g.id = m.group_id"
                        + " join directory_user u on u.id = m.user_id where u.project_id = ?"
                        + " and u.user_principal_name = ?",
                f.projectId(),
                upn));
    }

    @Test
    void aRunShouldImportTheDirectoryAndFollowItsChanges() {
        try (SyncFixture f = new SyncFixture(40)) {
            RunSummary first = f.full();
            assertThat(first.succeeded()).as(first.toString()).isTrue();
            SyntheticTenant t = f.emulator.tenant();
            long p = f.projectId();
            assertThat(first.json()
                            .path("fetched")
                            .path("directoryUsersFetched")
                            .asLong())
                    .isEqualTo(t.userCount());
            assertThat(first.json()
                            .path("fetched")
                            .path("directoryGroupsFetched")
                            .asLong())
                    .isEqualTo(t.groupCount());
            assertThat(f.count("select count(*) from directory_user where project_id = ? and active", p))
                    .isEqualTo(t.userCount());
            assertThat(f.count("select count(*) from directory_group where project_id = ? and active", p))
                    .isEqualTo(t.groupCount());

            // nested groups: All Staff holds the three umbrella groups, and through them their leaf groups
            assertThat(strings(
                            f,
                            "select c.display_name from group_member m join directory_group g on g.id = m.group_id"
                                    + " join directory_group c on c.id = m.member_group_id"
                                    + " where g.project_id = ? and g.display_name = 'All Staff' order by 1",
                            p))
                    .contains("Security Team", "IT Admins", "Contractors")
                    .hasSize(3
                            + Directory.childGroups(t, 1).length
                            + Directory.childGroups(t, 2).length
                            + Directory.childGroups(t, 3).length);
            assertThat(new HashSet<>(strings(
                            f,
                            "select u.user_principal_name from group_member m"
                                    + " join directory_group g on g.id = m.group_id"
                                    + " join directory_user u on u.id = m.user_id"
                                    + " where g.project_id = ? and g.display_name = 'All Staff'",
                            p)))
                    .isEqualTo(transitiveUsers(t, 0));
            // a user in several groups: the first user is in every umbrella group directly
            assertThat(groupsOf(f, Directory.upn(t, 0)))
                    .contains("All Staff", "Security Team", "IT Admins", "Contractors");

            // logon users carry the on-premises SID: every one the directory knows is matched by it
            long known = f.count(
                    "select count(*) from logon_user l join asset a on a.id = l.asset_id where a.project_id = ?"
                            + " and exists (select 1 from directory_user u where u.project_id = ? and"
                            + " u.sid = l.account_sid)",
                    p,
                    p);
            assertThat(known).isPositive();
            assertThat(f.count(
                            "select count(*) from logon_user l join asset a on a.id = l.asset_id"
                                    + " join directory_user u on u.id = l.user_id"
                                    + " where a.project_id = ? and l.matched_by = 'sid' and u.sid = l.account_sid",
                            p))
                    .isEqualTo(known);

            // a day later: one user renamed, one deleted
            // two users with logons and group memberships: one to rename, one to delete
            List<String> picked = strings(
                    f,
                    "select u.object_id from directory_user u where u.project_id = ?"
                            + " and exists (select 1 from logon_user l where l.user_id = u.id)"
                            + " and exists (select 1 from group_member m where m.user_id = u.id)"
                            + " order by u.object_id limit 2",
                    p);
            assertThat(picked).hasSize(2);
            int renamed = Directory.userIndex(t, picked.get(0));
            int deleted = Directory.userIndex(t, picked.get(1));
            assertThat(renamed).isNotNegative();
            assertThat(deleted).isNotNegative();
            String renamedId = Directory.id(t, renamed);
            String deletedId = Directory.id(t, deleted);
            Set<String> deletedGroups = groupsOf(f, Directory.upn(t, deleted));
            assertThat(deletedGroups).isNotEmpty();
            t.state().renameUser(renamed, "renamed.person@corp.contoso.com");
            t.state().deleteUser(deleted);
            long usersCalls = f.emulator.requests().count("GET", "/v1.0/users");

            f.advance(Duration.ofHours(1));
            assertThat(f.incremental().succeeded()).isTrue();
            assertThat(f.emulator.requests().count("GET", "/v1.0/users"))
                    .as("not due an hour later")
                    .isEqualTo(usersCalls);

            f.advance(Duration.ofHours(24));
            RunSummary later = f.incremental();
            assertThat(later.succeeded()).as(later.toString()).isTrue();
            assertThat(f.emulator.requests().count("GET", "/v1.0/users")).isEqualTo(usersCalls + 1);
            assertThat(strings(
                            f,
                            "select user_principal_name || ' ' || active from directory_user"
                                    + " where project_id = ? and object_id = ?",
                            p,
                            renamedId))
                    .containsExactly("renamed.person@corp.contoso.com true");
            assertThat(strings(
                            f,
                            "select active || ' ' || (gone_at is not null) from directory_user"
                                    + " where project_id = ? and object_id = ?",
                            p,
                            deletedId))
                    .as("marked gone, not erased")
                    .containsExactly("false true");
            assertThat(groupsOf(f, Directory.upn(t, deleted)))
                    .as("no longer a member")
                    .isEmpty();
            assertThat(f.count(
                            "select count(*) from logon_user l join directory_user u on u.id = l.user_id"
                                    + " where u.object_id = ? and l.matched_by = 'sid'",
                            deletedId))
                    .as("its past logons still name it")
                    .isPositive();
            assertThat(f.count("select count(*) from directory_user where project_id = ? and active", p))
                    .isEqualTo(t.userCount() - 1);
        }
    }

    @Test
    void withoutThePermissionTheRunShouldSaySoAndImportTheRest() {
        try (SyncFixture f = new SyncFixture(20)) {
            Set<String> graph = new LinkedHashSet<>(AppRegistration.GRAPH_ROLES);
            graph.remove("User.Read.All");
            f.emulator.app().graphRoles(graph);
            RunSummary run = f.full();
            assertThat(run.succeeded()).as(run.toString()).isTrue();
            assertThat(run.json().path("assets").asLong()).isEqualTo(20);
            assertThat(run.json().path("warnings").toString())
                    .contains("the directory (users and groups) is not imported");
            assertThat(f.count("select count(*) from directory_user where project_id = ?", f.projectId()))
                    .isZero();
            assertThat(f.count("select count(*) from directory_group where project_id = ?", f.projectId()))
                    .isZero();
            assertThat(f.count(
                            "select count(*) from connector_checkpoint c join connector k on k.id = c.connector_id"
                                    + " where k.project_id = ? and c.directory_at is not null",
                            f.projectId()))
                    .as("read again on the next run")
                    .isZero();
        }
    }

    /** The directory in the graph and the query language: who uses a device, and what a group holds. */
    @Test
    void usersAndGroupsShouldBeInTheGraphAndTheQueryLanguage() {
        try (SyncFixture f = new SyncFixture(30)) {
            assertThat(f.full().succeeded()).isTrue();
            long p = f.projectId();
            var queries = new dev.rampart.app.query.QueryService(
                    f.dataSource, null, 100_000, Duration.ofSeconds(30), java.time.Clock.systemUTC());
            var users = queries.run(p, "FIND User THAT USES Device RETURN COUNT(User)");
            assertThat(users.rows().get(0).get(0))
                    .isEqualTo(f.count(
                            "select count(distinct l.user_id) from logon_user l join asset a on a.id = l.asset_id"
                                    + " where a.project_id = ?",
                            p));
            var admins = queries.run(
                    p, "FIND Device THAT USES User THAT MEMBER_OF Group WITH name = 'IT Admins' RETURN COUNT(Device)");
            assertThat(admins.rows().get(0).get(0))
                    .isEqualTo(f.count(
                            "select count(distinct l.asset_id) from logon_user l"
                                    + " join group_member m on m.user_id = l.user_id"
                                    + " join directory_group g on g.id = m.group_id"
                                    + " where g.project_id = ? and g.display_name = 'IT Admins'",
                            p));
            var inside = queries.run(
                    p, "FIND Group AS g THAT MEMBER_OF Group WITH name = 'All Staff' RETURN g.name ORDER BY g.name");
            assertThat(inside.rows()).contains(List.of("Security Team"), List.of("IT Admins"));

            long allStaff =
                    f.count("select id from directory_group where project_id = ? and display_name = 'All Staff'", p);
            var graph = new dev.rampart.app.graph.GraphService(f.dataSource, 5000, 5000)
                    .around(p, dev.rampart.app.graph.GraphService.entityClass("Group"), String.valueOf(allStaff), 1);
            Set<String> verbs = new HashSet<>();
            graph.relationships().forEach(r -> verbs.add(r.verb()));
            assertThat(verbs).contains("MEMBER_OF", "HAS");
            assertThat(graph.relationships().stream()
                            .filter(r -> r.verb().equals("MEMBER_OF"))
                            .allMatch(r -> r.to().equals("Group:" + allStaff)))
                    .as("All Staff is in no group; everything else is in it")
                    .isTrue();
            assertThat(graph.relationships().stream()
                            .filter(r ->
                                    r.verb().equals("MEMBER_OF") && r.from().startsWith("Group:")))
                    .hasSize((int) f.count(
                            "select count(*) from group_member where group_id = ? and member_group_id is not null",
                            allStaff));
        }
    }

    /** Logon users without a SID fall to the next rules: the UPN, the SAM name in the user's domain, the mail. */
    @Test
    void eachMatchingRuleShouldFindItsUserAndSayWhichMatched() throws Exception {
        try (SyncFixture f = new SyncFixture(10)) {
            assertThat(f.full().succeeded()).isTrue();
            long p = f.projectId();
            SyntheticTenant t = f.emulator.tenant();
            long asset = f.count("select min(id) from asset where project_id = ?", p);
            long source = f.count("select min(source_id) from asset_source where asset_id = ?", asset);
            f.jdbc.sql("delete from logon_user where asset_id = ?").param(asset).update();
            String upn = Directory.upn(t, 3);
            String sam = Directory.sam(t, 4);
            f.jdbc.sql("update directory_user set mail = 'shared.box@contoso.com' where project_id = ?"
                            + " and object_id = ?")
                    .params(p, Directory.id(t, 5))
                    .update();
            Object[][] logons = {
                {upn.substring(0, upn.indexOf('@')), upn.substring(upn.indexOf('@') + 1), "upn", 3},
                {upn.toUpperCase(java.util.Locale.ROOT), "", "upn", 3},
                {sam, "CORP", "sam", 4},
                {sam, "corp.contoso.com", "sam", 4},
                {"shared.box", "contoso.com", "mail", 5},
                {sam, "FABRIKAM", null, -1},
                {"nobody", "CORP", null, -1},
            };
            for (Object[] l : logons) {
                f.jdbc.sql("insert into logon_user (asset_id, source_id, account_name, account_domain)"
                                + " values (?, ?, ?, ?)")
                        .params(asset, source, l[0], l[1])
                        .update();
            }
            dev.rampart.app.database.Transactions.run(f.dataSource, tx -> DirectoryApply.matchLogonUsers(tx, p));
            for (Object[] l : logons) {
                List<String> got = strings(
                        f,
                        "select coalesce(l.matched_by, '-') || ' ' || coalesce(u.object_id, '-') from logon_user l"
                                + " left join directory_user u on u.id = l.user_id"
                                + " where l.asset_id = ? and l.source_id = ? and l.account_name = ?"
                                + " and l.account_domain = ?",
                        asset,
                        source,
                        l[0],
                        l[1]);
                String expected = l[2] == null ? "- -" : l[2] + " " + Directory.id(t, (Integer) l[3]);
                assertThat(got).as(l[0] + "\\\\" + l[1]).containsExactly(expected);
            }
        }
    }
}
