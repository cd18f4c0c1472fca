package org.nntune.search;

import org.junit.jupiter.api.Test;
import org.nntune.nn.data.Dataset;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * class_weight: balanced weights each class's loss term by n / (k · n_c), as scikit-learn's class_weight='balanced';
 * a map weights the classes it names (Keras' and scikit-learn's class_weight dict), the others 1.
 */
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

    /** The rare class's recall of a network fitted on an imbalanced set with {@code classWeight}. */
    private static double rareRecall(Object classWeight) {
        Dataset train = imbalanced(2, 950, 50);
        Dataset test = imbalanced(3, 950, 50);
        MlpSpace space = MlpSpace.builder().fixedDefaults().fix("units", 16).epochs(30).set("class_weight", classWeight).build();
        int[] predicted = space.suggest(ParamSource.fixed(Map.of()), 7).fit(train).predict(test);
        int hit = 0;
        int count = 0;
        for (int i = 0; i < test.size(); i++) {
            if (test.labels()[i] == 1) {
                count++;
                hit += predicted[i] == 1 ? 1 : 0;
            }
        }
        return (double) hit / count;
    }

    @Test
    void weightsPerClassRaiseTheWeightedClassesRecall() {
        double none = rareRecall("none");
        double weighted = rareRecall(Map.of("rare", 19));
        assertThat(weighted).as("rare-class recall, {rare: 19} vs none: %s vs %s", weighted, none).isGreaterThan(none + 0.2);
        // weighting the common class instead makes the rare one rarer still
        assertThat(rareRecall(Map.of("common", 5))).isLessThanOrEqualTo(none);
    }

    @Test
    void aMapIsStoredAsItsTextAndReadBack() {
        Map<Object, Object> given = new java.util.LinkedHashMap<>();
        given.put("rare", 19);
        given.put("common", 0.5);
        MlpSpace space = MlpSpace.builder().fixedDefaults().set("class_weight", List.of("none", "balanced", given)).build();
        assertThat(space.params().get("class_weight")).isEqualTo(ParamSpec.choice("none", "balanced", "common=0.5,rare=19"));
        // a trial's stored value (a refit, best --export, a resumed study) gives the same configuration
        NetworkConfig config = space.config(ParamSource.fixed(Map.of("class_weight", "common=0.5,rare=19")));
        assertThat(config.classWeight()).isEqualTo("common=0.5,rare=19");
        assertThat(ClassWeights.parse(config.classWeight()).forClasses(List.of("common", "rare"), "imbalanced"))
                .containsExactly(0.5f, 19f);
        // integer labels as numbers (Keras' {0: 1., 1: 50.}) or as strings; a class not named weighs 1
        Map<Object, Object> keras = new java.util.LinkedHashMap<>();
        keras.put(1, 50.0);
        assertThat(ClassWeights.of(keras).text()).isEqualTo("1=50");
        assertThat(ClassWeights.of(Map.of("1", 50)).forClasses(List.of("0", "1", "2"), "d")).containsExactly(1f, 50f, 1f);
        assertThat(ClassWeights.parse(" spam = 5 ,ham=1")).isEqualTo(ClassWeights.parse("spam=5,ham=1"));
        assertThat(ClassWeights.parse("spam=5,ham=1").text()).isEqualTo("ham=1,spam=5");
        // one text per map, whatever its order: integer labels by value, then names
        Map<Object, Object> mixed = new java.util.LinkedHashMap<>();
        mixed.put("b", 1);
        mixed.put(10, 2);
        mixed.put("a", 1.5);
        mixed.put(2, 3);
        assertThat(ClassWeights.of(mixed).text()).isEqualTo("2=3,10=2,a=1.5,b=1");
    }

    @Test
    void badWeightsAndUnknownClassesAreRefused() {
        for (Object bad : List.<Object>of(0, -1, Double.NaN, Double.POSITIVE_INFINITY, "five")) {
            assertThatThrownBy(() -> MlpSpace.builder().fixedDefaults().set("class_weight", Map.of("rare", bad)))
                    .as("weight %s", bad).isInstanceOf(InvalidValueException.class)
                    .hasMessageContaining("class 'rare'").hasMessageContaining("number > 0");
        }
        assertThatThrownBy(() -> MlpSpace.builder().fixedDefaults().set("class_weight", List.of("none", Map.of())))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("names no class");
        assertThatThrownBy(() -> ClassWeights.parse("spam=5,spam=2")).hasMessageContaining("names class 'spam' twice");
        assertThatThrownBy(() -> ClassWeights.parse("spam:5")).hasMessageContaining("class=weight");
        // a class the data do not have: named with the data's classes when the network is fitted
        assertThatThrownBy(() -> MlpSpace.builder().fixedDefaults().epochs(1).set("class_weight", Map.of("rar", 5)).build()
                .suggest(ParamSource.fixed(Map.of()), 1).fit(imbalanced(1, 20, 5)))
                .hasMessageContaining("class 'rar'").hasMessageContaining("imbalanced").hasMessageContaining("common, rare");
        Dataset reg = Dataset.regression("r", new float[] {0, 1, 2, 3}, new int[] {1}, new float[] {0, 1, 2, 3}, 1, List.of("x"));
        assertThatThrownBy(() -> MlpSpace.builder().fixedDefaults().epochs(1).set("class_weight", Map.of("a", 2)).build()
                .suggest(ParamSource.fixed(Map.of()), 1).fit(reg)).hasMessageContaining("class_weight a=2")
                .hasMessageContaining("regression");
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
