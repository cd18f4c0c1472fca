package org.nntune.search;

import org.junit.jupiter.api.Test;
import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.Datasets;
import org.nntune.nn.data.Split;
import org.nntune.nn.data.Splits;
import org.nntune.nn.layer.Conv2D;
import org.nntune.tune.pruner.SuccessiveHalvingPruner;
import org.nntune.tune.trial.TrialState;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The CNN family end to end, regression scoring, and ASHA pruning through the same search. */
class FamiliesTest {

    @Test
    void aCnnFamilyIsSearchedOnDigitImages() {
        Dataset images = Datasets.digitsImages();
        Split split = Splits.canonical(images);
        Dataset train = split.train(images);
        CnnSpace space = CnnSpace.builder().set("conv_blocks", 1).set("filters", List.of(4, 8)).set("kernel", 3)
                .set("layers", 0).fix("batch_norm", false).fix("dropout", 0.0).fix("batch_size", 32)
                .set("optimizer", "adam").lr(3e-3, 3e-3).epochs(3).build();
        SearchResult r = CrossValidatedSearch.builder(space).cv(CvStrategy.holdout(0.25)).nTrials(2).seed(1).build().fit(train);
        assertThat(r.cvResults().rows()).allMatch(row -> row.state() == TrialState.COMPLETE);
        NetworkEstimator best = (NetworkEstimator) r.bestEstimator();
        assertThat(best.model().layers()).anyMatch(l -> l instanceof Conv2D);
        assertThat(r.score(split.test(images))).isGreaterThan(0.8);
        // a CNN needs image inputs
        Dataset flat = Datasets.digits();
        assertThatThrownBy(() -> new NetworkEstimator(space.config(ParamSource.fixed(Map.of("filters_1", 4, "pool", "max",
                "dropout", 0.0, "lr", 3e-3, "l2", 1e-5, "batch_size", 32))), 0).fit(flat))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("image inputs");
    }

    @Test
    void regressionIsScoredByR2AndSearchedWithAsha() {
        SplittableRandom rnd = new SplittableRandom(3);
        int n = 400;
        float[] x = new float[n * 3];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 3; j++) {
                x[i * 3 + j] = (float) rnd.nextDouble(-1, 1);
            }
            y[i] = 2 * x[i * 3] - x[i * 3 + 1] + 0.5f * x[i * 3 + 2] * x[i * 3 + 2];
        }
        Dataset data = Dataset.regression("toy", x, new int[] {3}, y, 1, List.of());
        MlpSpace space = MlpSpace.builder().fixedDefaults().fix("hidden", List.of(32)).lr(1e-4, 3e-2).epochs(20).build();
        SearchResult r = RandomizedSearchCV.of(space, 6).scoring("r2").cv(CvStrategy.kFold(3)).seed(2)
                .pruner(new SuccessiveHalvingPruner()).build().fit(data);
        assertThat(r.study().direction().name()).isEqualTo("MAXIMIZE");
        assertThat(r.bestScore()).isGreaterThan(0.9);
        assertThat(r.bestEstimator().score(data)).isGreaterThan(0.9);
        assertThat(r.bestEstimator().predictValues(data)[0]).hasSize(1);
        SearchResult m = RandomizedSearchCV.of(space, 2).scoring("mse").cv(CvStrategy.kFold(3)).seed(2).build().fit(data);
        assertThat(m.study().direction().name()).isEqualTo("MINIMIZE");
        assertThat(m.bestScore()).isLessThan(0.5);
        assertThat(Scorer.mae().score(m.bestEstimator(), data)).isLessThan(0.6);
    }
}
