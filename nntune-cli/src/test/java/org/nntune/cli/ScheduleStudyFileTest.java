package org.nntune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.exit.ExitCode;
import org.nntune.nn.model.Sequential;
import org.nntune.storage.Storages;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.TrialState;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A study file that searches the learning-rate schedule and its constants: trials store a constant
 * only when their schedule uses it, the refit and {@code best --export} carry the best trial's, the
 * saved model records them; impossible values and constants no schedule of the space uses are
 * refused before trial 0, every one at its line.
 */
class ScheduleStudyFileTest {

    private static final String STUDY = """
            study: sched
            seed: 5
            data: {bundled: iris}
            metric: accuracy
            validation: {method: holdout, fraction: 0.25}
            model:
              family: mlp
              space:
                hidden: 16
                optimizer: sgd
                lr: {low: 0.01, high: 0.2, log: true}
                schedule: [step, cosine]
                gamma: {low: 0.1, high: 0.9}
                step_size: [2, 3]
                min_lr: [1.0e-4, 1.0e-3]
                warmup_epochs: [0, 1]
                batch_size: 16
                epochs: 8
            sampler: {type: random}
            budget: {trials: 8}
            """;

    private static Path write(Path dir, String text) throws Exception {
        Path file = dir.resolve("sched.yaml");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void trialsCarryAConstantOnlyWhenTheirScheduleUsesItAndTheModelKeepsThem(@TempDir Path dir) throws Exception {
        Path file = write(dir, STUDY);
        CliTest.Result r = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("gamma 0.1..0.9").contains("schedule [step | cosine]");
        List<FrozenTrial> all;
        try (Storage s = Storages.open("sqlite:" + dir.resolve("sched.db"))) {
            all = s.getAllTrials(s.getAllStudies().get(0).studyId());
        }
        assertThat(all).hasSize(8).allMatch(t -> t.state() == TrialState.COMPLETE);
        assertThat(all).extracting(t -> t.params().get("schedule")).contains("step", "cosine");
        for (FrozenTrial t : all) {
            boolean step = t.params().get("schedule").equals("step");
            assertThat(t.params().containsKey("gamma")).as("trial %d: %s", t.number(), t.params()).isEqualTo(step);
            assertThat(t.params().containsKey("step_size")).as("trial %d: %s", t.number(), t.params()).isEqualTo(step);
            assertThat(t.params().containsKey("min_lr")).as("trial %d: %s", t.number(), t.params()).isEqualTo(!step);
            assertThat(t.params()).as("trial %d", t.number()).containsKey("warmup_epochs");
        }

        Path json = dir.resolve("best.json");
        CliTest.Result best = CliTest.run("best", file.toString(), "--export", json.toString());
        assertThat(best.code()).as(best.err()).isZero();
        JsonNode params = new ObjectMapper().readTree(json.toFile()).get("params");
        boolean bestStep = params.get("schedule").asText().equals("step");
        assertThat(params.has("gamma")).isEqualTo(bestStep);
        assertThat(params.has("min_lr")).isEqualTo(!bestStep);

        // the refit's model records the best trial's schedule with its constants
        Map<String, String> hp = Sequential.load(dir.resolve("sched-results").resolve("best.model")).provenance().hyperparameters();
        assertThat(hp).containsEntry("schedule", bestStep ? "step" : "cosine");
        assertThat(hp.getOrDefault("warmup_epochs", "0")).isEqualTo(params.get("warmup_epochs").asText());
        if (bestStep) {
            assertThat(Float.parseFloat(hp.get("gamma"))).isEqualTo((float) params.get("gamma").asDouble());
            assertThat(hp).containsEntry("step_epochs", params.get("step_size").asText());
        } else {
            assertThat(Float.parseFloat(hp.get("min_lr"))).isEqualTo((float) params.get("min_lr").asDouble());
        }
    }

    /** The grid enumerates a constant as any key; a trial whose schedule does not use it neither asks nor stores it. */
    @Test
    void theGridSearchesAConstant(@TempDir Path dir) throws Exception {
        Path file = write(dir, STUDY.replace("lr: {low: 0.01, high: 0.2, log: true}", "lr: 0.05")
                .replace("gamma: {low: 0.1, high: 0.9}", "gamma: [0.5, 0.9]").replace("step_size: [2, 3]", "step_size: 2")
                .replace("schedule: [step, cosine]", "schedule: [step, exponential, cosine]")
                .replace("min_lr: [1.0e-4, 1.0e-3]", "min_lr: 1.0e-3").replace("warmup_epochs: [0, 1]", "warmup_epochs: 1")
                .replace("epochs: 8", "epochs: 3").replace("{type: random}", "{type: grid}").replace("budget: {trials: 8}\n", ""));
        CliTest.Result r = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        try (Storage s = Storages.open("sqlite:" + dir.resolve("sched.db"))) {
            List<FrozenTrial> all = s.getAllTrials(s.getAllStudies().get(0).studyId());
            assertThat(all).allMatch(t -> t.state() == TrialState.COMPLETE);
            // the grid's 6 points; a cosine trial's two points train alike
            assertThat(all).hasSize(6);
            assertThat(all).filteredOn(t -> !t.params().get("schedule").equals("cosine"))
                    .extracting(t -> t.params().get("schedule") + " " + t.params().get("gamma"))
                    .containsExactlyInAnyOrder("step 0.5", "step 0.9", "exponential 0.5", "exponential 0.9");
            assertThat(all).filteredOn(t -> t.params().get("schedule").equals("cosine")).hasSize(2)
                    .allMatch(t -> !t.params().containsKey("gamma"));
        }
    }

    @Test
    void impossibleValuesAndUselessConstantsAreRefusedAtTheirLinesAllInOneRun(@TempDir Path dir) throws Exception {
        Map<String, String[]> cases = new java.util.LinkedHashMap<>();
        // each value on its own: all three in one run
        cases.put("gamma: {low: 0.1, high: 0.9}|gamma: 0|step_size: [2, 3]|step_size: [0, 2]|warmup_epochs: [0, 1]|warmup_epochs: -1", new String[] {
                "line 13, key 'model.space.gamma': gamma (the factor of the rate at each step) must be in (0, 1], got 0",
                "line 14, key 'model.space.step_size': step_size (epochs between two steps of the rate) must be >= 1, got 0",
                "key 'model.space.warmup_epochs': warmup_epochs must be >= 0 (0: no warm-up), got -1"});
        cases.put("gamma: {low: 0.1, high: 0.9}|gamma: [0.5, 1.5]", new String[] {"line 13, key 'model.space.gamma'", "got 1.5"});
        // against the rest of the space: all at once, each at its line
        cases.put("schedule: [step, cosine]|schedule: cosine|min_lr: [1.0e-4, 1.0e-3]|min_lr: 0.01|warmup_epochs: [0, 1]|warmup_epochs: [2, 8]",
                new String[] {
                "line 13, key 'model.space.gamma': it is a constant of the step and exponential schedules, and this space's schedule"
                        + " is cosine: add one of [step, exponential] to schedule, or remove gamma",
                "line 14, key 'model.space.step_size': it is a constant of the step schedule",
                "line 15, key 'model.space.min_lr': min_lr 0.01 is not below every lr the space may draw (the lowest is 0.01)",
                "line 16, key 'model.space.warmup_epochs': warmup_epochs 8 is not shorter than every run of epochs the space may draw"
                        + " (the shortest is 8)"});
        cases.put("schedule: [step, cosine]|schedule: [step, exponential]", new String[] {
                "line 15, key 'model.space.min_lr': it is a constant of the cosine schedule, and this space's schedule is one of"
                        + " [step, exponential]: add cosine to schedule, or remove min_lr"});
        // the family's default epochs (50) when the space does not name epochs
        cases.put("    epochs: 8\n|\n|warmup_epochs: [0, 1]|warmup_epochs: 60", new String[] {
                "line 16, key 'model.space.warmup_epochs': warmup_epochs 60 is not shorter than the 50 epochs of model.defaults: fixed"});
        // the time-budget mode: trials train up to budget.max_epochs
        cases.put("    epochs: 8\n|\n|budget: {trials: 8}|budget: {timeout: 1m, max_epochs: 9}|warmup_epochs: [0, 1]|warmup_epochs: [1, 9]",
                new String[] {"line 16, key 'model.space.warmup_epochs': warmup_epochs 9 is not shorter than the 9 epochs trials train"
                        + " up to in the time-budget mode"});
        for (Map.Entry<String, String[]> c : cases.entrySet()) {
            String[] edit = c.getKey().split("\\|");
            String text = STUDY;
            for (int i = 0; i < edit.length; i += 2) {
                assertThat(text).as(c.getKey()).contains(edit[i]);
                text = text.replace(edit[i], edit[i + 1]);
            }
            Path file = write(dir, text);
            CliTest.Result r = CliTest.run("tune", file.toString(), "--progress", "none");
            assertThat(r.code()).as(c.getKey() + ": " + r.out() + r.err()).isEqualTo(ExitCode.USAGE);
            for (String expected : c.getValue()) {
                assertThat(r.err()).as(c.getKey()).contains(expected);
            }
            assertThat(r.out()).doesNotContain("trial 0");
            assertThat(dir.resolve("sched.db")).doesNotExist();
        }
    }
}
