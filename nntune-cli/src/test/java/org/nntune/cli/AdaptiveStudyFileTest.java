package org.nntune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Study files with {@code lr_adapt: hypergradient} and {@code l2_adapt: implicit}: trials store
 * their trajectories, pruning, resume and several workers work as for any trial, the report plots
 * them, {@code best} exports the final values; a diverging hyper-step fails its trial and the study
 * goes on; bad settings are refused before trial 0 with file, line and key.
 */
class AdaptiveStudyFileTest {

    private static final String STUDY = """
            study: %s
            seed: 3
            data: {bundled: iris}
            metric: accuracy
            validation: {method: holdout, fraction: 0.25}
            model:
              family: mlp
              space:
                layers: 1
                units: {low: 8, high: 32}
                optimizer: adam
                lr: 1.0e-3
                lr_adapt: hypergradient
                hyper_lr: {low: 1.0e-5, high: 1.0e-3, log: true}
                l2_adapt: implicit
                l2_hyper_lr: %s
                batch_size: 16
                epochs: 12
            sampler: {type: %s}
            pruner: {type: median, startup_trials: 1}
            budget: {trials: %d}
            """;

    private static Path write(Path dir, String name, String text) throws Exception {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, text);
        return file;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, List<Double>> trajectory(FrozenTrial t) {
        return (Map<String, List<Double>>) t.systemAttrs().get(SystemAttrs.ADAPTED_HYPERPARAMETERS);
    }

    @Test
    void trialsStoreTrajectoriesResumeAndBestExportsTheFinalValues(@TempDir Path dir) throws Exception {
        Path file = write(dir, "adaptive", STUDY.formatted("adaptive", "0.05", "tpe", 4));
        CliTest.Result r = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("adapted during training (final values): {lr=").contains("l2_layer0=");
        CliTest.Result more = CliTest.run("tune", file.toString(), "--trials", "5", "--progress", "none");
        assertThat(more.code()).as(more.out() + more.err()).isZero();
        assertThat(more.out()).contains("resuming: the study already has 4 finished trials of 5");
        try (Storage s = Storages.open("sqlite:" + dir.resolve("adaptive.db"))) {
            List<FrozenTrial> all = s.getAllTrials(s.getAllStudies().get(0).studyId());
            assertThat(all).hasSize(5).noneMatch(t -> t.state() == TrialState.FAIL);
            for (FrozenTrial t : all) {
                Map<String, List<Double>> traj = trajectory(t);
                assertThat(traj).as("trial %d", t.number()).containsOnlyKeys("lr", "l2_layer0", "l2_layer2");
                // a pruned trial's trajectory ends where it stopped; the others ran all 12 epochs
                int epochs = t.state() == TrialState.PRUNED ? t.intermediateValues().size() : 12;
                assertThat(traj.get("lr")).hasSize(epochs);
            }
        }
        Path json = dir.resolve("best.json");
        CliTest.Result best = CliTest.run("best", file.toString(), "--export", json.toString());
        assertThat(best.code()).as(best.err()).isZero();
        assertThat(best.out()).contains("adapted during training (final values): {lr=");
        JsonNode exported = new ObjectMapper().readTree(json.toFile());
        assertThat(exported.get("adapted_final").get("lr").asDouble()).isPositive();
        assertThat(exported.get("adapted_final").get("l2_layer2").asDouble()).isPositive();
        assertThat(exported.get("params").has("hyper_lr")).isTrue();
        String report = Files.readString(dir.resolve("adaptive-results").resolve("report.html"));
        assertThat(report).contains("href=\"#adapted\"").contains("data-name=\"l2_layer0\"");
    }

    /**
     * With a schedule, each epoch stores the rate its last batch used ({@code lr}, the adapted rate
     * times the schedule's factor) and the adapted rate itself ({@code lr_base}); {@code best}
     * exports both, and the report plots both.
     */
    @Test
    void withAScheduleTheRateUsedAndTheAdaptedRateAreStoredAndExported(@TempDir Path dir) throws Exception {
        Path file = write(dir, "scheduled", """
                study: scheduled
                seed: 3
                data: {bundled: iris}
                metric: accuracy
                validation: {method: holdout, fraction: 0.25}
                model:
                  family: mlp
                  space:
                    layers: 1
                    units: 16
                    optimizer: adam
                    lr: 1.0e-2
                    lr_adapt: hypergradient
                    schedule: step
                    batch_size: 16
                    epochs: 12
                budget: {trials: 1}
                """);
        CliTest.Result r = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        try (Storage s = Storages.open("sqlite:" + dir.resolve("scheduled.db"))) {
            FrozenTrial t = s.getAllTrials(s.getAllStudies().get(0).studyId()).get(0);
            Map<String, List<Double>> traj = trajectory(t);
            assertThat(traj).containsOnlyKeys("lr", "lr_base");
            assertThat(traj.get("lr")).hasSize(12);
            assertThat(traj.get("lr").get(11)).as("the step schedule lowered the rate used").isLessThan(traj.get("lr_base").get(11) / 5);
        }
        Path json = dir.resolve("best.json");
        CliTest.Result best = CliTest.run("best", file.toString(), "--export", json.toString());
        assertThat(best.code()).as(best.err()).isZero();
        JsonNode adapted = new ObjectMapper().readTree(json.toFile()).get("adapted_final");
        assertThat(adapted.get("lr").asDouble()).isPositive().isLessThan(adapted.get("lr_base").asDouble() / 5);
        String report = Files.readString(dir.resolve("scheduled-results").resolve("report.html"));
        assertThat(report).contains("data-name=\"lr\"").contains("data-name=\"lr_base\"");
    }

    /**
     * Several workers, as with any trial: a tune of two trials in two parallel jobs, then two
     * worker processes on the same SQLite study raising its budget to 6 side by side. The study
     * ends with exactly 6 trials, none failed, each with its lr and L2 trajectories.
     */
    @Test
    void severalWorkersShareAnAdaptiveStudy(@TempDir Path dir) throws Exception {
        Path file = write(dir, "shared", STUDY.formatted("shared", "0.05", "tpe", 2)
                .replace("budget: {trials: 2}", "budget: {trials: 2, jobs: 2}"));
        String url = "sqlite:" + dir.resolve("shared.db");
        CliTest.Result first = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(first.code()).as(first.out() + first.err()).isZero();
        try (CliProcesses jvms = new CliProcesses(dir)) {
            CliProcesses.Cli a = jvms.start("worker", "shared", "--storage", url, "--trials", "6", "--progress", "none");
            CliProcesses.Cli b = jvms.start("worker", "shared", "--storage", url, "--trials", "6", "--progress", "none");
            for (CliProcesses.Cli w : List.of(a, b)) {
                assertThat(w.await(180)).as("%s\n%s", w.outText(), w.errText()).isZero();
                assertThat(w.outText()).contains("worker done: the study has 6 trials");
            }
        }
        try (Storage s = Storages.open(url)) {
            List<FrozenTrial> all = s.getAllTrials(s.getAllStudies().get(0).studyId());
            assertThat(all).hasSize(6).allMatch(t -> t.state() == TrialState.COMPLETE || t.state() == TrialState.PRUNED);
            for (FrozenTrial t : all) {
                Map<String, List<Double>> traj = trajectory(t);
                assertThat(traj).as("trial %d", t.number()).containsOnlyKeys("lr", "l2_layer0", "l2_layer2");
                int epochs = t.state() == TrialState.PRUNED ? t.intermediateValues().size() : 12;
                assertThat(traj.get("l2_layer0")).as("trial %d", t.number()).hasSize(epochs);
            }
        }
    }

    /**
     * {@code l2_adapt} searched over its two objectives in a study file: a grid runs one trial on the
     * calibrated validation loss ({@code implicit}) and one on the plain one ({@code implicit_loss});
     * both complete with their L2 trajectories and the mode as the trial's parameter.
     */
    @Test
    void aStudyFileMaySearchTheImplicitObjective(@TempDir Path dir) throws Exception {
        Path file = write(dir, "objective", STUDY.formatted("objective", "0.05", "grid", 2)
                .replace("l2_adapt: implicit", "l2_adapt: [implicit, implicit_loss]")
                .replace("hyper_lr: {low: 1.0e-5, high: 1.0e-3, log: true}", "hyper_lr: 1.0e-4")
                .replace("units: {low: 8, high: 32}", "units: 16").replace("{type: median, startup_trials: 1}", "none"));
        CliTest.Result r = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        try (Storage s = Storages.open("sqlite:" + dir.resolve("objective.db"))) {
            List<FrozenTrial> all = s.getAllTrials(s.getAllStudies().get(0).studyId());
            assertThat(all).hasSize(2).allMatch(t -> t.state() == TrialState.COMPLETE);
            assertThat(all).extracting(t -> t.params().get("l2_adapt")).containsExactlyInAnyOrder("implicit", "implicit_loss");
            for (FrozenTrial t : all) {
                assertThat(trajectory(t).get("l2_layer0")).as("trial %d", t.number()).hasSize(12);
            }
        }
    }

    @Test
    void aDivergingHyperStepFailsItsTrialWithTheReasonAndTheStudyGoesOn(@TempDir Path dir) throws Exception {
        Path file = write(dir, "diverge", STUDY.formatted("diverge", "[0.05, 1.0e+6]", "random", 4)
                .replace("hyper_lr: {low: 1.0e-5, high: 1.0e-3, log: true}", "hyper_lr: 1.0e-4")
                .replace("units: {low: 8, high: 32}", "units: 16").replace("{type: median, startup_trials: 1}", "none"));
        CliTest.Result r = CliTest.run("tune", file.toString(), "--progress", "plain");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("the implicit L2 hyper-step diverged")
                .containsPattern("4 trials: [1-3] complete, 0 pruned, [1-3] failed");
    }

    @Test
    void badSettingsAreRefusedBeforeTrialZeroWithFileLineAndKey(@TempDir Path dir) throws Exception {
        String ok = STUDY.formatted("bad", "0.05", "tpe", 1);
        Map<String, String[]> cases = new java.util.LinkedHashMap<>();
        cases.put("hyper_lr: {low: 1.0e-5, high: 1.0e-3, log: true}|hyper_lr: -1.0e-3",
                new String[] {"line 14, key 'model.space.hyper_lr'", "hyper_lr must be finite and > 0, got -0.001"});
        cases.put("l2_hyper_lr: 0.05|l2_hyper_lr: .nan", new String[] {"key 'model.space.l2_hyper_lr'"});
        cases.put("l2_hyper_lr: 0.05|l2_validation: 0.0",
                new String[] {"key 'model.space.l2_validation'", "implicit L2 needs a validation split"});
        cases.put("l2_hyper_lr: 0.05|neumann_terms: -1", new String[] {"key 'model.space.neumann_terms'", "neumann_terms must be >= 0"});
        // a combination: at the adaptation's line, not at the space's
        cases.put("optimizer: adam|optimizer: rmsprop", new String[] {
                "line 13, key 'model.space.lr_adapt': lr_adapt hypergradient works with optimizer sgd or adam, but the space may draw rmsprop"});
        cases.put("optimizer: adam\n    lr: 1.0e-3\n    lr_adapt: hypergradient|optimizer: adamw\n    lr: 1.0e-3\n    lr_adapt: none",
                new String[] {"line 15, key 'model.space.l2_adapt': l2_adapt implicit tunes the L2 penalty, but the space may draw adamw"});
        cases.put("l2_adapt: implicit|l2_adapt: implcit", new String[] {"key 'model.space.l2_adapt'", "did you mean 'implicit'?"});
        for (Map.Entry<String, String[]> c : cases.entrySet()) {
            String[] edit = c.getKey().split("\\|");
            Path file = write(dir, "bad", ok.replace(edit[0], edit[1]));
            CliTest.Result r = CliTest.run("tune", file.toString(), "--progress", "none");
            assertThat(r.code()).as(c.getKey() + ": " + r.out() + r.err()).isEqualTo(ExitCode.USAGE);
            assertThat(r.err()).as(c.getKey()).contains("bad.yaml");
            for (String expected : c.getValue()) {
                assertThat(r.err()).as(c.getKey()).contains(expected);
            }
            assertThat(r.err()).as("the key names the parameter; the message does not again")
                    .doesNotContainPattern("key 'model\\.space\\.(\\w+)': parameter '\\1'");
            assertThat(r.out()).doesNotContain("trial 0");
            assertThat(dir.resolve("bad.db")).doesNotExist();
        }
    }

    /**
     * A sampler that sets lr itself while the networks train (population-based training's explore)
     * and a rate that adapts itself cannot both own lr: refused at lr's line. Any other sampler only
     * picks the rate a trial starts from, which hypergradient descent then adapts (the study above
     * searches hyper_lr that way, and lr could be searched the same).
     */
    @Test
    void populationBasedTrainingExploringAnAdaptedLrIsRefusedAtItsLine(@TempDir Path dir) throws Exception {
        String pbt = PopulationCliTest.IRIS_PBT.replace("optimizer: adam\n", "optimizer: adam\n    lr_adapt: hypergradient\n");
        assertThat(pbt).contains("lr_adapt: hypergradient");
        Path file = write(dir, "pbt-hd", pbt);
        CliTest.Result r = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("pbt-hd.yaml").contains("line 14, key 'model.space.lr'")
                .contains("population-based training sets 'lr' at every round, but lr_adapt hypergradient adapts it during training");
    }
}
