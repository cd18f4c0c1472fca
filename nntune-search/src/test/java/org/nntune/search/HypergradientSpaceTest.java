package org.nntune.search;

import org.junit.jupiter.api.Test;
import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.Datasets;
import org.nntune.nn.data.Splits;
import org.nntune.nn.model.EpochResult;
import org.nntune.nn.optim.Hypergradient;
import org.nntune.tune.sampler.RandomSampler;
import org.nntune.tune.study.Study;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An MLP space with {@code lr_adapt: hypergradient}: trials train with a rate that adapts itself. */
class HypergradientSpaceTest {

    @Test
    void trialsDrawHyperLrAndTrainWithAnAdaptingRate() {
        MlpSpace space = MlpSpace.builder().fix("hidden", "16").fix("optimizer", "adam").fix("lr", 1e-4).fix("epochs", 15)
                .fix("batch_size", 16).fix("l2", 0.0).fix("dropout", 0.0).fix("lr_adapt", "hypergradient")
                .logRange("hyper_lr", 1e-5, 1e-3).build();
        Dataset iris = Datasets.iris();
        Dataset train = Splits.canonical(iris).train(iris);
        Study study = Study.builder("hd").direction(StudyDirection.MAXIMIZE).sampler(new RandomSampler(3)).seed(3).create();
        study.optimize(trial -> {
            NetworkConfig c = space.config(ParamSource.of(trial));
            assertThat(c.optimizerValue()).isInstanceOfSatisfying(Hypergradient.class, h -> {
                assertThat(h.hyperLearningRate()).isEqualTo(c.hyperLr());
                assertThat(h.rule()).isEqualTo(Hypergradient.Rule.ADDITIVE);
            });
            NetworkEstimator e = new NetworkEstimator(c, 1).fit(train);
            List<EpochResult> epochs = e.history().epochs();
            assertThat(epochs).allSatisfy(r -> assertThat(r.adaptedRates()).containsOnlyKeys("lr"));
            // from 1e-4 the rate climbs: Adam's steps keep pointing the same way on this easy set
            return epochs.get(epochs.size() - 1).adaptedRates().get("lr");
        }, 3);
        assertThat(study.trials()).hasSize(3);
        for (FrozenTrial t : study.trials()) {
            assertThat(t.state()).isEqualTo(org.nntune.tune.trial.TrialState.COMPLETE);
            assertThat(t.params()).containsKey("hyper_lr"); // a fixed lr_adapt is not a trial parameter
            assertThat((Double) t.params().get("hyper_lr")).isBetween(1e-5, 1e-3);
            assertThat(t.value()).isGreaterThan(1e-4);
        }
        assertThat(MlpSpace.builder().fixedDefaults().build().config(ParamSource.fixed(java.util.Map.of())).lrAdapt()).isEqualTo("none");
    }

    /** A fixed 16-unit MLP trained by Adam from lr 1e-1 (a hundred times too large) for 15 epochs with {@code lrAdapt}. */
    private static NetworkConfig adamFromTooLargeARate(String lrAdapt) {
        MlpSpace space = MlpSpace.builder().fixedDefaults().fix("hidden", "16").fix("optimizer", "adam").fix("lr", 1e-1).fix("epochs", 15)
                .fix("batch_size", 16).fix("l2", 0.0).fix("dropout", 0.0).fix("lr_adapt", lrAdapt).build();
        return space.config(ParamSource.fixed(java.util.Map.of()));
    }

    /** The epochs of {@code c} trained on iris's canonical training rows. */
    private static List<EpochResult> epochsOnIris(NetworkConfig c) {
        Dataset iris = Datasets.iris();
        return new NetworkEstimator(c, 1).fit(Splits.canonical(iris).train(iris)).history().epochs();
    }

    @Test
    void theMultiplicativeRuleComesWithItsDefaults() {
        NetworkConfig c = adamFromTooLargeARate("hypergradient_multiplicative");
        assertThat(c.hyperLr()).isEqualTo(Hypergradient.DEFAULT_MULTIPLICATIVE_BETA);
        assertThat(c.optimizerValue()).isEqualTo(Hypergradient.multiplicative(org.nntune.nn.optim.Optimizer.adam(1e-1), false));
        assertThat(c.describe()).containsEntry("lr_adapt", "hypergradient_multiplicative");
        // from a rate a hundred times too large the rate comes down during training
        List<EpochResult> epochs = epochsOnIris(c);
        assertThat(epochs.get(epochs.size() - 1).adaptedRates().get("lr")).isLessThan(1e-1);
    }

    @Test
    void theStandardizedRuleComesWithItsDefaults() {
        NetworkConfig c = adamFromTooLargeARate("hypergradient_standardized");
        assertThat(c.hyperLr()).isEqualTo(Hypergradient.DEFAULT_STANDARDIZED_BETA);
        assertThat(c.optimizerValue()).isEqualTo(Hypergradient.standardized(org.nntune.nn.optim.Optimizer.adam(1e-1), false));
        assertThat(c.describe()).containsEntry("lr_adapt", "hypergradient_standardized");
        // the rate adapts and its trajectory is kept per epoch
        List<EpochResult> epochs = epochsOnIris(c);
        assertThat(epochs).hasSize(15).allSatisfy(r -> assertThat(r.adaptedRates()).containsOnlyKeys("lr"));
        assertThat(Math.abs(Math.log(epochs.get(epochs.size() - 1).adaptedRates().get("lr") / 1e-1))).isGreaterThan(0.1);
    }

    @Test
    void badSettingsAreRefusedWhenTheSpaceIsBuilt() {
        assertThatThrownBy(() -> MlpSpace.builder().fix("hyper_lr", -1e-3))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("hyper_lr must be finite and > 0, got -0.001");
        assertThatThrownBy(() -> MlpSpace.builder().fix("lr_adapt", "hypergradient").build())
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("but the space may draw rmsprop");
    }

    /**
     * A schedule scales the adapted rate, so a space may draw any schedule beside lr_adapt, and every
     * configuration it draws trains (the configuration once refused what the space allowed).
     */
    @Test
    void aSpaceMayDrawSchedulesBesideAnAdaptedRate() {
        for (String rule : new String[] {"hypergradient", "hypergradient_multiplicative", "hypergradient_standardized"}) {
            assertThat(MlpSpace.builder().fix("optimizer", "adam").choices("schedule", "constant", "cosine")
                    .fix("lr_adapt", rule).build()).as(rule).isNotNull();
        }
        for (String schedule : NetworkConfig.SCHEDULES) {
            MlpSpace space = MlpSpace.builder().fixedDefaults().fix("hidden", "16").fix("optimizer", "sgd").fix("lr", 1e-2)
                    .fix("epochs", 4).fix("batch_size", 16).fix("schedule", schedule).fix("lr_adapt", "hypergradient").build();
            List<EpochResult> epochs = epochsOnIris(space.config(ParamSource.fixed(java.util.Map.of())));
            assertThat(epochs).as(schedule).hasSize(4).allSatisfy(r -> assertThat(r.adaptedRates().get("lr")).isPositive());
            // and with the schedule's constants and a warm-up, which scales the adapted rate up from near 0
            MlpSpace tuned = (MlpSpace) space.with(java.util.Map.of("warmup_epochs", 1));
            if (ScheduleSettings.schedulesUsing("gamma").contains(schedule)) {
                tuned = (MlpSpace) tuned.with(java.util.Map.of("gamma", 0.5));
            }
            if (schedule.equals("cosine")) {
                tuned = (MlpSpace) tuned.with(java.util.Map.of("min_lr", 1e-4));
            }
            NetworkConfig config = tuned.config(ParamSource.fixed(java.util.Map.of()));
            assertThat(config.scheduleValue().hyperparameters()).as(schedule).containsEntry("warmup_epochs", "1");
            assertThat(epochsOnIris(config)).as(schedule).hasSize(4)
                    .allSatisfy(r -> assertThat(r.adaptedRates().get("lr")).isPositive().isFinite());
        }
    }
}
