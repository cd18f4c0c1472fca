package org.nntune.cli.run;

import org.junit.jupiter.api.Test;
import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.Datasets;
import org.nntune.search.MlpSpace;
import org.nntune.search.ParamSource;
import org.nntune.tune.space.CategoricalDistribution;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.TrialState;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The refit after a search, when the best configuration's refit on all training rows diverges:
 * the next best trials are refitted in turn, and the model says whose configuration it has.
 */
class RefitRankedTest {
    private static final Dataset IRIS = Datasets.iris();
    /** ReLU with a rate of 1e30: the second step's logits overflow whatever the kernels, a loss of Infinity. */
    private static final MlpSpace SPACE = MlpSpace.builder().fixedDefaults().fix("hidden", "8").fix("activation", "relu")
            .fix("optimizer", "sgd").choices("lr", 0.05, 1e30).fix("epochs", 2).build();

    private static FrozenTrial trial(int number, double lr) {
        return new FrozenTrial(number, number, TrialState.COMPLETE, List.of(0.9), Map.of("lr", lr),
                Map.of("lr", CategoricalDistribution.of(0.05, 1e30)), Map.of(), Map.of(),
                new TreeMap<>(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static Optional<RunResults.Refit> refit(List<FrozenTrial> ranked, StringWriter text, List<Integer> fitted) {
        return RunResults.refitRanked(ranked, IRIS.size(), t -> {
            fitted.add(t.number());
            return SPACE.suggest(ParamSource.fixed(t.params()), 1).fit(IRIS);
        }, e -> "epoch " + e.epoch() + " (worded)", new PrintWriter(text, true));
    }

    @Test
    void aDivergingRefitFallsBackToTheNextBestTrial() {
        StringWriter text = new StringWriter();
        List<Integer> fitted = new ArrayList<>();
        Optional<RunResults.Refit> r = refit(List.of(trial(4, 1e30), trial(2, 1e30), trial(7, 0.05), trial(1, 0.05)), text, fitted);
        assertThat(fitted).containsExactly(4, 2, 7);
        assertThat(r).isPresent();
        assertThat(r.get().trial().number()).isEqualTo(7);
        assertThat(r.get().model().model().predict(IRIS)).hasSize(IRIS.size());
        assertThat(text.toString()).contains("refitting the best configuration on the 150 training rows…",
                "the refit of trial 4 diverged: epoch 1 (worded)",
                "refitting trial 2's configuration (the next best, {lr=1.0E30}) on the 150 training rows…",
                "the refit of trial 2 diverged", "refitting trial 7's configuration").doesNotContain("trial 1");
    }

    /** A trial another program ran on the study (Optuna from Python) without the file's parameters is passed over. */
    @Test
    void aTrialWithoutTheFilesParametersIsPassedOver() {
        StringWriter text = new StringWriter();
        List<Integer> fitted = new ArrayList<>();
        FrozenTrial foreign = new FrozenTrial(3, 3, TrialState.COMPLETE, List.of(0.99), Map.of(), Map.of(), Map.of(), Map.of(),
                new TreeMap<>(), Optional.empty(), Optional.empty(), Optional.empty());
        Optional<RunResults.Refit> r = refit(List.of(foreign, trial(1, 0.05)), text, fitted);
        assertThat(r).get().extracting(RunResults.Refit::trial).extracting(FrozenTrial::number).isEqualTo(1);
        assertThat(text.toString()).contains("trial 3 cannot be refitted from this study file (parameter 'lr' has no value;",
                "was it run by another program?");
    }

    @Test
    void atMostThreeTrialsAreTriedAndNoneIsAnEmptyResult() {
        StringWriter text = new StringWriter();
        List<Integer> fitted = new ArrayList<>();
        assertThat(refit(List.of(trial(0, 1e30), trial(1, 1e30), trial(2, 1e30), trial(3, 0.05)), text, fitted)).isEmpty();
        assertThat(fitted).containsExactly(0, 1, 2);
        assertThat(refit(List.of(trial(5, 0.05)), new StringWriter(), new ArrayList<>())).get()
                .extracting(RunResults.Refit::trial).extracting(FrozenTrial::number).isEqualTo(5);
    }
}
