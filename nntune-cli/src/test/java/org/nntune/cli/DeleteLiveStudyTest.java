package org.nntune.cli;

import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.exit.ExitCode;
import org.nntune.storage.Storages;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.TrialState;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code delete} of a study a live worker is running (a RUNNING trial with a fresh heartbeat) is refused
 * unless {@code --force}; the worker whose study is deleted under it says so (exit code 4), not "no study
 * with id 1".
 */
class DeleteLiveStudyTest {

    /** How soon after {@code delete --force} the worker must have ended: its heartbeat (every second here) finds the study gone. */
    private static final long ENDS_WITHIN_SECONDS = 20;

    /**
     * The worker stops its trial when a heartbeat finds the study gone, not when the trial would have ended (minutes
     * later): with the trials' splits trained one after the other (no pruner) and in lock-step (a pruner).
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"sqlite:,none", "optuna+sqlite:///,none", "sqlite:,median"})
    void aStudyWithALiveWorkerIsKeptUnlessForcedAndTheWorkerSaysWhatHappened(String scheme, String pruner, @TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("slow.yaml");
        // trials of many minutes, so that the deletes land in the middle of one, and the worker could only end in
        // time by noticing the deletion during the trial
        Files.writeString(file, PostgresWorkersTest.TINY.formatted("slow", 2).replace("batch_size: 32", "batch_size: 4")
                .replace("epochs: 8", "epochs: 100000").replace("pruner: {type: none}", "pruner: {type: " + pruner + "}"));
        String url = scheme + dir.resolve("slow.db");
        try (CliProcesses jvms = new CliProcesses(dir)) {
            CliProcesses.Cli tune = jvms.startWith(List.of("-Dnntune.heartbeatMillis=1000"), "tune", file.toString(),
                    "--storage", url, "--progress", "none");
            awaitRunningTrial(tune, url, "slow");
            CliTest.Result refused = CliTest.run("delete", "slow", "--storage", url, "--yes");
            assertThat(refused.code()).as(refused.out() + refused.err()).isEqualTo(ExitCode.STORAGE);
            assertThat(refused.err()).contains("study 'slow' in " + url + " has a running trial with a live heartbeat (trial 0):"
                    + " workers are running it; stop them first, or pass --force to delete it under them");
            try (Storage s = Storages.open(url)) {
                assertThat(s.findStudyId("slow")).as("kept").isPresent();
            }
            CliTest.Result forced = CliTest.run("delete", "slow", "--storage", url, "--yes", "--force");
            assertThat(forced.code()).as(forced.err()).isZero();
            assertThat(forced.out()).contains("deleted study 'slow'");
            assertThat(tune.process().isAlive()).as("the trial was still running when the study was deleted").isTrue();
            assertThat(tune.await(ENDS_WITHIN_SECONDS)).as(tune.errText()).isEqualTo(ExitCode.STORAGE);
            assertThat(tune.errText()).contains("nntune: study 'slow' was deleted from " + url + " while this worker ran it")
                    .doesNotContain("no study with id").doesNotContain("\tat ");
        }
    }

    /**
     * The same for population-based training: a refused heartbeat that finds the study gone stops the round in flight
     * after its batch, not at the end of its epoch (here a long one: a wide network, one row per batch), and the
     * worker says what happened.
     */
    @org.junit.jupiter.api.Test
    void aPopulationDeletedUnderItsWorkerEndsAtTheNextHeartbeat(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pbt.yaml");
        // InterruptTest's population with a long epoch: a wide network of three layers, one row per batch
        Files.writeString(file, InterruptTest.SLOW_PBT.replace("study: slowpbt", "study: pbt-doomed")
                .replace("units: 128", "units: 1024\n    layers: 3").replace("batch_size: 8", "batch_size: 1")
                .replace("epochs: 6", "epochs: 4") + "budget: {jobs: 1}\n");
        String url = "sqlite:" + dir.resolve("pbt.db");
        try (CliProcesses jvms = new CliProcesses(dir)) {
            CliProcesses.Cli tune = jvms.start("tune", file.toString(), "--storage", url, "--progress", "none");
            awaitRunningTrial(tune, url, "pbt-doomed");
            CliTest.Result refused = CliTest.run("delete", "pbt-doomed", "--storage", url, "--yes");
            assertThat(refused.code()).as(refused.out() + refused.err()).isEqualTo(ExitCode.STORAGE);
            assertThat(refused.err()).contains("has a running trial with a live heartbeat (trial 0)");
            CliTest.Result forced = CliTest.run("delete", "pbt-doomed", "--storage", url, "--yes", "--force");
            assertThat(forced.code()).as(forced.err()).isZero();
            assertThat(tune.process().isAlive()).as("the round was still training when the study was deleted").isTrue();
            assertThat(tune.await(ENDS_WITHIN_SECONDS)).as(tune.errText()).isEqualTo(ExitCode.STORAGE);
            assertThat(tune.errText()).contains("nntune: study 'pbt-doomed' was deleted from " + url + " while this worker ran it")
                    .doesNotContain("no trial with id").doesNotContain("no study with id").doesNotContain("\tat ");
        }
    }

    /** Waits until the study has a RUNNING trial (the worker is in the middle of one), while the worker lives. */
    private static void awaitRunningTrial(CliProcesses.Cli tune, String url, String study) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        try (Storage s = Storages.open(url)) {
            while (s.findStudyId(study).isEmpty()
                    || s.countTrials(s.getStudyId(study), EnumSet.of(TrialState.RUNNING)) == 0) {
                assertThat(tune.process().isAlive()).as("tune ended early:\n%s", tune.errText()).isTrue();
                assertThat(System.nanoTime()).as("no running trial in time").isLessThan(deadline);
                Thread.sleep(50);
            }
        }
    }
}
