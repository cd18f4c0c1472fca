package org.nntune.search;

import org.junit.jupiter.api.Test;
import org.nntune.nn.optim.LearningRateSchedule;
import org.nntune.tune.sampler.RandomSampler;
import org.nntune.tune.study.Study;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** step_size, gamma, min_lr and warmup_epochs: from a space to the engine's schedule, drawn only where they act. */
class ScheduleSettingsTest {

    private static NetworkConfig config(Map<String, ?> space) {
        return MlpSpace.builder().fixedDefaults().build().with(space).config(ParamSource.fixed(Map.of()));
    }

    @Test
    void theConstantsReachTheEnginesSchedule() {
        // the defaults, as before the constants were settable: a third of the epochs, 0.1; 0.95; a cosine to 0
        assertThat(config(Map.of("schedule", "step", "epochs", 9)).scheduleValue()).isEqualTo(LearningRateSchedule.step(3, 0.1));
        assertThat(config(Map.of("schedule", "exponential")).scheduleValue()).isEqualTo(LearningRateSchedule.exponential(0.95));
        assertThat(config(Map.of("schedule", "cosine")).scheduleValue()).isEqualTo(LearningRateSchedule.cosine(0, 0));
        // set: PyTorch's StepLR(step_size=4, gamma=0.5) after a warm-up of 2 epochs
        NetworkConfig step = config(Map.of("schedule", "step", "step_size", 4, "gamma", 0.5, "warmup_epochs", 2));
        assertThat(step.scheduleValue()).isEqualTo(LearningRateSchedule.warmup(2, LearningRateSchedule.step(4, 0.5)));
        assertThat(step.describe()).containsEntry("step_size", 4).containsEntry("gamma", 0.5).containsEntry("warmup_epochs", 2);
        // the default step is a third of the epochs after the warm-up
        assertThat(config(Map.of("schedule", "step", "epochs", 12, "warmup_epochs", 3)).scheduleValue())
                .isEqualTo(LearningRateSchedule.warmup(3, LearningRateSchedule.step(3, 0.1)));
        assertThat(config(Map.of("schedule", "cosine", "min_lr", 1e-5, "warmup_epochs", 1)).scheduleValue())
                .isEqualTo(LearningRateSchedule.cosine(1, 1e-5));
        var rates = config(Map.of("schedule", "exponential", "gamma", 0.5, "warmup_epochs", 1, "epochs", 3)).scheduleValue()
                .start(0.1f, 3, 1);
        assertThat(rates.rate(0, 0)).isCloseTo(0.1f, within(1e-8f)); // one batch of warm-up is the rate
        assertThat(rates.rate(2, 0)).isCloseTo(0.05f, within(1e-8f));
        // a warm-up with the constant schedule, and with lr_adapt: the schedule scales the adapted rate
        assertThat(config(Map.of("warmup_epochs", 2, "optimizer", "sgd", "lr_adapt", "hypergradient")).scheduleValue())
                .isEqualTo(LearningRateSchedule.warmup(2, LearningRateSchedule.constant()));
    }

    @Test
    void aConstantIsAskedOnlyByTrialsWhoseScheduleUsesIt() {
        NetworkSpace space = MlpSpace.builder().fixedDefaults().build().with(Map.of("schedule", List.of("step", "cosine", "exponential"),
                "gamma", Map.of("low", 0.1, "high", 0.9), "step_size", List.of(2, 5), "min_lr", Map.of("low", 1e-6, "high", 1e-5, "log", true)));
        Study study = Study.builder("schedules").direction(StudyDirection.MAXIMIZE).sampler(new RandomSampler(3)).seed(3).create();
        study.optimize(trial -> {
            space.config(ParamSource.of(trial));
            return 0;
        }, 30);
        java.util.Set<Object> seen = new java.util.HashSet<>();
        for (FrozenTrial t : study.trials()) {
            String schedule = (String) t.params().get("schedule");
            seen.add(schedule);
            assertThat(t.params().containsKey("gamma")).as("trial %d, %s", t.number(), schedule).isEqualTo(!schedule.equals("cosine"));
            assertThat(t.params().containsKey("step_size")).as("trial %d, %s", t.number(), schedule).isEqualTo(schedule.equals("step"));
            assertThat(t.params().containsKey("min_lr")).as("trial %d, %s", t.number(), schedule).isEqualTo(schedule.equals("cosine"));
        }
        assertThat(seen).containsExactlyInAnyOrder("step", "cosine", "exponential");
        // a grid enumerates them (a trial of another schedule ignores its value, as momentum without sgd)
        assertThat(space.with(Map.of("gamma", List.of(0.2, 0.5))).gridAxes()).containsEntry("gamma", List.of(0.2, 0.5));
    }

    @Test
    void impossibleValuesAndUselessConstantsAreRefused() {
        MlpSpace fixed = MlpSpace.builder().fixedDefaults().build();
        assertThatThrownBy(() -> fixed.with(Map.of("gamma", 0.0))).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("gamma (the factor of the rate at each step) must be in (0, 1], got 0.0");
        assertThatThrownBy(() -> fixed.with(Map.of("gamma", List.of(0.5, 1.5)))).hasMessageContaining("got 1.5");
        assertThatThrownBy(() -> fixed.with(Map.of("step_size", 0))).hasMessageContaining("step_size (epochs between two steps of the"
                + " rate) must be >= 1, got 0");
        assertThatThrownBy(() -> fixed.with(Map.of("min_lr", -1e-3))).hasMessageContaining("min_lr (the rate cosine falls to) must be"
                + " finite and >= 0, got -0.001");
        assertThatThrownBy(() -> fixed.with(Map.of("warmup_epochs", -1))).hasMessageContaining("warmup_epochs must be >= 0");
        // against the space's other settings, every mistake at once
        InvalidValueException e = org.assertj.core.api.Assertions.catchThrowableOfType(() -> MlpSpace.builder().fixedDefaults()
                .set("schedule", "cosine").set("gamma", 0.5).set("step_size", 3).set("min_lr", 1e-3).set("lr", List.of(1e-3, 1e-2))
                .set("epochs", 5).set("warmup_epochs", List.of(1, 5)).build(), InvalidValueException.class);
        assertThat(e.problems()).extracting(InvalidValueException::parameter).containsExactly("step_size", "gamma", "min_lr", "warmup_epochs");
        assertThat(e.problems().get(1)).hasMessage("parameter 'gamma': it is a constant of the step and exponential schedules, and this"
                + " space's schedule is cosine: add one of [step, exponential] to schedule, or remove gamma");
        assertThat(e.problems().get(2)).hasMessageContaining("min_lr 0.001 is not below every lr the space may draw (the lowest is 0.001)");
        assertThat(e.problems().get(3)).hasMessageContaining("warmup_epochs 5 is not shorter than every run of epochs the space may"
                + " draw (the shortest is 5)");
        // a choice of schedules that holds one using it is fine
        assertThat(MlpSpace.builder().fixedDefaults().set("schedule", List.of("cosine", "exponential")).set("gamma", 0.5).build()
                .params()).containsKey("gamma");
        // a refit for fewer epochs than the warm-up trains as the trial's first epochs did
        NetworkSpace refit = fixed.with(Map.of("warmup_epochs", 4, "epochs", 10)).with(Map.of("epochs", 3));
        assertThat(refit.config(ParamSource.fixed(Map.of())).scheduleValue().start(1f, 3, 1).rate(2, 0)).isCloseTo(0.75f, within(1e-7f));
        // a configuration made directly
        assertThatThrownBy(() -> new NetworkConfig(List.of(), 1, "none", List.of(8), "relu", 0, false, "adam", 0.01, 0.9, false, 0.9,
                0.999, 0, 0, 32, 10, "cosine", 0, "none", false, java.util.Optional.empty(), "none", 1e-4, L2Adapt.NONE, "none",
                new ScheduleSettings(java.util.OptionalInt.empty(), java.util.OptionalDouble.empty(), 0.01, 0)))
                .hasMessageContaining("min_lr 0.01 must be below lr 0.01");
    }
}
