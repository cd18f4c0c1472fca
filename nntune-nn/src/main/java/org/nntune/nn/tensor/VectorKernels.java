package org.nntune.nn.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernels ({@code jdk.incubator.vector}): the plain kernels with the hot methods
 * overridden — GEMM through {@link PackedGemm} on {@link VectorMicroKernel}, and the fused
 * element-wise kernels, a vector of the preferred width at a time with a scalar tail. Loaded only
 * reflectively by {@link KernelProvider}, so the plain path never needs the incubator module.
 */
final class VectorKernels extends PackedKernels {
    /** The narrowest preferred vector (in bits) for which this path beats plain Java. */
    static final int MIN_BITS = 256;

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /** Blocks measured on Zen 4 (1 MiB L2 per core): kc = 512 steps, mc = 128 rows, nc = 2048 columns. */
    private static final PackedGemm GEMM = new PackedGemm(new VectorMicroKernel(), 512, 16 * VectorMicroKernel.MR, 2048);

    /**
     * @throws UnsupportedOperationException when the preferred vector is narrower than
     *         {@link #MIN_BITS}, with the reason
     */
    VectorKernels(int threads) {
        super(GEMM, threads);
        int bits = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        if (bits < MIN_BITS) {
            throw new UnsupportedOperationException("the preferred vector width is " + bits
                    + " bits; the Vector API path needs at least " + MIN_BITS);
        }
    }

    @Override
    VectorKernels copy(int threads) {
        return new VectorKernels(threads);
    }

    @Override
    public String name() {
        return "vector-" + FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }

    /** The name, lanes and GEMM register tile, for the start-up log line. */
    @Override
    public String toString() {
        return name() + " (Vector API, " + FloatVector.SPECIES_PREFERRED.length() + " float lanes, GEMM tile "
                + tiling() + ")";
    }

    // ---- fused element-wise kernels ----

    @Override
    public void sumRows(float[] x, int off, int rows, int cols, float[] dst, int dstOff) {
        int bound = S.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int row = off + r * cols;
            int c = 0;
            for (; c < bound; c += S.length()) {
                FloatVector.fromArray(S, dst, dstOff + c).add(FloatVector.fromArray(S, x, row + c)).intoArray(dst, dstOff + c);
            }
            for (; c < cols; c++) {
                dst[dstOff + c] += x[row + c];
            }
        }
    }

    @Override
    public void addBiasRelu(float[] y, int yOff, int rows, int cols, float[] bias, int biasOff) {
        int bound = S.loopBound(cols);
        FloatVector zero = FloatVector.zero(S);
        for (int r = 0; r < rows; r++) {
            int row = yOff + r * cols;
            int c = 0;
            for (; c < bound; c += S.length()) {
                FloatVector.fromArray(S, y, row + c).add(FloatVector.fromArray(S, bias, biasOff + c)).max(zero)
                        .intoArray(y, row + c);
            }
            for (; c < cols; c++) {
                y[row + c] = Math.max(0f, y[row + c] + bias[biasOff + c]);
            }
        }
    }

    @Override
    public void reluBackwardBiasGrad(float[] dy, int dyOff, float[] y, int yOff, int rows, int cols,
                                     float[] dBias, int dBiasOff) {
        java.util.Arrays.fill(dBias, dBiasOff, dBiasOff + cols, 0f);
        int bound = S.loopBound(cols);
        FloatVector zero = FloatVector.zero(S);
        for (int r = 0; r < rows; r++) {
            int dr = dyOff + r * cols;
            int yr = yOff + r * cols;
            int c = 0;
            for (; c < bound; c += S.length()) {
                FloatVector d = FloatVector.fromArray(S, dy, dr + c)
                        .blend(zero, FloatVector.fromArray(S, y, yr + c).compare(VectorOperators.LE, 0f));
                d.intoArray(dy, dr + c);
                FloatVector.fromArray(S, dBias, dBiasOff + c).add(d).intoArray(dBias, dBiasOff + c);
            }
            for (; c < cols; c++) {
                float d = y[yr + c] > 0f ? dy[dr + c] : 0f;
                dy[dr + c] = d;
                dBias[dBiasOff + c] += d;
            }
        }
    }

    @Override
    public float softmaxCrossEntropy(float[] logits, int logitsOff, int rows, int cols, int[] labels, int labelsOff,
                                     float[] grad, int gradOff) {
        if (cols < S.length()) {
            return super.softmaxCrossEntropy(logits, logitsOff, rows, cols, labels, labelsOff, grad, gradOff);
        }
        checkLabels(rows, cols, labels, labelsOff);
        int bound = S.loopBound(cols);
        double loss = 0;
        float inv = 1f / rows;
        for (int r = 0; r < rows; r++) {
            int in = logitsOff + r * cols;
            int out = gradOff + r * cols;
            FloatVector vmax = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            int c = 0;
            for (; c < bound; c += S.length()) {
                vmax = vmax.max(FloatVector.fromArray(S, logits, in + c));
            }
            float max = vmax.reduceLanes(VectorOperators.MAX);
            for (; c < cols; c++) {
                max = Math.max(max, logits[in + c]);
            }
            int label = labels[labelsOff + r];
            float shiftedLabel = logits[in + label] - max;
            FloatVector vsum = FloatVector.zero(S);
            for (c = 0; c < bound; c += S.length()) {
                FloatVector e = FloatVector.fromArray(S, logits, in + c).sub(max).lanewise(VectorOperators.EXP);
                e.intoArray(grad, out + c);
                vsum = vsum.add(e);
            }
            float sum = vsum.reduceLanes(VectorOperators.ADD);
            for (; c < cols; c++) {
                float e = (float) Math.exp(logits[in + c] - max);
                grad[out + c] = e;
                sum += e;
            }
            loss += Math.log(sum) - shiftedLabel;
            float scale = inv / sum;
            for (c = 0; c < bound; c += S.length()) {
                FloatVector.fromArray(S, grad, out + c).mul(scale).intoArray(grad, out + c);
            }
            for (; c < cols; c++) {
                grad[out + c] *= scale;
            }
            grad[out + label] -= inv;
        }
        return (float) (loss / rows);
    }

    @Override
    public void adamUpdate(float[] w, int wOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff, int n,
                           float lr, float beta1, float beta2, float eps, float weightDecay, boolean decoupled,
                           int step) {
        AdamStep.check(beta1, beta2, eps, step);
        float l2 = AdamStep.l2(weightDecay, decoupled);
        float decay = AdamStep.decay(lr, weightDecay, decoupled);
        float oneMinusBeta1 = 1f - beta1;
        float oneMinusBeta2 = 1f - beta2;
        float stepSize = AdamStep.stepSize(lr, beta1, step);
        float invSqrtBias2 = AdamStep.invSqrtBias2(beta2, step);
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += S.length()) {
            FloatVector wi = FloatVector.fromArray(S, w, wOff + i);
            FloatVector gi = FloatVector.fromArray(S, g, gOff + i).add(wi.mul(l2));
            FloatVector mi = flushSubnormal(FloatVector.fromArray(S, m, mOff + i).mul(beta1).add(gi.mul(oneMinusBeta1)));
            FloatVector vi = flushSubnormal(FloatVector.fromArray(S, v, vOff + i).mul(beta2).add(gi.mul(gi).mul(oneMinusBeta2)));
            mi.intoArray(m, mOff + i);
            vi.intoArray(v, vOff + i);
            FloatVector denom = vi.sqrt().mul(invSqrtBias2).add(eps);
            wi.mul(decay).sub(mi.mul(stepSize).div(denom)).intoArray(w, wOff + i);
        }
        if (i < n) {
            super.adamUpdate(w, wOff + i, g, gOff + i, m, mOff + i, v, vOff + i, n - i,
                    lr, beta1, beta2, eps, weightDecay, decoupled, step);
        }
    }

    @Override
    public void sgdUpdate(float[] w, int wOff, float[] g, int gOff, float[] velocity, int velocityOff, int n,
                          float lr, float momentum, float weightDecay, boolean nesterov) {
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += S.length()) {
            FloatVector wi = FloatVector.fromArray(S, w, wOff + i);
            FloatVector d = FloatVector.fromArray(S, g, gOff + i).add(wi.mul(weightDecay));
            if (momentum != 0f) {
                FloatVector b = flushSubnormal(FloatVector.fromArray(S, velocity, velocityOff + i).mul(momentum).add(d));
                b.intoArray(velocity, velocityOff + i);
                d = nesterov ? d.add(b.mul(momentum)) : b;
            }
            wi.sub(d.mul(lr)).intoArray(w, wOff + i);
        }
        if (i < n) {
            super.sgdUpdate(w, wOff + i, g, gOff + i, velocity, velocityOff + i, n - i,
                    lr, momentum, weightDecay, nesterov);
        }
    }

    /** {@link PlainKernels#flushSubnormal} on every lane. */
    private static FloatVector flushSubnormal(FloatVector x) {
        return x.blend(0f, x.abs().compare(VectorOperators.LT, Float.MIN_NORMAL));
    }
}
