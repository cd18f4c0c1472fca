package org.nntune.search;

import org.junit.jupiter.api.Test;
import org.nntune.nn.data.Dataset;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** class_weight: balanced weights each class's loss term by n / (k · n_c), as scikit-learn's class_weight='balanced'. */
class ClassWeightTest {

    /** 2-D points: 950 of class 0 around (0, 0), 50 of class 1 around (1.5, 1.5), unit variance: they overlap. */
    private static Dataset imbalanced(long seed, int n0, int n1) {
        Random r = new Random(seed);
        float[] x = new float[2 * (n0 + n1)];
        int[] y = new int[n0 + n1];
        for (int i = 0; i < n0 + n1; i++) {
            y[i] = i < n0 ? 0 : 1;
            double centre = y[i] == 0 ? 0 : 1.5;
            x[2 * i] = (float) (centre + r.nextGaussian());
            x[2 * i + 1] = (float) (centre + r.nextGaussian());
        }
        return Dataset.classification("imbalanced", x, new int[] {2}, y, List.of("a", "b"), List.of("common", "rare"));
    }

    @Test
    void balancedWeightsAreScikitLearns() {
        float[] w = NetworkConfig.balancedWeights(imbalanced(1, 90, 10));
        // compute_class_weight('balanced', classes=[0, 1], y) = 100 / (2 * [90, 10])
        assertThat(w[0]).isCloseTo(100f / 180f, within(1e-6f));
        assertThat(w[1]).isCloseTo(5f, within(1e-6f));
    }

    @Test
    void balancedWeightsRaiseTheRareClassesRecall() {
        Dataset train = imbalanced(2, 950, 50);
        Dataset test = imbalanced(3, 950, 50);
        double[] recall = new double[2];
        double[] balanced = new double[2];
        for (int k = 0; k < 2; k++) {
            MlpSpace space = MlpSpace.builder().fixedDefaults().fix("units", 16).epochs(30)
                    .set("class_weight", k == 0 ? "none" : "balanced").build();
            NetworkEstimator model = space.suggest(ParamSource.fixed(Map.of()), 7).fit(train);
            int[] predicted = model.predict(test);
            int[] hit = new int[2];
            int[] count = new int[2];
            for (int i = 0; i < test.size(); i++) {
                int truth = test.labels()[i];
                count[truth]++;
                hit[truth] += predicted[i] == truth ? 1 : 0;
            }
            recall[k] = (double) hit[1] / count[1];
            balanced[k] = ((double) hit[0] / count[0] + recall[k]) / 2;
        }
        // unweighted, the rare class is mostly predicted as the common one; weighted, most of it is found
        assertThat(recall[1]).as("rare-class recall, balanced vs none: %s", java.util.Arrays.toString(recall))
                .isGreaterThan(recall[0] + 0.2);
        assertThat(balanced[1]).as("balanced accuracy").isGreaterThan(balanced[0]);
    }

    @Test
    void aRegressionOrAnUnknownWeightingIsRefused() {
        assertThatThrownBy(() -> MlpSpace.builder().fixedDefaults().set("class_weight", "balance").build()
                .config(ParamSource.fixed(Map.of()))).hasMessageContaining("balance").hasMessageContaining("balanced");
        Dataset reg = Dataset.regression("r", new float[] {0, 1, 2, 3}, new int[] {1}, new float[] {0, 1, 2, 3}, 1, List.of("x"));
        assertThatThrownBy(() -> MlpSpace.builder().fixedDefaults().epochs(1).set("class_weight", "balanced").build()
                .suggest(ParamSource.fixed(Map.of()), 1).fit(reg)).hasMessageContaining("class_weight balanced")
                .hasMessageContaining("regression");
    }
}
