package org.nntune.storage;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The database servers the tests use: PostgreSQL on 127.0.0.1:5432 (user postgres, trust
 * authentication, database {@code test}) and MariaDB on 127.0.0.1:3306 (root, no password). Each test
 * works in a schema (PostgreSQL) or database (MariaDB) of its own, created and dropped by the test.
 *
 * <p>When a server does not answer, its tests are skipped with a loud message on standard error,
 * unless the system property {@code nntune.requireDatabases} is {@code true} (as {@code .ci/run}
 * sets it): then they fail.
 */
final class TestDatabases {
    private TestDatabases() {}

    static final String PG_JDBC = "jdbc:postgresql://127.0.0.1:5432/test";
    static final String PG_URL = "postgresql://postgres@127.0.0.1:5432/test";
    static final String MARIADB_JDBC = "jdbc:mariadb://127.0.0.1:3306/";
    static final String MARIADB_HOST = "mysql://root@127.0.0.1:3306/";

    private static final ConcurrentHashMap<String, String> PROBLEMS = new ConcurrentHashMap<>();

    static boolean required() {
        return Boolean.getBoolean("nntune.requireDatabases");
    }

    /** Skips (or, when databases are required, fails) the calling test unless PostgreSQL answers. */
    static void assumePostgres() {
        assume("PostgreSQL at 127.0.0.1:5432 (user postgres, database test)", () -> pg().close());
    }

    /** Skips (or fails) unless MariaDB answers. */
    static void assumeMariaDb() {
        assume("MariaDB at 127.0.0.1:3306 (user root, no password)", () -> maria().close());
    }

    private interface Probe {
        void run() throws SQLException;
    }

    private static void assume(String what, Probe probe) {
        String problem = PROBLEMS.computeIfAbsent(what, w -> {
            try {
                probe.run();
                return "";
            } catch (SQLException e) {
                return e.getMessage();
            }
        });
        if (problem.isEmpty()) {
            return;
        }
        String message = "!!! " + what + " does not answer (" + problem + "); ";
        if (required()) {
            Assertions.fail(message + "nntune.requireDatabases=true, so this is a failure");
        }
        System.err.println(message + "SKIPPING the tests that need it (set -Dnntune.requireDatabases=true to fail instead) !!!");
        Assumptions.abort(message + "skipped");
    }

    static Connection pg() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("connectTimeout", "3");
        return DriverManager.getConnection(PG_JDBC, p);
    }

    static Connection maria() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "root");
        p.setProperty("connectTimeout", "3000");
        return DriverManager.getConnection(MARIADB_JDBC, p);
    }

    /** A fresh lower-case name for a schema or database. */
    static String freshName(String prefix) {
        return prefix + "_" + Long.toString(System.currentTimeMillis(), 36) + "_"
                + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 30), 36).toLowerCase(Locale.ROOT);
    }

    /** Creates a PostgreSQL schema in database test; @return the storage URL working in it */
    static String createPgSchema(String schema) {
        execPg("CREATE SCHEMA " + schema);
        return PG_URL + "?currentSchema=" + schema;
    }

    /** Work in a fresh PostgreSQL schema. */
    interface InSchema {
        void run(String url) throws Exception;
    }

    /** Runs {@code body} with the URL of a fresh schema (skipping the test if PostgreSQL does not answer), then drops it. */
    static void withPgSchema(String prefix, InSchema body) throws Exception {
        assumePostgres();
        String schema = freshName(prefix);
        String url = createPgSchema(schema);
        try {
            body.run(url);
        } finally {
            dropPgSchema(schema);
        }
    }

    static void dropPgSchema(String schema) {
        execPg("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    /** Creates a MariaDB database; @return the storage URL of it */
    static String createMariaDb(String database) {
        execMaria("CREATE DATABASE " + database);
        return MARIADB_HOST + database;
    }

    static void dropMariaDb(String database) {
        execMaria("DROP DATABASE IF EXISTS " + database);
    }

    private static void execPg(String sql) {
        try (Connection c = pg(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    private static void execMaria(String sql) {
        try (Connection c = maria(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
