package org.nntune.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The two Alembic revisions of Optuna's schema nntune writes and reads, and the databases it refuses. */
class OptunaSchemaTest {
    @TempDir
    Path dir;

    private List<String> column(Path db, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private void exec(Path db, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Test
    void newDatabasesGetTheRevisionAsked() throws Exception {
        Path v30 = dir.resolve("v30.db");
        try (OptunaStorage s = OptunaStorage.open("optuna+sqlite:///" + v30)) {
            assertThat(s.revision()).isEqualTo("v3.0.0.d");
        }
        assertThat(column(v30, "SELECT version_num FROM alembic_version")).containsExactly("v3.0.0.d");
        assertThat(column(v30, "SELECT schema_version FROM version_info")).containsExactly("12");
        assertThat(column(v30, "SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'ix_trials_study_id'")).isEmpty();

        Path v32 = dir.resolve("v32.db");
        try (OptunaStorage s = OptunaStorage.open("optuna+sqlite:///" + v32 + "?optuna_revision=v3.2.0.a&busy_timeout_ms=5000")) {
            assertThat(s.revision()).isEqualTo("v3.2.0.a");
            s.createStudy("s", List.of(org.nntune.tune.trial.StudyDirection.MINIMIZE));
        }
        assertThat(column(v32, "SELECT version_num FROM alembic_version")).containsExactly("v3.2.0.a");
        assertThat(column(v32, "SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'ix_trials_study_id'")).hasSize(1);
        // an existing database keeps its revision, whatever the URL asks for a new one
        try (OptunaStorage s = OptunaStorage.open("optuna+sqlite:///" + v32)) {
            assertThat(s.revision()).isEqualTo("v3.2.0.a");
            assertThat(s.findStudyId("s")).isPresent();
        }
    }

    @Test
    void refusesUnknownRevisionsAndForeignSchemas() throws Exception {
        Path old = dir.resolve("old.db");
        OptunaStorage.open("optuna+sqlite:///" + old).close();
        exec(old, "UPDATE alembic_version SET version_num = 'v2.6.0.a'");
        assertThatThrownBy(() -> OptunaStorage.open("optuna+sqlite:///" + old)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("old.db").hasMessageContaining("[v2.6.0.a]").hasMessageContaining("optuna storage upgrade");

        Path foreign = dir.resolve("foreign.db");
        exec(foreign, "CREATE TABLE studies (id INTEGER)");
        assertThatThrownBy(() -> OptunaStorage.open("optuna+sqlite:///" + foreign)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no 'alembic_version'");

        assertThatThrownBy(() -> Storages.open("optuna+sqlite:///" + dir.resolve("x.db") + "?optuna_revision=4"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("optuna_revision=4");
        assertThat(dir.resolve("x.db")).doesNotExist();
    }
}
