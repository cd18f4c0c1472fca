package org.nntune.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The tables of Optuna's RDB storage ({@code optuna/storages/_rdb/models.py}), as Optuna's
 * SQLAlchemy models create them on SQLite, PostgreSQL and MySQL/MariaDB: the same names, column
 * types, enums, unique constraints and foreign keys, so Optuna opens a database nntune made.
 *
 * <p>Two Alembic revisions are known and read alike (the data layout is the same):
 * <ul>
 *   <li>{@value #REVISION_3_0} — Optuna 3.0 and 3.1 (Debian's 3.1 among them);</li>
 *   <li>{@value #REVISION_3_2} — Optuna 3.2 to 4.x: the same tables plus the index
 *       {@code ix_trials_study_id} on {@code trials.study_id}.</li>
 * </ul>
 * A new database gets the revision the URL asks for ({@code optuna_revision=v3.2.0.a}), else
 * {@value #REVISION_3_0}, which Optuna 3.0/3.1 open as they are and Optuna 3.2+ after its own
 * {@code optuna storage upgrade} (which only adds that index). A database at any other revision
 * is refused with a message naming it. Optuna stores trial times as naive local date-times
 * (3.x and 4.x; its development branch moves to naive UTC) and heartbeats in the database's
 * clock; nntune does the same.
 */
final class OptunaSchema {
    /** Optuna 3.0–3.1's Alembic head. */
    static final String REVISION_3_0 = "v3.0.0.d";
    /** Optuna 3.2–4.x's Alembic head. */
    static final String REVISION_3_2 = "v3.2.0.a";
    /** Optuna's {@code version_info.schema_version} for both revisions. */
    static final int SCHEMA_VERSION = 12;

    private OptunaSchema() {}

    /**
     * Creates the tables if the database has none and returns the schema's revision.
     *
     * @throws IllegalStateException if the database has Optuna's tables at a revision nntune does not know
     */
    static String prepare(Connection c, Dialect d, String wantedRevision, String where) throws SQLException {
        // checked before any DDL: CREATE TABLE IF NOT EXISTS would skip another program's table of one of Optuna's
        // names and fail further on (a foreign key to a column it lacks), leaving Optuna's schema half made (for
        // good on MariaDB, whose DDL is not transactional)
        Map<String, Set<String>> present = TableShapes.read(c, d);
        boolean stamped = present.containsKey("alembic_version");
        if (stamped) {
            String revision = check(c, where);
            Optional<TableShapes.Foreign> foreign = TableShapes.firstForeign(present, COLUMNS);
            if (foreign.isPresent()) {
                throw new IllegalStateException(where + " holds Optuna's schema, but its " + foreign.get().describe()
                        + " is not the one Optuna's RDB storage creates");
            }
            return revision;
        }
        List<String> ours = COLUMNS.keySet().stream().filter(present::containsKey).sorted().toList();
        if (!ours.isEmpty()) {
            Optional<TableShapes.Foreign> foreign = TableShapes.firstForeign(present, COLUMNS);
            throw new IllegalStateException(where + " has a " + (foreign.isPresent() ? foreign.get().describe()
                    : "table '" + ours.get(0) + "'") + " but no 'alembic_version': it is not a schema Optuna's RDB storage"
                    + " created, and nntune creates Optuna's tables only in a database without tables of their names"
                    + " (found: " + String.join(", ", ours) + "); use another database or schema");
        }
        for (String sql : ddl(d, wantedRevision)) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.execute();
            }
        }
        insertIfEmpty(c, "alembic_version", "INSERT INTO alembic_version (version_num) VALUES ('" + wantedRevision + "')");
        insertIfEmpty(c, "version_info", "INSERT INTO version_info (version_info_id, schema_version, library_version)"
                + " VALUES (1, " + SCHEMA_VERSION + ", '" + (wantedRevision.equals(REVISION_3_0) ? "3.1.0" : "4.0.0") + "')");
        return check(c, where);
    }

    /** Optuna's tables with the columns nntune reads and writes (Optuna's models; {@link #ddl} creates them). */
    static final Map<String, Set<String>> COLUMNS = Map.ofEntries(
            Map.entry("studies", Set.of("study_id", "study_name")),
            Map.entry("version_info", Set.of("version_info_id", "schema_version", "library_version")),
            Map.entry("study_directions", Set.of("study_direction_id", "direction", "study_id", "objective")),
            Map.entry("study_user_attributes", Set.of("study_user_attribute_id", "study_id", "key", "value_json")),
            Map.entry("study_system_attributes", Set.of("study_system_attribute_id", "study_id", "key", "value_json")),
            Map.entry("trials", Set.of("trial_id", "number", "study_id", "state", "datetime_start", "datetime_complete")),
            Map.entry("trial_user_attributes", Set.of("trial_user_attribute_id", "trial_id", "key", "value_json")),
            Map.entry("trial_system_attributes", Set.of("trial_system_attribute_id", "trial_id", "key", "value_json")),
            Map.entry("trial_params", Set.of("param_id", "trial_id", "param_name", "param_value", "distribution_json")),
            Map.entry("trial_values", Set.of("trial_value_id", "trial_id", "objective", "value", "value_type")),
            Map.entry("trial_intermediate_values", Set.of("trial_intermediate_value_id", "trial_id", "step",
                    "intermediate_value", "intermediate_value_type")),
            Map.entry("trial_heartbeats", Set.of("trial_heartbeat_id", "trial_id", "heartbeat")),
            Map.entry("alembic_version", Set.of("version_num")));

    private static String check(Connection c, String where) throws SQLException {
        List<String> revisions = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT version_num FROM alembic_version");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                revisions.add(rs.getString(1));
            }
        }
        if (revisions.size() != 1 || !(revisions.get(0).equals(REVISION_3_0) || revisions.get(0).equals(REVISION_3_2))) {
            throw new IllegalStateException(where + " holds Optuna's schema at Alembic revision " + revisions
                    + "; nntune reads " + REVISION_3_0 + " (Optuna 3.0-3.1) and " + REVISION_3_2
                    + " (Optuna 3.2-4.x). Upgrade the storage with Optuna's 'optuna storage upgrade' to one of them");
        }
        return revisions.get(0);
    }

    private static void insertIfEmpty(Connection c, String table, String insert) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table); ResultSet rs = ps.executeQuery()) {
            rs.next();
            if (rs.getInt(1) > 0) {
                return;
            }
        }
        try (PreparedStatement ps = c.prepareStatement(insert)) {
            ps.executeUpdate();
        }
    }

    /** The statements that create Optuna's tables (each IF NOT EXISTS, so racing creators both succeed). */
    static List<String> ddl(Dialect d, String revision) {
        String id = switch (d) {
            case SQLITE -> "INTEGER NOT NULL PRIMARY KEY";
            case POSTGRESQL -> "SERIAL PRIMARY KEY";
            case MARIADB -> "INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY";
        };
        String dbl = d == Dialect.SQLITE ? "FLOAT" : d == Dialect.POSTGRESQL ? "DOUBLE PRECISION" : "DOUBLE";
        String time = d == Dialect.POSTGRESQL ? "TIMESTAMP WITHOUT TIME ZONE" : "DATETIME";
        String key = d == Dialect.MARIADB ? "`key`" : "\"key\"";
        List<String> out = new ArrayList<>();
        String studyDirection = enumType(d, out, "studydirection", 8, "NOT_SET", "MINIMIZE", "MAXIMIZE");
        String trialState = enumType(d, out, "trialstate", 8, "RUNNING", "COMPLETE", "PRUNED", "FAIL", "WAITING");
        String valueType = enumType(d, out, "trialvaluetype", 7, "FINITE", "INF_POS", "INF_NEG");
        String stepType = enumType(d, out, "trialintermediatevaluetype", 7, "FINITE", "INF_POS", "INF_NEG", "NAN");
        String fkStudy = "FOREIGN KEY (study_id) REFERENCES studies (study_id)";
        String fkTrial = "FOREIGN KEY (trial_id) REFERENCES trials (trial_id)";
        out.add("CREATE TABLE IF NOT EXISTS studies (study_id " + id + ", study_name VARCHAR(512) NOT NULL)");
        out.add("CREATE UNIQUE INDEX IF NOT EXISTS ix_studies_study_name ON studies (study_name)");
        out.add("CREATE TABLE IF NOT EXISTS version_info (version_info_id INTEGER NOT NULL PRIMARY KEY, schema_version INTEGER,"
                + " library_version VARCHAR(256), CHECK (version_info_id = 1))");
        out.add("CREATE TABLE IF NOT EXISTS study_directions (study_direction_id " + id + ", direction " + studyDirection
                + " NOT NULL, study_id INTEGER NOT NULL, objective INTEGER NOT NULL, UNIQUE (study_id, objective), " + fkStudy + ")");
        for (String kind : new String[] {"user", "system"}) {
            out.add("CREATE TABLE IF NOT EXISTS study_" + kind + "_attributes (study_" + kind + "_attribute_id " + id
                    + ", study_id INTEGER, " + key + " VARCHAR(512), value_json TEXT, UNIQUE (study_id, " + key + "), " + fkStudy + ")");
        }
        out.add("CREATE TABLE IF NOT EXISTS trials (trial_id " + id + ", number INTEGER, study_id INTEGER, state " + trialState
                + " NOT NULL, datetime_start " + time + ", datetime_complete " + time + ", " + fkStudy + ")");
        if (revision.equals(REVISION_3_2)) {
            out.add("CREATE INDEX IF NOT EXISTS ix_trials_study_id ON trials (study_id)");
        }
        for (String kind : new String[] {"user", "system"}) {
            out.add("CREATE TABLE IF NOT EXISTS trial_" + kind + "_attributes (trial_" + kind + "_attribute_id " + id
                    + ", trial_id INTEGER, " + key + " VARCHAR(512), value_json TEXT, UNIQUE (trial_id, " + key + "), " + fkTrial + ")");
        }
        out.add("CREATE TABLE IF NOT EXISTS trial_params (param_id " + id + ", trial_id INTEGER, param_name VARCHAR(512),"
                + " param_value " + dbl + ", distribution_json TEXT, UNIQUE (trial_id, param_name), " + fkTrial + ")");
        out.add("CREATE TABLE IF NOT EXISTS trial_values (trial_value_id " + id + ", trial_id INTEGER NOT NULL, objective INTEGER"
                + " NOT NULL, value " + dbl + ", value_type " + valueType + " NOT NULL, UNIQUE (trial_id, objective), " + fkTrial + ")");
        out.add("CREATE TABLE IF NOT EXISTS trial_intermediate_values (trial_intermediate_value_id " + id + ", trial_id INTEGER"
                + " NOT NULL, step INTEGER NOT NULL, intermediate_value " + dbl + ", intermediate_value_type " + stepType
                + " NOT NULL, UNIQUE (trial_id, step), " + fkTrial + ")");
        out.add("CREATE TABLE IF NOT EXISTS trial_heartbeats (trial_heartbeat_id " + id + ", trial_id INTEGER NOT NULL,"
                + " heartbeat " + time + " NOT NULL, UNIQUE (trial_id), " + fkTrial + ")");
        out.add("CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc"
                + " PRIMARY KEY (version_num))");
        return out;
    }

    /**
     * The column type of an SQLAlchemy {@code Enum}: a named type on PostgreSQL (created here),
     * {@code ENUM(...)} on MySQL, {@code VARCHAR(longest)} on SQLite.
     */
    private static String enumType(Dialect d, List<String> out, String name, int longest, String... values) {
        String list = "'" + String.join("', '", values) + "'";
        return switch (d) {
            case SQLITE -> "VARCHAR(" + longest + ")";
            case MARIADB -> "ENUM(" + list + ")";
            case POSTGRESQL -> {
                out.add("DO $$ BEGIN CREATE TYPE " + name + " AS ENUM (" + list + "); EXCEPTION WHEN duplicate_object THEN NULL; END $$");
                yield name;
            }
        };
    }

    /** @return the revision named by a URL's {@code optuna_revision} parameter (checked) */
    static String revision(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        if (v.equals(REVISION_3_0) || v.equals(REVISION_3_2)) {
            return v;
        }
        throw new IllegalArgumentException("optuna_revision=" + value + " is not a schema revision nntune writes; use "
                + REVISION_3_0 + " (Optuna 3.0-3.1, the default) or " + REVISION_3_2 + " (Optuna 3.2-4.x)");
    }
}
