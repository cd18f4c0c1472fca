package org.nntune.nn.metric;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Expected values computed with scikit-learn 1.2 (sklearn.metrics) on the same inputs. */
class MetricsTest {
    private static final int[] Y = {0, 1, 2, 2, 1, 0, 2, 1, 1, 3};
    private static final int[] P = {0, 2, 2, 2, 1, 0, 1, 1, 0, 0};

    @Test
    void classificationMetricsMatchScikitLearn() {
        assertThat(Metrics.accuracy(Y, P)).isCloseTo(0.6, within(1e-12));
        assertThat(Metrics.balancedAccuracy(Y, P, 4)).isCloseTo(0.5416666666666666, within(1e-12));
        assertThat(Metrics.precision(Y, P, 4)).containsExactly(new double[] {0.5, 2 / 3.0, 2 / 3.0, 0}, within(1e-12));
        assertThat(Metrics.recall(Y, P, 4)).containsExactly(new double[] {1, 0.5, 2 / 3.0, 0}, within(1e-12));
        assertThat(Metrics.f1(Y, P, 4)).containsExactly(new double[] {2 / 3.0, 0.5714285714285715, 2 / 3.0, 0}, within(1e-12));
        assertThat(Metrics.macroF1(Y, P, 4)).isCloseTo(0.47619047619047616, within(1e-12));
        assertThat(Metrics.macroPrecision(Y, P, 4)).isCloseTo((0.5 + 4 / 3.0) / 4, within(1e-12));
        assertThat(Metrics.macroRecall(Y, P, 4)).isCloseTo((1.5 + 2 / 3.0) / 4, within(1e-12));
        assertThat(Metrics.confusionMatrix(Y, P, 4))
                .isDeepEqualTo(new int[][] {{2, 0, 0, 0}, {1, 2, 1, 0}, {0, 1, 2, 0}, {1, 0, 0, 0}});
    }

    @Test
    void logLossClipsLikeScikitLearn() {
        float[][] proba = {{.7f, .2f, .1f}, {.1f, .8f, .1f}, {.3f, .3f, .4f}, {0f, 1f, 0f}};
        assertThat(Metrics.logLoss(new int[] {0, 1, 2, 0}, proba)).isCloseTo(9.384940654061063, within(1e-6));
    }

    @Test
    void regressionMetricsMatchScikitLearn() {
        float[] t = {3f, -0.5f, 2f, 7f};
        float[] q = {2.5f, 0f, 2f, 8f};
        assertThat(Metrics.mse(t, q)).isCloseTo(0.375, within(1e-12));
        assertThat(Metrics.mae(t, q)).isCloseTo(0.5, within(1e-12));
        assertThat(Metrics.r2(t, q)).isCloseTo(0.9486081370449679, within(1e-12));
        assertThat(Metrics.r2(new float[] {1, 1}, new float[] {1, 1})).isEqualTo(1.0);
    }

    /**
     * Several outputs per row (a forecaster's horizon): each output's R², averaged, as
     * {@code r2_score(Y, P)} (multioutput='uniform_average'); computed once with scikit-learn 1.2.1,
     * {@code r2_score(Y, P, multioutput='raw_values')} = [0.9, 0.95680346, 0.0] (the third output's
     * truth is constant and its prediction not: 0). The flattened value, {@code r2_score(Y.ravel(),
     * P.ravel())}, is another number.
     */
    @Test
    void r2OfSeveralOutputsIsTheMeanOfEachOutputsAsScikitLearn() {
        float[] y = {3f, -0.5f, 2f, 2.5f, 0f, 2f, 4f, 2f, 2f, 7f, 8f, 2f, 1f, 1.5f, 2f};
        float[] p = {2.5f, 0f, 2f, 2f, -0.5f, 2f, 4.5f, 2.5f, 2.5f, 8f, 7f, 2f, 1.5f, 1f, 2f};
        assertThat(Metrics.r2(y, p, 3)).isCloseTo(0.6189344852411808, within(1e-12));
        assertThat(Metrics.r2(y, p, 1)).as("all values as one output").isCloseTo(0.94172760511883, within(1e-12));
        float[] y2 = {3f, -0.5f, 2.5f, 0f, 4f, 2f, 7f, 8f, 1f, 1.5f};
        float[] p2 = {2.5f, 0f, 2f, -0.5f, 4.5f, 2.5f, 8f, 7f, 1.5f, 1f};
        assertThat(Metrics.r2(y2, p2, 2)).isCloseTo(0.9284017278617711, within(1e-12));
        assertThatThrownBy(() -> Metrics.r2(y, p, 4)).hasMessageContaining("15 values are not whole rows of 4 outputs");
    }

    @Test
    void badInputsSayWhatIsWrong() {
        assertThatThrownBy(() -> Metrics.accuracy(new int[] {1}, new int[] {1, 2})).hasMessageContaining("truth has 1 values but the predictions have 2");
        assertThatThrownBy(() -> Metrics.accuracy(new int[0], new int[0])).hasMessageContaining("at least one example");
        assertThatThrownBy(() -> Metrics.confusionMatrix(new int[] {0, 5}, new int[] {0, 1}, 3))
                .hasMessageContaining("true class 5 of example 1 is outside [0, 3)");
    }
}
