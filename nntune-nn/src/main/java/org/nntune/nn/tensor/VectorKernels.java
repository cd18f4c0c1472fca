package org.nntune.nn.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
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

    // ---- small products ----

    /**
     * Four rows of C at a time (past the last row the last one is computed again and not
     * stored), a vector of columns at a time, sharing each load of B; the last vector ends at
     * column n, overlapping columns already stored and storing them again, equal. Each column's
     * sum is an FMA chain over p from zero, as the GEMM micro-kernel sums: the same floats as
     * {@code gemm} followed by {@code addRowVector}. One loop nest for every shape, so that the
     * JIT compiles it once. Scalar (the plain kernel) when n is below a vector.
     */
    @Override
    public void rowGemm(boolean transA, int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                        float[] bias, int biasOff, float floor, float[] c, int cOff, int ldc) {
        int l = S.length();
        if (n < l) {
            super.rowGemm(transA, m, n, k, a, aOff, lda, b, bOff, ldb, bias, biasOff, floor, c, cOff, ldc);
            return;
        }
        int step = transA ? lda : 1; // from op(A)[i][p] to op(A)[i][p + 1]
        int row = transA ? 1 : lda;  // from op(A)[i][p] to op(A)[i + 1][p]
        FloatVector lo = FloatVector.broadcast(S, floor);
        for (int i = 0; i < m; i += 4) {
            int a0 = aOff + i * row;
            int a1 = aOff + Math.min(i + 1, m - 1) * row;
            int a2 = aOff + Math.min(i + 2, m - 1) * row;
            int a3 = aOff + Math.min(i + 3, m - 1) * row;
            int ci = cOff + i * ldc;
            for (int j = 0; j < n; ) {
                int col = Math.min(j, n - l); // the last vector ends at column n
                FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
                for (int p = 0; p < k; p++) {
                    FloatVector bv = FloatVector.fromArray(S, b, bOff + p * ldb + col);
                    int ap = p * step;
                    s0 = FloatVector.broadcast(S, a[a0 + ap]).fma(bv, s0);
                    s1 = FloatVector.broadcast(S, a[a1 + ap]).fma(bv, s1);
                    s2 = FloatVector.broadcast(S, a[a2 + ap]).fma(bv, s2);
                    s3 = FloatVector.broadcast(S, a[a3 + ap]).fma(bv, s3);
                }
                FloatVector bs = bias != null ? FloatVector.fromArray(S, bias, biasOff + col) : FloatVector.zero(S);
                boolean biased = bias != null;
                storeRow(s0, bs, biased, lo, c, ci + col);
                if (i + 1 < m) {
                    storeRow(s1, bs, biased, lo, c, ci + ldc + col);
                }
                if (i + 2 < m) {
                    storeRow(s2, bs, biased, lo, c, ci + 2 * ldc + col);
                }
                if (i + 3 < m) {
                    storeRow(s3, bs, biased, lo, c, ci + 3 * ldc + col);
                }
                j = col + l;
            }
        }
    }

    private static void storeRow(FloatVector acc, FloatVector bias, boolean biased, FloatVector floor, float[] c, int cOff) {
        (biased ? acc.add(bias) : acc).max(floor).intoArray(c, cOff);
    }

    /**
     * Four columns of a row of C at a time, sharing the loads of A's row (past the last column
     * the last one is computed again and not stored), each a lane-wise FMA chain reduced at the
     * end. The last k % lanes terms come from one vector ending at k with the lanes already
     * summed blended to zero; scalar only when k is below a vector.
     */
    @Override
    public void dotGemm(int m, int n, int k, float[] a, int aOff, int lda, float[] bt, int btOff, int ldbt,
                        float[] bias, int biasOff, float[] c, int cOff, int ldc) {
        int l = S.length();
        if (k < l) {
            super.dotGemm(m, n, k, a, aOff, lda, bt, btOff, ldbt, bias, biasOff, c, cOff, ldc);
            return;
        }
        int bound = S.loopBound(k);
        int tail = k - l; // the last vector's start; its lanes below bound - tail were summed already
        VectorMask<Float> fresh = FloatVector.zero(S).addIndex(1).compare(VectorOperators.GE, (float) (bound - tail));
        boolean hasTail = bound < k;
        FloatVector zero = FloatVector.zero(S);
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * lda;
            int ci = cOff + i * ldc;
            for (int j = 0; j < n; j += 4) {
                int b0 = btOff + j * ldbt;
                int b1 = btOff + Math.min(j + 1, n - 1) * ldbt;
                int b2 = btOff + Math.min(j + 2, n - 1) * ldbt;
                int b3 = btOff + Math.min(j + 3, n - 1) * ldbt;
                FloatVector s0 = zero, s1 = zero, s2 = zero, s3 = zero;
                for (int p = 0; p < bound; p += l) {
                    FloatVector av = FloatVector.fromArray(S, a, ai + p);
                    s0 = av.fma(FloatVector.fromArray(S, bt, b0 + p), s0);
                    s1 = av.fma(FloatVector.fromArray(S, bt, b1 + p), s1);
                    s2 = av.fma(FloatVector.fromArray(S, bt, b2 + p), s2);
                    s3 = av.fma(FloatVector.fromArray(S, bt, b3 + p), s3);
                }
                if (hasTail) {
                    FloatVector av = zero.blend(FloatVector.fromArray(S, a, ai + tail), fresh);
                    s0 = av.fma(FloatVector.fromArray(S, bt, b0 + tail), s0);
                    s1 = av.fma(FloatVector.fromArray(S, bt, b1 + tail), s1);
                    s2 = av.fma(FloatVector.fromArray(S, bt, b2 + tail), s2);
                    s3 = av.fma(FloatVector.fromArray(S, bt, b3 + tail), s3);
                }
                c[ci + j] = plusBias(s0.reduceLanes(VectorOperators.ADD), bias, biasOff + j);
                if (j + 1 < n) {
                    c[ci + j + 1] = plusBias(s1.reduceLanes(VectorOperators.ADD), bias, biasOff + j + 1);
                }
                if (j + 2 < n) {
                    c[ci + j + 2] = plusBias(s2.reduceLanes(VectorOperators.ADD), bias, biasOff + j + 2);
                }
                if (j + 3 < n) {
                    c[ci + j + 3] = plusBias(s3.reduceLanes(VectorOperators.ADD), bias, biasOff + j + 3);
                }
            }
        }
    }

    private static float plusBias(float s, float[] bias, int at) {
        return bias != null ? s + bias[at] : s;
    }
}
