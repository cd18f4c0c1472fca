package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.storage.Storages;
import org.nntune.tune.sampler.GridSampler;
import org.nntune.tune.space.CategoricalDistribution;
import org.nntune.tune.space.FloatDistribution;
import org.nntune.tune.space.IntDistribution;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.FrozenTrial;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A range with a step ({@code units: {low: 4, high: 16, step: 4}}) is a stepped distribution in the
 * study, as Optuna's {@code suggest_int(..., step=4)} is: its order is there for TPE, GP and CMA-ES,
 * Python continues the study, and a grid still enumerates its points. A study that an earlier
 * nntune stored with the range as a categorical of its points resumes the way it began.
 */
class SteppedRangeCliTest {
    @TempDir
    Path dir;

    private static final String STEPPED = CliTest.IRIS
            .replace("units: {low: 8, high: 32, log: true}", "units: {low: 4, high: 16, step: 4}")
            .replace("lr: {low: 1.0e-2, high: 5.0e-2, log: true}", "lr: {low: 0.01, high: 0.05, step: 0.01}")
            .replace("epochs: 40", "epochs: 10");

    @Test
    void aSteppedRangeIsStoredAsASteppedDistributionAndOptunaContinuesTheStudy() throws Exception {
        Path file = dir.resolve("stepped.yaml");
        Files.writeString(file, STEPPED);
        String storage = "optuna+sqlite:///" + dir.resolve("optuna.db");
        CliTest.Result dry = CliTest.run("tune", file.toString(), "--storage", storage, "--dry-run");
        assertThat(dry.code()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("units 4..16 step 4").contains("lr 0.01..0.05 step 0.01");

        CliTest.Result tuned = CliTest.run("tune", file.toString(), "--storage", storage, "--progress", "none");
        assertThat(tuned.code()).as(tuned.err()).isZero();
        try (Storage s = Storages.open(storage)) {
            for (FrozenTrial t : s.getAllTrials(s.getStudyId("iris-test"))) {
                assertThat(t.distributions().get("units_1")).isEqualTo(new IntDistribution(4, 16, false, 4));
                assertThat(t.distributions().get("lr")).isEqualTo(FloatDistribution.stepped(0.01, 0.05, 0.01));
                assertThat((Long) t.params().get("units_1") % 4).isZero();
            }
        }

        // Optuna asks the same parameters the way a Python user writes them, and adds two trials
        String script = """
                import sys, optuna
                study = optuna.load_study(study_name="iris-test", storage=sys.argv[1])
                d = study.trials[0].distributions
                assert d["units_1"] == optuna.distributions.IntDistribution(4, 16, step=4), d["units_1"]
                assert d["lr"] == optuna.distributions.FloatDistribution(0.01, 0.05, step=0.01), d["lr"]
                def objective(trial):
                    units = trial.suggest_int("units_1", 4, 16, step=4)
                    lr = trial.suggest_float("lr", 0.01, 0.05, step=0.01)
                    trial.suggest_categorical("activation", ["relu", "tanh"])
                    return units / 16 - lr
                optuna.logging.set_verbosity(optuna.logging.WARNING)
                study.optimize(objective, n_trials=2)
                print(len(study.trials))
                """;
        Path py = dir.resolve("continue.py");
        Files.writeString(py, script);
        Process p = new ProcessBuilder("/usr/bin/python3", py.toString(), storage.substring("optuna+".length()))
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("python3 with Debian's python3-optuna:%n%s", log).isZero();
        assertThat(log.strip()).endsWith("5");

        // and nntune goes on with the study Python added to
        CliTest.Result more = CliTest.run("tune", file.toString(), "--storage", storage, "--trials", "7", "--progress", "none");
        assertThat(more.code()).as(more.err()).isZero();
        try (Storage s = Storages.open(storage)) {
            assertThat(s.getAllTrials(s.getStudyId("iris-test"))).hasSize(7);
        }
    }

    @Test
    void aGridEnumeratesASteppedRange() throws Exception {
        Path file = dir.resolve("grid.yaml");
        // (a grid cannot hold units, asked per layer as units_1: a stepped batch size instead)
        Files.writeString(file, STEPPED.replace("{low: 0.01, high: 0.05, step: 0.01}", "0.02")
                .replace("{low: 4, high: 16, step: 4}", "8").replace("batch_size: 16", "batch_size: {low: 16, high: 50, step: 16}")
                .replace("{type: tpe, startup_trials: 2}", "grid").replace("budget: {trials: 3}", "budget: {trials: 100}")
                .replace("pruner: {type: median, startup_trials: 2, warmup_steps: 10}", "pruner: none"));
        String storage = "sqlite:" + dir.resolve("grid.db");
        CliTest.Result tuned = CliTest.run("tune", file.toString(), "--storage", storage, "--progress", "none");
        assertThat(tuned.code()).as(tuned.err()).isZero();
        try (Storage s = Storages.open(storage)) {
            List<FrozenTrial> trials = s.getAllTrials(s.getStudyId("iris-test"));
            // 3 batch sizes (16, 32, 48) × 2 activations, each once, and the grid ended the study
            assertThat(trials).hasSize(6);
            assertThat(trials.stream().map(t -> t.params().get("batch_size") + "/" + t.params().get("activation")).distinct())
                    .hasSize(6);
            assertThat(trials).allSatisfy(t -> assertThat(t.distributions().get("batch_size"))
                    .isEqualTo(new IntDistribution(16, 48, false, 16)));
        }
    }

    @Test
    void aStudyThatStoredTheRangeAsACategoricalOfItsPointsResumesAsOne() throws Exception {
        Path file = dir.resolve("old.yaml");
        String storage = "sqlite:" + dir.resolve("old.db");
        // what an earlier nntune made of 'units: {low: 4, high: 16, step: 4}': the list of its points, in the
        // stored space and in every trial's distribution (lr as a list of GridSampler.values' points too)
        String lrPoints = GridSampler.values(0.01, 0.05, 0.01, false).toString();
        Files.writeString(file, STEPPED.replace("{low: 4, high: 16, step: 4}", "[4, 8, 12, 16]")
                .replace("{low: 0.01, high: 0.05, step: 0.01}", lrPoints).replace("budget: {trials: 3}", "budget: {trials: 2}"));
        CliTest.Result old = CliTest.run("tune", file.toString(), "--storage", storage, "--progress", "none");
        assertThat(old.code()).as(old.err()).isZero();

        Files.writeString(file, STEPPED);
        CliTest.Result resumed = CliTest.run("tune", file.toString(), "--storage", storage, "--progress", "none");
        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("resuming: the study already has 2 finished trials of 3");
        try (Storage s = Storages.open(storage)) {
            List<FrozenTrial> trials = s.getAllTrials(s.getStudyId("iris-test"));
            assertThat(trials).hasSize(3);
            for (FrozenTrial t : trials) {
                assertThat(t.distributions().get("units_1")).isInstanceOf(CategoricalDistribution.class);
                assertThat(t.distributions().get("lr")).isInstanceOf(CategoricalDistribution.class);
                assertThat(List.of(4L, 8L, 12L, 16L)).contains((Long) t.params().get("units_1"));
            }
        }
        // a range whose points differ is another space, as ever
        Files.writeString(file, STEPPED.replace("{low: 4, high: 16, step: 4}", "{low: 4, high: 16, step: 6}"));
        CliTest.Result other = CliTest.run("tune", file.toString(), "--storage", storage, "--trials", "4", "--progress", "none");
        assertThat(other.code()).isEqualTo(org.nntune.cli.exit.ExitCode.USAGE);
        assertThat(other.err()).contains("another search space");
    }
}
