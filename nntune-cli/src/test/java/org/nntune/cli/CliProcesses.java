package org.nntune.cli;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Test helper: the CLI run as separate JVMs (as {@code bin/nntune} would, on the test class path),
 * and the PostgreSQL server the database tests use (127.0.0.1:5432, user postgres, trust
 * authentication, database {@code test}), each test in a fresh schema. When no server answers,
 * those tests skip with a loud message, or fail when {@code -Dnntune.requireDatabases=true}.
 */
final class CliProcesses implements AutoCloseable {
    static final String PG_URL = "postgresql://postgres@127.0.0.1:5432/test";

    /** One CLI process with its output files. */
    record Cli(Process process, Path out, Path err) {
        String outText() throws IOException {
            return Files.exists(out) ? Files.readString(out) : "";
        }

        String errText() throws IOException {
            return Files.exists(err) ? Files.readString(err) : "";
        }

        /** Waits for the process; fails the test with its output if it does not end in time. */
        int await(long seconds) throws Exception {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("nntune did not end in " + seconds + " s\nout:\n" + outText() + "\nerr:\n" + errText());
            }
            return process.exitValue();
        }
    }

    private final Path logs;
    private final List<Cli> started = new ArrayList<>();

    CliProcesses(Path logs) {
        this.logs = logs;
    }

    /** Starts {@code nntune ARGS…} in a JVM of its own. */
    Cli start(String... args) throws IOException {
        return startWith(List.of(), args);
    }

    /** Starts {@code nntune ARGS…} in a JVM of its own, with extra JVM options (e.g. {@code -Dkey=value}). */
    Cli startWith(List<String> jvmOptions, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--add-modules");
        cmd.add("jdk.incubator.vector");
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Xmx256m");
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        int i = started.size();
        Path out = logs.resolve("nntune-" + i + ".out");
        Path err = logs.resolve("nntune-" + i + ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        Cli c = new Cli(p, out, err);
        started.add(c);
        return c;
    }

    /** Ends any process a failed test left behind. */
    @Override
    public void close() throws InterruptedException {
        for (Cli c : started) {
            if (c.process().isAlive()) {
                c.process().destroyForcibly();
                c.process().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    // ------------------------------------------------------------------ PostgreSQL

    /** Skips (or, with -Dnntune.requireDatabases=true, fails) the calling test unless PostgreSQL answers. */
    static void assumePostgres() {
        assume("PostgreSQL at 127.0.0.1:5432 (user postgres, database test)", CliProcesses::pg);
    }

    /** A connection to a database server, to see whether it answers. */
    private interface Probe {
        Connection open() throws SQLException;
    }

    private static void assume(String what, Probe probe) {
        try (Connection c = probe.open()) {
            return;
        } catch (SQLException e) {
            String message = "!!! " + what + " does not answer (" + e.getMessage() + "); ";
            if (Boolean.getBoolean("nntune.requireDatabases")) {
                Assertions.fail(message + "nntune.requireDatabases=true, so this is a failure");
            }
            System.err.println(message + "SKIPPING the CLI tests that need it (set -Dnntune.requireDatabases=true to fail instead) !!!");
            Assumptions.abort(message + "skipped");
        }
    }

    /**
     * Waits (up to two minutes) until study {@code study} in the storage at {@code url} has a RUNNING trial that has
     * reported: a trial in the middle of its training, for a test to interrupt or cut off.
     */
    static void awaitReportingTrial(Cli cli, String url, String study) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        try (org.nntune.tune.storage.Storage s = org.nntune.storage.Storages.open(url)) {
            while (s.findStudyId(study).isEmpty() || s.getAllTrials(s.findStudyId(study).getAsLong(),
                    java.util.EnumSet.of(org.nntune.tune.trial.TrialState.RUNNING)).stream().allMatch(t -> t.intermediateValues().isEmpty())) {
                Assertions.assertTrue(cli.process().isAlive(), () -> "nntune ended early:\n" + text(cli));
                Assertions.assertTrue(System.nanoTime() < deadline, () -> "no trial running in time:\n" + text(cli));
                Thread.sleep(50);
            }
        }
    }

    private static String text(Cli cli) {
        try {
            return cli.outText() + "\n" + cli.errText();
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Creates a fresh schema; @return its name (the storage URL is {@link #pgUrl}). */
    static String createSchema() {
        String schema = freshName();
        execPg("CREATE SCHEMA " + schema);
        return schema;
    }

    /** A fresh lower-case name for a schema or a database. */
    private static String freshName() {
        return "nntune_cli_" + Long.toString(System.currentTimeMillis(), 36) + "_"
                + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 30), 36).toLowerCase(Locale.ROOT);
    }

    static String pgUrl(String schema) {
        return PG_URL + "?currentSchema=" + schema;
    }

    static void dropSchema(String schema) {
        execPg("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    private static Connection pg() throws SQLException {
        return connect("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "3"); // seconds
    }

    /** A connection as {@code user} that gives up after {@code connectTimeout} (in the driver's unit). */
    private static Connection connect(String jdbcUrl, String user, String connectTimeout) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("connectTimeout", connectTimeout);
        return DriverManager.getConnection(jdbcUrl, p);
    }

    private static void execPg(String sql) {
        exec(CliProcesses::pg, sql);
    }

    private static void exec(Probe db, String sql) {
        try (Connection c = db.open(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ MariaDB

    /**
     * A fresh database on one of the servers, for tests run on both: a schema of PostgreSQL's database test, or a
     * MariaDB database.
     *
     * @param server {@code postgresql} or {@code mariadb}
     * @param name the schema's or the database's name
     * @param url its storage URL
     * @param port the server's port
     */
    record ServerDatabase(String server, String name, String url, int port) implements AutoCloseable {
        /** Skips the test unless the server answers, then creates the database. */
        static ServerDatabase create(String server) {
            if (server.equals("postgresql")) {
                assumePostgres();
                String schema = createSchema();
                return new ServerDatabase(server, schema, pgUrl(schema), 5432);
            }
            assumeMariaDb();
            String database = createMariaDb();
            return new ServerDatabase(server, database, mariaUrl(database), 3306);
        }

        /** The storage URL through a proxy listening on {@code proxyPort}. */
        String urlThrough(int proxyPort) {
            return url.replace(":" + port + "/", ":" + proxyPort + "/");
        }

        /** Drops the database. */
        @Override
        public void close() {
            if (port == 5432) {
                dropSchema(name);
            } else {
                dropMariaDb(name);
            }
        }
    }

    /** Skips (or, with -Dnntune.requireDatabases=true, fails) the calling test unless MariaDB answers (127.0.0.1:3306, root). */
    static void assumeMariaDb() {
        assume("MariaDB at 127.0.0.1:3306 (user root, no password)", CliProcesses::maria);
    }

    /** Creates a fresh MariaDB database; @return its name (the storage URL is {@link #mariaUrl}). */
    static String createMariaDb() {
        String database = freshName();
        execMaria("CREATE DATABASE " + database);
        return database;
    }

    static String mariaUrl(String database) {
        return "mysql://root@127.0.0.1:3306/" + database;
    }

    static void dropMariaDb(String database) {
        execMaria("DROP DATABASE IF EXISTS " + database);
    }

    private static Connection maria() throws SQLException {
        return connect("jdbc:mariadb://127.0.0.1:3306/", "root", "3000"); // milliseconds
    }

    private static void execMaria(String sql) {
        exec(CliProcesses::maria, sql);
    }
}
