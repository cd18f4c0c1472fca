package org.nntune.nn.layer;

import org.junit.jupiter.api.Test;
import org.nntune.nn.tensor.Rng;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class InitializerTest {
    private static final int N = 60_000;

    private static double[] stats(Initializer init, int fanIn, int fanOut) {
        float[] w = new float[N];
        init.fill(w, N, fanIn, fanOut, new Rng(1));
        double sum = 0;
        double sq = 0;
        double max = 0;
        for (float v : w) {
            sum += v;
            sq += v * v;
            max = Math.max(max, Math.abs(v));
        }
        double mean = sum / N;
        return new double[] {mean, Math.sqrt(sq / N - mean * mean), max};
    }

    @Test
    void scalesFollowTheFans() {
        double[] he = stats(Initializer.HE_NORMAL, 50, 10);
        assertThat(he[1]).isCloseTo(Math.sqrt(2.0 / 50), within(0.003));
        double[] heU = stats(Initializer.HE_UNIFORM, 50, 10);
        assertThat(heU[2]).isLessThanOrEqualTo(Math.sqrt(6.0 / 50));
        assertThat(heU[1]).isCloseTo(Math.sqrt(6.0 / 50) / Math.sqrt(3), within(0.003));
        double[] gl = stats(Initializer.GLOROT_NORMAL, 30, 20);
        assertThat(gl[1]).isCloseTo(Math.sqrt(2.0 / 50), within(0.003));
        double[] glU = stats(Initializer.GLOROT_UNIFORM, 30, 20);
        assertThat(glU[2]).isLessThanOrEqualTo(Math.sqrt(6.0 / 50));
        assertThat(glU[1]).isCloseTo(Math.sqrt(6.0 / 50) / Math.sqrt(3), within(0.003));
        assertThat(stats(Initializer.ZEROS, 3, 3)).containsExactly(0, 0, 0);
        for (double[] s : new double[][] {he, heU, gl, glU}) {
            assertThat(s[0]).isCloseTo(0, within(0.003));
        }
    }

    @Test
    void defaultsFitTheActivation() {
        assertThat(Initializer.defaultFor(Activation.RELU)).isEqualTo(Initializer.HE_UNIFORM);
        assertThat(Initializer.defaultFor(Activation.GELU)).isEqualTo(Initializer.HE_UNIFORM);
        assertThat(Initializer.defaultFor(Activation.TANH)).isEqualTo(Initializer.GLOROT_UNIFORM);
        assertThat(Initializer.defaultFor(Activation.LINEAR)).isEqualTo(Initializer.GLOROT_UNIFORM);
    }
}
