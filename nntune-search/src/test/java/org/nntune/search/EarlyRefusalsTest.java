package org.nntune.search;

import org.junit.jupiter.api.Test;
import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.Datasets;
import org.nntune.nn.data.Split;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A search's setting that cannot work with its data is refused when fit starts, before any
 * candidate trains, with what, where and what is allowed (rather than every candidate failing,
 * or a silent fallback).
 */
class EarlyRefusalsTest {
    private static final Dataset IRIS = Datasets.iris(); // 150 rows, 50 per class

    /** A space whose candidates count themselves: none may train when fit refuses its settings. */
    private static SearchSpace counting(AtomicInteger trained) {
        MlpSpace mlp = MlpSpace.builder().fixedDefaults().fix("hidden", List.of(4)).epochs(1).build();
        return (p, seed) -> {
            trained.incrementAndGet();
            return mlp.suggest(p, seed);
        };
    }

    private static Dataset regression(String name, int n) {
        float[] x = new float[n * 2];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = i;
            x[2 * i + 1] = -i;
            y[i] = 3 * i;
        }
        return Dataset.regression(name, x, new int[] {2}, y, 1, List.of());
    }

    @Test
    void aScorerOfTheOtherTaskIsRefusedBeforeAnyCandidateTrains() {
        AtomicInteger trained = new AtomicInteger();
        CrossValidatedSearch r2 = CrossValidatedSearch.builder(counting(trained)).scoring("r2").nTrials(3).build();
        assertThatThrownBy(() -> r2.fit(IRIS)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("scoring 'r2' needs a regression set; 'iris' is a classification set (use accuracy, balanced_accuracy,"
                        + " f1_macro or log_loss)");
        assertThatThrownBy(() -> r2.objective(IRIS)).hasMessageContaining("scoring 'r2' needs a regression set");
        CrossValidatedSearch accuracy = CrossValidatedSearch.builder(counting(trained)).cv(CvStrategy.kFold(3)).nTrials(3).build();
        assertThatThrownBy(() -> accuracy.fit(regression("line", 30))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("scoring 'accuracy' needs a classification set; 'line' is a regression set (use mse, rmse, mae or r2)");
        assertThat(trained).hasValue(0);
        // a user scorer is the user's business
        Scorer mine = Scorer.of("mine", true, (e, d) -> 1.0);
        mine.checkTask(IRIS);
        mine.checkTask(regression("line", 30));
    }

    @Test
    void stratifiedKFoldIsRefusedForRegressionAndForMoreFoldsThanAnyClassHasRows() {
        AtomicInteger trained = new AtomicInteger();
        CrossValidatedSearch stratified = CrossValidatedSearch.builder(counting(trained)).cv(CvStrategy.stratifiedKFold(3))
                .scoring("r2").nTrials(2).build();
        assertThatThrownBy(() -> stratified.fit(regression("line", 30))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cv stratified 3-fold keeps each class's share and needs a classification set; 'line' is a regression set:"
                        + " use CvStrategy.kFold(3)");
        // scikit-learn: "n_splits=50 cannot be greater than the number of members in each class"
        Dataset rows120 = IRIS.subset(java.util.stream.IntStream.range(0, 150).filter(i -> i % 50 < 40).toArray());
        CrossValidatedSearch fifty = CrossValidatedSearch.builder(counting(trained)).cv(CvStrategy.stratifiedKFold(50)).nTrials(2).build();
        assertThatThrownBy(() -> fifty.fit(rows120)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stratified k-fold with k = 50 needs a class with at least k rows; the largest class has 40");
        assertThat(trained).hasValue(0);
        // the default splitting follows the task, as scikit-learn's cv=5: regression sets get plain 5-fold
        SearchResult r = CrossValidatedSearch.builder(counting(trained)).scoring("r2").nTrials(1).refit(false).build()
                .fit(regression("line", 30));
        assertThat(r.cvResults().rows().get(0).splitScores()).hasSize(5);
    }

    @Test
    void aPredefinedSplitThatSharesARowIsRefused() {
        assertThatThrownBy(() -> CvStrategy.predefined(List.of(new Split(new int[] {0, 1, 2, 3}, new int[] {3, 4}))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("row 3 is in both the training part and the held-out part of a split");
    }
}
