package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.exit.ExitCode;
import org.nntune.storage.Storages;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudySummary;
import org.nntune.tune.trial.SystemAttrs;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every command does with a study whose {@code copy} was interrupted (killed, or its connection lost):
 * {@code studies} lists it as incomplete, the commands that read or resume it refuse it with exit code 4 and
 * the two ways out, {@code delete} deletes it, and the same {@code copy} again replaces it with the whole study.
 * (StudyCopierTest interrupts real copies on every backend; here the storage holds what such a copy leaves.)
 */
class IncompleteCopyCliTest {
    @TempDir
    Path dir;

    /** What a copy of {@code from}'s study interrupted after its first trial leaves in {@code to}. */
    private static void leaveIncompleteCopy(String from, String to) {
        leaveIncompleteCopy(from, to, "2025-01-01T00:00:00Z");
    }

    /** As {@link #leaveIncompleteCopy(String, String)}, its last sign of life at {@code started}. */
    private static void leaveIncompleteCopy(String from, String to, String started) {
        try (Storage src = Storages.open(from); Storage dst = Storages.open(to)) {
            long sid = src.getStudyId("iris-test");
            StudySummary s = src.getStudy(sid);
            List<FrozenTrial> trials = src.getAllTrials(sid);
            Map<String, Object> system = new LinkedHashMap<>(s.systemAttrs());
            system.put(SystemAttrs.COPY_IN_PROGRESS, Map.of("trials", trials.size(), "started", started));
            long id = dst.createStudy("iris-test", s.directions(), system);
            FrozenTrial t = trials.get(0);
            dst.createTrial(id, new FrozenTrial(-1, -1, t.state(), t.values(), t.params(), t.distributions(), t.userAttrs(),
                    t.systemAttrs(), t.intermediateValues(), t.datetimeStart(), t.datetimeComplete(), t.failureReason()));
        }
    }

    private static void assertRefused(CliTest.Result r, String url) {
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCode.STORAGE);
        assertThat(r.err()).contains("study 'iris-test' in " + url + " is an incomplete copy: the copy was interrupted")
                .contains("run the same copy again to replace it, or nntune delete iris-test --storage " + url)
                .doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void everyCommandSaysSoAndTheSameCopyAgainMendsIt() throws Exception {
        String laptop = "sqlite:" + dir.resolve("laptop.db");
        CliTest.Result tuned = CliTest.tuneWith(dir, CliTest.IRIS, "--storage", laptop, "--progress", "none");
        assertThat(tuned.code()).as(tuned.err()).isZero();
        Path file = dir.resolve("s.yaml"); // the study file tuneWith wrote
        String shared = "sqlite:" + dir.resolve("shared.db");
        leaveIncompleteCopy(laptop, shared);

        CliTest.Result studies = CliTest.run("studies", "--storage", shared);
        assertThat(studies.code()).as(studies.err()).isZero();
        assertThat(studies.out()).contains("iris-test").contains("INCOMPLETE COPY (1 of 3 trials arrived): copy it again, or delete it");

        assertRefused(CliTest.run("trials", "iris-test", "--storage", shared, "--format", "json"), shared);
        assertRefused(CliTest.run("best", "iris-test", "--storage", shared), shared);
        Path report = dir.resolve("report.html");
        assertRefused(CliTest.run("report", "iris-test", "--storage", shared, "-o", report.toString()), shared);
        assertThat(report).doesNotExist();
        assertRefused(CliTest.run("worker", "iris-test", "--storage", shared, "--progress", "none"), shared);
        assertRefused(CliTest.run("dashboard", "iris-test", "--storage", shared), shared);
        assertRefused(CliTest.run("tune", file.toString(), "--storage", shared, "--progress", "none"), shared);
        Path elsewhere = dir.resolve("elsewhere.db");
        assertRefused(CliTest.run("copy", "iris-test", "--from", shared, "--to", "sqlite:" + elsewhere), shared);
        assertThat(elsewhere).doesNotExist();
        try (Storage s = Storages.open(shared)) {
            assertThat(s.getAllTrials(s.getStudyId("iris-test"))).hasSize(1); // nothing ran on it
        }

        // the same copy again replaces it
        CliTest.Result again = CliTest.run("copy", "iris-test", "--from", laptop, "--to", shared);
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.err()).contains("replacing the incomplete copy of study 'iris-test' in " + shared
                + " (1 trials had arrived when the copy was interrupted)");
        assertThat(again.out()).contains("copied study 'iris-test' (3 trials)");
        CliTest.Result whole = CliTest.run("studies", "--storage", shared);
        assertThat(whole.out()).contains("iris-test").doesNotContain("INCOMPLETE");
        CliTest.Result trials = CliTest.run("trials", "iris-test", "--storage", shared, "--format", "csv");
        assertThat(trials.code()).as(trials.err()).isZero();
        assertThat(trials.out().split("\r\n")).hasSize(1 + 3);
        // a whole copy is not replaced
        CliTest.Result twice = CliTest.run("copy", "iris-test", "--from", laptop, "--to", shared);
        assertThat(twice.code()).isEqualTo(ExitCode.STORAGE);
        assertThat(twice.err()).contains("already exists");

        // a copy that showed life a moment ago may still be running: not replaced under it (two copies at once)
        String busy = "sqlite:" + dir.resolve("busy.db");
        leaveIncompleteCopy(laptop, busy, java.time.Instant.now().toString());
        CliTest.Result second = CliTest.run("copy", "iris-test", "--from", laptop, "--to", busy);
        assertThat(second.code()).as(second.err()).isEqualTo(ExitCode.STORAGE);
        assertThat(second.err()).contains("study 'iris-test' in " + busy + " is being copied now (1 of 3 trials have arrived",
                "wait for that copy to end; if it was killed, copy again after",
                "or delete the study first (nntune delete iris-test --storage " + busy + ")").doesNotContain("replacing", "\tat ");
        try (Storage s = Storages.open(busy)) {
            assertThat(s.getAllTrials(s.getStudyId("iris-test"))).hasSize(1); // left as it was
        }

        // or delete it
        String other = "sqlite:" + dir.resolve("other.db");
        leaveIncompleteCopy(laptop, other);
        CliTest.Result deleted = CliTest.run("delete", "iris-test", "--storage", other, "--yes");
        assertThat(deleted.code()).as(deleted.err()).isZero();
        assertThat(deleted.out()).contains("deleted incomplete copy of study 'iris-test' (1 trials)");
        assertThat(CliTest.run("studies", "--storage", other).out()).contains("no studies");
    }
}
