package org.nntune.nn.layer;

import java.io.DataOutputStream;
import java.io.IOException;

/** Applies an {@link Activation}; shape unchanged. */
public final class ActivationLayer extends Layer {
    private static final double INV_SQRT2 = 1 / Math.sqrt(2);
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
    private final Activation activation;
    private final float alpha;

    /** With the activation's default parameter. */
    public ActivationLayer(Activation activation) {
        this(activation, activation.defaultAlpha());
    }

    /** {@code alpha}: LeakyReLU's negative slope (≥ 0) or ELU's α (&gt; 0); ignored by the others. */
    public ActivationLayer(Activation activation, float alpha) {
        if (activation == Activation.LEAKY_RELU && !(alpha >= 0)) {
            throw new IllegalArgumentException("LeakyReLU slope must be >= 0, got " + alpha);
        }
        if (activation == Activation.ELU && !(alpha > 0)) {
            throw new IllegalArgumentException("ELU alpha must be > 0, got " + alpha);
        }
        this.activation = activation;
        this.alpha = activation == Activation.LEAKY_RELU || activation == Activation.ELU ? alpha : 0f;
    }

    /** @return the activation this layer applies */
    public Activation activation() { return activation; }
    /**
     * @return LeakyReLU's negative slope or ELU's α (the activation's {@link Activation#defaultAlpha()
     *     default} unless one was given); 0 for the other activations, which drop a value given to them
     */
    public float alpha() { return alpha; }

    @Override
    protected int[] configure(int[] inputShape) {
        return inputShape;
    }

    @Override
    public String kind() {
        return "activation";
    }

    @Override
    public String describe() {
        String name = activation.name().toLowerCase();
        return alpha != 0f ? name + "(" + alpha + ")" : name;
    }

    @Override
    public void writeConfig(DataOutputStream out) throws IOException {
        out.writeUTF(activation.name());
        out.writeFloat(alpha);
    }

    @Override
    public void forward(float[] x, float[] y, int n, Cache cache, Pass pass) {
        int total = n * inputSize();
        switch (activation) {
            case LINEAR -> System.arraycopy(x, 0, y, 0, total);
            case RELU -> kernels.relu(x, 0, y, 0, total);
            case LEAKY_RELU -> {
                for (int i = 0; i < total; i++) {
                    float v = x[i];
                    y[i] = v > 0f ? v : alpha * v;
                }
            }
            case ELU -> {
                for (int i = 0; i < total; i++) {
                    float v = x[i];
                    y[i] = v > 0f ? v : (float) (alpha * Math.expm1(v));
                }
            }
            case GELU -> {
                for (int i = 0; i < total; i++) {
                    double v = x[i];
                    y[i] = (float) (v * 0.5 * (1 + erf(v * INV_SQRT2)));
                }
            }
            case SIGMOID -> {
                for (int i = 0; i < total; i++) {
                    y[i] = sigmoid(x[i]);
                }
            }
            case TANH -> {
                for (int i = 0; i < total; i++) {
                    y[i] = tanh(x[i]);
                }
            }
            case SOFTMAX -> softmaxRows(x, y, n, inputSize());
        }
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Cache cache) {
        if (dx == null) {
            return;
        }
        int total = n * inputSize();
        switch (activation) {
            case LINEAR -> System.arraycopy(dy, 0, dx, 0, total);
            case RELU -> kernels.reluBackward(x, 0, dy, 0, dx, 0, total);
            case LEAKY_RELU -> {
                for (int i = 0; i < total; i++) {
                    dx[i] = x[i] > 0f ? dy[i] : alpha * dy[i];
                }
            }
            case ELU -> {
                for (int i = 0; i < total; i++) {
                    dx[i] = x[i] > 0f ? dy[i] : dy[i] * (y[i] + alpha);
                }
            }
            case GELU -> {
                for (int i = 0; i < total; i++) {
                    double v = x[i];
                    double cdf = 0.5 * (1 + erf(v * INV_SQRT2));
                    double pdf = Math.exp(-0.5 * v * v) * INV_SQRT_2PI;
                    dx[i] = (float) (dy[i] * (cdf + v * pdf));
                }
            }
            case SIGMOID -> {
                for (int i = 0; i < total; i++) {
                    dx[i] = dy[i] * y[i] * (1f - y[i]);
                }
            }
            case TANH -> {
                for (int i = 0; i < total; i++) {
                    dx[i] = dy[i] * (1f - y[i] * y[i]);
                }
            }
            case SOFTMAX -> {
                int f = inputSize();
                for (int r = 0; r < n; r++) {
                    int o = r * f;
                    double dot = 0;
                    for (int j = 0; j < f; j++) {
                        dot += dy[o + j] * y[o + j];
                    }
                    for (int j = 0; j < f; j++) {
                        dx[o + j] = (float) (y[o + j] * (dy[o + j] - dot));
                    }
                }
            }
        }
    }

    /**
     * The hyperbolic tangent to within 4e-7 of {@link Math#tanh} (about 6 float ulps; tested), at a
     * fraction of its cost: Math.tanh is a native StrictMath call on JDK 17, this is a rational
     * function of float multiply-adds and one division that the JIT vectorises in a loop.
     * tanh(v) ≈ v·P(u)/Q(u) with u = v²/81 on |v| ≤ 9 (beyond, tanh rounds to ±1 in float), P of
     * degree 5 and Q of degree 4 fitted by weighted least squares on the relative error (our own
     * fit; relative error 1.3e-9 in exact arithmetic, the rest is float rounding). NaN stays NaN.
     */
    public static float tanh(float x) {
        float v = Math.min(Math.max(x, -9f), 9f);
        float u = v * v * (1f / 81f);
        float p = ((((-0.04270679629959003f * u + 1.3191754036937204f) * u + 14.897587774700654f) * u
                + 25.38821220532361f) * u + 11.08153029999306f) * u + 0.9999999987350947f;
        float q = (((55.4921054206036f * u + 209.43093525600247f) * u + 178.78963533176088f) * u
                + 38.08152929611045f) * u + 1f;
        return Math.min(Math.max(v * p / q, -1f), 1f);
    }

    /** The logistic function, stable for large |v|. */
    public static float sigmoid(float v) {
        if (v >= 0) {
            return (float) (1 / (1 + Math.exp(-v)));
        }
        double e = Math.exp(v);
        return (float) (e / (1 + e));
    }

    /** Softmax of each of the n rows of f values of x into y (stable: the row maximum is subtracted). */
    public static void softmaxRows(float[] x, float[] y, int n, int f) {
        for (int r = 0; r < n; r++) {
            int o = r * f;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < f; j++) {
                max = Math.max(max, x[o + j]);
            }
            double sum = 0;
            for (int j = 0; j < f; j++) {
                double e = Math.exp(x[o + j] - max);
                y[o + j] = (float) e;
                sum += e;
            }
            float inv = (float) (1 / sum);
            for (int j = 0; j < f; j++) {
                y[o + j] *= inv;
            }
        }
    }

    /** The error function (Numerical Recipes' erfc with fractional error below 1.2e-7). */
    static double erf(double z) {
        double t = 1 / (1 + 0.5 * Math.abs(z));
        double ans = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return z >= 0 ? 1 - ans : ans - 1;
    }
}
