package org.nntune.search;

import org.junit.jupiter.api.Test;
import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.Datasets;
import org.nntune.nn.data.Split;
import org.nntune.nn.data.Splits;
import org.nntune.tune.pruner.MedianPruner;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Digits, canonical split: a small seeded search finds a network of at least 0.96 test accuracy. */
class DigitsSearchTest {

    @Test
    void aSmallPrunedSearchOnDigitsReaches096() {
        Dataset digits = Datasets.digits();
        Split split = Splits.canonical(digits);
        Dataset train = split.train(digits);
        Dataset test = split.test(digits);
        MlpSpace space = MlpSpace.builder().layers(1, 1).units(32, 128).activation("relu", "tanh").optimizer("adam")
                .lr(1e-3, 3e-2).fix("dropout", 0.0).fix("l2", 1e-4).batchSize(32, 64).epochs(15).build();
        SearchResult r = CrossValidatedSearch.builder(space).cv(CvStrategy.stratifiedKFold(3)).nTrials(4).seed(7)
                .pruner(new MedianPruner(2, 3, 1, 1)).nJobs(2).build().fit(train);
        assertThat(r.cvResults().rows()).hasSize(4);
        assertThat(r.bestScore()).isGreaterThan(0.93);
        double acc = r.score(test);
        System.out.println("digits: best " + r.bestParams() + ", CV " + r.bestScore() + ", test " + acc);
        assertThat(acc).isGreaterThanOrEqualTo(0.96);
        assertThat(r.bestEstimator().predictProba(test)[0]).hasSize(10);
        assertThat(List.of(r.bestEstimator().predict(test))).hasSize(1);
    }
}
