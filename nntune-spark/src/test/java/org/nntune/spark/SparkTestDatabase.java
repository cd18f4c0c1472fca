package org.nntune.spark;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The PostgreSQL server the Spark tests share studies on (127.0.0.1:5432, user postgres, trust,
 * database {@code test}), each test in a schema of its own ({@code nntune_spark_…}) dropped at the end.
 * When no server answers the tests skip loudly, or fail with {@code -Dnntune.requireDatabases=true}
 * (as CI runs them): a cluster run needs a database server, so without one there is nothing to test.
 */
final class SparkTestDatabase implements AutoCloseable {
    private final String schema;

    private SparkTestDatabase(String schema) {
        this.schema = schema;
    }

    /** A fresh schema (skipping or failing the test when PostgreSQL does not answer). */
    static SparkTestDatabase create() {
        assumePostgres();
        String schema = "nntune_spark_" + Long.toString(System.currentTimeMillis(), 36) + "_"
                + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 30), 36).toLowerCase(Locale.ROOT);
        exec("CREATE SCHEMA " + schema);
        return new SparkTestDatabase(schema);
    }

    /** Skips (or, with {@code -Dnntune.requireDatabases=true}, fails) the calling tests unless PostgreSQL answers. */
    static void assumePostgres() {
        try (Connection c = connect()) {
            // answers
        } catch (SQLException e) {
            String message = "!!! PostgreSQL at 127.0.0.1:5432 (user postgres, database test) does not answer (" + e.getMessage() + "); ";
            if (Boolean.getBoolean("nntune.requireDatabases")) {
                Assertions.fail(message + "nntune.requireDatabases=true, so this is a failure");
            }
            System.err.println(message + "SKIPPING the Spark tests (set -Dnntune.requireDatabases=true to fail instead) !!!");
            Assumptions.abort(message + "skipped");
        }
    }

    /** The storage URL of the schema. */
    String url() {
        return "postgresql://postgres@127.0.0.1:5432/test?currentSchema=" + schema;
    }

    @Override
    public void close() {
        exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    private static Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("connectTimeout", "3");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", p);
    }

    private static void exec(String sql) {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
