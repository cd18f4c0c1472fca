package org.nntune.nn.layer;

import org.nntune.nn.tensor.Rng;

import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;

/**
 * A fully connected layer: {@code y = x · W + b} with W stored input × units (row-major) and b of
 * length units. The input may have any shape; it is used flattened.
 */
public final class Dense extends Layer {
    /**
     * At most this many units: the layer's products skip the GEMM, whose register tile (8 × 32
     * with 512-bit vectors) would be mostly padding — the forward pass is dot products along the
     * input ({@link org.nntune.nn.internal.kernels.Kernels#dotGemm}), the weight gradient is computed
     * transposed, a row per unit, and dx has a sum of this few terms
     * ({@link org.nntune.nn.internal.kernels.Kernels#rowGemm}). A classifier's output layer of a few classes.
     */
    static final int FEW_UNITS = 4;
    /**
     * At most this many inputs: the forward pass and the weight gradient are row sweeps with a
     * short sum ({@link org.nntune.nn.internal.kernels.Kernels#rowGemm}) instead of a GEMM. A first layer
     * on a few features (iris' 4).
     */
    static final int FEW_INPUTS = 8;
    private final int units;
    private final Initializer init;
    private Param weight;
    private Param bias;

    /**
     * @param units ≥ 1: the number of outputs
     * @param init how the weights are drawn (fan-in the input's size, fan-out units); the biases
     *     start at 0
     * @throws IllegalArgumentException if units is below 1
     */
    public Dense(int units, Initializer init) {
        checkPositive("dense units", units);
        this.units = units;
        this.init = init;
    }

    /** @return the number of outputs */
    public int units() { return units; }
    /** @return how the weights are drawn when the network is initialised */
    public Initializer initializer() { return init; }

    @Override
    protected int[] configure(int[] in) {
        int fanIn = org.nntune.nn.tensor.Tensor.size(in);
        weight = new Param("weight", true, fanIn, units);
        bias = new Param("bias", false, units);
        return new int[] {units};
    }

    @Override
    public String kind() {
        return "dense";
    }

    @Override
    public String describe() {
        return init.name().toLowerCase();
    }

    @Override
    public void writeConfig(DataOutputStream out) throws IOException {
        out.writeInt(units);
        out.writeUTF(init.name());
    }

    @Override
    public List<Param> params() {
        return List.of(weight, bias);
    }

    @Override
    public void initialize(Rng rng) {
        init.fill(weight.value().data(), weight.size(), inputSize(), units, rng);
        bias.value().fill(0f);
    }

    /**
     * The weights transposed (units × input), refreshed by each pass that reads them, and with few
     * units the weight gradient transposed, as the small products compute it.
     */
    private static final class Transposed implements Cache {
        final float[] wt;
        final float[] gt;

        Transposed(int size, boolean fewUnits) {
            wt = new float[size];
            gt = fewUnits ? new float[size] : wt;
        }
    }

    @Override
    public Cache newCache(int batch) {
        return new Transposed(weight.size(), units <= FEW_UNITS);
    }

    @Override
    public void forward(float[] x, float[] y, int n, Cache cache, Pass pass) {
        int in = inputSize();
        float[] w = weight.value().data();
        if (units <= FEW_UNITS) {
            float[] wt = ((Transposed) cache).wt;
            kernels.transpose(w, 0, in, units, wt, 0);
            kernels.dotGemm(n, units, in, x, 0, in, wt, 0, in, bias.value().data(), 0, y, 0, units);
        } else if (in <= FEW_INPUTS) {
            kernels.rowGemm(false, n, units, in, x, 0, in, w, 0, units, bias.value().data(), 0, Float.NEGATIVE_INFINITY, y, 0, units);
        } else {
            kernels.gemm(false, false, n, units, in, 1f, x, 0, in, w, 0, units, 0f, y, 0, units);
            kernels.addRowVector(y, 0, n, units, bias.value().data(), 0);
        }
    }

    /**
     * This layer followed by a ReLU, in one pass over the output: {@code y = max(0, x · W + b)}.
     * The pre-activation is not kept; {@link #backwardRelu} needs only y.
     */
    public void forwardRelu(float[] x, float[] y, int n) {
        int in = inputSize();
        if (in <= FEW_INPUTS) {
            kernels.rowGemm(false, n, units, in, x, 0, in, weight.value().data(), 0, units, bias.value().data(), 0, 0f,
                    y, 0, units);
        } else {
            kernels.gemm(false, false, n, units, in, 1f, x, 0, in, weight.value().data(), 0, units, 0f, y, 0, units);
            kernels.addBiasRelu(y, 0, n, units, bias.value().data(), 0);
        }
    }

    /**
     * The backward pass of {@link #forwardRelu}: {@code dy} (the gradient for the ReLU's output
     * y) is masked in place where y is not positive, which is the gradient for the pre-activation
     * (y > 0 exactly where it is), its column sums become the bias gradient in the same pass, and
     * the weight and input gradients follow as in {@link #backward}.
     */
    public void backwardRelu(float[] x, float[] y, float[] dy, float[] dx, int n, Cache cache) {
        kernels.reluBackwardBiasGrad(dy, 0, y, 0, n, units, bias.grad().data(), 0);
        weightAndInputGradients(x, dy, dx, n, cache);
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Cache cache) {
        java.util.Arrays.fill(bias.grad().data(), 0f);
        kernels.sumRows(dy, 0, n, units, bias.grad().data(), 0);
        weightAndInputGradients(x, dy, dx, n, cache);
    }

    private void weightAndInputGradients(float[] x, float[] dy, float[] dx, int n, Cache cache) {
        int in = inputSize();
        Transposed t = (Transposed) cache;
        float[] wg = weight.grad().data();
        if (units <= FEW_UNITS) {
            // dWᵀ = dyᵀ · x, a row per unit, then transposed into the gradient (the same sums as the GEMM's)
            kernels.rowGemm(true, units, in, n, dy, 0, units, x, 0, in, null, 0, Float.NEGATIVE_INFINITY, t.gt, 0, in);
            kernels.transpose(t.gt, 0, units, in, wg, 0);
        } else if (in <= FEW_INPUTS) {
            kernels.rowGemm(true, in, units, n, x, 0, in, dy, 0, units, null, 0, Float.NEGATIVE_INFINITY, wg, 0, units);
        } else {
            kernels.gemm(true, false, in, units, n, 1f, x, 0, in, dy, 0, units, 0f, wg, 0, units);
        }
        if (dx != null) {
            // dx = dy · Wᵀ, as a plain product with Wᵀ made once per batch (in·units copies against n·in·units products)
            kernels.transpose(weight.value().data(), 0, in, units, t.wt, 0);
            if (units <= FEW_UNITS) {
                kernels.rowGemm(false, n, in, units, dy, 0, units, t.wt, 0, in, null, 0, Float.NEGATIVE_INFINITY, dx, 0, in);
            } else {
                kernels.gemm(false, false, n, in, units, 1f, dy, 0, units, t.wt, 0, in, 0f, dx, 0, in);
            }
        }
    }
}
