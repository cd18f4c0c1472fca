package org.nntune.storage;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.tune.space.FloatDistribution;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchemaTest {
    @TempDir
    Path dir;

    private static int version(String jdbc) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbc);
             PreparedStatement ps = c.prepareStatement("SELECT version FROM nntune_schema_version");
             ResultSet rs = ps.executeQuery()) {
            assertThat(rs.next()).isTrue();
            int v = rs.getInt(1);
            assertThat(rs.next()).as("one version row").isFalse();
            return v;
        }
    }

    /** Opens {@code n} storages on one URL at the same time (each one creating or checking the schema). */
    private static void openTogether(String url, int n) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                fs.add(pool.submit(() -> {
                    try (JdbcStorage s = new JdbcStorage(url)) {
                        s.getAllStudies();
                    }
                    return null;
                }));
            }
            // wait for every worker before failing, so none outlives the test (and its temporary directory)
            Exception first = null;
            for (Future<?> f : fs) {
                try {
                    f.get(60, TimeUnit.SECONDS);
                } catch (Exception e) {
                    first = first == null ? e : first;
                }
            }
            if (first != null) {
                throw first;
            }
        } finally {
            pool.shutdown();
            pool.awaitTermination(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void createdOnFirstUseAndKeptOnReopen() throws Exception {
        String url = "sqlite:" + dir.resolve("s.db");
        long id;
        try (JdbcStorage s = new JdbcStorage(url)) {
            id = s.createStudy("kept", List.of(StudyDirection.MINIMIZE));
        }
        assertThat(version("jdbc:sqlite:" + dir.resolve("s.db"))).isEqualTo(Schema.CURRENT_VERSION);
        try (JdbcStorage s = new JdbcStorage(url)) {
            assertThat(s.findStudyId("kept")).hasValue(id);
        }
        assertThat(version("jdbc:sqlite:" + dir.resolve("s.db"))).isEqualTo(Schema.CURRENT_VERSION);
    }

    @Test
    void reopeningACurrentSchemaTakesNoWriteLock() throws Exception {
        String url = "sqlite:" + dir.resolve("busy.db");
        try (JdbcStorage s = new JdbcStorage(url)) {
            s.createStudy("busy", List.of(StudyDirection.MINIMIZE));
        }
        // another process holds the write lock (a long write transaction): a storage opened now reads at once, where
        // checking the schema under the lock would wait for it and give up after the busy timeout
        try (Connection writer = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("busy.db"));
             PreparedStatement begin = writer.prepareStatement("BEGIN IMMEDIATE")) {
            begin.execute();
            try (JdbcStorage s = new JdbcStorage(url + "?busy_timeout_ms=200")) {
                assertThat(s.findStudyId("busy")).isPresent();
            }
            writer.createStatement().execute("ROLLBACK");
        }
    }

    @Test
    void aVersionOneDatabaseIsMigratedAndItsTrialsStillRead() throws Exception {
        String jdbc = "jdbc:sqlite:" + dir.resolve("v1.db");
        try (Connection c = DriverManager.getConnection(jdbc)) {
            // the database as nntune with schema version 1 left it: distributions inline in the trial rows
            for (String sql : Schema.migrations(Dialect.SQLITE).get(0)) {
                c.prepareStatement(sql).execute();
            }
            c.prepareStatement("CREATE TABLE nntune_schema_version (version INTEGER NOT NULL)").execute();
            c.prepareStatement("INSERT INTO nntune_schema_version VALUES (1)").execute();
            c.prepareStatement("INSERT INTO nntune_studies (study_id, study_name, directions, user_attrs, system_attrs,"
                    + " n_trials, change_seq) VALUES (1, 'old', 'MINIMIZE', '{\"owner\":\"ann\"}',"
                    + " '{\"study_definition\":{\"epochs\":3}}', 1, 1)").execute();
            PreparedStatement ps = c.prepareStatement("INSERT INTO nntune_trials (study_id, number, state, trial_values,"
                    + " min_value, params, dists, user_attrs, system_attrs, intermediate, datetime_start, datetime_complete,"
                    + " changed_seq) VALUES (1, 0, 'COMPLETE', '[0.5]', 0.5, ?, ?, '', '', '', 1000000, 2000000, 1)");
            ps.setString(1, ",\"lr\":0.01");
            ps.setString(2, ",\"lr\":" + FloatDistribution.logUniform(1e-4, 1).toJson());
            ps.executeUpdate();
        }
        try (JdbcStorage s = new JdbcStorage("sqlite:" + dir.resolve("v1.db"))) {
            long id = s.getStudyId("old");
            FrozenTrial old = s.getAllTrials(id).get(0);
            assertThat(old.params()).containsEntry("lr", 0.01);
            assertThat(old.distributions()).containsEntry("lr", FloatDistribution.logUniform(1e-4, 1));
            assertThat(s.getBestTrial(id)).hasValue(old);
            // version 3 moved the study attributes to their own rows
            assertThat(s.getStudyUserAttrs(id)).isEqualTo(Map.of("owner", "ann"));
            assertThat(s.getStudy(id).systemAttrs()).isEqualTo(Map.of("study_definition", Map.of("epochs", 3L)));
            assertThat(s.compareAndSetStudySystemAttr(id, "study_definition", Optional.of(Map.of("epochs", 3)), "v")).isTrue();
            long t = s.createTrial(id).trialId();
            s.setTrialParam(t, "lr", 0.1, FloatDistribution.logUniform(1e-4, 1));
            assertThat(s.getTrial(t).params()).containsEntry("lr", 0.1);
        }
        assertThat(version(jdbc)).isEqualTo(Schema.CURRENT_VERSION).isEqualTo(4);
    }

    @Test
    void aNewerSchemaIsRefusedClearly() throws Exception {
        String url = "sqlite:" + dir.resolve("new.db");
        new JdbcStorage(url).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("new.db"));
             PreparedStatement ps = c.prepareStatement("UPDATE nntune_schema_version SET version = 99")) {
            ps.executeUpdate();
        }
        assertThatThrownBy(() -> new JdbcStorage(url)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("schema version 99").hasMessageContaining("versions up to " + Schema.CURRENT_VERSION)
                .hasMessageContaining("upgrade nntune").hasMessageContaining("new.db");
    }

    // repeated: the race between workers switching a new file to WAL lost about 1 in 30 runs before open retried it
    @RepeatedTest(30)
    void workersCreatingTheSchemaTogetherAllSucceed(RepetitionInfo r) throws Exception {
        Path db = dir.resolve("race" + r.getCurrentRepetition() + ".db");
        openTogether("sqlite:" + db, 4);
        assertThat(version("jdbc:sqlite:" + db)).isEqualTo(Schema.CURRENT_VERSION);
    }

    @Test
    void postgresWorkersCreatingTheSchemaTogetherAllSucceed() throws Exception {
        TestDatabases.withPgSchema("nntune_schema", url -> {
            openTogether(url, 4);
            String schema = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
            try (Connection c = TestDatabases.pg();
                 PreparedStatement ps = c.prepareStatement("SELECT version FROM " + schema + ".nntune_schema_version");
                 ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(Schema.CURRENT_VERSION);
                assertThat(rs.next()).isFalse();
            }
        });
    }

}
