package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.storage.Storages;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.TrialState;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL connections cut under a running study ({@code pg_terminate_backend} of every session of
 * the nntune process, eight times) are reopened and the interrupted statements run again: the study
 * finishes its budget with every trial complete, exit 0, and nothing but nntune's own lines on the terminal.
 */
class LostConnectionTest {

    @Test
    void terminatedBackendsAreReconnectedAndTheStudyGoesOn(@TempDir Path dir) throws Exception {
        CliProcesses.assumePostgres();
        String schema = CliProcesses.createSchema();
        String app = "nntune_" + schema; // names this test's sessions only: other tests share the server
        String url = CliProcesses.pgUrl(schema) + "&ApplicationName=" + app;
        Path file = dir.resolve("cut.yaml");
        Files.writeString(file, PostgresWorkersTest.TINY.formatted("cut", 8).replace("epochs: 8", "epochs: 800"));
        try (CliProcesses jvms = new CliProcesses(dir)) {
            CliProcesses.Cli run = jvms.start("tune", file.toString(), "--storage", url, "--progress", "plain");
            int cuts = 0;
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (run.process().isAlive() && System.nanoTime() < deadline && cuts < 8) {
                Thread.sleep(400);
                if (terminate(app) > 0) {
                    cuts++;
                }
            }
            assertThat(cuts).as("connections cut while the study ran\n%s\n%s", run.outText(), run.errText()).isGreaterThanOrEqualTo(4);
            int code = run.await(180);
            String err = run.errText();
            assertThat(code).as("%s\n%s", run.outText(), err).isZero();
            for (String line : err.split("\\R")) {
                assertThat(line).as("stderr:\n" + err).matches("|WARNING: Using incubator modules: jdk.incubator.vector|nntune: .*");
            }
            assertThat(err).doesNotContain("\tat ", "Hikari", " WARN ");
            try (Storage s = Storages.open(CliProcesses.pgUrl(schema))) {
                List<FrozenTrial> trials = s.getAllTrials(s.findStudyId("cut").orElseThrow());
                assertThat(trials).hasSize(8).allMatch(t -> t.state() == TrialState.COMPLETE);
            }
        } finally {
            CliProcesses.dropSchema(schema);
        }
    }

    /** Ends every session of the given application name; @return how many. */
    private static int terminate(String app) throws Exception {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", p);
             PreparedStatement ps = c.prepareStatement(
                     "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = ?")) {
            ps.setString(1, app);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
