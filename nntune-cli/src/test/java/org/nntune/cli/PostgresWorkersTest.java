package org.nntune.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.exit.ExitCode;
import org.nntune.storage.Storages;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.TrialState;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Workers joining a study on PostgreSQL, and studies copied between SQLite and PostgreSQL. */
class PostgresWorkersTest {

    /** A cheap study: a fraction of a second per trial. */
    static final String TINY = """
            study: %s
            seed: 11
            data: {bundled: iris}
            metric: accuracy
            validation: {method: holdout, fraction: 0.25}
            model:
              family: mlp
              space:
                layers: 1
                units: {low: 4, high: 16}
                optimizer: adam
                lr: {low: 1.0e-2, high: 1.0e-1, log: true}
                batch_size: 32
                epochs: 8
            sampler: {type: random}
            pruner: {type: none}
            budget: {trials: %d}
            """;

    private final List<String> schemas = new ArrayList<>();

    @BeforeEach
    void needsPostgres() {
        CliProcesses.assumePostgres();
    }

    @AfterEach
    void dropSchemas() {
        schemas.forEach(CliProcesses::dropSchema);
    }

    private String freshPgUrl() {
        String schema = CliProcesses.createSchema();
        schemas.add(schema);
        return CliProcesses.pgUrl(schema);
    }

    @Test
    void twoWorkerProcessesFinishTheStoredBudgetExactly(@TempDir Path dir) throws Exception {
        String url = freshPgUrl();
        Path file = dir.resolve("shared.yaml");
        Files.writeString(file, TINY.formatted("shared", 8));
        CliTest.Result first = CliTest.run("tune", file.toString(), "--storage", url, "--trials", "2", "--progress", "none");
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("2 trials: 2 complete");

        try (CliProcesses jvms = new CliProcesses(dir)) {
            // the first tune stored its --trials 2 as the study's budget: the workers raise it to the file's 8
            CliProcesses.Cli a = jvms.start("worker", "shared", "--storage", url, "--trials", "8");
            CliProcesses.Cli b = jvms.start("worker", "shared", "--storage", url, "--trials", "8");
            for (CliProcesses.Cli w : List.of(a, b)) {
                assertThat(w.await(120)).as("%s\n%s", w.outText(), w.errText()).isZero();
                assertThat(w.outText()).contains("worker done: the study has 8 trials");
            }
        }
        try (Storage s = Storages.open(url)) {
            List<FrozenTrial> trials = s.getAllTrials(s.findStudyId("shared").orElseThrow());
            assertThat(trials).extracting(FrozenTrial::number).containsExactlyInAnyOrderElementsOf(
                    IntStream.range(0, 8).boxed().toList());
            assertThat(trials).extracting(FrozenTrial::state).containsOnly(TrialState.COMPLETE);
        }

        CliTest.Result unknown = CliTest.run("worker", "no-such-study", "--storage", url);
        assertThat(unknown.code()).isEqualTo(ExitCode.STORAGE);
        assertThat(unknown.err()).contains("no study named 'no-such-study'").contains("shared").doesNotContain("\tat ");
    }

    /** The budget mode {@code tune} stored with the study, read once the study's first trial has started (within 2 minutes). */
    private static Map<?, ?> budgetRecordOnceATrialStarted(String url, String study, CliProcesses.Cli tune) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        Map<?, ?> record = null;
        try (Storage s = Storages.open(url)) {
            while (record == null || s.getAllTrials(s.findStudyId(study).orElseThrow()).isEmpty()) {
                assertThat(tune.process().isAlive()).as("tune ended early:\n%s\n%s", tune.outText(), tune.errText()).isTrue();
                assertThat(System.nanoTime()).as("no study in time:\n%s", tune.outText()).isLessThan(deadline);
                Thread.sleep(100);
                if (s.findStudyId(study).isPresent()) {
                    record = (Map<?, ?>) s.getStudySystemAttrs(s.findStudyId(study).getAsLong()).get("nntune:cli:time_budget");
                }
            }
        }
        return record;
    }

    @Test
    void aWorkerOfATimeBudgetStudySearchesUntilTheDeadlineTuneStored(@TempDir Path dir) throws Exception {
        String url = freshPgUrl();
        Path file = dir.resolve("timed.yaml");
        // no timeout in the file: only tune's --timeout makes it a time-budget study, which the worker must learn from the storage
        String yaml = TimeBudgetCliTest.IRIS.replace("study: iris-budget", "study: timed");
        Files.writeString(file, yaml.substring(0, yaml.indexOf("budget:")) + "budget:\n  max_epochs: 9\n");
        long budgetMillis = 30_000;
        try (CliProcesses jvms = new CliProcesses(dir)) {
            CliProcesses.Cli tune = jvms.start("tune", file.toString(), "--storage", url, "--timeout", "30s", "--progress", "plain");
            // the worker joins once the first trial started: with a clock of its own it would search past tune's deadline
            // (a generous budget: on a loaded machine a JVM takes seconds to start, and the worker must find time left)
            Map<?, ?> time = budgetRecordOnceATrialStarted(url, "timed", tune);
            assertThat(time.get("mode")).isEqualTo("time");
            assertThat(((Number) time.get("max_epochs")).intValue()).isEqualTo(9);
            assertThat(((Number) time.get("timeout_ms")).longValue()).isEqualTo(budgetMillis);
            java.time.Instant end = java.time.Instant.ofEpochMilli(((Number) time.get("started_ms")).longValue() + budgetMillis);

            CliProcesses.Cli worker = jvms.start("worker", "timed", "--storage", url, "--progress", "plain");
            assertThat(worker.await(120)).as("%s\n%s", worker.outText(), worker.errText()).isZero();
            assertThat(tune.await(120)).as("%s\n%s", tune.outText(), tune.errText()).isZero();
            String clock = java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss").format(end.atZone(java.time.ZoneId.systemDefault()));
            assertThat(worker.outText()).contains("worker: following the study's time budget").contains("searching until " + clock)
                    .contains("time budget 00:30: tpe search up to 9 epochs a trial").contains("worker done:");
            assertThat(tune.outText()).contains("refit trained");

            try (Storage s = Storages.open(url)) {
                List<FrozenTrial> trials = s.getAllTrials(s.findStudyId("timed").orElseThrow());
                String pid = ":" + worker.process().pid() + "/";
                List<FrozenTrial> ofWorker = trials.stream().filter(t -> String.valueOf(t.systemAttrs().get("worker")).contains(pid)).toList();
                assertThat(ofWorker).as("the worker's trials").isNotEmpty();
                // the worker's trials are the time-budget mode's (up to max_epochs, the brackets' pruning), none failed
                assertThat(trials).noneMatch(t -> t.state() == TrialState.FAIL)
                        .allMatch(t -> t.intermediateValues().isEmpty() || t.intermediateValues().lastKey() <= 9);
                // and ended by the deadline tune stored (the search stops before it, keeping the refit's share; a
                // second of slack for an epoch on a loaded machine): a worker with a clock of its own would run on
                assertThat(ofWorker).allSatisfy(t -> assertThat(t.datetimeComplete().orElseThrow()).isBefore(end.plusSeconds(1)));
            }
        }
        // joining after the search ended: nothing to do, said so, exit 0, no trial added
        try (Storage s = Storages.open(url)) {
            int before = s.getAllTrials(s.findStudyId("timed").orElseThrow()).size();
            CliTest.Result late = CliTest.run("worker", "timed", "--storage", url, "--progress", "none");
            assertThat(late.code()).as(late.out() + late.err()).isZero();
            assertThat(late.out()).contains("the study's time budget is spent (its search ended at ")
                    .contains("run nntune tune for another budget");
            assertThat(s.getAllTrials(s.findStudyId("timed").orElseThrow())).hasSize(before);
            CliTest.Result counted = CliTest.run("worker", "timed", "--storage", url, "--trials", "50");
            assertThat(counted.code()).isEqualTo(ExitCode.USAGE);
            assertThat(counted.err()).contains("runs on a time budget").contains("drop --trials");
        }
    }

    /**
     * {@code tune --trials N --timeout T}: the timeout binds the study, not only the tune process. It is stored with
     * the study and a worker starts no trial after tune's start + T (it ran on for minutes, as if it had no deadline);
     * a worker that joins after it starts none and says so.
     */
    @Test
    void aTimeoutBesideANumberOfTrialsIsTheDeadlineOfEveryWorker(@TempDir Path dir) throws Exception {
        String url = freshPgUrl();
        Path file = dir.resolve("deadline.yaml");
        // a tenth of a second to seconds per trial: far more trials than fit in the timeout, on any machine
        Files.writeString(file, TINY.formatted("deadline", 8).replace("epochs: 8", "epochs: 1500"));
        long timeoutMillis = 30_000;
        try (CliProcesses jvms = new CliProcesses(dir)) {
            CliProcesses.Cli tune = jvms.start("tune", file.toString(), "--storage", url, "--trials", "100000", "--timeout", "30s",
                    "--progress", "plain");
            Map<?, ?> stored = budgetRecordOnceATrialStarted(url, "deadline", tune);
            assertThat(stored.get("mode")).isEqualTo("trials");
            assertThat(((Number) stored.get("timeout_ms")).longValue()).isEqualTo(timeoutMillis);
            java.time.Instant end = java.time.Instant.ofEpochMilli(((Number) stored.get("started_ms")).longValue() + timeoutMillis);

            CliProcesses.Cli worker = jvms.start("worker", "deadline", "--storage", url, "--progress", "plain");
            assertThat(worker.await(180)).as("%s\n%s", worker.outText(), worker.errText()).isZero();
            assertThat(tune.await(180)).as("%s\n%s", tune.outText(), tune.errText()).isZero();
            String clock = java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss").format(end.atZone(java.time.ZoneId.systemDefault()));
            assertThat(worker.outText()).contains("worker: following the study's deadline: like its last nntune tune, it starts"
                    + " no trial after " + clock).contains("the study's deadline (" + clock + ", its last nntune tune's timeout)"
                    + " ended this worker after ").contains("worker done:");
            assertThat(tune.outText()).contains("the timeout (--timeout 30s) ended the run after");

            try (Storage s = Storages.open(url)) {
                List<FrozenTrial> trials = s.getAllTrials(s.findStudyId("deadline").orElseThrow());
                String pid = ":" + worker.process().pid() + "/";
                List<FrozenTrial> ofWorker = trials.stream().filter(t -> String.valueOf(t.systemAttrs().get("worker")).contains(pid)).toList();
                assertThat(ofWorker).as("the worker's trials").isNotEmpty();
                // none started after the deadline (a second of slack between the database's clock and this one)
                assertThat(trials.stream().map(t -> t.datetimeStart().orElseThrow()).toList())
                        .allSatisfy(start -> assertThat(start).isBefore(end.plusSeconds(1)));
                assertThat(trials).noneMatch(t -> t.state() == TrialState.RUNNING || t.state() == TrialState.FAIL);
            }
        }
        // a worker that joins after the deadline starts no trial, says so, and exits 0
        try (Storage s = Storages.open(url)) {
            int before = s.getAllTrials(s.findStudyId("deadline").orElseThrow()).size();
            CliTest.Result late = CliTest.run("worker", "deadline", "--storage", url, "--progress", "none");
            assertThat(late.code()).as(late.out() + late.err()).isZero();
            assertThat(late.out()).contains("the study's deadline has passed (its last nntune tune started no trial after ")
                    .contains("run nntune tune again for a new deadline");
            assertThat(s.getAllTrials(s.findStudyId("deadline").orElseThrow())).hasSize(before);
        }
        // a tune without a timeout lifts the deadline: a worker then runs to the budget
        CliTest.Result more = CliTest.run("tune", file.toString(), "--storage", url, "--trials", "1", "--progress", "none");
        assertThat(more.code()).as(more.out() + more.err()).isZero();
        try (Storage s = Storages.open(url)) {
            assertThat(s.getStudySystemAttrs(s.findStudyId("deadline").orElseThrow()).get("nntune:cli:time_budget"))
                    .isEqualTo(Map.of("mode", "trials"));
        }
    }

    @Test
    void aWorkerWhoseDataDifferRefuses(@TempDir Path dir) throws Exception {
        String url = freshPgUrl();
        Path csv = dir.resolve("points.csv");
        StringBuilder sb = new StringBuilder("a,b,kind\n");
        for (int i = 0; i < 40; i++) {
            sb.append(i % 7).append(',').append(i % 5).append(',').append(i % 2 == 0 ? "even" : "odd").append('\n');
        }
        Files.writeString(csv, sb);
        Path file = dir.resolve("points.yaml");
        Files.writeString(file, TINY.formatted("points", 4).replace("data: {bundled: iris}",
                "data: {csv: points.csv, label: kind, test_fraction: 0}"));
        CliTest.Result first = CliTest.run("tune", file.toString(), "--storage", url, "--trials", "1", "--progress", "none");
        assertThat(first.code()).as(first.err()).isZero();

        Files.writeString(csv, sb.toString().replace("\n3,", "\n4,"));
        CliTest.Result worker = CliTest.run("worker", "points", "--storage", url);
        assertThat(worker.code()).as(worker.out() + worker.err()).isEqualTo(ExitCode.DATA);
        assertThat(worker.err()).contains("was run on other training data than the ones this worker loaded, CSV points.csv")
                .contains("give the worker the same data files").doesNotContain("\tat ");
        // tune on the changed file: the same refusal in the study file's words, with the ways out
        CliTest.Result tune = CliTest.run("tune", file.toString(), "--storage", url, "--trials", "2", "--progress", "none");
        assertThat(tune.code()).as(tune.out() + tune.err()).isEqualTo(ExitCode.DATA);
        assertThat(tune.err()).contains("points.yaml: study 'points'").contains("than this file's CSV points.csv")
                .contains("--study points-2").contains("nntune delete points").doesNotContain("worker", "\tat ");
        try (Storage s = Storages.open(url)) {
            assertThat(s.getAllTrials(s.findStudyId("points").orElseThrow())).hasSize(1);
        }
    }

    @Test
    void copyFromSqliteToPostgresAndBackKeepsTheTrials(@TempDir Path dir) throws Exception {
        String pg = freshPgUrl();
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, TINY.formatted("travels", 3));
        CliTest.Result tuned = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(tuned.code()).as(tuned.err()).isZero();
        String sqlite = "sqlite:" + dir.resolve("c.db");
        String back = "sqlite:" + dir.resolve("back.db");

        CliTest.Result there = CliTest.run("copy", "travels", "--from", sqlite, "--to", pg);
        assertThat(there.code()).as(there.err()).isZero();
        assertThat(there.out()).contains("copied study 'travels' (3 trials)");
        CliTest.Result home = CliTest.run("copy", "travels", "--from", pg, "--to", back);
        assertThat(home.code()).as(home.err()).isZero();

        String original = CliTest.run("trials", "travels", "--storage", sqlite, "--format", "csv").out();
        assertThat(original.split("\r\n")).hasSize(1 + 3);
        assertThat(CliTest.run("trials", "travels", "--storage", pg, "--format", "csv").out()).isEqualTo(original);
        assertThat(CliTest.run("trials", "travels", "--storage", back, "--format", "csv").out()).isEqualTo(original);

        CliTest.Result again = CliTest.run("copy", "travels", "--from", sqlite, "--to", pg);
        assertThat(again.code()).isEqualTo(ExitCode.STORAGE);
        assertThat(again.err()).contains("already exists");
        CliTest.Result missing = CliTest.run("copy", "nothing", "--from", sqlite, "--to", pg);
        assertThat(missing.code()).isEqualTo(ExitCode.STORAGE);
        assertThat(missing.err()).contains("no study named 'nothing'").contains("travels");
    }
}
