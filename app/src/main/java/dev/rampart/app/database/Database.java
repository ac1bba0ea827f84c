package dev.rampart.app.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Rampart's store: the configured PostgreSQL, or, when none is configured, an embedded PostgreSQL that Rampart starts
 * itself in its data directory ({@code $RAMPART_HOME/postgres}) and stops when it closes. The schema is migrated by
 * Flyway on open.
 */
public final class Database implements AutoCloseable {
    private final HikariDataSource dataSource;
    private final EmbeddedPostgres embedded;
    private final String description;

    private Database(HikariDataSource dataSource, EmbeddedPostgres embedded, String description) {
        this.dataSource = dataSource;
        this.embedded = embedded;
        this.description = description;
    }

    /**
     * Opens the database at {@code jdbcUrl}, or the embedded one under {@code home} when the URL is null or blank, and
     * brings its schema up to date.
     */
    public static Database open(String jdbcUrl, Path home) {
        Database db = jdbcUrl == null || jdbcUrl.isBlank() ? embedded(home) : external(jdbcUrl);
        try {
            db.migrate();
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        return db;
    }

    private static Database external(String jdbcUrl) {
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException(
                    "the database URL must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/database)");
        }
        return new Database(pool(jdbcUrl, null), null, redact(jdbcUrl));
    }

    private static Database embedded(Path home) {
        Path dir = home.resolve("postgres");
        try {
            Files.createDirectories(dir);
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(false)
                    .start();
            String url = pg.getJdbcUrl("postgres", "postgres");
            return new Database(pool(url, "postgres"), pg, "embedded PostgreSQL in " + dir);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "could not start the embedded PostgreSQL in " + dir + " (is another Rampart using it?): "
                            + e.getMessage(),
                    e);
        }
    }

    private static HikariDataSource pool(String url, String user) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        if (user != null) {
            config.setUsername(user);
        }
        config.setMaximumPoolSize(8);
        config.setPoolName("rampart");
        config.setAutoCommit(true);
        return new HikariDataSource(config);
    }

    /** The URL without user information or parameters that could hold a password. */
    static String redact(String jdbcUrl) {
        String url = jdbcUrl;
        int q = url.indexOf('?');
        if (q >= 0) {
            url = url.substring(0, q);
        }
        int at = url.indexOf('@');
        if (at >= 0) {
            url = "jdbc:postgresql://" + url.substring(at + 1);
        }
        return url;
    }

    private void migrate() {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public Connection connection() throws SQLException {
        return dataSource.getConnection();
    }

    /** The JDBC URL the pool connects with (for a second process on the same database, in tests and tools). */
    public String jdbcUrl() {
        String u = dataSource.getJdbcUrl();
        return u.contains("?") || dataSource.getUsername() == null ? u : u + "?user=" + dataSource.getUsername();
    }

    /** Where the data lives, without credentials. */
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        dataSource.close();
        if (embedded != null) {
            try {
                embedded.close();
            } catch (IOException e) {
                throw new UncheckedIOException("could not stop the embedded PostgreSQL", e);
            }
        }
    }
}
