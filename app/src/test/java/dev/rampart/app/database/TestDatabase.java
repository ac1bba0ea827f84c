package dev.rampart.app.database;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * The database of a test JVM: a fresh database on the machine's PostgreSQL (127.0.0.1:5432, or
 * {@code RAMPART_TEST_PG}) when it answers, dropped when the JVM ends; else an embedded PostgreSQL in a temporary
 * directory. Tests share it and keep apart by project.
 */
public final class TestDatabase {
    private static Database database;
    private static String url;

    private TestDatabase() {}

    public static synchronized Database get() {
        if (database == null) {
            database = open();
        }
        return database;
    }

    /** The JDBC URL of the shared test database (for tests that start another process). */
    public static synchronized String url() {
        get();
        return url != null ? url : database.jdbcUrl();
    }

    private static Database open() {
        String server = System.getenv().getOrDefault("RAMPART_TEST_PG", "jdbc:postgresql://127.0.0.1:5432/postgres");
        String name = "rampart_it_" + Long.toString(System.nanoTime(), 36);
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("connectTimeout", "2");
        try (Connection c = DriverManager.getConnection(server, p);
                Statement s = c.createStatement()) {
            s.execute("create database " + name);
            url = server.substring(0, server.lastIndexOf('/') + 1) + name + "?user=postgres";
            Runtime.getRuntime().addShutdownHook(new Thread(() -> drop(server, p, name)));
            return Database.open(url, null);
        } catch (SQLException e) {
            try {
                Path home = Files.createTempDirectory("rampart-test-pg");
                Database db = Database.open(null, home);
                url = null;
                return db;
            } catch (java.io.IOException io) {
                throw new IllegalStateException("no PostgreSQL for the tests: " + e.getMessage(), io);
            }
        }
    }

    private static void drop(String server, Properties p, String name) {
        try {
            if (database != null) {
                database.close();
            }
            try (Connection c = DriverManager.getConnection(server, p);
                    Statement s = c.createStatement()) {
                s.execute("drop database if exists " + name + " with (force)");
            }
        } catch (RuntimeException | SQLException e) {
            // best effort: a leftover test database is harmless
        }
    }
}
