package org.nntune.search;

import org.junit.jupiter.api.Test;
import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.Datasets;
import org.nntune.nn.data.Splits;
import org.nntune.tune.sampler.GridSampler;
import org.nntune.tune.sampler.RandomSampler;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.SystemAttrs;
import org.nntune.tune.trial.TrialState;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Network spaces with {@code l2_adapt: implicit} (and {@code lr_adapt: hypergradient}): trials train
 * with adapting hyperparameters, store their trajectories per epoch (pruned trials up to where they
 * stopped), a diverging hyper-step fails its trial only, and bad settings are refused.
 */
class ImplicitL2SpaceTest {

    private static Dataset irisTrain() {
        Dataset iris = Datasets.iris();
        return Splits.canonical(iris).train(iris);
    }

    private static MlpSpace.Builder base() {
        return MlpSpace.builder().fixedDefaults().fix("hidden", "16").fix("optimizer", "adam").fix("lr", 1e-2).fix("epochs", 6)
                .fix("batch_size", 16).fix("dropout", 0.0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, List<Double>> trajectory(FrozenTrial t) {
        return (Map<String, List<Double>>) t.systemAttrs().get(SystemAttrs.ADAPTED_HYPERPARAMETERS);
    }

    /**
     * Three random trials with both adaptations, the L2's hyper-step searched: each stores lr and the
     * two layers' L2 for every epoch (mean over the 3 folds), and the L2 moved from its start.
     */
    @Test
    void trialsStoreTheTrajectoriesOfTheAdaptedHyperparameters() {
        MlpSpace space = base().fix("lr_adapt", "hypergradient").fix("l2_adapt", "implicit").fix("l2", 1e-3)
                .logRange("l2_hyper_lr", 0.02, 0.2).fix("l2_steps", 2).build();
        SearchResult r = CrossValidatedSearch.builder(space).cv(CvStrategy.kFold(3)).nTrials(3).seed(4)
                .sampler(new RandomSampler(4)).refit(false).build().fit(irisTrain());
        assertThat(r.study().trials()).hasSize(3);
        for (FrozenTrial t : r.study().trials()) {
            assertThat(t.state()).isEqualTo(TrialState.COMPLETE);
            assertThat(t.params()).containsKey("l2_hyper_lr").doesNotContainKey("l2_adapt");
            Map<String, List<Double>> traj = trajectory(t);
            assertThat(traj).containsOnlyKeys("lr", "l2_layer0", "l2_layer2");
            assertThat(traj.values()).allSatisfy(v -> assertThat(v).hasSize(6).allSatisfy(x -> assertThat(x).isPositive()));
            assertThat(traj.get("l2_layer0").get(5)).isNotCloseTo(1e-3, org.assertj.core.data.Percentage.withPercentage(1));
        }
        assertThat(space.config(ParamSource.fixed(Map.of("l2_hyper_lr", 0.05))).describe())
                .containsEntry("l2_adapt", "implicit").containsEntry("l2_steps", 2).containsEntry("l2_validation", 0.1);
    }

    /**
     * A space that does not set {@code neumann_terms} gives each trial its optimiser's default
     * (10 with sgd, 5 with adam, as the engine's {@code ImplicitL2.defaultTerms}); a set value wins.
     */
    @Test
    void theNeumannTermsDefaultByTheTrialsOptimiser() {
        NetworkConfig sgd = base().fix("optimizer", "sgd").fix("l2_adapt", "implicit").build().config(ParamSource.fixed(Map.of()));
        NetworkConfig adam = base().fix("l2_adapt", "implicit").build().config(ParamSource.fixed(Map.of()));
        NetworkConfig set = base().fix("optimizer", "sgd").fix("l2_adapt", "implicit").fix("neumann_terms", 3).build()
                .config(ParamSource.fixed(Map.of()));
        assertThat(sgd.describe()).containsEntry("neumann_terms", 10);
        assertThat(sgd.l2Adapt().settings(1e-4).neumannTermsFor(org.nntune.nn.optim.Optimizer.sgd(0.05, 0.9, false))).isEqualTo(10);
        assertThat(adam.describe()).containsEntry("neumann_terms", 5);
        assertThat(set.describe()).containsEntry("neumann_terms", 3);
    }

    /**
     * {@code l2_adapt: implicit} tunes on the validation loss at its best temperature,
     * {@code implicit_loss} on the plain one: the mode reaches the engine's settings, the trial's
     * description keeps it, and the same trial trained in the two modes ends with other decays.
     */
    @Test
    void theModeChoosesTheHyperObjective() {
        Map<String, Map<String, List<Double>>> ends = new java.util.LinkedHashMap<>();
        for (String mode : List.of("implicit", "implicit_loss")) {
            MlpSpace space = base().fix("l2_adapt", mode).fix("l2_steps", 2).fix("l2_hyper_lr", 0.2).build();
            NetworkConfig config = space.config(ParamSource.fixed(Map.of()));
            assertThat(config.l2Adapt().settings(1e-4).calibrated()).isEqualTo(mode.equals("implicit"));
            assertThat(config.describe()).containsEntry("l2_adapt", mode);
            SearchResult r = CrossValidatedSearch.builder(space).cv(CvStrategy.holdout(0.25)).nTrials(1).seed(3).refit(false)
                    .build().fit(irisTrain());
            FrozenTrial t = r.study().trials().get(0);
            assertThat(t.state()).isEqualTo(TrialState.COMPLETE);
            ends.put(mode, trajectory(t));
        }
        assertThat(ends.get("implicit").get("l2_layer0").get(5)).isNotEqualTo(ends.get("implicit_loss").get("l2_layer0").get(5));
        assertThatThrownBy(() -> base().fix("l2_adapt", "implicit_loss").fix("optimizer", "adamw").build())
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("l2_adapt implicit_loss tunes the L2 penalty");
    }

    /** With a pruner that stops the first trial after its second epoch, its stored trajectory ends there. */
    @Test
    void aPrunedTrialKeepsTheTrajectoryUpToWhereItStopped() {
        MlpSpace space = base().fix("l2_adapt", "implicit").build();
        SearchResult r = CrossValidatedSearch.builder(space).cv(CvStrategy.holdout(0.25)).nTrials(2).seed(1)
                .pruner((study, trial) -> trial.number() == 0 && trial.intermediateValues().size() >= 2).refit(false).build()
                .fit(irisTrain());
        FrozenTrial t = r.study().trials().get(0);
        assertThat(t.state()).isEqualTo(TrialState.PRUNED);
        assertThat(trajectory(t)).containsOnlyKeys("l2_layer0", "l2_layer2");
        assertThat(trajectory(t).get("l2_layer0")).hasSize(2);
        assertThat(trajectory(r.study().trials().get(1)).get("l2_layer0")).hasSize(6);
    }

    /** A grid over the L2's hyper-step with one absurd value: that trial fails with the reason, the other completes. */
    @Test
    void aDivergingHyperStepFailsItsTrialAndTheSearchGoesOn() {
        MlpSpace space = base().fix("l2_adapt", "implicit").choices("l2_hyper_lr", 0.05, 1e6).build();
        SearchResult r = CrossValidatedSearch.builder(space).cv(CvStrategy.holdout(0.25)).nTrials(2).seed(1)
                .sampler(new GridSampler(Map.of("l2_hyper_lr", List.of(0.05, 1e6)))).refit(false).build().fit(irisTrain());
        FrozenTrial bad = r.study().trials().stream().filter(t -> t.params().get("l2_hyper_lr").equals(1e6)).findFirst()
                .orElseThrow();
        FrozenTrial good = r.study().trials().stream().filter(t -> t.params().get("l2_hyper_lr").equals(0.05)).findFirst()
                .orElseThrow();
        assertThat(bad.state()).isEqualTo(TrialState.FAIL);
        assertThat(bad.failureReason()).get().asString().contains("implicit L2 hyper-step diverged")
                .contains("lower hyper learning rate");
        assertThat(good.state()).isEqualTo(TrialState.COMPLETE);
    }

    @Test
    void badSettingsAreRefusedWithClearMessages() {
        assertThatThrownBy(() -> MlpSpace.builder().fix("l2_validation", 0.0))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("implicit L2 needs a validation split");
        assertThatThrownBy(() -> MlpSpace.builder().fix("l2_hyper_lr", -0.1))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("l2_hyper_lr must be finite and > 0, got -0.1");
        assertThatThrownBy(() -> MlpSpace.builder().fix("l2_steps", 0))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("l2_steps");
        assertThatThrownBy(() -> MlpSpace.builder().fix("neumann_terms", -2))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("neumann_terms must be >= 0");
        assertThatThrownBy(() -> MlpSpace.builder().fix("neumann_terms", 100_000))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("neumann_terms must be at most 200, got 100000");
        assertThat(MlpSpace.builder().fix("neumann_terms", 200).fix("l2_adapt", "implicit").build()).isNotNull();
        assertThatThrownBy(() -> MlpSpace.builder().fix("l2_adapt", "explicit"))
                .isInstanceOf(InvalidValueException.class);
        // a problem that already names the parameter is not led by its name a second time
        assertThatThrownBy(() -> MlpSpace.builder().fix("neumann_terms", 2.5))
                .isInstanceOf(InvalidValueException.class).hasMessage("parameter 'neumann_terms' takes integers, got 2.5");
        assertThatThrownBy(() -> MlpSpace.builder().choices("optimizer", "adam", "adamw").fix("l2_adapt", "implicit").build())
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("may draw adamw");
        // population-based training would set lr and l2 from outside while training adapts them
        assertThatThrownBy(() -> NetworkPopulation.tuneSpace(base().fix("lr_adapt", "hypergradient").logRange("lr", 1e-3, 1e-1)
                .build())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("population-based training sets 'lr' at every round, but lr_adapt hypergradient adapts it");
        assertThatThrownBy(() -> NetworkPopulation.tuneSpace(base().fix("l2_adapt", "implicit").logRange("l2", 1e-5, 1e-2)
                .build())).hasMessageContaining("but l2_adapt implicit adapts it during training");
        assertThat(NetworkPopulation.tuneSpace(base().fix("lr_adapt", "hypergradient").logRange("l2", 1e-5, 1e-2).build()))
                .containsOnlyKeys("l2");
    }

    /** A validation split of no row is named by its setting when the network is built, not by the engine's fit. */
    @Test
    void aValidationSplitOfNoRowIsRefusedByItsSetting() {
        Dataset four = irisTrain().subset(new int[] {0, 1, 2, 3});
        NetworkEstimator implicit = new NetworkEstimator(base().fix("l2_adapt", "implicit").build().config(ParamSource.fixed(Map.of())), 1);
        assertThatThrownBy(() -> implicit.fit(four)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("l2_validation: 0.1 of the 4 rows a network is fitted on holds out 0 rows for the split the implicit L2"
                        + " is tuned on and leaves 4 to train on; each side needs at least one row: give more training rows or raise"
                        + " l2_validation (at most 0.5)");
        NetworkEstimator stopping = new NetworkEstimator(base().fix("early_stopping", 3).build().config(ParamSource.fixed(Map.of())), 1);
        assertThatThrownBy(() -> stopping.build(four)).hasMessageStartingWith("early_stopping: its validation split of 0.1 of the 4"
                + " rows a network is fitted on holds out 0 rows").hasMessageEndingWith("set early_stopping: 0");
        // one row on each side is enough: 0.1 of 5 rows rounds to one
        assertThat(implicit.build(irisTrain().subset(new int[] {0, 1, 2, 3, 4}))).isNotNull();
    }
}
