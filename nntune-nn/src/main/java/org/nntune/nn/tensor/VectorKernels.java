package org.nntune.nn.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
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

    // ---- convolution and pooling ----

    /** The masked copy and each row's sum in one pass (the lanes summed per row: another order than the reference's). */
    @Override
    void maskedCopyRowSums(float[] src, float[] mask, int off, int rows, int cols, float[] dst,
                           float[] rowSums, int sumsOff) {
        FloatVector zero = FloatVector.zero(S);
        int bound = S.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int s0 = off + r * cols, d0 = r * cols;
            FloatVector acc = zero;
            int j = 0;
            for (; j < bound; j += S.length()) {
                FloatVector v = FloatVector.fromArray(S, src, s0 + j);
                if (mask != null) {
                    v = v.blend(zero, FloatVector.fromArray(S, mask, s0 + j).compare(VectorOperators.LE, 0f));
                }
                v.intoArray(dst, d0 + j);
                acc = acc.add(v);
            }
            float sum = acc.reduceLanes(VectorOperators.ADD);
            for (; j < cols; j++) {
                float v = mask == null || mask[s0 + j] > 0f ? src[s0 + j] : 0f;
                dst[d0 + j] = v;
                sum += v;
            }
            rowSums[sumsOff + r] += sum;
        }
    }

    /** At most this many values of C are computed as dot products ({@link #gemmRowDots}): a GEMM packs better above. */
    static final int ROW_DOTS_MAX_OUTPUTS = 1024;

    @Override
    void gemmRowDots(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        if (m * n > ROW_DOTS_MAX_OUTPUTS || k < 4 * S.length()) {
            super.gemmRowDots(m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int j = 0;
            for (; j + 4 <= n; j += 4) {
                rowDots4x4(k, a, aOff + i * lda, lda, b, bOff + j * ldb, ldb, beta, c, cOff + i * ldc + j, ldc);
            }
            for (; j < n; j++) {
                for (int r = i; r < i + 4; r++) {
                    rowDot(k, a, aOff + r * lda, b, bOff + j * ldb, beta, c, cOff + r * ldc + j);
                }
            }
        }
        for (; i < m; i++) {
            for (int j = 0; j < n; j++) {
                rowDot(k, a, aOff + i * lda, b, bOff + j * ldb, beta, c, cOff + i * ldc + j);
            }
        }
    }

    /** One value of {@link #gemmRowDots}: c (+)= Σ a[p]·b[p] over k. */
    private static void rowDot(int k, float[] a, int aRow, float[] b, int bRow, float beta, float[] c, int at) {
        FloatVector acc = FloatVector.zero(S);
        int bound = S.loopBound(k);
        int p = 0;
        for (; p < bound; p += S.length()) {
            acc = FloatVector.fromArray(S, a, aRow + p).fma(FloatVector.fromArray(S, b, bRow + p), acc);
        }
        finishDot(acc, k, p, a, aRow, b, bRow, beta, c, at);
    }

    /** A dot product's lanes summed, its scalar tail [p, k) added, and the result stored (or added, beta 1). */
    private static void finishDot(FloatVector acc, int k, int p, float[] a, int aRow, float[] b, int bRow,
                                  float beta, float[] c, int at) {
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (int q = p; q < k; q++) {
            sum = Math.fma(a[aRow + q], b[bRow + q], sum);
        }
        c[at] = beta == 0f ? sum : c[at] + sum;
    }

    /** A 4 × 4 block of {@link #gemmRowDots}: each step loads 4 + 4 vectors for 16 multiply-adds. */
    private static void rowDots4x4(int k, float[] a, int aRow, int lda, float[] b, int bRow, int ldb,
                                   float beta, float[] c, int cAt, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        int bound = S.loopBound(k);
        int p = 0;
        for (; p < bound; p += S.length()) {
            FloatVector b0 = FloatVector.fromArray(S, b, bRow + p);
            FloatVector b1 = FloatVector.fromArray(S, b, bRow + ldb + p);
            FloatVector b2 = FloatVector.fromArray(S, b, bRow + 2 * ldb + p);
            FloatVector b3 = FloatVector.fromArray(S, b, bRow + 3 * ldb + p);
            FloatVector av = FloatVector.fromArray(S, a, aRow + p);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            c02 = av.fma(b2, c02);
            c03 = av.fma(b3, c03);
            av = FloatVector.fromArray(S, a, aRow + lda + p);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            c12 = av.fma(b2, c12);
            c13 = av.fma(b3, c13);
            av = FloatVector.fromArray(S, a, aRow + 2 * lda + p);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            c22 = av.fma(b2, c22);
            c23 = av.fma(b3, c23);
            av = FloatVector.fromArray(S, a, aRow + 3 * lda + p);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            c32 = av.fma(b2, c32);
            c33 = av.fma(b3, c33);
        }
        int a1 = aRow + lda, a2 = aRow + 2 * lda, a3 = aRow + 3 * lda;
        int b1 = bRow + ldb, b2 = bRow + 2 * ldb, b3 = bRow + 3 * ldb;
        int r1 = cAt + ldc, r2 = cAt + 2 * ldc, r3 = cAt + 3 * ldc;
        finishDot(c00, k, p, a, aRow, b, bRow, beta, c, cAt);
        finishDot(c01, k, p, a, aRow, b, b1, beta, c, cAt + 1);
        finishDot(c02, k, p, a, aRow, b, b2, beta, c, cAt + 2);
        finishDot(c03, k, p, a, aRow, b, b3, beta, c, cAt + 3);
        finishDot(c10, k, p, a, a1, b, bRow, beta, c, r1);
        finishDot(c11, k, p, a, a1, b, b1, beta, c, r1 + 1);
        finishDot(c12, k, p, a, a1, b, b2, beta, c, r1 + 2);
        finishDot(c13, k, p, a, a1, b, b3, beta, c, r1 + 3);
        finishDot(c20, k, p, a, a2, b, bRow, beta, c, r2);
        finishDot(c21, k, p, a, a2, b, b1, beta, c, r2 + 1);
        finishDot(c22, k, p, a, a2, b, b2, beta, c, r2 + 2);
        finishDot(c23, k, p, a, a2, b, b3, beta, c, r2 + 3);
        finishDot(c30, k, p, a, a3, b, bRow, beta, c, r3);
        finishDot(c31, k, p, a, a3, b, b1, beta, c, r3 + 1);
        finishDot(c32, k, p, a, a3, b, b2, beta, c, r3 + 2);
        finishDot(c33, k, p, a, a3, b, b3, beta, c, r3 + 3);
    }

    private static final VectorSpecies<Integer> SI = IntVector.SPECIES_PREFERRED;

    /** Per thread: the offsets within a plane of the top-left corners of its 2×2 windows, for one plane size. */
    private static final class PoolMap {
        int height = -1;
        int width = -1;
        int[] corners = new int[0];
        final float[] lastValues = new float[S.length()];
        final int[] lastIndices = new int[S.length()];
    }

    private static final ThreadLocal<PoolMap> POOL_MAP = ThreadLocal.withInitial(PoolMap::new);

    /** The thread's map, its window corners for a height × width plane, padded to whole vectors with the last corner. */
    private static PoolMap poolMap(int height, int width) {
        PoolMap map = POOL_MAP.get();
        if (map.height != height || map.width != width) {
            int outH = height / 2, outW = width / 2, windows = outH * outW;
            int padded = (windows + S.length() - 1) / S.length() * S.length();
            if (map.corners.length < padded) {
                map.corners = new int[padded];
            }
            for (int o = 0; o < padded; o++) {
                int w = Math.min(o, windows - 1);
                map.corners[o] = 2 * (w / outW) * width + 2 * (w % outW);
            }
            map.height = height;
            map.width = width;
        }
        return map;
    }

    /**
     * The common 2×2 window with stride 2 a vector of windows at a time: the four values of each
     * window gathered, the first maximum in row-major order (a later value wins only when
     * greater, as in the reference) and its index picked by selects; other windows as the
     * reference does.
     */
    @Override
    void maxPool2d(float[] x, int height, int width, int ph, int pw, int strideH, int strideW,
                   float[] y, int[] argmax, int p0, int p1) {
        if (ph != 2 || pw != 2 || strideH != 2 || strideW != 2 || SI.length() != S.length()) {
            super.maxPool2d(x, height, width, ph, pw, strideH, strideW, y, argmax, p0, p1);
            return;
        }
        int windows = (height / 2) * (width / 2);
        int plane = height * width;
        PoolMap map = poolMap(height, width);
        int[] corners = map.corners;
        IntVector right = IntVector.broadcast(SI, 1);
        IntVector below = IntVector.broadcast(SI, width);
        IntVector belowRight = IntVector.broadcast(SI, width + 1);
        for (int p = p0; p < p1; p++) {
            int base = p * plane;
            int out = p * windows;
            for (int o = 0; o < windows; o += S.length()) {
                IntVector at = IntVector.fromArray(SI, corners, o);
                FloatVector m = FloatVector.fromArray(S, x, base, corners, o);
                FloatVector b = FloatVector.fromArray(S, x, base + 1, corners, o);
                VectorMask<Float> take = b.compare(VectorOperators.GT, m);
                m = m.blend(b, take);
                IntVector index = at.blend(at.add(right), take.cast(SI));
                FloatVector c = FloatVector.fromArray(S, x, base + width, corners, o);
                take = c.compare(VectorOperators.GT, m);
                m = m.blend(c, take);
                index = index.blend(at.add(below), take.cast(SI));
                FloatVector d = FloatVector.fromArray(S, x, base + width + 1, corners, o);
                take = d.compare(VectorOperators.GT, m);
                m = m.blend(d, take);
                index = index.blend(at.add(belowRight), take.cast(SI));
                if (o + S.length() <= windows) {
                    m.intoArray(y, out + o);
                    index.intoArray(argmax, out + o);
                } else { // the plane's last windows: through the scratch (a masked store is not compiled to one on JDK 17)
                    m.intoArray(map.lastValues, 0);
                    index.intoArray(map.lastIndices, 0);
                    System.arraycopy(map.lastValues, 0, y, out + o, windows - o);
                    System.arraycopy(map.lastIndices, 0, argmax, out + o, windows - o);
                }
            }
        }
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
