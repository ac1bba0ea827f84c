package dev.rampart.app.database;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/** One database transaction around a piece of work: committed when it returns, rolled back when it throws. */
public final class Transactions {
    private Transactions() {}

    /** The work, given a client bound to the transaction's connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(JdbcClient tx) throws SQLException;
    }

    public static <T> T run(DataSource dataSource, Work<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(JdbcClient.create(new SingleConnectionDataSource(c, true)));
                c.commit();
                return result;
            } catch (RuntimeException | SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }
}
