package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.exit.ExitCode;
import org.nntune.storage.Storages;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.SystemAttrs;
import org.nntune.tune.trial.TrialState;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** SIGTERM (what Ctrl-C does too: the JVM's shutdown hooks run) in the middle of a trial, then resumed. */
class InterruptTest {

    /** Trials of a few seconds each: long enough to be caught in the middle of one. */
    static final String SLOW = PostgresWorkersTest.TINY.formatted("slow", 3).replace("layers: 1", "layers: 2")
            .replace("units: {low: 4, high: 16}", "units: {low: 32, high: 64}").replace("batch_size: 32", "batch_size: 4")
            .replace("epochs: 8", "epochs: 100");

    @Test
    void sigtermMidTrialLeavesAConsistentStudyThatResumes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("slow.yaml");
        Files.writeString(file, SLOW);
        String url = "sqlite:" + dir.resolve("slow.db");
        try (CliProcesses jvms = new CliProcesses(dir)) {
            CliProcesses.Cli cli = jvms.start("tune", file.toString(), "--progress", "plain");
            // a finished trial in the output, then the next one RUNNING in the storage
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (!cli.outText().contains("trial 0 complete")) {
                assertThat(cli.process().isAlive()).as("nntune ended early:\n%s\n%s", cli.outText(), cli.errText()).isTrue();
                assertThat(System.nanoTime()).as("no finished trial in time:\n%s", cli.outText()).isLessThan(deadline);
                Thread.sleep(100);
            }
            try (Storage s = Storages.open(url)) {
                long id = s.findStudyId("slow").orElseThrow();
                while (s.countTrials(id, EnumSet.of(TrialState.RUNNING)) == 0) {
                    assertThat(System.nanoTime()).as("no second trial started").isLessThan(deadline);
                    Thread.sleep(20);
                }
            }
            cli.process().destroy();
            // 143: the JVM's exit code after SIGTERM (128 + 15), as documented beside Ctrl-C's 130
            assertThat(cli.await(60)).isEqualTo(143);
            assertThat(cli.errText()).contains("interrupted").contains("queued to run again with their parameters")
                    .contains("Resume with: nntune tune " + file);
        }

        FrozenTrial interrupted;
        try (Storage s = Storages.open(url)) {
            long id = s.findStudyId("slow").orElseThrow();
            List<FrozenTrial> trials = s.getAllTrials(id);
            // the interrupted trial is failed and queued again with its parameters, as a dead worker's is
            assertThat(trials).extracting(FrozenTrial::state).containsExactly(TrialState.COMPLETE, TrialState.FAIL,
                    TrialState.WAITING);
            interrupted = trials.get(1);
            assertThat(interrupted.failureReason()).hasValueSatisfying(r -> assertThat(r).contains("interrupted"));
            assertThat(trials.get(2).isRetry()).isTrue();
            assertThat(trials.get(2).fixedParams()).containsAllEntriesOf(interrupted.params());
        }

        // the same command resumes: the interrupted configuration runs first, in its attempt's place in the budget,
        // then the one trial the budget has left
        CliTest.Result again = CliTest.run("tune", file.toString(), "--trials", "3", "--progress", "none");
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).contains("resuming: the study already has 2 finished trials of 3, of which 1 stopped unfinished"
                + " (interrupted, or its worker died) and runs again first with its parameters");
        try (Storage s = Storages.open(url)) {
            List<FrozenTrial> trials = s.getAllTrials(s.findStudyId("slow").orElseThrow());
            assertThat(trials).extracting(FrozenTrial::state).containsExactly(TrialState.COMPLETE, TrialState.FAIL,
                    TrialState.COMPLETE, TrialState.COMPLETE);
            assertThat(trials.get(2).params()).isEqualTo(interrupted.params());
            assertThat(trials.get(2).systemAttrs()).containsEntry(SystemAttrs.FAILED_TRIAL, (long) interrupted.number());
        }
    }

    @Test
    void sigtermInTheRefitSaysTheTrialsAreKeptAndTheSameCommandRefits(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("slow.yaml");
        Files.writeString(file, SLOW);
        try (CliProcesses jvms = new CliProcesses(dir)) {
            CliProcesses.Cli cli = jvms.start("tune", file.toString(), "--trials", "1", "--progress", "plain");
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (!cli.outText().contains("refitting the best configuration")) {
                assertThat(cli.process().isAlive()).as("nntune ended early:\n%s\n%s", cli.outText(), cli.errText()).isTrue();
                assertThat(System.nanoTime()).as("no refit in time:\n%s", cli.outText()).isLessThan(deadline);
                Thread.sleep(20);
            }
            cli.process().destroy();
            cli.await(60);
            assertThat(cli.outText()).doesNotContain("wrote:");
            assertThat(cli.errText()).contains("nntune: interrupted after the search, in the refit")
                    .contains("The same command refits and writes the results: nntune tune " + file);
        }
        CliTest.Result again = CliTest.run("tune", file.toString(), "--trials", "1", "--progress", "none");
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).contains("resuming: the study already has 1 finished trials of 1, so no trial is run; the results"
                        + " below are of those 1")
                .contains("1 trials: 1 complete").contains("wrote:");
    }

    /** A population whose rounds take a few seconds: long enough to be caught in the middle of one. */
    static final String SLOW_PBT = """
            study: slowpbt
            seed: 3
            data: {bundled: digits}
            metric: accuracy
            validation: {method: holdout, fraction: 0.25}
            model:
              family: mlp
              space:
                units: 128
                optimizer: adam
                lr: {low: 1.0e-3, high: 1.0e-1, log: true}
                batch_size: 8
                epochs: 6
            sampler: {type: pbt, population: 2, interval: 2}
            """;

    /** Ctrl-C/SIGTERM in population-based training says what was kept and how to resume, as tune does; the same command resumes. */
    @Test
    void sigtermInAPopulationSaysWhatWasKeptAndHowToResume(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("slowpbt.yaml");
        Files.writeString(file, SLOW_PBT);
        try (CliProcesses jvms = new CliProcesses(dir)) {
            CliProcesses.Cli cli = jvms.start("tune", file.toString(), "--progress", "plain");
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (!cli.outText().contains("round 1/3: 2/2 members done")) {
                assertThat(cli.process().isAlive()).as("nntune ended early:\n%s\n%s", cli.outText(), cli.errText()).isTrue();
                assertThat(System.nanoTime()).as("no round in time:\n%s", cli.outText()).isLessThan(deadline);
                Thread.sleep(50);
            }
            cli.process().destroy();
            assertThat(cli.await(60)).isEqualTo(143);
            assertThat(cli.errText()).contains("nntune: interrupted; the member rounds in flight were recorded as failed and are"
                    + " trained again from their members' last checkpoints; every finished round is kept")
                    .contains("Resume with: nntune tune " + file);
        }
        try (Storage s = Storages.open("sqlite:" + dir.resolve("slowpbt.db"))) {
            assertThat(s.getAllTrials(s.findStudyId("slowpbt").orElseThrow())).extracting(FrozenTrial::state)
                    .doesNotContain(TrialState.RUNNING);
        }
        CliTest.Result again = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(again.code()).as(again.out() + again.err()).isZero();
        assertThat(again.out()).contains("resuming: the population has finished").contains("round 3/3: 2/2 members done");
    }

    /** A population's worker thread interrupted: exit code 130, what was kept and how to rejoin. */
    @Test
    void anInterruptedPopulationWorkerStopsWithExitCode130AndSaysHowToRejoin(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("slowpbt.yaml");
        Files.writeString(file, SLOW_PBT.replace("epochs: 6", "epochs: 40"));
        String url = "sqlite:" + dir.resolve("slowpbt.db");
        CliTest.Result[] result = new CliTest.Result[1];
        Thread tune = new Thread(() -> result[0] = CliTest.run("tune", file.toString(), "--progress", "none"));
        tune.start();
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (true) {
            assertThat(tune.isAlive()).as("tune ended early").isTrue();
            assertThat(System.nanoTime()).as("no round in time").isLessThan(deadline);
            if (Files.exists(dir.resolve("slowpbt.db"))) {
                try (Storage s = Storages.open(url)) {
                    var id = s.findStudyId("slowpbt");
                    if (id.isPresent() && s.countTrials(id.getAsLong(), EnumSet.of(TrialState.COMPLETE)) >= 2
                            && s.countTrials(id.getAsLong(), EnumSet.of(TrialState.RUNNING)) > 0) {
                        break;
                    }
                }
            }
            Thread.sleep(50);
        }
        tune.interrupt();
        tune.join(60_000);
        assertThat(tune.isAlive()).isFalse();
        assertThat(result[0].code()).as(result[0].out() + result[0].err()).isEqualTo(ExitCode.INTERRUPTED);
        assertThat(result[0].err()).contains("nntune: interrupted; the member rounds in flight were recorded as failed")
                .contains("Resume with: nntune tune " + file).doesNotContain("error", "\tat ");
        try (Storage s = Storages.open(url)) {
            List<FrozenTrial> trials = s.getAllTrials(s.findStudyId("slowpbt").orElseThrow());
            assertThat(trials).extracting(FrozenTrial::state).doesNotContain(TrialState.RUNNING);
            // the round in flight, if the interruption came in one (not between two), is failed as interrupted
            assertThat(trials).filteredOn(t -> t.state() == TrialState.FAIL)
                    .allSatisfy(t -> assertThat(t.failureReason()).hasValueSatisfying(r -> assertThat(r).startsWith("interrupted")));
        }
    }

    private final List<String> schemas = new java.util.ArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void dropSchemas() {
        schemas.forEach(CliProcesses::dropSchema);
    }

    @Test
    void anInterruptedWorkerThreadStopsWithExitCode130AndSaysHowToRejoin(@TempDir Path dir) throws Exception {
        interruptAWorkerThread(dir, "sqlite:" + dir.resolve("long.db"));
    }

    /** The same on PostgreSQL: the interrupted trials are queued again there too. */
    @Test
    void anInterruptedWorkerThreadOnPostgresQueuesItsTrialsAgain(@TempDir Path dir) throws Exception {
        CliProcesses.assumePostgres();
        String schema = CliProcesses.createSchema();
        schemas.add(schema);
        interruptAWorkerThread(dir, CliProcesses.pgUrl(schema));
    }

    private static void interruptAWorkerThread(Path dir, String url) throws Exception {
        Path file = dir.resolve("long.yaml");
        // a budget the worker will not reach: it is interrupted first, in the middle of a trial of a few seconds
        Files.writeString(file, SLOW.replace("study: slow", "study: long").replace("trials: 3", "trials: 1000"));
        CliTest.Result first = CliTest.run("tune", file.toString(), "--storage", url, "--trials", "1", "--progress", "none");
        assertThat(first.code()).as(first.err()).isZero();

        CliTest.Result[] result = new CliTest.Result[1];
        Thread worker = new Thread(() -> result[0] = CliTest.run("worker", "long", "--storage", url, "--trials", "1000",
                "--progress", "none"));
        worker.start();
        try (Storage s = Storages.open(url)) {
            long id = s.findStudyId("long").orElseThrow();
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (s.countTrials(id, EnumSet.of(TrialState.COMPLETE)) < 2 || s.countTrials(id, EnumSet.of(TrialState.RUNNING)) == 0) {
                assertThat(worker.isAlive()).as("the worker ended early").isTrue();
                assertThat(System.nanoTime()).as("the worker ran no trial in time").isLessThan(deadline);
                Thread.sleep(20);
            }
        }
        worker.interrupt();
        worker.join(60_000);
        assertThat(worker.isAlive()).isFalse();
        assertThat(result[0].code()).as(result[0].err()).isEqualTo(ExitCode.INTERRUPTED);
        assertThat(result[0].out()).contains("resume with: nntune worker long --storage "
                + org.nntune.cli.run.ShellWords.word(url) + " --trials 1000"); // quoted when the URL has ? or &: a shell word
        try (Storage s = Storages.open(url)) {
            List<FrozenTrial> trials = s.getAllTrials(s.findStudyId("long").orElseThrow());
            assertThat(trials).extracting(FrozenTrial::state).doesNotContain(TrialState.RUNNING);
            List<FrozenTrial> failed = trials.stream().filter(t -> t.state() == TrialState.FAIL).toList();
            assertThat(failed).isNotEmpty()
                    .allSatisfy(t -> assertThat(t.failureReason()).hasValueSatisfying(r -> assertThat(r).contains("interrupt")));
            // each interrupted trial waits to run again with its parameters
            List<FrozenTrial> waiting = trials.stream().filter(t -> t.state() == TrialState.WAITING).toList();
            assertThat(waiting).hasSameSizeAs(failed).allSatisfy(w -> assertThat(w.isRetry()).isTrue());
            for (FrozenTrial f : failed) {
                assertThat(waiting).anySatisfy(w -> assertThat(w.fixedParams()).containsAllEntriesOf(f.params()));
            }
        }
    }
}
