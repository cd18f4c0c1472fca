package org.nntune.tune.sampler;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class OutputWarpTest {
    private static double[] standardized(double[] v) {
        double mean = Arrays.stream(v).average().orElseThrow();
        double sd = Math.sqrt(Arrays.stream(v).map(a -> (a - mean) * (a - mean)).sum() / v.length);
        return Arrays.stream(v).map(a -> (a - mean) / sd).toArray();
    }

    @Test
    void theTransformIsMonotoneAndContinuousAtItsSpecialExponents() {
        for (double lambda : new double[] {-2, -0.5, 0, 1e-12, 0.5, 1, 2, 2 - 1e-12, 3.5}) {
            double prev = Double.NEGATIVE_INFINITY;
            for (double y = -5; y <= 5; y += 0.01) {
                double t = OutputWarp.yeoJohnson(y, lambda);
                assertThat(t).as("lambda %s at %s", lambda, y).isGreaterThan(prev);
                prev = t;
            }
        }
        assertThat(OutputWarp.yeoJohnson(0.7, 1e-7)).isCloseTo(OutputWarp.yeoJohnson(0.7, 0), within(1e-6));
        assertThat(OutputWarp.yeoJohnson(-0.7, 2 - 1e-7)).isCloseTo(OutputWarp.yeoJohnson(-0.7, 2), within(1e-6));
        assertThat(OutputWarp.yeoJohnson(-1.3, 1)).isEqualTo(-1.3, within(1e-12));
        assertThat(OutputWarp.yeoJohnson(2.4, 1)).isEqualTo(2.4, within(1e-12));
    }

    @Test
    void normalValuesKeepAnExponentNearOne() {
        Random r = new Random(3);
        double[] y = new double[400];
        for (int i = 0; i < y.length; i++) {
            y[i] = r.nextGaussian();
        }
        assertThat(OutputWarp.fitLambda(standardized(y))).isCloseTo(1, within(0.25));
    }

    @Test
    void aHeavyRightTailIsCompressedAndTheOrderKept() {
        // Rosenbrock-like values: most small, a few enormous
        Random r = new Random(5);
        double[] y = new double[200];
        for (int i = 0; i < y.length; i++) {
            y[i] = Math.exp(3 * r.nextGaussian());
        }
        double[] s = standardized(y);
        double lambda = OutputWarp.fitLambda(s);
        assertThat(lambda).isLessThan(0.5);
        assertThat(OutputWarp.logLikelihood(s, lambda)).isGreaterThan(OutputWarp.logLikelihood(s, 1));
        double[] w = OutputWarp.warp(s);
        assertThat(Arrays.stream(w).average().orElseThrow()).isCloseTo(0, within(1e-9));
        assertThat(Math.sqrt(Arrays.stream(w).map(a -> a * a).sum() / w.length)).isCloseTo(1, within(1e-9));
        for (int i = 0; i < y.length; i++) {
            for (int j = 0; j < y.length; j++) {
                if (y[i] < y[j]) {
                    assertThat(w[i]).isLessThan(w[j]);
                }
            }
        }
        // the largest value dwarfs the rest less: its z-score falls (11.6 -> 6.5 here)
        int top = 0;
        for (int i = 1; i < y.length; i++) {
            top = y[i] > y[top] ? i : top;
        }
        assertThat(w[top]).isLessThan(0.7 * s[top]);
    }

    @Test
    void constantValuesAreLeftAlone() {
        double[] zeros = new double[10];
        assertThat(OutputWarp.warp(zeros)).containsOnly(0.0);
    }
}
