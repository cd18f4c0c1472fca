package org.nntune.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.nntune.tune.space.Json;

import java.util.List;
import java.util.Map;

/**
 * nntune's tables and their versions. The schema is created on first use and brought up to
 * {@link #CURRENT_VERSION} by running the migrations the database has not seen yet, one after the
 * other, under a database-wide lock so that workers starting together migrate once. The version
 * lives in the one-row table {@code nntune_schema_version}. A database written by a newer nntune
 * (a higher version) is refused with a clear message, never silently downgraded.
 *
 * <p>All tables carry the prefix {@code nntune_}, so a database may also hold Optuna's tables.
 */
final class Schema {
    private Schema() {}

    /** The version this code reads and writes. */
    static final int CURRENT_VERSION = 4;

    /** nntune's tables with their columns (all versions' migrations together). */
    static final Map<String, java.util.Set<String>> COLUMNS = Map.of(
            "nntune_schema_version", java.util.Set.of("version"),
            "nntune_studies", java.util.Set.of("study_id", "study_name", "directions", "user_attrs", "system_attrs",
                    "n_trials", "change_seq", "datetime_start"),
            "nntune_trials", java.util.Set.of("trial_id", "study_id", "number", "state", "trial_values", "min_value", "params",
                    "dists", "user_attrs", "system_attrs", "intermediate", "datetime_start", "datetime_complete",
                    "failure_reason", "heartbeat", "changed_seq"),
            "nntune_distributions", java.util.Set.of("dist_id", "json_hash", "json"),
            "nntune_study_attrs", java.util.Set.of("study_id", "is_system", "attr_key", "value_json"),
            "nntune_artifacts", java.util.Set.of("study_id", "artifact_key", "size_bytes", "data"));

    /** The migration to version {@code index + 1}, as a list of statements. */
    static List<List<String>> migrations(Dialect d) {
        String text = d.text();
        String suffix = d.tableSuffix();
        List<String> v1 = List.of(
                "CREATE TABLE IF NOT EXISTS nntune_studies ("
                        + " study_id " + d.idColumn() + ","
                        + " study_name VARCHAR(512) NOT NULL UNIQUE,"
                        + " directions VARCHAR(1024) NOT NULL,"
                        + " user_attrs " + text + " NOT NULL,"
                        + " system_attrs " + text + " NOT NULL,"
                        // trials created so far (the next trial number)
                        + " n_trials INTEGER NOT NULL,"
                        // bumped by every write to the study or one of its trials; the cursor of incremental reads
                        + " change_seq BIGINT NOT NULL,"
                        + " datetime_start BIGINT)" + suffix,
                "CREATE TABLE IF NOT EXISTS nntune_trials ("
                        + " trial_id " + d.idColumn() + ","
                        + " study_id BIGINT NOT NULL,"
                        + " number INTEGER NOT NULL,"
                        + " state VARCHAR(8) NOT NULL,"
                        + " trial_values " + text + " NOT NULL,"
                        // the single objective's value turned to "smaller is better" for COMPLETE trials
                        + " min_value " + d.real() + ","
                        // ,"name":internal … (appended in suggestion order)
                        + " params " + text + " NOT NULL,"
                        // ,"name":{distribution JSON} …
                        + " dists " + text + " NOT NULL,"
                        // ,"key":value … (appended; the last entry of a key wins)
                        + " user_attrs " + text + " NOT NULL,"
                        + " system_attrs " + text + " NOT NULL,"
                        // ,"step":value … (appended; the last entry of a step wins)
                        + " intermediate " + text + " NOT NULL,"
                        + " datetime_start BIGINT,"
                        + " datetime_complete BIGINT,"
                        + " failure_reason " + text + ","
                        // the database clock at the last heartbeat, microseconds since the epoch
                        + " heartbeat BIGINT,"
                        + " changed_seq BIGINT NOT NULL,"
                        + " UNIQUE (study_id, number))" + suffix,
                d.createIndex("nntune_trials_changes", "nntune_trials (study_id, changed_seq)"),
                d.createIndex("nntune_trials_best", "nntune_trials (study_id, state, min_value, number)"));
        // version 2: each distinct distribution stored once; trial rows refer to it by id (rows of version 1
        // keep the distribution's JSON in the row and are read as they are)
        List<String> v2 = List.of(
                "CREATE TABLE IF NOT EXISTS nntune_distributions ("
                        + " dist_id " + d.idColumn() + ","
                        + " json_hash VARCHAR(64) NOT NULL UNIQUE,"
                        + " json " + text + " NOT NULL)" + suffix);
        // version 3: study attributes one row each, so that a compare-and-set touches one small row; the
        // attributes of older studies are moved there from the JSON columns of nntune_studies (moveStudyAttrs)
        List<String> v3 = List.of(
                "CREATE TABLE IF NOT EXISTS nntune_study_attrs ("
                        + " study_id BIGINT NOT NULL,"
                        + " is_system SMALLINT NOT NULL,"
                        + " attr_key VARCHAR(255) NOT NULL,"
                        + " value_json " + text + " NOT NULL,"
                        + " PRIMARY KEY (study_id, is_system, attr_key))" + suffix);
        // version 4: artifacts (checkpoints of population-based training) of database-server studies, one row each
        List<String> v4 = List.of(
                "CREATE TABLE IF NOT EXISTS nntune_artifacts ("
                        + " study_id BIGINT NOT NULL,"
                        + " artifact_key VARCHAR(255) NOT NULL,"
                        + " size_bytes BIGINT NOT NULL,"
                        + " data " + d.blob() + " NOT NULL,"
                        + " PRIMARY KEY (study_id, artifact_key))" + d.tableSuffix());
        return List.of(v1, v2, v3, v4);
    }

    /**
     * Creates or migrates the schema.
     *
     * @throws IllegalStateException if the database has a newer schema than this nntune knows
     */
    static void migrate(Connection c, Dialect d, String display) throws SQLException {
        if (storedVersion(c) == CURRENT_VERSION) {
            // the common case, every start but the first: nothing to create, so no write lock (on SQLite a write
            // transaction) is taken; the version only ever goes up, so a current one stays current
            return;
        }
        boolean autoCommit = c.getAutoCommit();
        d.lockSchema(c);
        try {
            // before any DDL: CREATE TABLE IF NOT EXISTS would skip another program's table of one of nntune's names
            // and leave a schema that fails on first use (half made for good on MariaDB, whose DDL is not transactional);
            // tables of nntune's shape without a version row are what an interrupted migration left there: completed
            java.util.Optional<TableShapes.Foreign> foreign = TableShapes.firstForeign(TableShapes.read(c, d), COLUMNS);
            if (foreign.isPresent()) {
                throw new IllegalStateException("the storage '" + display + "' has a " + foreign.get().describe()
                        + " that is not nntune's: nntune creates its tables only where no other tables have their names;"
                        + " use another database or schema, or rename that table");
            }
            Database.exec(c, "CREATE TABLE IF NOT EXISTS nntune_schema_version (version INTEGER NOT NULL)" + d.tableSuffix());
            int version = 0;
            try (PreparedStatement ps = c.prepareStatement("SELECT MAX(version) FROM nntune_schema_version");
                 ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    version = rs.getInt(1);
                }
            }
            if (version > CURRENT_VERSION) {
                throw new IllegalStateException("the storage '" + display + "' has nntune schema version " + version
                        + ", but this nntune knows versions up to " + CURRENT_VERSION
                        + "; it was written by a newer nntune: upgrade nntune to use it");
            }
            List<List<String>> all = migrations(d);
            for (int v = version + 1; v <= CURRENT_VERSION; v++) {
                for (String sql : all.get(v - 1)) {
                    try {
                        Database.exec(c, sql);
                    } catch (SQLException e) {
                        // an index left by an interrupted migration (MySQL has no CREATE INDEX IF NOT EXISTS) is fine
                        if (!d.isDuplicateIndex(e)) {
                            throw e;
                        }
                    }
                }
                if (v == 3) {
                    moveStudyAttrs(c);
                }
            }
            if (version < CURRENT_VERSION) {
                Database.exec(c, "DELETE FROM nntune_schema_version");
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO nntune_schema_version (version) VALUES (?)")) {
                    ps.setInt(1, CURRENT_VERSION);
                    ps.executeUpdate();
                }
            }
            d.unlockSchema(c, true, autoCommit);
        } catch (SQLException | RuntimeException e) {
            try {
                d.unlockSchema(c, false, autoCommit);
            } catch (SQLException rollback) {
                // SQLite may have rolled the transaction back itself (a busy or I/O error): the cause to report,
                // and to decide a retry on, is the first failure
                e.addSuppressed(rollback);
            }
            throw e;
        }
    }

    /** The version the database holds, read without a lock; 0 when it has no nntune tables yet. */
    private static int storedVersion(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT MAX(version) FROM nntune_schema_version");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getInt(1) : 0;
        } catch (SQLException noTableYet) {
            if (!c.getAutoCommit()) {
                c.rollback(); // a transaction the failed read may have opened (MariaDB's sessions are not in autocommit)
            }
            return 0;
        }
    }

    /** Version 3's data step: study attributes from the JSON columns of nntune_studies to their own rows. */
    @SuppressWarnings("unchecked")
    private static void moveStudyAttrs(Connection c) throws SQLException {
        List<Object[]> rows = new java.util.ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT study_id, user_attrs, system_attrs FROM nntune_studies");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long id = rs.getLong(1);
                for (int system = 0; system <= 1; system++) {
                    Map<String, Object> attrs = (Map<String, Object>) Json.decode(rs.getString(2 + system));
                    for (Map.Entry<String, Object> e : attrs.entrySet()) {
                        rows.add(new Object[] {id, system, e.getKey(), Json.encode(e.getValue())});
                    }
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO nntune_study_attrs (study_id, is_system, attr_key,"
                + " value_json) VALUES (?, ?, ?, ?)")) {
            for (Object[] r : rows) {
                ps.setLong(1, (Long) r[0]);
                ps.setInt(2, (Integer) r[1]);
                ps.setString(3, (String) r[2]);
                ps.setString(4, (String) r[3]);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        Database.exec(c, "UPDATE nntune_studies SET user_attrs = '{}', system_attrs = '{}'");
    }
}
