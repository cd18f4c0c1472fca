package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.exit.ExitCode;
import org.nntune.storage.Storages;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.TrialState;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The time-budget mode from the command line: chosen by a timeout without a trial count, the
 * phases shown, the budget kept refit included (a generous tolerance: the machine may be loaded),
 * the refit for the best trial's best epoch count, each part turned off, and every impossible
 * value refused with its file, line and key.
 */
class TimeBudgetCliTest {

    static final String IRIS = """
            study: iris-budget
            seed: 3
            data:
              bundled: iris
            metric: accuracy
            validation: {method: holdout, fraction: 0.25}
            model:
              family: mlp
              space:
                units: {low: 8, high: 32, log: true}
                activation: [relu, tanh]
                optimizer: adam
                lr: {low: 1.0e-2, high: 5.0e-2, log: true}
                batch_size: 16
            budget:
              timeout: 8s
              max_epochs: 9
            """;

    @Test
    void searchesThenRefitsTheBestEpochCountInsideTheBudgetShowingEachPhase(@TempDir Path dir) throws Exception {
        long t0 = System.nanoTime();
        CliTest.Result r = CliTest.tuneWith(dir, IRIS, "--progress", "plain");
        double wall = (System.nanoTime() - t0) / 1e9;
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("time budget 00:08: tpe search up to 9 epochs a trial (3 Hyperband brackets, the first"
                + " halving after 1 epoch), then the refit");
        assertThat(r.out()).containsPattern("(?m)^search · trial 0 (complete|stopped by the budget) [0-9.]+ after \\d+ epochs? · 1 trials · 0 pruned · 00:0\\d of 00:08");
        assertThat(r.out()).containsPattern("(?m)^refit · epoch 1/\\d+ · ");
        // the search, the refit and the bookkeeping around them (data, storage, report) with room for a loaded machine
        assertThat(wall).isLessThan(8 * 1.5 + 20);
        Matcher refit = Pattern.compile("refit trained (\\d+) of (\\d+) epochs; search and refit took 00:0(\\d) of the 00:08 budget")
                .matcher(r.out());
        assertThat(refit.find()).as(r.out()).isTrue();
        int planned = Integer.parseInt(refit.group(2));
        assertThat(Integer.parseInt(refit.group(1))).isBetween(1, planned);
        Matcher bestLine = Pattern.compile("best trial (\\d+):").matcher(r.out());
        assertThat(bestLine.find()).isTrue();
        int bestNumber = Integer.parseInt(bestLine.group(1));
        try (Storage storage = Storages.open("sqlite:" + dir.resolve("s.db"))) {
            List<FrozenTrial> all = storage.getAllTrials(storage.getAllStudies().get(0).studyId());
            assertThat(all.size()).isGreaterThan(1);
            assertThat(all).noneMatch(t -> t.state() == TrialState.FAIL);
            FrozenTrial best = all.get(bestNumber);
            // the refit's epochs: where the best trial's validation accuracy peaked (the first on a tie)
            double top = best.intermediateValues().values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            int peak = best.intermediateValues().entrySet().stream().filter(e -> e.getValue() == top).findFirst().orElseThrow().getKey();
            assertThat(planned).isEqualTo(peak);
            assertThat(all).allMatch(t -> t.intermediateValues().isEmpty() || t.intermediateValues().lastKey() <= 9);
        }
        assertThat(dir.resolve("s-results").resolve("best.model")).isNotEmptyFile();
    }

    @Test
    void commandLineTimeoutWithoutTrialsIsTheTimeBudgetModeAndRefitCanBeTurnedOff(@TempDir Path dir) throws Exception {
        String noBudget = IRIS.substring(0, IRIS.indexOf("budget:"));
        CliTest.Result r = CliTest.tuneWith(dir, noBudget + "budget:\n  max_epochs: 3\n  brackets: 1\n  refit: false\n",
                "--timeout", "4s", "--progress", "plain");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("time budget 00:04: tpe search up to 3 epochs a trial (no early stopping: budget.brackets 1),"
                + " then no refit (budget.refit: false)");
        assertThat(r.out()).contains("no refit (budget.refit: false)").doesNotContain("refit · epoch");
        assertThat(dir.resolve("s-results").resolve("best.model")).doesNotExist();
        assertThat(dir.resolve("s-results").resolve("best-params.json")).isNotEmptyFile();
        // the best configuration's epochs are its trial's (where it peaked, at most max_epochs 3), not the MLP's default
        // 50, which no trial ran: in best-params.json, best --export and the model best --model refits
        Matcher epochs = Pattern.compile("\"epochs\" : (\\d+)").matcher(Files.readString(dir.resolve("s-results/best-params.json")));
        assertThat(epochs.find()).isTrue();
        assertThat(Integer.parseInt(epochs.group(1))).isBetween(1, 3);
        CliTest.Result best = CliTest.run("best", dir.resolve("s.yaml").toString(), "--export", dir.resolve("p.json").toString(),
                "--model", dir.resolve("m.model").toString());
        assertThat(best.code()).as(best.err()).isZero();
        assertThat(best.out()).contains("for " + epochs.group(1) + " epochs (where its validation score peaked in the time-budget search)");
        assertThat(Files.readString(dir.resolve("p.json"))).contains("\"epochs\" : " + epochs.group(1));
        // with --trials it is a number of trials again
        CliTest.Result trials = CliTest.tuneWith(dir, noBudget, "--timeout", "30s", "--trials", "1", "--study", "again",
                "--progress", "plain");
        assertThat(trials.code()).as(trials.out() + trials.err()).isZero();
        assertThat(trials.out()).doesNotContain("time budget").contains("1 trials:");
    }

    @Test
    void aResumedStudyGetsAFreshBudgetAndSaysWhatTheEarlierRunUsed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("s.yaml");
        Files.writeString(file, IRIS.replace("timeout: 8s", "timeout: 60s"));
        try (CliProcesses jvms = new CliProcesses(dir)) {
            CliProcesses.Cli cli = jvms.start("tune", file.toString(), "--progress", "plain");
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (!cli.outText().contains("search · trial 2 ")) {
                assertThat(cli.process().isAlive()).as("nntune ended early:\n%s\n%s", cli.outText(), cli.errText()).isTrue();
                assertThat(System.nanoTime()).as("no third trial in time:\n%s", cli.outText()).isLessThan(deadline);
                Thread.sleep(50);
            }
            cli.process().destroy(); // SIGTERM, as Ctrl-C: interrupted a few seconds into its minute
            cli.await(60);
        }
        // resumed: this run has the whole timeout it is given, not what the interrupted run had left, and says both
        // (10 s, not less: on a loaded machine a few seconds may not finish one epoch)
        CliTest.Result resumed = CliTest.run("tune", file.toString(), "--timeout", "10s", "--progress", "plain");
        assertThat(resumed.code()).as(resumed.out() + resumed.err()).isZero();
        Matcher said = Pattern.compile("resuming: the study already has (\\d+) finished trials, which the search keeps; its last run"
                + " \\(started \\d\\d:\\d\\d:\\d\\d, budget 01:00\\) ended early, its last trial finished 00:(\\d\\d) into it; this run has a fresh"
                + " budget of 00:10 for its search and refit, not the 00:(\\d\\d) that run had left \\(for only that: --timeout (\\d+)s\\)")
                .matcher(resumed.out());
        assertThat(said.find()).as(resumed.out()).isTrue();
        assertThat(Integer.parseInt(said.group(1))).isGreaterThanOrEqualTo(3);
        int used = Integer.parseInt(said.group(2));
        assertThat(Integer.parseInt(said.group(3)) + used).isBetween(59, 60);
        assertThat(resumed.out()).contains("time budget 00:10: tpe search").contains("refit trained");
        // a run that spent its budget: the next one searches a fresh budget more, and says so
        CliTest.Result again = CliTest.run("tune", file.toString(), "--timeout", "10s", "--progress", "plain");
        assertThat(again.code()).as(again.out() + again.err()).isZero();
        assertThat(again.out()).containsPattern("resuming: the study already has \\d+ finished trials, which the search keeps; its last"
                + " run \\(started \\d\\d:\\d\\d:\\d\\d\\) spent its whole 00:10 budget; this run has a fresh budget of 00:10 for its search and refit");
    }

    @Test
    void impossibleValuesAreRefusedWithFileLineAndKey(@TempDir Path dir) throws Exception {
        CliTest.Result brackets = CliTest.tuneWith(dir, IRIS.replace("  max_epochs: 9\n", "  max_epochs: 9\n  brackets: 4\n"));
        assertThat(brackets.code()).isEqualTo(ExitCode.USAGE);
        assertThat(brackets.err()).contains("s.yaml, line 18, key 'budget.brackets': 4 is out of range (allowed: 1 to 3)");

        CliTest.Result trials = CliTest.tuneWith(dir, IRIS.replace("  timeout: 8s\n", "  timeout: 8s\n  mode: time\n  trials: 5\n"));
        assertThat(trials.code()).isEqualTo(ExitCode.USAGE);
        assertThat(trials.err()).contains("line 18, key 'budget.trials': the time-budget mode (budget.mode: time) runs trials"
                + " until the time is spent");

        CliTest.Result onlyTrials = CliTest.tuneWith(dir, IRIS.replace("  timeout: 8s\n", "  trials: 5\n"));
        assertThat(onlyTrials.code()).isEqualTo(ExitCode.USAGE);
        assertThat(onlyTrials.err()).contains("line 17, key 'budget.max_epochs': 'max_epochs' applies to the time-budget mode");

        CliTest.Result noTimeout = CliTest.tuneWith(dir, IRIS.replace("  timeout: 8s\n", "  mode: time\n"));
        assertThat(noTimeout.code()).isEqualTo(ExitCode.USAGE);
        assertThat(noTimeout.err()).contains("key 'budget.mode': the time-budget mode needs budget.timeout");

        CliTest.Result pruner = CliTest.tuneWith(dir, IRIS.replace("budget:\n", "pruner: median\nbudget:\n"));
        assertThat(pruner.code()).isEqualTo(ExitCode.USAGE);
        assertThat(pruner.err()).contains("line 15, key 'pruner': in the time-budget mode (a timeout without a trial count)"
                + " Hyperband brackets stop the worse trials early");

        CliTest.Result epochs = CliTest.tuneWith(dir, IRIS.replace("    batch_size: 16\n", "    batch_size: 16\n    epochs: 30\n"));
        assertThat(epochs.code()).isEqualTo(ExitCode.USAGE);
        assertThat(epochs.err()).contains("line 15, key 'model.space.epochs': in the time-budget mode");

        CliTest.Result grid = CliTest.tuneWith(dir, IRIS.replace("    units: {low: 8, high: 32, log: true}\n", "    hidden: [[8], [16]]\n")
                .replace("    lr: {low: 1.0e-2, high: 5.0e-2, log: true}\n", "    lr: 0.02\n")
                .replace("budget:\n", "sampler: grid\nbudget:\n  mode: time\n").replace("  max_epochs: 9\n", ""));
        assertThat(grid.code()).isEqualTo(ExitCode.USAGE);
        assertThat(grid.err()).contains("key 'sampler': a grid keeps its exact grid");

        // from the command line: the file's pruner is named with its line
        String withPruner = IRIS.substring(0, IRIS.indexOf("budget:")) + "pruner: median\n";
        CliTest.Result cliPruner = CliTest.tuneWith(dir, withPruner, "--timeout", "5s");
        assertThat(cliPruner.code()).isEqualTo(ExitCode.USAGE);
        assertThat(cliPruner.err()).contains("line 15, key 'pruner'");
    }

    @Test
    void aTimeoutTooShortForOneEpochSaysSoWithItsLine(@TempDir Path dir) throws Exception {
        CliTest.Result file = CliTest.tuneWith(dir, IRIS.replace("timeout: 8s", "timeout: 1ms"), "--progress", "none");
        assertThat(file.code()).as(file.out() + file.err()).isEqualTo(ExitCode.USAGE);
        assertThat(file.err()).contains("s.yaml, line 16, key 'budget.timeout': 0.001 s is too short for the time-budget mode")
                .contains("give at least");
        CliTest.Result cli = CliTest.tuneWith(dir, IRIS.substring(0, IRIS.indexOf("budget:")), "--timeout", "1ms", "--study", "cli",
                "--progress", "none");
        assertThat(cli.code()).as(cli.out() + cli.err()).isEqualTo(ExitCode.USAGE);
        assertThat(cli.err()).contains("--timeout 0.001 s is too short for the time-budget mode");
    }
}
