package dev.rampart.app.risk;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A project's risk at a glance: active assets by level (Critical first), the ten riskiest with their first reason, the
 * updates that close most of the exploitable critical findings, and the sensor flags.
 */
public record RiskSummary(
        Map<String, Long> levels,
        List<TopAsset> top,
        Remediations remediations,
        Map<String, Long> sensorFlags,
        long isolated) {

    public record TopAsset(long id, String name, String level, double score, String reason) {}

    public record Update(String update, long findings, long assets) {}

    /**
     * "Installing these {@code updates.size()} updates closes {@code closes} of the {@code of} exploitable critical
     * findings."
     */
    public record Remediations(List<Update> updates, long closes, long of) {}

    /** A finding that is critical (by severity or a CVSS of 9 or more) and has a known exploit. */
    static final String EXPLOITABLE_CRITICAL =
            """
            f.state = 'open' and (f.severity = 'Critical' or f.cvss >= 9)
            and (f.exploitability in ('ExploitIsVerified', 'ExploitIsInKit', 'ExploitIsPublic')
                 or v.exploit_verified or v.exploit_in_kit or v.public_exploit)
            """;

    /**
     * The summaries of projects, each computed once per {@code project.risk_version} (every recomputation of risk,
     * which every run, import and connector removal makes, moves it): at three million findings the remediation counts
     * take most of a second, and the dashboard and the API ask often. Only the isolated count is read each time, since
     * actions change it between runs.
     */
    @org.springframework.stereotype.Component
    public static final class Cache {
        private record Entry(long version, RiskSummary summary) {}

        private final JdbcClient jdbc;
        private final java.util.concurrent.ConcurrentHashMap<Long, Entry> entries =
                new java.util.concurrent.ConcurrentHashMap<>();

        public Cache(javax.sql.DataSource dataSource) {
            this.jdbc = JdbcClient.create(dataSource);
        }

        public RiskSummary of(long projectId) {
            long version = jdbc.sql("select risk_version from project where id = ?")
                    .param(projectId)
                    .query(Long.class)
                    .optional()
                    .orElse(0L);
            Entry e = entries.get(projectId);
            if (e == null || e.version() != version) {
                e = new Entry(version, compute(jdbc, projectId));
                entries.put(projectId, e);
            }
            long isolated = jdbc.sql("select count(*) from asset where project_id = ? and isolated")
                    .param(projectId)
                    .query(Long.class)
                    .single();
            RiskSummary s = e.summary();
            return new RiskSummary(s.levels(), s.top(), s.remediations(), s.sensorFlags(), isolated);
        }
    }

    static RiskSummary compute(JdbcClient jdbc, long projectId) {
        Map<String, Long> levels = new LinkedHashMap<>();
        for (String l : List.of("Critical", "High", "Medium", "Low", "None")) {
            levels.put(l, 0L);
        }
        jdbc.sql("select level, count(*) from asset_risk where project_id = ? and active group by 1")
                .param(projectId)
                .query(rs -> {
                    levels.put(rs.getString(1), rs.getLong(2));
                });
        List<TopAsset> top = jdbc.sql(
                        """
                        select a.id, a.name, r.level, r.score, r.contributors->0->>'text'
                          from asset_risk r join asset a on a.id = r.asset_id
                         where r.project_id = ? and r.active
                         order by r.score desc, r.asset_id desc limit 10
                        """)
                .param(projectId)
                .query((rs, n) ->
                        new TopAsset(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getDouble(4), rs.getString(5)))
                .list();
        long of = jdbc.sql("select count(*) from finding f left join vulnerability v on v.project_id = f.project_id"
                        + " and v.cve_id = f.cve_id where f.project_id = ? and " + EXPLOITABLE_CRITICAL)
                .param(projectId)
                .query(Long.class)
                .single();
        List<Update> updates = jdbc.sql(
                        """
                        select coalesce(f.recommended_update, f.fixing_kb), count(*), count(distinct f.asset_id)
                          from finding f left join vulnerability v on v.project_id = f.project_id and v.cve_id = f.cve_id
                         where f.project_id = ? and coalesce(f.recommended_update, f.fixing_kb) is not null and
                        """
                                + EXPLOITABLE_CRITICAL
                                + " group by 1 order by 2 desc, 1 limit 5")
                .param(projectId)
                .query((rs, n) -> new Update(rs.getString(1), rs.getLong(2), rs.getLong(3)))
                .list();
        long closes = updates.stream().mapToLong(Update::findings).sum();
        Map<String, Long> flags = new LinkedHashMap<>();
        for (String f : SensorHealth.FLAGS) {
            flags.put(f, 0L);
        }
        jdbc.sql("select f, count(*) from asset a, unnest(a.sensor_flags) f where a.project_id = ? and a.active"
                        + " group by 1")
                .param(projectId)
                .query(rs -> {
                    flags.put(rs.getString(1), rs.getLong(2));
                });
        return new RiskSummary(levels, new ArrayList<>(top), new Remediations(updates, closes, of), flags, 0);
    }
}
