package org.nntune.nn.layer;

import org.nntune.nn.tensor.Rng;

/**
 * Weight initialisers. Fan-in and fan-out are those of one output unit: for a dense layer the
 * input and output sizes, for a convolution channels·kh·kw and filters·kh·kw.
 */
public enum Initializer {
    /** Normal with standard deviation √(2 / fanIn) (He et al. 2015), for ReLU-like activations. */
    HE_NORMAL,
    /** Uniform in ±√(6 / fanIn). */
    HE_UNIFORM,
    /** Normal with standard deviation √(2 / (fanIn + fanOut)) (Glorot and Bengio 2010). */
    GLOROT_NORMAL,
    /** Uniform in ±√(6 / (fanIn + fanOut)). */
    GLOROT_UNIFORM,
    /** All zeros. */
    ZEROS;

    /** The default for weights followed by {@code activation}: He for the ReLU family, Glorot otherwise. */
    public static Initializer defaultFor(Activation activation) {
        return switch (activation) {
            case RELU, LEAKY_RELU, ELU, GELU -> HE_UNIFORM;
            default -> GLOROT_UNIFORM;
        };
    }

    /** Fills {@code w[0 .. n)}. */
    public void fill(float[] w, int n, int fanIn, int fanOut, Rng rng) {
        switch (this) {
            case HE_NORMAL -> normal(w, n, Math.sqrt(2.0 / fanIn), rng);
            case HE_UNIFORM -> uniform(w, n, Math.sqrt(6.0 / fanIn), rng);
            case GLOROT_NORMAL -> normal(w, n, Math.sqrt(2.0 / (fanIn + fanOut)), rng);
            case GLOROT_UNIFORM -> uniform(w, n, Math.sqrt(6.0 / (fanIn + fanOut)), rng);
            case ZEROS -> java.util.Arrays.fill(w, 0, n, 0f);
        }
    }

    private static void normal(float[] w, int n, double std, Rng rng) {
        for (int i = 0; i < n; i++) {
            w[i] = (float) (rng.nextGaussian() * std);
        }
    }

    private static void uniform(float[] w, int n, double limit, Rng rng) {
        for (int i = 0; i < n; i++) {
            w[i] = (float) ((2 * rng.nextDouble() - 1) * limit);
        }
    }
}
