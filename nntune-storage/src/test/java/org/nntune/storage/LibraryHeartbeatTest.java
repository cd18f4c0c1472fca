package org.nntune.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.tune.run.Heartbeats;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.study.OptimizeOptions;
import org.nntune.tune.study.Study;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.TrialState;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code Study.optimize(objective, n)} on a database keeps heartbeats by default, as the CLI does: a library
 * program killed mid-trial leaves a RUNNING trial that the next run fails as stale, and that run meets the
 * budget, where without heartbeats the dead trial held its place in the budget for ever.
 */
class LibraryHeartbeatTest {
    @TempDir
    Path dir;

    @Test
    void theDefaultHeartbeatOnADatabaseIsTheWorkersInterval() {
        try (Storage s = Storages.open("sqlite:" + dir.resolve("h.db"))) {
            assertThat(s.outlivesProcess()).isTrue();
            assertThat(OptimizeOptions.trials(5).heartbeatOn(s)).isEqualTo(Heartbeats.configuredInterval());
            assertThat(OptimizeOptions.trials(5).withHeartbeat(Duration.ZERO).heartbeatOn(s)).isZero();
            Study study = Study.builder("beats").storage(s).create();
            List<List<Integer>> live = new ArrayList<>();
            study.optimize(t -> {
                live.add(s.liveTrialNumbers(study.studyId(), Duration.ofMinutes(1)));
                return t.suggestFloat("x", 0, 1);
            }, 2);
            assertThat(live).containsExactly(List.of(0), List.of(1)); // each trial stamped its heartbeat as it ran
        }
        try (Storage s = Storages.open("memory")) {
            assertThat(s.outlivesProcess()).isFalse();
        }
    }

    @Test
    void aProgramKilledMidTrialLeavesATrialThatTheNextRunFailsAsStaleAndTheBudgetIsMet() throws Exception {
        String url = "sqlite:" + dir.resolve("zombie.db");
        Path marker = dir.resolve("hanging");
        try (WorkerProcesses procs = new WorkerProcesses(dir)) {
            Process doomed = procs.startMain(LibraryProgram.class, url, "zomb", "10", marker.toString());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.exists(marker)) {
                if (!doomed.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("the program never reached trial 3:\n" + procs.logsText());
                }
                Thread.sleep(20);
            }
            doomed.destroyForcibly(); // kill -9: the app crashed, or was OOM-killed, in the middle of trial 3
            assertThat(doomed.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        try (Storage s = Storages.open(url)) {
            long id = s.getStudyId("zomb");
            assertThat(s.getAllTrials(id)).extracting(FrozenTrial::state)
                    .containsExactly(TrialState.COMPLETE, TrialState.COMPLETE, TrialState.COMPLETE, TrialState.RUNNING);
        }
        // the program run again, as the user restarts it: the same call, default options
        try (WorkerProcesses procs = new WorkerProcesses(Files.createDirectories(dir.resolve("again")))) {
            Process again = procs.startMain(LibraryProgram.class, url, "zomb", "10");
            assertThat(again.waitFor(120, TimeUnit.SECONDS)).as(procs.logsText()).isTrue();
            assertThat(again.exitValue()).as(procs.logsText()).isZero();
            assertThat(procs.logsText()).contains("finished 10 trials");
        }
        try (Storage s = Storages.open(url)) {
            List<FrozenTrial> trials = s.getAllTrials(s.getStudyId("zomb"));
            assertThat(trials).hasSize(10);
            assertThat(trials.get(3).state()).isEqualTo(TrialState.FAIL);
            assertThat(trials.get(3).failureReason().orElseThrow()).startsWith(Storage.STALE_REASON_PREFIX);
            assertThat(trials).filteredOn(t -> t.number() != 3)
                    .allSatisfy(t -> assertThat(t.state()).isEqualTo(TrialState.COMPLETE));
        }
    }
}
