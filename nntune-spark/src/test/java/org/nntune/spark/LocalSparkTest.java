package org.nntune.spark;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.exit.ExitCode;
import org.nntune.cli.output.Progress;
import org.nntune.cli.run.ClusterWorkers;
import org.nntune.cli.run.StudyRun;
import org.nntune.cli.studyfile.StudyFileReader;
import org.nntune.tune.trial.FrozenTrial;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Studies on Spark in local mode ({@code local[2]}: the driver and two task slots in this JVM) on
 * PostgreSQL: {@code nntune tune --spark} end to end, Spark's task retries, and the data check.
 */
class LocalSparkTest {

    @Test
    void tuneOnSparkRunsTheBudgetExactlyAndWritesTheResultsLikeTune(@TempDir Path dir) throws Exception {
        try (SparkTestDatabase db = SparkTestDatabase.create()) {
            Path file = dir.resolve("grid.yaml");
            Files.writeString(file, Studies.grid("sparkgrid", 9, 6));
            // three workers on two slots: the third starts when one ends, finds the budget met and ends at once
            Studies.Result r = Studies.nntune("tune", file.toString(), "--spark", "local[2]", "--workers", "3",
                    "--storage", db.url(), "--progress", "plain");
            assertThat(r.code()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("Spark: 3 workers on local[2]").contains("9 trials: 9 complete")
                    .contains("worker 0 (executor driver").contains("worker 2 (executor driver")
                    .contains("worker done: the study has 9 trials").contains("best params: ").contains("best-params.json")
                    .contains("trial 8 complete").doesNotContain("password");
            Path results = dir.resolve("grid-results");
            assertThat(results.resolve("best.model")).isRegularFile();
            assertThat(results.resolve("best-params.json")).isRegularFile();
            assertThat(results.resolve("report.html")).isRegularFile();
            assertThat(Files.readAllLines(results.resolve("trials.csv"))).hasSize(1 + 9);
            Studies.assertExactBudget(db.url(), "sparkgrid", 9);
            assertThat(Studies.trials(db.url(), "sparkgrid")).hasSize(9);

            // the same command again: the budget is met, so no Spark application starts (no trial to hand out) and the
            // driver writes the results again itself, as a local run does
            Studies.Result again = Studies.nntune("tune", file.toString(), "--spark", "local[2]", "--workers", "2",
                    "--storage", db.url(), "--progress", "none");
            assertThat(again.code()).as(again.out() + again.err()).isZero();
            assertThat(again.out()).contains("resuming: the study already has 9 finished trials of 9").contains("9 trials: 9 complete")
                    .contains("best params: ").doesNotContain("Spark: ").doesNotContain("worker 0");
            assertThat(results.resolve("best.model")).isRegularFile();
            assertThat(Studies.trials(db.url(), "sparkgrid")).hasSize(9);
        }
    }

    /**
     * {@code tune --spark … --trials N --timeout T}: the driver's deadline is every task's. Three workers on two
     * slots: the third starts when one of the first two has stopped at the deadline, and starts no trial then
     * (with a timeout of its own from its start, it searched T more).
     */
    @Test
    void aTimeoutBesideTrialsIsTheDeadlineOfEverySparkTask(@TempDir Path dir) throws Exception {
        try (SparkTestDatabase db = SparkTestDatabase.create()) {
            Path file = dir.resolve("deadline.yaml");
            // random draws, far more trials than fit in the timeout (a grid would end at its last point)
            Files.writeString(file, Studies.grid("sparkdeadline", 100000, 300).replace("sampler: grid", "sampler: {type: random}"));
            Studies.Result r = Studies.nntune("tune", file.toString(), "--spark", "local[2]", "--workers", "3", "--timeout", "12s",
                    "--storage", db.url(), "--progress", "plain");
            assertThat(r.code()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("worker 2 (executor driver");
            java.time.Instant deadline;
            try (org.nntune.tune.storage.Storage s = org.nntune.storage.Storages.open(db.url())) {
                java.util.Map<?, ?> stored = (java.util.Map<?, ?>) s.getStudySystemAttrs(s.findStudyId("sparkdeadline").orElseThrow())
                        .get("nntune:cli:time_budget");
                assertThat(stored.get("mode")).isEqualTo("trials");
                deadline = java.time.Instant.ofEpochMilli(((Number) stored.get("started_ms")).longValue()
                        + ((Number) stored.get("timeout_ms")).longValue());
            }
            List<FrozenTrial> trials = Studies.trials(db.url(), "sparkdeadline");
            assertThat(trials).as("the first two workers' trials").isNotEmpty();
            // none started after the deadline (a second of slack between the database's clock and this one)
            assertThat(trials.stream().map(t -> t.datetimeStart().orElseThrow()).toList())
                        .allSatisfy(start -> assertThat(start).isBefore(deadline.plusSeconds(1)));
        }
    }

    /**
     * Spark retries a failed task (here: every task fails once, after its worker ran trials); each
     * attempt is one more worker, so the study still ends with exactly its budget, each grid point once.
     */
    @Test
    void aTaskThatFailsOnItsFirstAttemptIsRetriedWithoutExceedingTheBudget(@TempDir Path dir) throws Exception {
        try (SparkTestDatabase db = SparkTestDatabase.create()) {
            Path file = dir.resolve("retry.yaml");
            Files.writeString(file, Studies.grid("sparkretry", 8, 4));
            StringWriter text = new StringWriter();
            StudyRun.Overrides ov = new StudyRun.Overrides(Optional.of(db.url()), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty());
            // local[2,4]: two slots, and up to 4 failures of a task before the job fails (local mode's default is 1)
            int code = new StudyRun(new StudyFileReader().read(file), ov, new PrintWriter(text, true), Progress.Mode.PLAIN)
                    .runOn(new SparkWorkers(FailsFirstAttempt::new), "local[2,4]", Optional.of(2));
            assertThat(code).as(text.toString()).isZero();
            assertThat(text.toString()).contains("attempt 2").contains("8 trials: 8 complete");
            Studies.assertExactBudget(db.url(), "sparkretry", 8);
            assertThat(Studies.trials(db.url(), "sparkretry")).hasSize(8);
        }
    }

    /** Its first attempt runs a worker until the study holds 2 finished trials, then fails; later attempts run as usual. */
    static final class FailsFirstAttempt implements Function<Integer, ClusterWorkers.WorkerReport> {
        private final WorkerTask task;

        FailsFirstAttempt(WorkerTask task) {
            this.task = task;
        }

        @Override
        public ClusterWorkers.WorkerReport call(Integer worker) {
            if (TaskContext.get().attemptNumber() == 0) {
                ClusterWorkers.WorkerReport first = new WorkerTask(task.job().withTrials(2)).call(worker);
                throw new IllegalStateException("injected failure of worker " + worker + " after: " + first.message());
            }
            return task.call(worker);
        }
    }

    /**
     * A worker that stops (here worker 1 at once, as one on a machine without the data) while the other
     * meets the budget: the study is complete, so the driver still refits and writes the results, then
     * reports the worker with its exit code.
     */
    @Test
    void aStoppedWorkerDoesNotWithholdTheResultsOfAStudyTheOthersCompleted(@TempDir Path dir) throws Exception {
        try (SparkTestDatabase db = SparkTestDatabase.create()) {
            Path file = dir.resolve("half.yaml");
            Files.writeString(file, Studies.grid("sparkhalf", 4, 2));
            StringWriter text = new StringWriter();
            StudyRun.Overrides ov = new StudyRun.Overrides(Optional.of(db.url()), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty());
            org.nntune.cli.exit.CliException e = org.assertj.core.api.Assertions.catchThrowableOfType(
                    org.nntune.cli.exit.CliException.class,
                    () -> new StudyRun(new StudyFileReader().read(file), ov, new PrintWriter(text, true), Progress.Mode.NONE)
                            .runOn(new SparkWorkers(SECOND_WORKER_STOPS), "local[2]", Optional.of(2)));
            assertThat(e).as(text.toString()).isNotNull();
            assertThat(e.exitCode()).isEqualTo(ExitCode.DATA);
            assertThat(e.getMessage()).contains("worker 1 on nowhere stopped: no data here")
                    .contains("the other workers met the study's budget");
            assertThat(text.toString()).contains("4 trials: 4 complete").contains("best params: ");
            assertThat(dir.resolve("half-results").resolve("best.model")).isRegularFile();
            Studies.assertExactBudget(db.url(), "sparkhalf", 4);
        }
    }

    /** Worker 1 stops at once with exit code 3; the others run as usual. */
    private static final SparkWorkers.TaskDecorator SECOND_WORKER_STOPS = task -> worker -> worker == 1
            ? new ClusterWorkers.WorkerReport(1, 0, "nowhere", ExitCode.DATA, "no data here") : task.call(worker);

    /** An executor whose data differ from the study's (another version of the CSV file) refuses to work. */
    @Test
    void aWorkerWhoseDataDifferFromTheStudysRefuses(@TempDir Path dir) throws Exception {
        try (SparkTestDatabase db = SparkTestDatabase.create()) {
            Path csv = dir.resolve("points.csv");
            StringBuilder sb = new StringBuilder("a,b,kind\n");
            for (int i = 0; i < 40; i++) {
                sb.append(i % 7).append(',').append(i % 5).append(',').append(i % 2 == 0 ? "even" : "odd").append('\n');
            }
            Files.writeString(csv, sb);
            Path file = dir.resolve("points.yaml");
            Files.writeString(file, Studies.grid("sparkpoints", 3, 2).replace("data: {bundled: iris}",
                    "data: {csv: points.csv, label: kind, test_fraction: 0}"));
            Studies.Result first = Studies.nntune("tune", file.toString(), "--spark", "local[2]", "--workers", "1",
                    "--storage", db.url(), "--progress", "none");
            assertThat(first.code()).as(first.out() + first.err()).isZero();

            Files.writeString(csv, sb.toString().replace("\n3,", "\n4,"));
            // an executor that reads the changed file (as one with another copy would) checks it against the study's fingerprint
            ClusterWorkers.Job job = new ClusterWorkers.Job("local[1]", Optional.of(1), file.toAbsolutePath(), Files.readString(file),
                    "sparkpoints", db.url(), Optional.empty(), Optional.empty(), Optional.of(5));
            ClusterWorkers.WorkerReport refused = new WorkerTask(job).call(0);
            assertThat(refused.exitCode()).isEqualTo(ExitCode.DATA);
            assertThat(refused.message()).contains("fingerprint");
            // and so does the driver, before any task starts
            Studies.Result driver = Studies.nntune("tune", file.toString(), "--spark", "local[2]", "--workers", "1", "--trials", "5",
                    "--storage", db.url(), "--progress", "none");
            assertThat(driver.code()).isEqualTo(ExitCode.DATA);
            assertThat(driver.err()).contains("fingerprint").doesNotContain("\tat ");
            List<FrozenTrial> trials = Studies.trials(db.url(), "sparkpoints");
            assertThat(trials).hasSize(3);
        }
    }

    @Test
    void aMasterUrlSparkCannotUseIsExitCode1NamingItAndLeavesNoEmptyStudy(@TempDir Path dir) throws Exception {
        try (SparkTestDatabase db = SparkTestDatabase.create()) {
            Path file = dir.resolve("nomaster.yaml");
            Files.writeString(file, Studies.grid("nomaster", 2, 2));
            // its dry run checks the study and never starts Spark, so it checks out
            Studies.Result dry = Studies.nntune("tune", file.toString(), "--spark", "mesos-cluster-nowhere", "--workers", "2",
                    "--storage", db.url(), "--dry-run");
            assertThat(dry.code()).as(dry.out() + dry.err()).isEqualTo(ExitCode.OK);
            assertThat(dry.out()).contains(org.nntune.cli.run.StudyRun.DRY_RUN_DONE).doesNotContain("Spark:");
            Studies.Result r = Studies.nntune("tune", file.toString(), "--spark", "mesos-cluster-nowhere", "--workers", "2",
                    "--storage", db.url(), "--progress", "none");
            assertThat(r.code()).isEqualTo(ExitCode.OTHER);
            assertThat(r.err()).contains("cannot start Spark with master mesos-cluster-nowhere").doesNotContain("\tat ");
            try (org.nntune.tune.storage.Storage s = org.nntune.storage.Storages.open(db.url())) {
                assertThat(s.findStudyId("nomaster")).isEmpty();
            }
        }
    }

    @Test
    void sqliteIsRefusedBeforeSparkStarts(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("lite.yaml");
        Files.writeString(file, Studies.grid("lite", 2, 2));
        Studies.Result r = Studies.nntune("tune", file.toString(), "--spark", "local[2]", "--workers", "2", "--progress", "none");
        assertThat(r.code()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("an SQLite file").contains("cannot share");
        assertThat(r.out()).doesNotContain("Spark:");
    }
}
