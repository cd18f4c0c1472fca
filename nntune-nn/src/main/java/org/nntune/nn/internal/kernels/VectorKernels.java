package org.nntune.nn.internal.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The {@code vector} path ({@code jdk.incubator.vector}): GEMM through {@link PackedGemm} on
 * {@link VectorMicroKernel} or {@link VectorMicroKernelSixRows} (by the vector width), the batch
 * convolution and pooling kernels split over the threads ({@link Convolution}) with vector steps,
 * and the fused element-wise kernels, optimiser steps and small products a vector of the preferred
 * width at a time with the reference's scalar code for the tail; the kernels with nothing to gain
 * from vectors call the reference by name. The GEMM and convolution plumbing it shares with the
 * {@code java} path is {@link PackedKernels}'. Loaded only reflectively by {@link KernelProvider},
 * so the other paths never need the incubator module.
 */
final class VectorKernels extends PackedKernels {
    /** The narrowest preferred vector (in bits) for which this path beats plain Java. */
    static final int MIN_BITS = 256;

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /**
     * The GEMM of each register tile, blocks measured on Zen 4 (1 MiB L2 per core): kc = 512 steps,
     * mc = 16 tiles of rows, nc = 2048 columns. Eight rows ({@link VectorMicroKernel}) where vectors
     * of 16 lanes or more mean an instruction set of 32 vector registers (AVX-512, SVE); six rows
     * ({@link VectorMicroKernelSixRows}) at 8 lanes, where AVX2 has 16 registers and the 8-row tile
     * spills (on an AVX2 Zen machine, BENCHMARKS-LOG.md: MLP training 1.08–1.25× the 8-row tile's
     * speed, GEMM 1.03–1.20× on two threads).
     */
    private static final PackedGemm EIGHT_ROWS = blocks(new VectorMicroKernel());
    private static final PackedGemm SIX_ROWS = blocks(new VectorMicroKernelSixRows());

    /**
     * The system property that sets the GEMM's tile rows, 8 or 6, against the vector width's choice
     * above: for comparing the two tiles on one machine (benchmarks), not for users.
     */
    static final String TILE_ROWS_PROPERTY = "nntune.vector.tileRows";

    private static PackedGemm blocks(GemmMicroKernel tile) {
        return new PackedGemm(tile, 512, 16 * tile.mr, 2048);
    }

    private static final ReferenceKernels REF = new ReferenceKernels();

    /**
     * @throws UnsupportedOperationException when the preferred vector is narrower than
     *         {@link #MIN_BITS}, with the reason
     * @throws IllegalArgumentException when {@link #TILE_ROWS_PROPERTY} is set to anything but 8 or 6
     */
    VectorKernels(int threads) {
        this(threads, byRows(tileRows()));
    }

    /** The GEMM's tile rows: {@link #TILE_ROWS_PROPERTY}, else 8 at 16 lanes or more and 6 below. */
    private static int tileRows() {
        String set = System.getProperty(TILE_ROWS_PROPERTY);
        if (set == null) {
            return S.length() >= 16 ? 8 : 6;
        }
        return switch (set.trim()) {
            case "8" -> 8;
            case "6" -> 6;
            default -> throw new IllegalArgumentException("-D" + TILE_ROWS_PROPERTY + "=" + set
                    + ": the vector GEMM has tiles of 8 or 6 rows");
        };
    }

    private static PackedGemm byRows(int rows) {
        return switch (rows) {
            case 8 -> EIGHT_ROWS;
            case 6 -> SIX_ROWS;
            default -> throw new IllegalArgumentException("the vector GEMM has tiles of 8 or 6 rows, not " + rows);
        };
    }

    private VectorKernels(int threads, PackedGemm gemm) {
        super(threads, gemm);
        int bits = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        if (bits < MIN_BITS) {
            throw new UnsupportedOperationException("the preferred vector width is " + bits
                    + " bits; the Vector API path needs at least " + MIN_BITS);
        }
    }

    @Override
    public String name() {
        return "vector-" + FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }

    /** The name, lanes and GEMM register tile, for the start-up log line. */
    @Override
    public String toString() {
        return name() + " (Vector API, " + FloatVector.SPECIES_PREFERRED.length() + " float lanes, GEMM tile "
                + gemm.tiling() + ")";
    }

    @Override
    public Kernels withThreads(int threads) {
        return threads == this.threads ? this : new VectorKernels(threads, gemm);
    }

    /**
     * These kernels with the GEMM's register tile of {@code rows} rows (8 or 6) whatever the vector
     * width prefers, so that tests check both tiles on every machine.
     */
    VectorKernels withTileRows(int rows) {
        return new VectorKernels(threads, byRows(rows));
    }


    /** The masked copy and each row's sum in one pass (a vector of partial sums per row: another order than the reference's). */
    @Override
    public void maskedCopyRowSums(float[] src, float[] mask, int off, int rows, int cols, float[] dst,
                                  float[] rowSums, int sumsOff) {
        FloatVector zero = FloatVector.zero(S);
        float[] lanes = DOT_LANES.get();
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
            acc.intoArray(lanes, 0);
            float sum = laneSum(lanes, 0); // in order: the same bits whatever code runs (see finishDots)
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
    public void gemmRowDots(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float beta, float[] c, int cOff, int ldc) {
        if (m * n > ROW_DOTS_MAX_OUTPUTS || k < 4 * S.length()) {
            gemmInPart(false, true, m, n, k, 1f, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        float[] lanes = DOT_LANES.get();
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int j = 0;
            for (; j + 4 <= n; j += 4) {
                rowDots4x4(k, a, aOff + i * lda, lda, b, bOff + j * ldb, ldb, lanes);
                finishDots(4, 4, k, a, aOff + i * lda, lda, b, bOff + j * ldb, ldb, lanes, beta, c, cOff + i * ldc + j, ldc);
            }
            for (; j < n; j++) {
                for (int r = i; r < i + 4; r++) {
                    rowDot(k, a, aOff + r * lda, b, bOff + j * ldb, lanes);
                    finishDots(1, 1, k, a, aOff + r * lda, lda, b, bOff + j * ldb, ldb, lanes, beta, c, cOff + r * ldc + j, ldc);
                }
            }
        }
        for (; i < m; i++) {
            for (int j = 0; j < n; j++) {
                rowDot(k, a, aOff + i * lda, b, bOff + j * ldb, lanes);
                finishDots(1, 1, k, a, aOff + i * lda, lda, b, bOff + j * ldb, ldb, lanes, beta, c, cOff + i * ldc + j, ldc);
            }
        }
    }

    /** Per thread: the lanes of up to 16 dot-product accumulators of {@link #gemmRowDots}. */
    private static final ThreadLocal<float[]> DOT_LANES = ThreadLocal.withInitial(() -> new float[16 * S.length()]);

    /**
     * The values of a rows × cols block of {@link #gemmRowDots} from its accumulators' lanes
     * ({@code lanes}, block-row-major, one vector each): the lanes summed in order, the scalar tail
     * of the sum (the steps past the last whole vector) added, stored (beta 0) or added (beta 1).
     * Summing stored lanes in a fixed order gives the same bits whatever code runs (the Vector API
     * leaves the order of {@code reduceLanes(ADD)} open), and no vector is passed to a call that
     * C2 might not inline (a vector argument is boxed).
     */
    private static void finishDots(int rows, int cols, int k, float[] a, int aRow, int lda, float[] b, int bRow,
                                   int ldb, float[] lanes, float beta, float[] c, int cAt, int ldc) {
        int tail = S.loopBound(k);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                float sum = laneSum(lanes, (r * cols + j) * S.length());
                int ar = aRow + r * lda, br = bRow + j * ldb;
                for (int q = tail; q < k; q++) {
                    sum = Math.fma(a[ar + q], b[br + q], sum);
                }
                int at = cAt + r * ldc + j;
                c[at] = beta == 0f ? sum : c[at] + sum;
            }
        }
    }

    /** One dot product of {@link #gemmRowDots} over the whole vectors of k: its accumulator into {@code lanes}. */
    private static void rowDot(int k, float[] a, int aRow, float[] b, int bRow, float[] lanes) {
        FloatVector acc = FloatVector.zero(S);
        int bound = S.loopBound(k);
        for (int p = 0; p < bound; p += S.length()) {
            acc = FloatVector.fromArray(S, a, aRow + p).fma(FloatVector.fromArray(S, b, bRow + p), acc);
        }
        acc.intoArray(lanes, 0);
    }

    /**
     * A 4 × 4 block of {@link #gemmRowDots} over the whole vectors of k, its 16 accumulators into
     * {@code lanes}: each step loads 4 + 4 vectors for 16 multiply-adds.
     */
    private static void rowDots4x4(int k, float[] a, int aRow, int lda, float[] b, int bRow, int ldb, float[] lanes) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        int bound = S.loopBound(k);
        for (int p = 0; p < bound; p += S.length()) {
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
        c00.intoArray(lanes, 0);
        c01.intoArray(lanes, S.length());
        c02.intoArray(lanes, 2 * S.length());
        c03.intoArray(lanes, 3 * S.length());
        c10.intoArray(lanes, 4 * S.length());
        c11.intoArray(lanes, 5 * S.length());
        c12.intoArray(lanes, 6 * S.length());
        c13.intoArray(lanes, 7 * S.length());
        c20.intoArray(lanes, 8 * S.length());
        c21.intoArray(lanes, 9 * S.length());
        c22.intoArray(lanes, 10 * S.length());
        c23.intoArray(lanes, 11 * S.length());
        c30.intoArray(lanes, 12 * S.length());
        c31.intoArray(lanes, 13 * S.length());
        c32.intoArray(lanes, 14 * S.length());
        c33.intoArray(lanes, 15 * S.length());
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
    public void maxPoolPlanes(float[] x, int height, int width, int ph, int pw, int strideH, int strideW,
                              float[] y, int[] argmax, int p0, int p1) {
        if (ph != 2 || pw != 2 || strideH != 2 || strideW != 2 || SI.length() != S.length()) {
            REF.maxPoolPlanes(x, height, width, ph, pw, strideH, strideW, y, argmax, p0, p1);
            return;
        }
        int windows = (height / 2) * (width / 2);
        PoolMap map = poolMap(height, width);
        for (int p = p0; p < p1; p++) {
            maxPoolPlane2x2(x, p * height * width, width, windows, map, y, argmax, p * windows);
        }
    }

    /**
     * One plane of the 2×2 pooling (a method of its own: called once per plane, it reaches C2
     * after a few batches, where one call per batch would run boxed tier-3 code for many).
     */
    private static void maxPoolPlane2x2(float[] x, int base, int width, int windows, PoolMap map,
                                        float[] y, int[] argmax, int out) {
        int[] corners = map.corners;
        IntVector right = IntVector.broadcast(SI, 1);
        IntVector below = IntVector.broadcast(SI, width);
        IntVector belowRight = IntVector.broadcast(SI, width + 1);
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

    // softmaxCrossEntropy is the reference's on purpose: a vector version would need the Vector API's
    // EXP, whose C2 intrinsic and Java fallback may differ in the last bits, and reduceLanes(ADD),
    // whose order is left open, so a training run's bits would depend on when C2 compiled it. The
    // scalar Math.exp gives the same bits in every tier, and the exponentials dominate either way.

    @Override
    public void adamUpdate(float[] w, int wOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff, int n,
                           float lr, float beta1, float beta2, float eps, float weightDecay, boolean decoupled,
                           int step) {
        AdamStep.check(beta1, beta2, eps, step);
        int parts = (n + ADAM_PART - 1) / ADAM_PART;
        if (parts > 1) {
            // element by element: parts of a fixed size (a multiple of the vector) give the bits of one call; on
            // one thread too, where a loop of calls makes the JIT compile adamPart sooner than one long call would
            KernelThreads.run(threads, parts, p -> {
                int from = p * ADAM_PART;
                adamPart(w, wOff + from, g, gOff + from, m, mOff + from, v, vOff + from, Math.min(ADAM_PART, n - from),
                        lr, beta1, beta2, eps, weightDecay, decoupled, step);
            });
        } else {
            adamPart(w, wOff, g, gOff, m, mOff, v, vOff, n, lr, beta1, beta2, eps, weightDecay, decoupled, step);
        }
    }

    /**
     * Parameters per part of a threaded Adam step: memory-bound (seven floats read or written per
     * parameter), worth a second thread from a few parts on; a multiple of every vector length.
     */
    static final int ADAM_PART = 1 << 16;

    private static void adamPart(float[] w, int wOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff, int n,
                                 float lr, float beta1, float beta2, float eps, float weightDecay, boolean decoupled,
                                 int step) {
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
            REF.adamUpdate(w, wOff + i, g, gOff + i, m, mOff + i, v, vOff + i, n - i,
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
            REF.sgdUpdate(w, wOff + i, g, gOff + i, velocity, velocityOff + i, n - i,
                    lr, momentum, weightDecay, nesterov);
        }
    }

    /** {@link Kernels#flushSubnormal} on every lane. */
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
     * JIT compiles it once. Scalar (the reference) when n is below a vector.
     */
    @Override
    public void rowGemm(boolean transA, int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                        float[] bias, int biasOff, float floor, float[] c, int cOff, int ldc) {
        int l = S.length();
        if (n < l) {
            REF.rowGemm(transA, m, n, k, a, aOff, lda, b, bOff, ldb, bias, biasOff, floor, c, cOff, ldc);
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
            REF.dotGemm(m, n, k, a, aOff, lda, bt, btOff, ldbt, bias, biasOff, c, cOff, ldc);
            return;
        }
        int bound = S.loopBound(k);
        int tail = k - l; // the last vector's start; its lanes below bound - tail were summed already
        VectorMask<Float> fresh = FloatVector.zero(S).addIndex(1).compare(VectorOperators.GE, (float) (bound - tail));
        boolean hasTail = bound < k;
        FloatVector zero = FloatVector.zero(S);
        float[] lanes = DOT_LANES.get();
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
                // lanes summed in order, not by reduceLanes(ADD): the same bits whatever code runs (see finishDots)
                s0.intoArray(lanes, 0);
                s1.intoArray(lanes, l);
                s2.intoArray(lanes, 2 * l);
                s3.intoArray(lanes, 3 * l);
                c[ci + j] = plusBias(laneSum(lanes, 0), bias, biasOff + j);
                if (j + 1 < n) {
                    c[ci + j + 1] = plusBias(laneSum(lanes, l), bias, biasOff + j + 1);
                }
                if (j + 2 < n) {
                    c[ci + j + 2] = plusBias(laneSum(lanes, 2 * l), bias, biasOff + j + 2);
                }
                if (j + 3 < n) {
                    c[ci + j + 3] = plusBias(laneSum(lanes, 3 * l), bias, biasOff + j + 3);
                }
            }
        }
    }

    /** The lanes of one stored vector at {@code lanes[off]}, summed in order. */
    private static float laneSum(float[] lanes, int off) {
        float sum = 0f;
        for (int i = 0; i < S.length(); i++) {
            sum += lanes[off + i];
        }
        return sum;
    }

    private static float plusBias(float s, float[] bias, int at) {
        return bias != null ? s + bias[at] : s;
    }

    // ---- the reference's, called by name: nothing to gain from vectors here ----

    @Override
    public void addRowVector(float[] x, int off, int rows, int cols, float[] v, int vOff) {
        REF.addRowVector(x, off, rows, cols, v, vOff);
    }

    @Override
    public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        REF.axpy(n, alpha, x, xOff, y, yOff);
    }

    @Override
    public void scale(int n, float alpha, float[] x, int off) {
        REF.scale(n, alpha, x, off);
    }

    @Override
    public double sumSquares(float[] x, int off, int n) {
        return REF.sumSquares(x, off, n);
    }

    @Override
    public void relu(float[] x, int xOff, float[] y, int yOff, int n) {
        REF.relu(x, xOff, y, yOff, n);
    }

    @Override
    public void reluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        REF.reluBackward(x, xOff, dy, dyOff, dx, dxOff, n);
    }

    @Override
    public void transpose(float[] src, int srcOff, int rows, int cols, float[] dst, int dstOff) {
        REF.transpose(src, srcOff, rows, cols, dst, dstOff);
    }

    @Override
    public float softmaxCrossEntropy(float[] logits, int logitsOff, int rows, int cols, int[] labels, int labelsOff,
                                     float[] grad, int gradOff) {
        return REF.softmaxCrossEntropy(logits, logitsOff, rows, cols, labels, labelsOff, grad, gradOff);
    }

    // ---- the recurrent cells: FloatMath's functions a vector at a time, the same operations in the same
    // order as its scalar forms (which run the tails), so this path and the java path give the same bits.
    //
    // Each cell is a few passes over its row's units, and every σ and tanh goes through one method that
    // takes and returns arrays, activate: the JIT stops inlining into a method past a node budget, and a
    // vector value passed to or returned from a method it did not inline is boxed into a new object
    // (measured: the earlier one-pass LSTM cell, five σ/tanh inlined into one loop, passed its vectors
    // to an out-of-line σ in every call once compiled, allocating gigabytes per epoch). A call of
    // activate that is not inlined passes arrays; one that is, inlines only the Vector API's own
    // methods, which the JIT defers past the budget instead of refusing.

    /**
     * {@code x[off .. off + n)} becomes σ(x) ({@code tanh == false}) or tanh(x), in place: FloatMath's
     * {@code sigmoid} ({@code 1 / (1 + e^{−x})}) and {@code tanh} ({@code 1 − 2 / (e^{2x} + 1)}), exp as
     * {@link FloatMath#exp}.
     */
    private static void activate(float[] x, int off, int n, boolean tanh) {
        int bound = S.loopBound(n);
        int j = 0;
        // σ(v) = q(−v) and tanh(v) = 1 − 2·q(2v), where q(u) = 1 / (e^u + 1): the same operations in both
        // (no branch on vectors), as the factors −1, 1, 0 and the factor 2 change no bits
        float scale = tanh ? 2f : -1f;
        float mul = tanh ? -2f : 1f;
        float add = tanh ? 1f : 0f;
        for (; j < bound; j += S.length()) {
            FloatVector xc = FloatVector.fromArray(S, x, off + j).mul(scale).max(FloatMath.MIN).min(FloatMath.MAX);
            FloatVector shifted = xc.fma(FloatMath.LOG2E, FloatMath.SHIFTER);
            FloatVector k = shifted.sub(FloatMath.SHIFTER);
            FloatVector r = k.fma(FloatVector.broadcast(S, -FloatMath.LN2_HI), xc);
            r = k.fma(FloatVector.broadcast(S, -FloatMath.LN2_LO), r);
            FloatVector p = r.fma(FloatMath.P0, FloatMath.P1);
            p = p.fma(r, FloatVector.broadcast(S, FloatMath.P2));
            p = p.fma(r, FloatVector.broadcast(S, FloatMath.P3));
            p = p.fma(r, FloatVector.broadcast(S, FloatMath.P4));
            p = p.fma(r, FloatVector.broadcast(S, FloatMath.P5));
            p = p.fma(r.mul(r), r).add(1f);
            FloatVector e = p.mul(shifted.reinterpretAsInts().add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
            FloatVector q = FloatVector.broadcast(S, 1f).div(e.add(1f));
            q.mul(mul).add(add).intoArray(x, off + j);
        }
        for (; j < n; j++) {
            x[off + j] = tanh ? FloatMath.tanh(x[off + j]) : FloatMath.sigmoid(x[off + j]);
        }
    }

    /** {@code x[xOff ..] += y[yOff ..]} over n values. */
    private static void addInto(float[] x, int xOff, float[] y, int yOff, int n) {
        int bound = S.loopBound(n);
        int j = 0;
        for (; j < bound; j += S.length()) {
            FloatVector.fromArray(S, x, xOff + j).add(FloatVector.fromArray(S, y, yOff + j)).intoArray(x, xOff + j);
        }
        for (; j < n; j++) {
            x[xOff + j] += y[yOff + j];
        }
    }

    @Override
    public void lstmCell(int hidden, float[] act, int actOff, float[] gh, int ghOff, float[] c, int cOff,
                         float[] cells, int cellsOff, float[] h, int hOff, float[] out, int outOff) {
        int hs = hidden;
        int bound = S.loopBound(hs);
        // the gates: i, f = σ, g = tanh, o = σ of the input projection plus the recurrent product
        addInto(act, actOff, gh, ghOff, 4 * hs);
        activate(act, actOff, 2 * hs, false);
        activate(act, actOff + 2 * hs, hs, true);
        activate(act, actOff + 3 * hs, hs, false);
        // c' = f ⊙ c + i ⊙ g, into c, cells and (for its tanh) h
        int j = 0;
        for (; j < bound; j += S.length()) {
            int a = actOff + j;
            FloatVector cv = FloatVector.fromArray(S, act, a + hs).mul(FloatVector.fromArray(S, c, cOff + j))
                    .add(FloatVector.fromArray(S, act, a).mul(FloatVector.fromArray(S, act, a + 2 * hs)));
            cv.intoArray(cells, cellsOff + j);
            cv.intoArray(c, cOff + j);
            cv.intoArray(h, hOff + j);
        }
        for (; j < hs; j++) {
            int a = actOff + j;
            float cv = act[a + hs] * c[cOff + j] + act[a] * act[a + 2 * hs];
            cells[cellsOff + j] = cv;
            c[cOff + j] = cv;
            h[hOff + j] = cv;
        }
        // h' = o ⊙ tanh(c'), into h and out
        activate(h, hOff, hs, true);
        j = 0;
        for (; j < bound; j += S.length()) {
            FloatVector hv = FloatVector.fromArray(S, act, actOff + 3 * hs + j).mul(FloatVector.fromArray(S, h, hOff + j));
            hv.intoArray(h, hOff + j);
            hv.intoArray(out, outOff + j);
        }
        for (; j < hs; j++) {
            float hv = act[actOff + 3 * hs + j] * h[hOff + j];
            h[hOff + j] = hv;
            out[outOff + j] = hv;
        }
    }

    @Override
    public void lstmCellBackward(int hidden, float[] act, int actOff, float[] cells, int cellOff, int prevCellOff,
                                 float[] dh, int dhOff, float[] dc, int dcOff, float[] dGates, int dGatesOff) {
        int hs = hidden;
        int bound = S.loopBound(hs);
        int j = 0;
        FloatVector one = FloatVector.broadcast(S, 1f);
        // tanh(c), recomputed as in the forward step, where the o block's gradient goes last
        int tcOff = dGatesOff + 3 * hs;
        System.arraycopy(cells, cellOff, dGates, tcOff, hs);
        activate(dGates, tcOff, hs, true);
        for (; j < bound; j += S.length()) {
            int a = actOff + j;
            FloatVector iv = FloatVector.fromArray(S, act, a);
            FloatVector fv = FloatVector.fromArray(S, act, a + hs);
            FloatVector gv = FloatVector.fromArray(S, act, a + 2 * hs);
            FloatVector ov = FloatVector.fromArray(S, act, a + 3 * hs);
            FloatVector cPrev = prevCellOff < 0 ? FloatVector.zero(S) : FloatVector.fromArray(S, cells, prevCellOff + j);
            FloatVector tc = FloatVector.fromArray(S, dGates, tcOff + j);
            FloatVector d = FloatVector.fromArray(S, dh, dhOff + j);
            FloatVector dO = d.mul(tc);
            FloatVector dcv = FloatVector.fromArray(S, dc, dcOff + j).add(d.mul(ov).mul(one.sub(tc.mul(tc))));
            int dg = dGatesOff + j;
            dcv.mul(gv).mul(iv).mul(one.sub(iv)).intoArray(dGates, dg);
            dcv.mul(cPrev).mul(fv).mul(one.sub(fv)).intoArray(dGates, dg + hs);
            dcv.mul(iv).mul(one.sub(gv.mul(gv))).intoArray(dGates, dg + 2 * hs);
            dO.mul(ov).mul(one.sub(ov)).intoArray(dGates, dg + 3 * hs);
            dcv.mul(fv).intoArray(dc, dcOff + j);
            FloatVector.zero(S).intoArray(dh, dhOff + j);
        }
        for (; j < hs; j++) {
            FloatMath.lstmBackwardUnit(FloatMath.Precision.FLOAT, hs, j, act, actOff, cells, cellOff, prevCellOff, dh, dhOff,
                    dc, dcOff, dGates, dGatesOff);
        }
    }

    @Override
    public void gruCell(int hidden, float[] act, int actOff, float[] gh, int ghOff, float[] biasHh, float[] hn, int hnOff,
                        float[] h, int hOff, float[] out, int outOff) {
        int hs = hidden;
        int bound = S.loopBound(hs);
        // r, z = σ((input projection + recurrent product) + b_hh)
        int j = 0;
        int rz = 2 * hs;
        int rzBound = S.loopBound(rz);
        for (; j < rzBound; j += S.length()) {
            FloatVector.fromArray(S, act, actOff + j).add(FloatVector.fromArray(S, gh, ghOff + j))
                    .add(FloatVector.fromArray(S, biasHh, j)).intoArray(act, actOff + j);
        }
        for (; j < rz; j++) {
            act[actOff + j] = act[actOff + j] + gh[ghOff + j] + biasHh[j];
        }
        activate(act, actOff, rz, false);
        // hn = gh_n + b_hn; n = tanh(act_n + r ⊙ hn)
        int n0 = actOff + 2 * hs;
        j = 0;
        for (; j < bound; j += S.length()) {
            FloatVector hnv = FloatVector.fromArray(S, gh, ghOff + 2 * hs + j).add(FloatVector.fromArray(S, biasHh, 2 * hs + j));
            hnv.intoArray(hn, hnOff + j);
            FloatVector.fromArray(S, act, n0 + j).add(FloatVector.fromArray(S, act, actOff + j).mul(hnv)).intoArray(act, n0 + j);
        }
        for (; j < hs; j++) {
            float hnv = gh[ghOff + 2 * hs + j] + biasHh[2 * hs + j];
            hn[hnOff + j] = hnv;
            act[n0 + j] = act[n0 + j] + act[actOff + j] * hnv;
        }
        activate(act, n0, hs, true);
        // h' = (1 − z) ⊙ n + z ⊙ h
        j = 0;
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (; j < bound; j += S.length()) {
            FloatVector zv = FloatVector.fromArray(S, act, actOff + hs + j);
            FloatVector hv = one.sub(zv).mul(FloatVector.fromArray(S, act, n0 + j)).add(zv.mul(FloatVector.fromArray(S, h, hOff + j)));
            hv.intoArray(h, hOff + j);
            hv.intoArray(out, outOff + j);
        }
        for (; j < hs; j++) {
            float zv = act[actOff + hs + j];
            float hv = (1f - zv) * act[n0 + j] + zv * h[hOff + j];
            h[hOff + j] = hv;
            out[outOff + j] = hv;
        }
    }

    @Override
    public void gruCellBackward(int hidden, float[] act, int actOff, float[] hn, int hnOff, float[] prev, int prevOff,
                                float[] dh, int dhOff, float[] dGates, int dGatesOff, float[] dGh, int dGhOff) {
        int hs = hidden;
        int bound = S.loopBound(hs);
        int j = 0;
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (; j < bound; j += S.length()) {
            int a = actOff + j;
            FloatVector rv = FloatVector.fromArray(S, act, a);
            FloatVector zv = FloatVector.fromArray(S, act, a + hs);
            FloatVector nv = FloatVector.fromArray(S, act, a + 2 * hs);
            FloatVector hPrev = prevOff < 0 ? FloatVector.zero(S) : FloatVector.fromArray(S, prev, prevOff + j);
            FloatVector d = FloatVector.fromArray(S, dh, dhOff + j);
            FloatVector dan = d.mul(one.sub(zv)).mul(one.sub(nv.mul(nv)));
            FloatVector dar = dan.mul(FloatVector.fromArray(S, hn, hnOff + j)).mul(rv).mul(one.sub(rv));
            FloatVector daz = d.mul(hPrev.sub(nv)).mul(zv).mul(one.sub(zv));
            int dg = dGatesOff + j;
            int dgh = dGhOff + j;
            dar.intoArray(dGates, dg);
            daz.intoArray(dGates, dg + hs);
            dan.intoArray(dGates, dg + 2 * hs);
            dar.intoArray(dGh, dgh);
            daz.intoArray(dGh, dgh + hs);
            dan.mul(rv).intoArray(dGh, dgh + 2 * hs);
            d.mul(zv).intoArray(dh, dhOff + j);
        }
        for (; j < hs; j++) {
            FloatMath.gruBackwardUnit(hs, j, act, actOff, hn, hnOff, prev, prevOff, dh, dhOff, dGates, dGatesOff, dGh, dGhOff);
        }
    }
}
