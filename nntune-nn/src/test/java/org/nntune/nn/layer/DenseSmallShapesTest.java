package org.nntune.nn.layer;

import org.junit.jupiter.api.Test;
import org.nntune.nn.internal.kernels.KernelProvider;
import org.nntune.nn.internal.kernels.Kernels;
import org.nntune.nn.tensor.Rng;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A dense layer with few inputs or few units runs the small products instead of the GEMM
 * ({@link Dense#FEW_INPUTS}, {@link Dense#FEW_UNITS}): gradient checks on each such shape, and its
 * forward and backward passes against the reference GEMM computing the layer's definition.
 */
class DenseSmallShapesTest {
    private static final Kernels REF = KernelProvider.reference();

    private static Dense built(int units, int in) {
        Dense d = new Dense(units, Initializer.GLOROT_UNIFORM);
        d.build(new int[] {in});
        d.initialize(new Rng(7));
        Rng rng = new Rng(8);
        for (Param p : d.params()) { // non-zero biases, so that their role is checked
            float[] v = p.value().data();
            for (int i = 0; i < v.length; i++) {
                v[i] += (float) (0.2 * (rng.nextDouble() - 0.5));
            }
        }
        return d;
    }

    @Test
    void gradientsOnEverySmallShape() {
        assertThat(Dense.FEW_INPUTS).isLessThan(13);
        assertThat(Dense.FEW_UNITS).isLessThan(20);
        // few inputs (a first layer on 4 features), few units (a 3-class output layer), both, neither
        for (int[] s : new int[][] {{20, 4}, {3, 13}, {3, 4}, {20, 13}, {1, 1}, {Dense.FEW_UNITS, Dense.FEW_INPUTS}}) {
            Dense d = built(s[0], s[1]);
            GradientCheck.check(d, GradientCheck.awayFromZero(5 * s[1], 1), 5, true);
        }
    }

    @Test
    void forwardAndBackwardFollowTheDefinition() {
        int n = 37;
        for (int[] s : new int[][] {{150, 4}, {50, 4}, {3, 150}, {3, 50}, {3, 4}, {17, 8}, {4, 33}}) {
            int units = s[0], in = s[1];
            Dense d = built(units, in);
            float[] w = d.params().get(0).value().data();
            float[] bias = d.params().get(1).value().data();
            Rng rng = new Rng(9);
            float[] x = gaussian(rng, n * in);
            float[] dy = gaussian(rng, n * units);
            float[] yRef = new float[n * units];
            REF.gemm(false, false, n, units, in, 1f, x, 0, in, w, 0, units, 0f, yRef, 0, units);
            REF.addRowVector(yRef, 0, n, units, bias, 0);
            float[] dwRef = new float[in * units];
            REF.gemm(true, false, in, units, n, 1f, x, 0, in, dy, 0, units, 0f, dwRef, 0, units);
            float[] dxRef = new float[n * in];
            REF.gemm(false, true, n, in, units, 1f, dy, 0, units, w, 0, units, 0f, dxRef, 0, in);

            Layer.Cache cache = d.newCache(n);
            float[] y = new float[n * units];
            d.forward(x, y, n, cache, Pass.training(new Rng(1)));
            float[] dx = new float[n * in];
            d.backward(x, y, dy, dx, n, cache);
            String what = in + " → " + units;
            close(yRef, y, "y " + what);
            close(dwRef, d.params().get(0).grad().data(), "dW " + what);
            close(dxRef, dx, "dx " + what);

            float[] yRelu = new float[n * units];
            d.forwardRelu(x, yRelu, n);
            float[] reluRef = yRef.clone();
            for (int i = 0; i < reluRef.length; i++) {
                reluRef[i] = Math.max(0f, reluRef[i]);
            }
            close(reluRef, yRelu, "fused ReLU " + what);
        }
    }

    private static float[] gaussian(Rng rng, int size) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return v;
    }

    private static void close(float[] expected, float[] actual, String what) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) actual[i]).as(what + " at " + i).isCloseTo(expected[i], within(1e-4 * Math.max(1, Math.abs(expected[i]))));
        }
    }
}
