package org.nntune.nn.layer;

import org.nntune.nn.tensor.Rng;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Finite-difference gradient checks: the analytic gradient of L = Σ r ⊙ layer(x) (r random, fixed)
 * against central differences (f(x + ε) − f(x − ε)) / 2ε, computed from float32 outputs summed in
 * double. Inputs are kept at least 2ε away from kinks by the callers.
 */
public final class GradientCheck {
    static final double EPS = 1e-2;

    private GradientCheck() {}

    /** Checks dL/dx and dL/dparams of a built, initialised layer on input x (n examples). */
    public static void check(Layer layer, float[] x, int n, boolean training) {
        check(layer, x, n, training, c -> { });
    }

    /**
     * As {@link #check(Layer, float[], int, boolean)}, with {@code prepare} applied to every cache
     * before its forward pass (a sequence layer's lengths).
     */
    public static void check(Layer layer, float[] x, int n, boolean training, java.util.function.Consumer<Layer.Cache> prepare) {
        check(layer, x, n, training, prepare, true);
    }

    /** Checks dL/dparams only: for a layer whose input is not differentiable (token ids). */
    public static void checkParameters(Layer layer, float[] x, int n) {
        check(layer, x, n, false, c -> { }, false);
    }

    private static void check(Layer layer, float[] x, int n, boolean training, java.util.function.Consumer<Layer.Cache> prepare,
                              boolean input) {
        int outSize = n * layer.outputSize();
        Rng rng = new Rng(99);
        float[] r = new float[outSize];
        for (int i = 0; i < r.length; i++) {
            r[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        Layer.Cache cache = layer.newCache(n);
        prepare.accept(cache);
        float[] y = new float[outSize];
        float[] dx = new float[x.length];
        layer.forward(x, y, n, cache, pass(training));
        layer.backward(x, y, r, dx, n, cache);
        float[][] analytic = new float[layer.params().size()][];
        for (int p = 0; p < analytic.length; p++) {
            analytic[p] = layer.params().get(p).grad().data().clone();
        }
        for (int i = 0; input && i < x.length; i++) {
            double num = numeric(layer, x, x, i, n, r, training, prepare);
            assertClose(dx[i], num, layer.kind() + " dx[" + i + "]");
        }
        for (int p = 0; p < analytic.length; p++) {
            float[] w = layer.params().get(p).value().data();
            for (int i = 0; i < w.length; i++) {
                double num = numeric(layer, x, w, i, n, r, training, prepare);
                assertClose(analytic[p][i], num, layer.kind() + " " + layer.params().get(p).name() + "[" + i + "]");
            }
        }
    }

    private static Pass pass(boolean training) {
        return training ? Pass.training(new Rng(5)) : Pass.eval();
    }

    private static double numeric(Layer layer, float[] x, float[] v, int i, int n, float[] r, boolean training,
                                  java.util.function.Consumer<Layer.Cache> prepare) {
        float keep = v[i];
        v[i] = (float) (keep + EPS);
        double plus = objective(layer, x, n, r, training, prepare);
        v[i] = (float) (keep - EPS);
        double minus = objective(layer, x, n, r, training, prepare);
        v[i] = keep;
        return (plus - minus) / (2 * EPS);
    }

    private static double objective(Layer layer, float[] x, int n, float[] r, boolean training,
                                    java.util.function.Consumer<Layer.Cache> prepare) {
        float[] y = new float[r.length];
        Layer.Cache cache = layer.newCache(n);
        prepare.accept(cache);
        layer.forward(x, y, n, cache, pass(training));
        double s = 0;
        for (int i = 0; i < r.length; i++) {
            s += (double) r[i] * y[i];
        }
        return s;
    }

    static void assertClose(double analytic, double numeric, String what) {
        assertThat(Math.abs(analytic - numeric))
                .as("%s: analytic %s vs numeric %s", what, analytic, numeric)
                .isLessThanOrEqualTo(2e-3 + 2e-2 * Math.abs(numeric));
    }

    /** Values in ±[0.1, 1]: at least 0.1 from the kinks at 0. */
    public static float[] awayFromZero(int size, long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            float m = 0.1f + 0.9f * rng.nextFloat();
            x[i] = rng.nextFloat() < 0.5f ? -m : m;
        }
        return x;
    }

    /** Distinct values 0.05 apart, shuffled: pooling windows have one clear maximum. */
    public static float[] distinct(int size, long seed) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        new Rng(seed).shuffle(order, size);
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (order[i] - size / 2f) * 0.05f;
        }
        return x;
    }
}
