package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.tune.trial.StudyDirection;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
        assertThat(flat).contains("With a number of trials (--trials or budget.trials), no trial starts after it")
                .contains("on a file without budget.trials, the time-budget mode: the search and the refit of the best model both end"
                        + " within it");
    }
}
