package org.nntune.cli;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nntune.storage.Storages;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.TrialState;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM in the middle of a trial of {@code tune} on PostgreSQL and MariaDB (SQLite: {@link InterruptTest}): the
 * running trial is failed and queued again with its parameters, as the process says. On a database server the
 * shutdown hook's writes are round trips, and the run's own thread, which sees the stop at once, used to close the
 * storage before the retry was written: the trial was failed, not queued, and the message said it was.
 */
class ServerInterruptTest {

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb"})
    void sigtermMidTrialFailsTheTrialAndQueuesItAgainOnADatabaseServer(String server, @TempDir Path dir) throws Exception {
        Path file = dir.resolve("slow.yaml");
        // trials of minutes that report every epoch (a pruner that never prunes in 10 start-up trials; without one a
        // trial reports its curve at its end), so that the signal finds one running: at 100 epochs without a pruner,
        // the trial seen reporting had often finished by then, and a quiet machine ran all three
        Files.writeString(file, InterruptTest.SLOW.replace("epochs: 100", "epochs: 20000")
                .replace("pruner: {type: none}", "pruner: {type: median, startup_trials: 10}"));
        try (CliProcesses.ServerDatabase db = CliProcesses.ServerDatabase.create(server); CliProcesses jvms = new CliProcesses(dir)) {
            String url = db.url();
            CliProcesses.Cli cli = jvms.start("tune", file.toString(), "--storage", url, "--progress", "plain");
            CliProcesses.awaitReportingTrial(cli, url, "slow");
            cli.process().destroy();
            assertThat(cli.await(60)).isEqualTo(143);
            String err = cli.errText();
            assertThat(err).contains("nntune: interrupted; recording the running trials as failed and queuing them to run again…")
                    .contains("nntune: running trials were recorded as failed and queued to run again with their parameters")
                    .contains("Resume with: nntune tune " + file)
                    .doesNotContain("could not");
            // said in that order: the result once it is done
            assertThat(err.indexOf("recording the running trials")).isLessThan(err.indexOf("trials were recorded as failed"));
            try (Storage s = Storages.open(url)) {
                List<FrozenTrial> trials = s.getAllTrials(s.findStudyId("slow").orElseThrow());
                assertThat(trials).extracting(FrozenTrial::state).as("%s", trials).endsWith(TrialState.FAIL, TrialState.WAITING)
                        .doesNotContain(TrialState.RUNNING);
                FrozenTrial failed = trials.get(trials.size() - 2);
                FrozenTrial retry = trials.get(trials.size() - 1);
                assertThat(failed.failureReason()).hasValueSatisfying(r -> assertThat(r).contains("interrupted"));
                assertThat(retry.isRetry()).isTrue();
                assertThat(retry.fixedParams()).containsAllEntriesOf(failed.params());
            }
        }
    }
}
