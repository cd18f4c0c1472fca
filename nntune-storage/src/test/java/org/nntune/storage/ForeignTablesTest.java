package org.nntune.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A database that holds another program's table under one of the names nntune is about to create (Optuna's,
 * or nntune's own) is refused before any DDL, naming the table and the database, and is left as it was: no
 * half-made schema (MariaDB's DDL is not transactional, so a failure half-way would stay).
 */
class ForeignTablesTest {
    @TempDir
    Path dir;

    /** Opens a JDBC connection to the database under test, working in its schema or database. */
    private interface Jdbc {
        Connection open() throws Exception;
    }

    private static void exec(Jdbc jdbc, String... sql) throws Exception {
        try (Connection c = jdbc.open()) {
            for (String s : sql) {
                try (PreparedStatement ps = c.prepareStatement(s)) {
                    ps.execute();
                }
            }
        }
    }

    private static Set<String> tables(Jdbc jdbc, String query) throws Exception {
        Set<String> out = new TreeSet<>();
        try (Connection c = jdbc.open(); PreparedStatement ps = c.prepareStatement(query); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1).toLowerCase(java.util.Locale.ROOT));
            }
        }
        return out;
    }

    /**
     * The repro: a user's tables {@code users} and {@code trials(x)}; an {@code optuna+} URL is refused naming
     * {@code trials} and the database, and so is an nntune URL on a table {@code nntune_trials} of other columns.
     */
    private static void refusedAndUntouched(String url, Jdbc jdbc, String tablesQuery, String where) throws Exception {
        exec(jdbc, "CREATE TABLE users (id INTEGER)", "CREATE TABLE trials (x INTEGER)");
        assertThatThrownBy(() -> Storages.open("optuna+" + url)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(where)
                .hasMessageContaining("table 'trials' (it has no column datetime_complete, datetime_start, number, state,"
                        + " study_id, trial_id)")
                .hasMessageContaining("no 'alembic_version'");
        assertThat(tables(jdbc, tablesQuery)).as("nothing created").containsExactly("trials", "users");

        // a table of Optuna's shape but no alembic_version: not a schema Optuna made either
        exec(jdbc, "DROP TABLE trials", "CREATE TABLE studies (study_id INTEGER, study_name VARCHAR(512))");
        assertThatThrownBy(() -> Storages.open("optuna+" + url)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(where).hasMessageContaining("has a table 'studies' but no 'alembic_version'");
        assertThat(tables(jdbc, tablesQuery)).containsExactly("studies", "users");

        // nntune's own tables: a foreign nntune_trials is refused before nntune_studies or the version table exist
        exec(jdbc, "CREATE TABLE nntune_trials (x INTEGER)");
        assertThatThrownBy(() -> Storages.open(url)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the storage '").hasMessageContaining(where)
                .hasMessageContaining("has a table 'nntune_trials' (it has no column changed_seq, datetime_complete,")
                .hasMessageContaining(" and 10 more)")
                .hasMessageContaining("that is not nntune's");
        assertThat(tables(jdbc, tablesQuery)).containsExactly("nntune_trials", "studies", "users");

        // without the foreign tables, both schemas are made beside the user's own table
        exec(jdbc, "DROP TABLE nntune_trials", "DROP TABLE studies");
        Storages.open(url).close();
        Storages.open("optuna+" + url).close();
        assertThat(tables(jdbc, tablesQuery)).contains("users", "trials", "alembic_version", "nntune_trials");
    }

    @Test
    void sqlite() throws Exception {
        Path db = dir.resolve("other.db");
        refusedAndUntouched("sqlite:" + db, () -> DriverManager.getConnection("jdbc:sqlite:" + db),
                "SELECT name FROM sqlite_master WHERE type = 'table'", db.toString());
    }

    @Test
    void postgresql() throws Exception {
        TestDatabases.withPgSchema("nntune_foreign", url -> {
            String schema = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
            refusedAndUntouched(url, () -> {
                Connection c = TestDatabases.pg();
                try (PreparedStatement ps = c.prepareStatement("SET search_path TO " + schema)) {
                    ps.execute();
                }
                return c;
            }, "SELECT table_name FROM information_schema.tables WHERE table_schema = '" + schema + "'", schema);
        });
    }

    @Test
    void mariadb() throws Exception {
        TestDatabases.assumeMariaDb();
        String database = TestDatabases.freshName("nntune_foreign");
        String url = TestDatabases.createMariaDb(database);
        try {
            refusedAndUntouched(url, () -> {
                Connection c = TestDatabases.maria();
                c.setCatalog(database);
                return c;
            }, "SELECT table_name FROM information_schema.tables WHERE table_schema = '" + database + "'", database);
        } finally {
            TestDatabases.dropMariaDb(database);
        }
    }
}
