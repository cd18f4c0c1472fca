package org.nntune.nn.loss;

import org.junit.jupiter.api.Test;
import org.nntune.nn.layer.GradientCheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LossTest {
    private static final double EPS = 1e-2;

    /** Central differences of the loss against its analytic gradient. */
    private static void check(Loss loss, float[] out, int n, int k, Targets t) {
        float[] grad = new float[out.length];
        loss.compute(out, n, k, t, grad);
        for (int i = 0; i < out.length; i++) {
            float keep = out[i];
            out[i] = (float) (keep + EPS);
            double plus = loss.compute(out, n, k, t, null);
            out[i] = (float) (keep - EPS);
            double minus = loss.compute(out, n, k, t, null);
            out[i] = keep;
            double num = (plus - minus) / (2 * EPS);
            assertThat(Math.abs(grad[i] - num)).as("%s grad[%d]: %s vs %s", loss, i, grad[i], num)
                    .isLessThanOrEqualTo(1e-4 + 1e-2 * Math.abs(num));
        }
    }

    private static float[] values(int n, long seed) {
        return GradientCheck.awayFromZero(n, seed);
    }

    @Test
    void softmaxCrossEntropyGradient() {
        check(Loss.softmaxCrossEntropy(), values(12, 1), 3, 4, Targets.labels(new int[] {0, 3, 2}));
    }

    @Test
    void weightedSoftmaxCrossEntropyGradientAndValue() {
        Loss l = Loss.softmaxCrossEntropy(new float[] {1f, 2f, 0.5f});
        check(l, values(9, 2), 3, 3, Targets.labels(new int[] {1, 1, 2}));
        // two rows of zero logits: each loss is ln 3 whatever the weights
        assertThat(l.compute(new float[6], 2, 3, Targets.labels(new int[] {0, 1}), null)).isCloseTo(Math.log(3), within(1e-6));
    }

    @Test
    void softmaxCrossEntropyIsStableForHugeLogits() {
        double v = Loss.softmaxCrossEntropy().compute(new float[] {1000f, 0f}, 1, 2, Targets.labels(new int[] {1}), null);
        assertThat(v).isCloseTo(1000, within(1e-3));
    }

    @Test
    void binaryCrossEntropyGradientOnTargetsAndLabels() {
        check(Loss.binaryCrossEntropy(), values(6, 3), 3, 2, Targets.values(new float[] {0, 1, 1, 0, 1, 1}));
        check(Loss.binaryCrossEntropy(), values(4, 4), 4, 1, Targets.labels(new int[] {0, 1, 1, 0}));
        // logit 0: ln 2
        assertThat(Loss.binaryCrossEntropy().compute(new float[] {0f}, 1, 1, Targets.values(new float[] {1f}), null))
                .isCloseTo(Math.log(2), within(1e-7));
    }

    @Test
    void regressionLossesGradientAndValue() {
        float[] t = {0.5f, -2f, 3f, 0.25f, 1f, -1f};
        check(Loss.mse(), values(6, 5), 3, 2, Targets.values(t));
        check(Loss.mae(), values(6, 6), 3, 2, Targets.values(t));
        check(Loss.huber(1f), values(6, 7), 3, 2, Targets.values(t));
        check(Loss.huber(0.3f), values(6, 8), 2, 3, Targets.values(t));
        float[] out = {1f, 0f};
        float[] target = {0f, 3f};
        assertThat(Loss.mse().compute(out, 2, 1, Targets.values(target), null)).isCloseTo(5.0, within(1e-9));
        assertThat(Loss.mae().compute(out, 2, 1, Targets.values(target), null)).isCloseTo(2.0, within(1e-9));
        assertThat(Loss.huber(1f).compute(out, 2, 1, Targets.values(target), null)).isCloseTo((0.5 + 2.5) / 2, within(1e-9));
    }

    @Test
    void linksGiveProbabilities() {
        float[] z = {0f, 0f, Float.valueOf((float) Math.log(2))};
        Loss.softmaxCrossEntropy().link(z, 1, 3);
        assertThat(z).containsExactly(new float[] {0.25f, 0.25f, 0.5f}, within(1e-6f));
        float[] b = {0f};
        Loss.binaryCrossEntropy().link(b, 1, 1);
        assertThat(b[0]).isEqualTo(0.5f);
    }

    @Test
    void badTargetsSayWhatIsWrong() {
        assertThatThrownBy(() -> Loss.softmaxCrossEntropy().compute(new float[4], 2, 2, Targets.labels(new int[] {0, 2}), null))
                .hasMessageContaining("label 2 of batch row 1 is outside [0, 2)");
        assertThatThrownBy(() -> Loss.softmaxCrossEntropy(new float[] {1f, -1f})).hasMessageContaining("class weight 1");
        assertThatThrownBy(() -> Loss.binaryCrossEntropy().compute(new float[2], 1, 2, Targets.labels(new int[] {1}), null))
                .hasMessageContaining("one output");
        assertThatThrownBy(() -> Loss.mse().compute(new float[2], 2, 1, Targets.labels(new int[] {1, 0}), null))
                .hasMessageContaining("float targets");
        assertThatThrownBy(() -> Loss.huber(0f)).hasMessageContaining("Huber delta");
    }
}
