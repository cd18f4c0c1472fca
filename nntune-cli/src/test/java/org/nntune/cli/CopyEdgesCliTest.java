package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.exit.ExitCode;
import org.nntune.storage.Storages;
import org.nntune.tune.space.FloatDistribution;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.TrialState;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code copy} of what Optuna may store (infinite values), of what it cannot take, and onto itself. */
class CopyEdgesCliTest {
    @TempDir
    Path dir;

    /** What Optuna's {@code study.tell(t, float("inf"))} (and {@code -inf}) stores, in Optuna's tables. */
    private Path optunaStudyWithInfinities() {
        Path py = dir.resolve("py.db");
        try (Storage s = Storages.open("optuna+sqlite:///" + py)) {
            long id = s.createStudy("weird", List.of(StudyDirection.MINIMIZE));
            FloatDistribution x = FloatDistribution.uniform(0, 1);
            for (double v : new double[] {Double.POSITIVE_INFINITY, 0.5, Double.NEGATIVE_INFINITY}) {
                s.createTrial(id, FrozenTrial.template(TrialState.COMPLETE, List.of(v), Map.of("x", 0.5), Map.of("x", x)));
            }
        }
        return py;
    }

    @Test
    void infiniteValuesAreCopiedAsStored() throws Exception {
        Path py = optunaStudyWithInfinities();
        for (String to : List.of("sqlite:" + dir.resolve("out.db"), "optuna+sqlite:///" + dir.resolve("out-optuna.db"))) {
            CliTest.Result r = CliTest.run("copy", "weird", "--from", "optuna+sqlite:///" + py, "--to", to);
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("copied study 'weird' (3 trials)");
            CliTest.Result trials = CliTest.run("trials", "weird", "--storage", to, "--format", "csv");
            assertThat(trials.code()).as(trials.err()).isZero();
            assertThat(trials.out()).contains("Infinity").contains("-Infinity");
            CliTest.Result best = CliTest.run("best", "weird", "--storage", to);
            assertThat(best.out()).contains("best trial 2: value -Infinity");
        }
    }

    @Test
    void aCopyRefusedBeforeItWroteLeavesNoTargetFile() throws Exception {
        Path py = optunaStudyWithInfinities();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + py); Statement st = c.createStatement()) {
            st.execute("DELETE FROM trial_values WHERE trial_id = (SELECT trial_id FROM trials WHERE number = 1)");
        }
        Path out = dir.resolve("out.db");
        CliTest.Result r = CliTest.run("copy", "weird", "--from", "optuna+sqlite:///" + py, "--to", "sqlite:" + out);
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.STORAGE);
        assertThat(r.err()).contains("cannot copy study 'weird' to sqlite:" + out
                + ": trial 1 of study 'weird': COMPLETE needs 1 value(s), got []").doesNotContain("\tat ");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("py.db");
        }
    }

    @Test
    void aCopyOntoItsOwnStorageIsAUsageError() throws Exception {
        CliTest.Result tuned = CliTest.tuneWith(dir, CliTest.IRIS, "--storage", "sqlite:" + dir.resolve("a.db"),
                "--progress", "none");
        assertThat(tuned.code()).as(tuned.err()).isZero();
        Path abs = dir.resolve("a.db");
        String relative = Path.of("").toAbsolutePath().relativize(abs).toString();
        Files.createSymbolicLink(dir.resolve("link.db"), abs);
        for (String[] pair : List.of(new String[] {"sqlite:" + abs, "sqlite:" + abs},
                new String[] {"sqlite:" + relative, "sqlite:" + abs}, new String[] {"sqlite:///" + relative, "sqlite:" + abs},
                new String[] {"sqlite:" + dir.resolve("link.db"), "sqlite:" + dir.resolve("x/../a.db")},
                new String[] {"optuna+sqlite:////" + abs, "optuna+sqlite:///" + relative})) {
            CliTest.Result r = CliTest.run("copy", "iris-test", "--from", pair[0], "--to", pair[1]);
            assertThat(r.code()).as(String.join(" → ", pair) + ": " + r.err()).isEqualTo(ExitCode.USAGE);
            assertThat(r.err()).contains("source and target are the same storage (" + pair[0]).doesNotContain("delete");
        }
        // nntune's tables and Optuna's in one file are two storages
        CliTest.Result both = CliTest.run("copy", "iris-test", "--from", "sqlite:" + abs, "--to", "optuna+sqlite:///" + relative);
        assertThat(both.code()).as(both.err()).isZero();
        CliTest.Result listed = CliTest.run("studies", "--storage", "sqlite:" + abs);
        assertThat(listed.out()).contains("iris-test");
    }
}
