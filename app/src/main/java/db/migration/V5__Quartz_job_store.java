package db.migration;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * The tables of Quartz's JDBC job store (the clustered scheduler of F4), from the PostgreSQL script that ships inside
 * the Quartz jar, so that the schema always matches the Quartz in use. Its DROP statements are skipped: this runs once,
 * on a database that has no Quartz tables.
 */
public class V5__Quartz_job_store extends BaseJavaMigration {
    static final String SCRIPT = "/org/quartz/impl/jdbcjobstore/tables_postgres.sql";

    @Override
    public void migrate(Context context) throws Exception {
        String script;
        try (InputStream in = V5__Quartz_job_store.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IOException("Quartz's schema script " + SCRIPT + " is not on the class path");
            }
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        StringBuilder sql = new StringBuilder();
        for (String line : script.split("\n")) {
            String t = line.strip();
            if (t.startsWith("--") || t.isEmpty()) {
                continue;
            }
            sql.append(line).append('\n');
        }
        try (Statement s = context.getConnection().createStatement()) {
            for (String statement : sql.toString().split(";")) {
                String t = statement.strip();
                if (t.isEmpty()
                        || t.toUpperCase(java.util.Locale.ROOT).startsWith("DROP ")
                        || t.equalsIgnoreCase("COMMIT")) {
                    continue;
                }
                s.execute(t);
            }
        }
    }
}
