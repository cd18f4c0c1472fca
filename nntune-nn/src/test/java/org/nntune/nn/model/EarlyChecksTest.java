package org.nntune.nn.model;

import org.junit.jupiter.api.Test;
import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.Datasets;
import org.nntune.nn.data.TrainTest;
import org.nntune.nn.layer.Activation;
import org.nntune.nn.loss.Loss;
import org.nntune.nn.optim.ImplicitL2;
import org.nntune.nn.optim.Optimizer;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Mistakes refused where they are made, with what, where and what is allowed, rather than
 * surfacing as a NaN, a deep metric error or a failure at the first batch.
 */
class EarlyChecksTest {
    private static final TrainTest IRIS = TestData.standardized(Datasets.iris());

    private static Sequential trained() {
        Sequential m = Sequential.builder().input(4).dense(8, Activation.RELU).dense(3).seed(1).build();
        m.fit(IRIS.train(), FitOptions.builder().epochs(1).build());
        return m;
    }

    @Test
    void predictionAndEvaluationNameANonFiniteFeatureAsFitDoes() {
        Sequential m = trained();
        float[] x = IRIS.test().features();
        x[7 * 4 + 1] = Float.NaN;
        Dataset nan = Dataset.classification("q", x, new int[] {4}, IRIS.test().labels(), List.of(), IRIS.test().classNames());
        String expected = "set 'q': row 7, feature 1 is NaN; inputs must be finite (fill or drop missing values first)";
        assertThatThrownBy(() -> m.predict(nan)).isInstanceOf(IllegalArgumentException.class).hasMessage("prediction " + expected);
        assertThatThrownBy(() -> m.predictValues(nan)).isInstanceOf(IllegalArgumentException.class).hasMessage("prediction " + expected);
        assertThatThrownBy(() -> m.predictProba(nan)).isInstanceOf(IllegalArgumentException.class).hasMessage("prediction " + expected);
        assertThatThrownBy(() -> m.evaluate(nan)).isInstanceOf(IllegalArgumentException.class).hasMessage("evaluation " + expected);
        // past the first chunk of 256 rows, named features, an infinity
        float[] big = new float[300 * 4];
        big[290 * 4 + 3] = Float.POSITIVE_INFINITY;
        Dataset far = Dataset.classification("far", big, new int[] {4}, new int[300], List.of("a", "b", "c", "d"), List.of("x", "y", "z"));
        assertThatThrownBy(() -> m.predict(far)).hasMessage("prediction set 'far': row 290, feature 3 ('d') is Infinity;"
                + " inputs must be finite (fill or drop missing values first)");
        float[] raw = new float[8];
        raw[6] = Float.NEGATIVE_INFINITY;
        assertThatThrownBy(() -> m.outputs(raw, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("features: row 1, feature 2 is -Infinity; inputs must be finite (fill or drop missing values first)");
        // finite sets still work
        assertThat(m.predict(IRIS.test())).hasSize(IRIS.test().size());
    }

    @Test
    void evaluationNamesANonFiniteTargetAndAnEmptySet() {
        Sequential r = Sequential.builder().input(2).dense(4, Activation.RELU).dense(1).loss(Loss.mse()).build();
        Dataset target = Dataset.regression("t", new float[] {1f, 2f, 3f, 4f, 5f, 6f}, new int[] {2},
                new float[] {1f, 2f, Float.NaN}, 1, List.of());
        assertThatThrownBy(() -> r.evaluate(target)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("evaluation set 't': row 2, target 0 is NaN; targets must be finite (fill or drop the rows with missing targets first)");
        Dataset empty = Dataset.classification("e", new float[0], new int[] {4}, new int[0], List.of(), List.of("a", "b", "c"));
        assertThatThrownBy(() -> trained().evaluate(empty)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("evaluation set 'e' has no rows");
    }

    @Test
    void implicitL2IsRefusedWithAdamW() {
        FitOptions.Builder b = FitOptions.builder().validationFraction(0.2).implicitL2(ImplicitL2.defaults())
                .optimizer(Optimizer.adamW(1e-3, 1e-2));
        assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("implicit L2 tunes the L2 penalty, but with adamw l2 is the decoupled weight decay (0.01):"
                        + " use adam, sgd, rmsprop or adagrad, or leave implicitL2 out");
        // the others are fine
        assertThat(FitOptions.builder().validationFraction(0.2).implicitL2(ImplicitL2.defaults()).optimizer(Optimizer.adam(1e-3f))
                .build().implicitL2()).isPresent();
    }

    @Test
    void classWeightsThatDoNotMatchTheOutputsAreRefusedWhenTheNetworkIsBuilt() {
        Sequential.Builder b = Sequential.builder().input(4).dense(3).loss(Loss.softmaxCrossEntropy(new float[] {1, 2}));
        assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("softmax cross-entropy has 2 class weights but the network has 3 outputs; give one weight per class (3)");
        assertThat(Sequential.builder().input(4).dense(3).loss(Loss.softmaxCrossEntropy(new float[] {1, 2, 1})).build().outputSize())
                .isEqualTo(3);
    }

    @Test
    void aParameterPrintsItsNameShapeAndDecay() {
        Sequential m = Sequential.builder().input(4).dense(3).build();
        assertThat(m.parameters().get(0).toString()).matches("Param\\[\\w+, shape \\[4, 3\\], decayed\\]");
        assertThat(m.parameters().get(1).toString()).matches("Param\\[\\w+, shape \\[3\\], not decayed\\]");
    }

    /** A forecaster built as for classes (the default loss) is told the regression loss, whichever mistake shows first. */
    @Test
    void aRegressionNetworkWithTheDefaultLossIsToldToUseMse() {
        Dataset windows = org.nntune.nn.data.SeriesWindows.windows("v", new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 4, 2);
        String hint = "; for regression, e.g. forecasting, use .loss(Loss.mse())";
        assertThatThrownBy(() -> Sequential.builder().input(4, 1).lstm(4, 1, false, 0.0, org.nntune.nn.layer.Recurrent.Readout.LAST)
                .dense(1).seed(1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("softmax cross-entropy needs at least 2 outputs (one per class), the network has 1; for two classes with"
                        + " one output use binary cross-entropy" + hint);
        Sequential two = Sequential.builder().input(4, 1).gru(4, 1, false, 0.0, org.nntune.nn.layer.Recurrent.Readout.LAST).dense(2).build();
        assertThatThrownBy(() -> two.fit(windows, FitOptions.builder().epochs(1).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("loss softmax cross-entropy needs a classification set; training set 'v' is a regression set" + hint);
        assertThatThrownBy(() -> Sequential.builder().input(4, 1).gru(4, 1, false, 0.0, org.nntune.nn.layer.Recurrent.Readout.LAST).dense(2)
                .targetScaling(org.nntune.nn.data.StandardScaler.fitTargets(windows)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("target scaling is for regression; this network is trained with softmax cross-entropy" + hint);
    }
}
