package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.storage.Storages;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.study.FrozenTrial;
import org.nntune.tune.study.TrialState;

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
            cli.await(60);
            assertThat(cli.errText()).contains("interrupted").contains("Resume with: nntune tune " + file);
        }

        try (Storage s = Storages.open(url)) {
            long id = s.findStudyId("slow").orElseThrow();
            List<FrozenTrial> trials = s.getAllTrials(id);
            assertThat(trials).extracting(FrozenTrial::state).doesNotContain(TrialState.RUNNING, TrialState.WAITING);
            assertThat(trials).extracting(FrozenTrial::state).containsExactly(TrialState.COMPLETE, TrialState.FAIL);
            assertThat(trials.get(1).failureReason()).hasValueSatisfying(r -> assertThat(r).contains("interrupted"));
        }

        // the same command resumes: the failed trial counts as finished, one more is run
        CliTest.Result again = CliTest.run("tune", file.toString(), "--trials", "3", "--progress", "none");
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).contains("resuming: the study already has 2 finished trials of 3")
                .contains("3 trials: 2 complete, 0 pruned, 1 failed");
    }
}
