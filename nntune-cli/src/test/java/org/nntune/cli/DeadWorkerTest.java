package org.nntune.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.storage.Storages;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.SystemAttrs;
import org.nntune.tune.trial.TrialState;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dead-worker drill: a worker process killed with {@code kill -9} in the middle of a trial, while
 * other workers go on. The study must end with exactly its budget of finished trials that count: the
 * dead trial is failed once its heartbeat is missed, its retry (same parameters) is run, and the
 * surviving workers wait for that instead of exiting with the trial still RUNNING.
 */
class DeadWorkerTest {

    /** Heartbeat of the test processes: short, so the dead trial goes stale within seconds. */
    private static final List<String> SHORT_HEARTBEAT = List.of("-Dnntune.heartbeatMillis=1500");

    /** Trials of about a second: long enough to be caught in the middle of one. */
    /**
     * Trials long enough to be caught in the middle: 300 epochs of batch 4 (on an AVX-512 Xeon, 20
     * epochs took 7 ms and the whole study ended between two polls of the drill).
     */
    private static String study(String name, int budget) {
        return PostgresWorkersTest.TINY.formatted(name, budget).replace("batch_size: 32", "batch_size: 4")
                .replace("epochs: 8", "epochs: 300");
    }

    private final List<String> schemas = new ArrayList<>();

    @AfterEach
    void dropSchemas() {
        schemas.forEach(CliProcesses::dropSchema);
    }

    @Test
    void twoTuneProcessesOnSqliteEndWithTheBudgetWhenOneIsKilled(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("drill.yaml");
        Files.writeString(file, study("drill", 5));
        String url = "sqlite:" + dir.resolve("drill.db");
        try (CliProcesses jvms = new CliProcesses(dir)) {
            FrozenTrial dead = killMidTrial(jvms, url, "drill", "tune", file.toString(), "--progress", "none");
            CliProcesses.Cli survivor = jvms.startWith(SHORT_HEARTBEAT, "tune", file.toString(), "--progress", "plain");
            assertThat(survivor.await(180)).as("%s\n%s", survivor.outText(), survivor.errText()).isZero();
            assertExactBudget(url, "drill", 5, dead);
            // the dead attempt was RUNNING when the survivor began: its retry counts it, so the progress ends at the budget
            assertThat(survivor.outText()).as(survivor.outText()).contains("5/5 done").doesNotContain("6/5");
            // resumed: the failed attempt and its retry count once, in the message as in the budget
            CliTest.Result more = CliTest.run("tune", file.toString(), "--trials", "6", "--progress", "plain");
            assertThat(more.code()).as(more.out() + more.err()).isZero();
            assertThat(more.out()).contains("resuming: the study already has 5 finished trials of 6", "6/6 done")
                    .doesNotContain("7/6");
        }
    }

    @Test
    void workersOnPostgresEndWithTheBudgetWhenOneIsKilled(@TempDir Path dir) throws Exception {
        CliProcesses.assumePostgres();
        String schema = CliProcesses.createSchema();
        schemas.add(schema);
        String url = CliProcesses.pgUrl(schema);
        Path file = dir.resolve("pgdrill.yaml");
        Files.writeString(file, study("pgdrill", 6));
        CliTest.Result first = CliTest.run("tune", file.toString(), "--storage", url, "--trials", "1", "--progress", "none");
        assertThat(first.code()).as(first.err()).isZero();
        try (CliProcesses jvms = new CliProcesses(dir)) {
            // the first tune stored --trials 1 as the study's budget: the workers raise it to the file's 6
            FrozenTrial dead = killMidTrial(jvms, url, "pgdrill", "worker", "pgdrill", "--storage", url, "--trials", "6",
                    "--progress", "none");
            CliProcesses.Cli b = jvms.startWith(SHORT_HEARTBEAT, "worker", "pgdrill", "--storage", url, "--trials", "6",
                    "--progress", "none");
            CliProcesses.Cli c = jvms.startWith(SHORT_HEARTBEAT, "worker", "pgdrill", "--storage", url, "--trials", "6",
                    "--progress", "none");
            for (CliProcesses.Cli w : List.of(b, c)) {
                assertThat(w.await(180)).as("%s\n%s", w.outText(), w.errText()).isZero();
            }
            assertExactBudget(url, "pgdrill", 6, dead);
        }
    }

    /**
     * A RUNNING trial that keeps no heartbeat (a Python Optuna worker without heartbeat_interval, or
     * one that asked and never told) is never failed as stale: a run whose budget it completes waits
     * for it, and says so in nntune's one-line style once the wait outlasts the heartbeat grace
     * (it was said only with --verbose, so the run looked hung).
     */
    @Test
    void aWaitForATrialWithoutHeartbeatIsSaid(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("quiet.yaml");
        Files.writeString(file, PostgresWorkersTest.TINY.formatted("quiet", 2));
        String url = "sqlite:" + dir.resolve("quiet.db");
        CliTest.Result first = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(first.code()).as(first.err()).isZero();
        try (Storage s = Storages.open(url)) {
            long id = s.getStudyId("quiet");
            s.createTrial(id, new FrozenTrial(-1, -1, TrialState.RUNNING, List.of(), java.util.Map.of(), java.util.Map.of(),
                    java.util.Map.of(), java.util.Map.of(), new java.util.TreeMap<>(), Optional.of(java.time.Instant.now()),
                    Optional.empty(), Optional.empty()));
        }
        try (CliProcesses jvms = new CliProcesses(dir)) {
            CliProcesses.Cli waiting = jvms.startWith(SHORT_HEARTBEAT, "tune", file.toString(), "--trials", "3", "--progress", "plain");
            long deadline = System.nanoTime() + 90_000_000_000L;
            while (!waiting.errText().contains("still waiting after 3 s")) {
                assertThat(waiting.process().isAlive()).as("%s\n%s", waiting.outText(), waiting.errText()).isTrue();
                assertThat(System.nanoTime()).as("no word of the wait:\n%s", waiting.errText()).isLessThan(deadline);
                Thread.sleep(100);
            }
            waiting.process().destroy();
            waiting.process().waitFor();
            assertThat(waiting.errText()).contains("nntune: warning: study 'quiet': the budget is met once trial(s) [2], RUNNING in"
                    + " other processes, finish", "keep no heartbeat (a trial asked and never told, a Python Optuna worker"
                    + " without heartbeat_interval)", "stop with Ctrl-C").doesNotContain("org.nntune.tune.study", "WARNING: study"); // not the JDK's two-line record
        }
    }

    /**
     * A trial interrupted (SIGTERM) is queued again; its retry's worker is then killed (SIGKILL): the retry goes stale
     * and is queued once more, although the study allows a dead worker's trial one retry, because the interruption
     * did not use it up. The configuration is trained to the end and the budget is exact.
     */
    @Test
    void aRetryOfAnInterruptedTrialWhoseWorkerIsKilledIsRetriedAgain(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("twice.yaml");
        Files.writeString(file, study("twice", 3));
        String url = "sqlite:" + dir.resolve("twice.db");
        try (CliProcesses jvms = new CliProcesses(dir)) {
            CliProcesses.Cli first = jvms.startWith(SHORT_HEARTBEAT, "tune", file.toString(), "--progress", "none");
            awaitRunning(url, "twice", 0, first);
            first.process().destroy(); // SIGTERM: the trial is failed and queued again
            assertThat(first.await(60)).as(first.errText()).isEqualTo(143);
            FrozenTrial interrupted;
            try (Storage s = Storages.open(url)) {
                interrupted = s.getAllTrials(s.getStudyId("twice")).get(0);
            }
            assertThat(interrupted.failureReason()).hasValueSatisfying(r -> assertThat(r).startsWith("interrupted"));

            CliProcesses.Cli second = jvms.startWith(SHORT_HEARTBEAT, "tune", file.toString(), "--progress", "none");
            awaitRunning(url, "twice", 1, second); // the retry runs first
            second.process().destroyForcibly(); // SIGKILL: no hook, the retry's heartbeat stops
            second.process().waitFor();

            CliProcesses.Cli survivor = jvms.startWith(SHORT_HEARTBEAT, "tune", file.toString(), "--progress", "none");
            assertThat(survivor.await(180)).as("%s\n%s", survivor.outText(), survivor.errText()).isZero();
            try (Storage s = Storages.open(url)) {
                List<FrozenTrial> trials = s.getAllTrials(s.getStudyId("twice"));
                assertThat(trials).extracting(FrozenTrial::state).doesNotContain(TrialState.RUNNING, TrialState.WAITING);
                assertThat(trials.get(1).failureReason()).hasValueSatisfying(r -> assertThat(r).contains("stale"));
                List<FrozenTrial> third = trials.stream().filter(t -> t.systemAttrs().get(SystemAttrs.RETRY_HISTORY)
                        instanceof List<?> h && h.size() == 2).toList();
                assertThat(third).as("the killed retry of the interrupted trial was queued again: %s", trials.stream()
                        .map(t -> t.number() + " " + t.state() + " " + t.systemAttrs()).toList()).singleElement()
                        .satisfies(t -> {
                            assertThat(t.state()).isEqualTo(TrialState.COMPLETE);
                            assertThat(t.params()).isEqualTo(interrupted.params());
                            assertThat(t.systemAttrs()).containsEntry(SystemAttrs.RETRY_HISTORY, List.of(0L, 1L))
                                    .containsEntry(SystemAttrs.INTERRUPTED_ATTEMPTS, List.of(0L));
                        });
                // the budget: 3 trials that count, the two failed attempts standing in for their retries
                assertThat(trials).filteredOn(t -> t.state() == TrialState.COMPLETE).hasSize(3);
                assertThat(trials).hasSize(5);
            }
        }
    }

    /** Waits until trial {@code number} of the study is RUNNING in {@code cli} (in the middle of training); @return it */
    private static FrozenTrial awaitRunning(String url, String study, int number, CliProcesses.Cli cli) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (true) {
            assertThat(cli.process().isAlive()).as("nntune ended early:\n%s\n%s", cli.outText(), cli.errText()).isTrue();
            assertThat(System.nanoTime()).as("trial %d never ran", number).isLessThan(deadline);
            if (Files.exists(Path.of(url.substring("sqlite:".length())))) {
                try (Storage s = Storages.open(url)) {
                    if (s.findStudyId(study).isPresent()) {
                        List<FrozenTrial> all = s.getAllTrials(s.getStudyId(study));
                        if (all.size() > number && all.get(number).state() == TrialState.RUNNING
                                && !all.get(number).params().isEmpty()) {
                            return all.get(number);
                        }
                    }
                }
            }
            Thread.sleep(20);
        }
    }

    /**
     * Starts {@code nntune ARGS} alone, waits until it has finished a trial of its own and is in the
     * middle of another, and kills it with SIGKILL (no shutdown hook runs).
     *
     * @return the trial it left RUNNING
     */
    private static FrozenTrial killMidTrial(CliProcesses jvms, String url, String study, String... args) throws Exception {
        for (int attempt = 0; ; attempt++) {
            int completeBefore;
            try (Storage s = Storages.open(url)) {
                completeBefore = s.findStudyId(study).isPresent()
                        ? s.countTrials(s.getStudyId(study), EnumSet.of(TrialState.COMPLETE)) : 0;
            }
            CliProcesses.Cli victim = jvms.startWith(SHORT_HEARTBEAT, args);
            long deadline = System.nanoTime() + 120_000_000_000L;
            try (Storage s = Storages.open(url)) {
                while (true) {
                    assertThat(victim.process().isAlive()).as("nntune ended early:\n%s\n%s", victim.outText(),
                            victim.errText()).isTrue();
                    assertThat(System.nanoTime()).as("no trial in the middle in time").isLessThan(deadline);
                    Optional<Long> id = s.findStudyId(study).isPresent() ? Optional.of(s.findStudyId(study).getAsLong())
                            : Optional.empty();
                    if (id.isPresent() && s.countTrials(id.get(), EnumSet.of(TrialState.COMPLETE)) > completeBefore
                            && s.countTrials(id.get(), EnumSet.of(TrialState.RUNNING)) > 0) {
                        break;
                    }
                    Thread.sleep(20);
                }
                victim.process().destroyForcibly(); // SIGKILL
                victim.process().waitFor();
                List<FrozenTrial> running = s.getAllTrials(s.getStudyId(study), EnumSet.of(TrialState.RUNNING));
                if (running.size() == 1) {
                    return running.get(0);
                }
                // killed in the few milliseconds between two trials: the drill needs a dead trial, so again
                assertThat(attempt).as("the victim was never killed in the middle of a trial").isLessThan(3);
            }
        }
    }

    /**
     * Exactly {@code budget} trials count: all COMPLETE but the dead one, which is FAIL (stale) and
     * stands replaced by its retry, which ran with the same parameters; nothing is left RUNNING or WAITING.
     */
    private static void assertExactBudget(String url, String study, int budget, FrozenTrial dead) {
        try (Storage s = Storages.open(url)) {
            List<FrozenTrial> trials = s.getAllTrials(s.getStudyId(study));
            assertThat(trials).extracting(FrozenTrial::state).doesNotContain(TrialState.RUNNING, TrialState.WAITING);
            assertThat(trials).filteredOn(t -> t.state() == TrialState.COMPLETE).hasSize(budget);
            assertThat(trials).hasSize(budget + 1);
            FrozenTrial failed = trials.get(dead.number());
            assertThat(failed.state()).isEqualTo(TrialState.FAIL);
            assertThat(failed.failureReason()).hasValueSatisfying(r -> assertThat(r).contains("stale"));
            List<FrozenTrial> retries = trials.stream()
                    .filter(t -> t.systemAttrs().containsKey(SystemAttrs.FAILED_TRIAL)).toList();
            assertThat(retries).hasSize(1);
            FrozenTrial retry = retries.get(0);
            assertThat(retry.state()).isEqualTo(TrialState.COMPLETE);
            assertThat(retry.systemAttrs()).containsEntry(SystemAttrs.FAILED_TRIAL, (long) dead.number());
            // the parameters the dead attempt had drawn are the retry's
            assertThat(retry.params()).containsAllEntriesOf(failed.params());
        }
    }
}
