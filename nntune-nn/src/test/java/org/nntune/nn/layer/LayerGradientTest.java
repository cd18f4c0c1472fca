package org.nntune.nn.layer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nntune.nn.tensor.Rng;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LayerGradientTest {

    private static <L extends Layer> L built(L layer, int... inShape) {
        layer.build(inShape);
        layer.initialize(new Rng(3));
        return layer;
    }

    /** Biases start at zero; make them non-zero so their role is checked too. */
    private static void perturbParams(Layer layer) {
        Rng rng = new Rng(11);
        for (Param p : layer.params()) {
            float[] v = p.value().data();
            for (int i = 0; i < v.length; i++) {
                v[i] += (float) (0.2 * (rng.nextDouble() - 0.5));
            }
        }
    }

    @Test
    void dense() {
        Dense d = built(new Dense(4, Initializer.GLOROT_UNIFORM), 5);
        perturbParams(d);
        GradientCheck.check(d, GradientCheck.awayFromZero(3 * 5, 1), 3, true);
    }

    @Test
    void denseWithFusedReluMatchesDenseThenReluLayer() {
        int n = 6, in = 13, units = 11;
        Dense d = built(new Dense(units, Initializer.HE_UNIFORM), in);
        perturbParams(d);
        ActivationLayer relu = built(new ActivationLayer(Activation.RELU), units);
        Rng rng = new Rng(5);
        float[] x = new float[n * in];
        float[] dy = new float[n * units];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        for (int i = 0; i < dy.length; i++) {
            dy[i] = (float) rng.nextGaussian();
        }
        // separate: dense, then the activation layer
        Layer.Cache cache = d.newCache(n);
        float[] z = new float[n * units];
        float[] y = new float[n * units];
        d.forward(x, z, n, cache, Pass.eval());
        relu.forward(z, y, n, relu.newCache(n), Pass.eval());
        float[] dz = new float[n * units];
        relu.backward(z, y, dy, dz, n, relu.newCache(n));
        float[] dx = new float[n * in];
        d.backward(x, z, dz, dx, n, cache);
        float[] dW = d.params().get(0).grad().data().clone();
        float[] db = d.params().get(1).grad().data().clone();
        // fused
        float[] yFused = new float[n * units];
        d.forwardRelu(x, yFused, n);
        float[] dyFused = dy.clone();
        float[] dxFused = new float[n * in];
        d.backwardRelu(x, yFused, dyFused, dxFused, n, cache);
        assertThat(yFused).containsExactly(y);
        assertThat(dyFused).as("dy masked in place into the pre-activation gradient").containsExactly(dz);
        assertThat(d.params().get(0).grad().data()).containsExactly(dW);
        assertThat(d.params().get(1).grad().data()).containsExactly(db);
        assertThat(dxFused).containsExactly(dx);
        assertThat(y).contains(0f); // the mask did something
    }

    @Test
    void denseOnAnImageInputUsesItFlattened() {
        Dense d = built(new Dense(3, Initializer.HE_NORMAL), 2, 2, 2);
        assertThat(d.outputShape()).containsExactly(3);
        GradientCheck.check(d, GradientCheck.awayFromZero(2 * 8, 2), 2, false);
    }

    @Test
    void conv2dPlain() {
        Conv2D c = built(new Conv2D(3, 3, 3, 1, 1, 0, 0, Initializer.HE_UNIFORM), 2, 5, 5);
        assertThat(c.outputShape()).containsExactly(3, 3, 3);
        perturbParams(c);
        GradientCheck.check(c, GradientCheck.awayFromZero(2 * 2 * 25, 3), 2, true);
    }

    @Test
    void conv2dWithStrideAndPadding() {
        Conv2D c = built(new Conv2D(2, 3, 2, 2, 1, 1, 1, Initializer.GLOROT_NORMAL), 2, 5, 4);
        assertThat(c.outputShape()).containsExactly(2, 3, 5);
        perturbParams(c);
        GradientCheck.check(c, GradientCheck.awayFromZero(2 * 2 * 20, 4), 2, true);
    }

    private static float[] gaussian(int size, long seed) {
        Rng rng = new Rng(seed);
        float[] v = new float[size];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return v;
    }

    @Test
    void conv2dWithFusedReluMatchesConv2dThenReluLayer() {
        int n = 5;
        Conv2D c = built(new Conv2D(7, 3, 3, 1, 1, 1, 1, Initializer.HE_UNIFORM), 3, 9, 8);
        perturbParams(c);
        int in = c.inputSize(), out = c.outputSize();
        ActivationLayer relu = built(new ActivationLayer(Activation.RELU), c.outputShape());
        float[] x = gaussian(n * in, 5);
        float[] dy = gaussian(n * out, 6);
        Pass train = Pass.training(new Rng(1));
        Layer.Cache cache = c.newCache(n);
        float[] z = new float[n * out];
        float[] y = new float[n * out];
        c.forward(x, z, n, cache, train);
        relu.forward(z, y, n, relu.newCache(n), train);
        float[] dz = new float[n * out];
        relu.backward(z, y, dy, dz, n, relu.newCache(n));
        float[] dx = new float[n * in];
        c.backward(x, z, dz, dx, n, cache);
        float[] dW = c.params().get(0).grad().data().clone();
        float[] db = c.params().get(1).grad().data().clone();

        float[] yFused = new float[n * out];
        c.forwardRelu(x, yFused, n, cache, train);
        float[] dyFused = dy.clone();
        float[] dxFused = new float[n * in];
        c.backwardRelu(x, yFused, dyFused, dxFused, n, cache);
        assertThat(yFused).containsExactly(y);
        assertThat(dyFused).as("dy is left as it was").containsExactly(dy);
        assertThat(c.params().get(0).grad().data()).containsExactly(dW);
        assertThat(c.params().get(1).grad().data()).containsExactly(db);
        assertThat(dxFused).containsExactly(dx);
        assertThat(y).contains(0f);
    }

    @Test
    void conv2dOverSeveralGroupsMatchesOneImageAtATime() {
        // a batch of 21 is cut into 3 groups of images, each summing its own gradients
        Conv2D c = built(new Conv2D(3, 3, 3, 1, 1, 0, 0, Initializer.HE_UNIFORM), 2, 40, 40);
        perturbParams(c);
        int n = 21, in = c.inputSize(), out = c.outputSize();
        assertThat(new org.nntune.nn.internal.kernels.ConvShape(2, 40, 40, 3, 3, 3, 1, 1, 0, 0).groups(n)).isEqualTo(3);
        float[] x = gaussian(n * in, 7);
        float[] dy = gaussian(n * out, 8);
        Pass train = Pass.training(new Rng(1));
        float[] y = new float[n * out];
        float[] dx = new float[n * in];
        Layer.Cache cache = c.newCache(n);
        c.forward(x, y, n, cache, train);
        c.backward(x, y, dy, dx, n, cache);
        float[] dW = c.params().get(0).grad().data().clone();
        float[] db = c.params().get(1).grad().data().clone();

        float[] dWSum = new float[dW.length];
        float[] dbSum = new float[db.length];
        Layer.Cache one = c.newCache(1);
        for (int i = 0; i < n; i++) {
            float[] xi = java.util.Arrays.copyOfRange(x, i * in, (i + 1) * in);
            float[] yi = new float[out];
            float[] dxi = new float[in];
            c.forward(xi, yi, 1, one, train);
            c.backward(xi, yi, java.util.Arrays.copyOfRange(dy, i * out, (i + 1) * out), dxi, 1, one);
            assertThat(java.util.Arrays.copyOfRange(y, i * out, (i + 1) * out)).as("y of image %d", i).containsExactly(yi);
            assertThat(java.util.Arrays.copyOfRange(dx, i * in, (i + 1) * in)).as("dx of image %d", i).containsExactly(dxi);
            float[] g = c.params().get(0).grad().data();
            for (int j = 0; j < g.length; j++) {
                dWSum[j] += g[j];
            }
            float[] gb = c.params().get(1).grad().data();
            for (int j = 0; j < gb.length; j++) {
                dbSum[j] += gb[j];
            }
        }
        for (int j = 0; j < dW.length; j++) {
            assertThat((double) dW[j]).as("dW[%d]", j).isCloseTo(dWSum[j], org.assertj.core.api.Assertions.within(1e-3 * (1 + Math.abs(dWSum[j]))));
        }
        for (int j = 0; j < db.length; j++) {
            assertThat((double) db[j]).as("db[%d]", j).isCloseTo(dbSum[j], org.assertj.core.api.Assertions.within(1e-3 * (1 + Math.abs(dbSum[j]))));
        }
    }

    @Test
    void maxPool() {
        MaxPool2D p = built(new MaxPool2D(2, 2, 2, 2), 2, 4, 5);
        assertThat(p.outputShape()).containsExactly(2, 2, 2);
        GradientCheck.check(p, GradientCheck.distinct(2 * 2 * 20, 5), 2, false);
    }

    @Test
    void maxPoolWithOverlappingWindows() {
        MaxPool2D p = built(new MaxPool2D(3, 3, 1, 2), 1, 5, 5);
        assertThat(p.outputShape()).containsExactly(1, 3, 2);
        GradientCheck.check(p, GradientCheck.distinct(2 * 25, 6), 2, false);
    }

    @Test
    void avgPool() {
        AvgPool2D p = built(new AvgPool2D(2, 3, 2, 1), 2, 4, 5);
        assertThat(p.outputShape()).containsExactly(2, 2, 3);
        GradientCheck.check(p, GradientCheck.awayFromZero(2 * 2 * 20, 7), 2, false);
    }

    @Test
    void flatten() {
        Flatten f = built(new Flatten(), 2, 3, 2);
        assertThat(f.outputShape()).containsExactly(12);
        GradientCheck.check(f, GradientCheck.awayFromZero(2 * 12, 8), 2, false);
    }

    @Test
    void dropoutInTrainingWithAFixedMask() {
        Dropout d = built(new Dropout(0.4f), 10);
        GradientCheck.check(d, GradientCheck.awayFromZero(3 * 10, 9), 3, true);
    }

    @Test
    void dropoutIsInvertedAndOffInEvaluation() {
        Dropout d = built(new Dropout(0.5f), 10_000);
        float[] x = new float[10_000];
        java.util.Arrays.fill(x, 1f);
        float[] y = new float[x.length];
        d.forward(x, y, 1, d.newCache(1), Pass.eval());
        assertThat(y).containsOnly(1f);
        d.forward(x, y, 1, d.newCache(1), Pass.training(new Rng(1)));
        int kept = 0;
        for (float v : y) {
            assertThat(v).isIn(0f, 2f);
            kept += v > 0 ? 1 : 0;
        }
        assertThat(kept).isBetween(4_800, 5_200);
    }

    @Test
    void batchNormDenseInTraining() {
        BatchNorm b = built(new BatchNorm(), 4);
        perturbParams(b);
        GradientCheck.check(b, GradientCheck.awayFromZero(5 * 4, 10), 5, true);
    }

    @Test
    void batchNormConvInTraining() {
        BatchNorm b = built(new BatchNorm(), 3, 2, 2);
        perturbParams(b);
        GradientCheck.check(b, GradientCheck.awayFromZero(2 * 12, 11), 2, true);
    }

    @Test
    void batchNormInEvaluation() {
        BatchNorm b = built(new BatchNorm(), 3, 2, 2);
        perturbParams(b);
        b.buffers().get(0).data()[1] = 0.3f;
        b.buffers().get(1).data()[2] = 2.5f;
        GradientCheck.check(b, GradientCheck.awayFromZero(2 * 12, 12), 2, false);
    }

    @Test
    void batchNormUpdatesRunningStatisticsLikePyTorch() {
        BatchNorm b = built(new BatchNorm(0.1f, 1e-5f), 1);
        float[] x = {1, 2, 3, 6};
        b.forward(x, new float[4], 4, b.newCache(4), Pass.training(new Rng(1)));
        // batch mean 3, unbiased variance 14/3
        assertThat(b.buffers().get(0).data()[0]).isCloseTo(0.3f, org.assertj.core.api.Assertions.within(1e-6f));
        assertThat(b.buffers().get(1).data()[0]).isCloseTo(0.9f + 0.1f * 14f / 3f, org.assertj.core.api.Assertions.within(1e-6f));
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void activation(Activation a) {
        ActivationLayer l = built(new ActivationLayer(a), 6);
        GradientCheck.check(l, GradientCheck.awayFromZero(3 * 6, 13 + a.ordinal()), 3, true);
    }

    @Test
    void leakyReluAndEluWithTheirParameter() {
        GradientCheck.check(built(new ActivationLayer(Activation.LEAKY_RELU, 0.2f), 5), GradientCheck.awayFromZero(10, 30), 2, false);
        GradientCheck.check(built(new ActivationLayer(Activation.ELU, 0.7f), 5), GradientCheck.awayFromZero(10, 31), 2, false);
    }

    @Test
    void geluMatchesTheExactFormula() {
        ActivationLayer g = built(new ActivationLayer(Activation.GELU), 3);
        float[] y = new float[3];
        g.forward(new float[] {-1f, 0.5f, 2f}, y, 1, g.newCache(1), Pass.eval());
        // torch.nn.functional.gelu(torch.tensor([-1., .5, 2.]))
        assertThat(y[0]).isCloseTo(-0.15865529f, org.assertj.core.api.Assertions.within(2e-7f));
        assertThat(y[1]).isCloseTo(0.34573123f, org.assertj.core.api.Assertions.within(2e-7f));
        assertThat(y[2]).isCloseTo(1.95449972f, org.assertj.core.api.Assertions.within(2e-7f));
    }

    @Test
    void badConfigurationsSayWhatIsAllowed() {
        assertThatThrownBy(() -> new Dense(0, Initializer.ZEROS)).hasMessageContaining("dense units must be positive, got 0");
        assertThatThrownBy(() -> new Dropout(1f)).hasMessageContaining("[0, 1)");
        assertThatThrownBy(() -> new Conv2D(2, 3, 3, 1, 1, -1, 0, Initializer.ZEROS)).hasMessageContaining("padding");
        assertThatThrownBy(() -> new Conv2D(2, 3, 3, 1, 1, 0, 0, Initializer.ZEROS).build(new int[] {10}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("image input");
        assertThatThrownBy(() -> new MaxPool2D(5, 5, 1, 1).build(new int[] {1, 4, 4}))
                .hasMessageContaining("does not fit an input of size 4");
        assertThatThrownBy(() -> new ActivationLayer(Activation.ELU, 0f)).hasMessageContaining("ELU alpha");
        Dense d = new Dense(2, Initializer.ZEROS);
        assertThatThrownBy(d::outputShape).isInstanceOf(IllegalStateException.class).hasMessageContaining("not built");
        d.build(new int[] {3});
        assertThatThrownBy(() -> d.build(new int[] {3})).isInstanceOf(IllegalStateException.class);
    }
}
