package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.tune.trial.StudyDirection;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What a run of a number of trials says it runs, and why it ended. */
class RunLinesCliTest {

    private static Path write(Path dir, String name, int trials) throws Exception {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, PostgresWorkersTest.TINY.formatted(name, trials));
        return file;
    }

    /** "running trials 3 to 4…" beside "trial 2 complete": the run line names the trials' own numbers. */
    @Test
    void theRunLineNamesTheNumbersTheTrialsGet(@TempDir Path dir) throws Exception {
        Path file = write(dir, "lines", 2);
        CliTest.Result first = CliTest.run("tune", file.toString(), "--progress", "plain");
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("running 2 trials (numbers 0 to 1)…", "trial 1 complete").doesNotContain("running trials");
        CliTest.Result more = CliTest.run("tune", file.toString(), "--trials", "4", "--progress", "plain");
        assertThat(more.code()).as(more.err()).isZero();
        assertThat(more.out()).contains("resuming: the study already has 2 finished trials of 4",
                "running 2 more trials (numbers 2 to 3)…", "trial 2 complete", "trial 3 complete").doesNotContain("running trials");
    }

    /** A study another program created (Optuna) with no trial yet is started, not "resumed" with "0 finished trials". */
    @Test
    void aStoredStudyWithoutTrialsIsNotSaidToResume(@TempDir Path dir) throws Exception {
        Path file = write(dir, "empty", 1);
        String url = "optuna+sqlite:///" + dir.resolve("optuna.db");
        try (var storage = org.nntune.storage.Storages.open(url)) {
            storage.createStudy("empty", List.of(StudyDirection.MAXIMIZE));
        }
        CliTest.Result r = CliTest.run("tune", file.toString(), "--storage", url, "--progress", "plain");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).doesNotContain("resuming").contains("running 1 trial (number 0)…", "1 trials: 1 complete");
    }

    /**
     * A study another program made (Optuna from Python) stores no study file; when its trials have a parameter of another
     * kind than the file's space asks (a categorical with other choices), the run stops before any trial: it ran every new
     * trial into a FAIL, on every run, and then blamed the learning rate.
     */
    @Test
    void anotherProgramsStudyWhoseParametersTheFileCannotContinueStopsBeforeAnyTrial(@TempDir Path dir) throws Exception {
        String url = "optuna+sqlite:///" + dir.resolve("optuna.db");
        try (var storage = org.nntune.storage.Storages.open(url)) {
            org.nntune.tune.study.Study py = org.nntune.tune.study.Study.builder("python").storage(storage)
                    .directions(StudyDirection.MAXIMIZE).create();
            for (int i = 0; i < 3; i++) {
                org.nntune.tune.study.Trial t = py.ask();
                t.suggestCategorical("activation", List.of("relu", "tanh", "gelu"));
                t.suggestInt("units_1", 4, 16);
                py.tell(t, 0.5);
            }
        }
        Path file = dir.resolve("python.yaml");
        Files.writeString(file, PostgresWorkersTest.TINY.formatted("python", 5)
                .replace("    optimizer: adam\n", "    optimizer: adam\n    activation: [relu, tanh]\n"));
        CliTest.Result r = CliTest.run("tune", file.toString(), "--storage", url, "--progress", "plain");
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.err()).contains("study 'python'", "was not started from a study file", "parameter 'activation'",
                "[relu, tanh, gelu]", "[relu, tanh]", "--study");
        assertThat(r.out()).doesNotContain("trial 3");
        try (var storage = org.nntune.storage.Storages.open(url)) {
            long id = storage.findStudyId("python").orElseThrow();
            assertThat(storage.getAllTrials(id, java.util.EnumSet.allOf(org.nntune.tune.trial.TrialState.class))).hasSize(3);
        }
        // the same choices: it goes on, the stored trials counted
        Files.writeString(file, Files.readString(file).replace("activation: [relu, tanh]", "activation: [relu, tanh, gelu]"));
        CliTest.Result ok = CliTest.run("tune", file.toString(), "--storage", url, "--progress", "plain");
        assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.out()).contains("running 2 more trials (numbers 3 to 4)…", "5 trials: 5 complete");
    }

    /**
     * The best trials of another program's study lie outside the file's ranges (same kinds, so trials run): the refit
     * cannot rebuild them, and the error says so with each one's reason, not "lower the learning rate".
     */
    @Test
    void bestTrialsTheFileCannotRebuildAreNamedWithTheirReasons(@TempDir Path dir) throws Exception {
        String url = "optuna+sqlite:///" + dir.resolve("optuna.db");
        try (var storage = org.nntune.storage.Storages.open(url)) {
            org.nntune.tune.study.Study py = org.nntune.tune.study.Study.builder("wide").storage(storage)
                    .directions(StudyDirection.MAXIMIZE).create();
            for (int i = 0; i < 3; i++) {
                py.enqueueTrial(Map.of("units_1", 40 + i, "lr", 0.05)); // the file's range of units is 4..16
                org.nntune.tune.study.Trial t = py.ask();
                t.suggestInt("units_1", 4, 64);
                t.suggestFloat("lr", 1e-2, 1e-1, org.nntune.tune.study.Log.YES);
                py.tell(t, 0.99 - i * 0.01);
            }
        }
        Path file = dir.resolve("wide.yaml");
        Files.writeString(file, PostgresWorkersTest.TINY.formatted("wide", 3));
        CliTest.Result r = CliTest.run("tune", file.toString(), "--storage", url, "--progress", "plain");
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.err()).contains("the best trials cannot be rebuilt from this study file's space", "trial 0: ",
                "units_1", "--study NEW-NAME").doesNotContain("learning rate");
    }

    /** A number of trials that --timeout cut short: a line says the timeout ended the run, and how to go on. */
    @Test
    void aRunTheTimeoutEndedSaysSo(@TempDir Path dir) throws Exception {
        Path file = write(dir, "cut", 5);
        // more trials than any machine runs in 2 s (on a quiet one, 1,000 of these took under 2 s)
        CliTest.Result r = CliTest.run("tune", file.toString(), "--trials", "100000", "--timeout", "2s", "--progress", "none");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("the timeout \\(--timeout 2s\\) ended the run after \\d+ of 100000 trials; the same command"
                + " resumes: nntune tune .*cut.yaml --trials 100000 --timeout 2s");
        // a budget reached before the timeout: no such line
        CliTest.Result done = CliTest.run("tune", write(dir, "whole", 2).toString(), "--timeout", "5m", "--progress", "plain");
        assertThat(done.code()).as(done.err()).isZero();
        assertThat(done.out()).contains("2 trials: 2 complete").doesNotContain("ended the run");
    }

    @Test
    void tuneHelpSaysBothMeaningsOfTimeout() {
        CliTest.Result help = CliTest.run("tune", "--help");
        String flat = help.out().replaceAll("\\s+", " ");
        assertThat(flat).contains("With a number of trials (--trials or budget.trials), no trial of the study starts after it, in this"
                        + " process or in its workers (nntune worker, Spark tasks)")
                .contains("on a file without budget.trials, the time-budget mode: the search and the refit of the best model both end"
                        + " within it");
    }
}
