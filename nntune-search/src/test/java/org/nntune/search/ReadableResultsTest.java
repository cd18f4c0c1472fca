package org.nntune.search;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.Datasets;
import org.nntune.nn.model.Sequential;
import org.nntune.tune.trial.TrialState;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a user prints or saves of a search: readable summaries (were Object@hash and [D@…), and save through the Estimator interface. */
class ReadableResultsTest {

    @Test
    void aRowPrintsItsValues() {
        CvResults.Row row = new CvResults.Row(3, TrialState.COMPLETE, Map.of("lr", 0.01), new double[] {0.5, 1.0},
                new double[] {0.25, 0.5}, new double[] {0.125, 0.125}, new int[] {10, 9}, 1, "");
        assertThat(row.toString()).isEqualTo("Row[candidate 3, COMPLETE, rank 1, params {lr=0.01}, split scores [0.5, 1.0],"
                + " mean 0.7500 ± 0.2500, epochs [10, 9], fit times [0.25, 0.5] s, score times [0.125, 0.125] s]");
        CvResults.Row failed = new CvResults.Row(4, TrialState.FAIL, Map.of(), new double[] {Double.NaN}, new double[1],
                new double[1], new int[1], 2, "diverged");
        assertThat(failed.toString()).contains("split scores [NaN]").endsWith(", failure: diverged]");
    }

    @Test
    void aSearchResultSummarisesItselfAndItsBestEstimatorSavesWithoutACast(@TempDir Path dir) throws Exception {
        Dataset iris = Datasets.iris();
        MlpSpace space = MlpSpace.builder().fixedDefaults().fix("hidden", List.of(8)).epochs(2).build();
        SearchResult r = GridSearchCV.of(space, Map.of("lr", List.of(1e-2, 1e-1))).cv(CvStrategy.kFold(3)).seed(1).build().fit(iris);
        assertThat(r.toString()).startsWith("SearchResult[study 'search': best candidate " + r.bestCandidate() + ", accuracy ")
                .contains(" over 3 splits, {lr=").contains("; 2 candidates: 2 COMPLETE; refitted in ").endsWith(" s]");
        Estimator best = r.bestEstimator();
        Path file = dir.resolve("best.nntm");
        best.save(file);
        assertThat(Sequential.load(file).predict(iris)).containsExactly(best.predict(iris));
        Estimator other = new Estimator() {
            @Override
            public Estimator fit(Dataset train, EpochHook hook) {
                return this;
            }

            @Override
            public int[] predict(Dataset data) {
                return new int[0];
            }

            @Override
            public float[][] predictProba(Dataset data) {
                return new float[0][];
            }

            @Override
            public float[][] predictValues(Dataset data) {
                return new float[0][];
            }

            @Override
            public Map<String, Object> describe() {
                return Map.of();
            }
        };
        assertThatThrownBy(() -> other.save(file)).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("cannot save its model to " + file);
    }
}
