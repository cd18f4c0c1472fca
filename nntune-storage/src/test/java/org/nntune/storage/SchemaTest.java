package org.nntune.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.tune.study.StudyDirection;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
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
            for (Future<?> f : fs) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
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

    @Test
    void workersCreatingTheSchemaTogetherAllSucceed() throws Exception {
        openTogether("sqlite:" + dir.resolve("race.db"), 4);
        assertThat(version("jdbc:sqlite:" + dir.resolve("race.db"))).isEqualTo(Schema.CURRENT_VERSION);
    }

    @Test
    void postgresWorkersCreatingTheSchemaTogetherAllSucceed() throws Exception {
        TestDatabases.assumePostgres();
        String schema = TestDatabases.freshName("nntune_schema");
        String url = TestDatabases.createPgSchema(schema);
        try {
            openTogether(url, 4);
            try (Connection c = TestDatabases.pg();
                 PreparedStatement ps = c.prepareStatement("SELECT version FROM " + schema + ".nntune_schema_version");
                 ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(Schema.CURRENT_VERSION);
                assertThat(rs.next()).isFalse();
            }
        } finally {
            TestDatabases.dropPgSchema(schema);
        }
    }
}
