package org.nntune.nn.tensor;

/**
 * A GEMM in the manner of Goto and BLIS, written once in plain Java and parameterised by its
 * innermost {@link GemmMicroKernel}: C is computed in blocks of {@code nc} columns; for each block
 * of {@code kc} steps of the sum a {@code kc × nc} block of op(B) is packed into panels of
 * {@code nr} columns (it stays in the last-level cache); for each block of {@code mc} rows an
 * {@code mc × kc} block of α·op(A) is packed into panels of {@code mr} rows (it stays in L2); then
 * every {@code mr × nr} tile of C is computed by the micro-kernel with the panel of B in L1 and
 * the tile in registers. Packing turns all four transpose combinations into the same inner loop
 * and pads the edges with zeros, so odd sizes cost only a scalar copy of the edge tiles.
 *
 * <p>Threads: a call with {@code threads > 1} and enough work splits C into column slabs (or row
 * slabs when C is taller than wide), each an independent GEMM, run by {@link Parallelism}. Every
 * element of C is summed in the same order whatever tile or slab it falls in (edge tiles are
 * merged with the same fused multiply-add as full ones, given a micro-kernel that merges with
 * {@code fma(C, beta, tile)}), so the result does not depend on the thread count.
 *
 * <p>Packing buffers are per thread and only grow: a warmed-up call allocates nothing when it
 * runs on one thread, and only the small task objects of {@link Parallelism} when it splits.
 */
final class PackedGemm {
    /** Below this many floating-point operations a call runs on one thread. */
    static final long PARALLEL_MIN_FLOPS = 1L << 21;

    private final GemmMicroKernel kernel;
    private final int mr;
    private final int nr;
    private final int kcBlock;
    private final int mcBlock;
    private final int ncBlock;
    private final ThreadLocal<Buffers> buffers;

    private static final class Buffers {
        float[] a = new float[0];
        float[] b = new float[0];
        final float[] tile;
        final float[] scratch;

        Buffers(int tileSize) {
            tile = new float[tileSize];
            scratch = new float[tileSize];
        }

        float[] a(int size) {
            if (a.length < size) {
                a = new float[size];
            }
            return a;
        }

        float[] b(int size) {
            if (b.length < size) {
                b = new float[size];
            }
            return b;
        }
    }

    PackedGemm(GemmMicroKernel kernel, int kcBlock, int mcBlock, int ncBlock) {
        this.kernel = kernel;
        this.mr = kernel.mr;
        this.nr = kernel.nr;
        if (mcBlock % mr != 0 || ncBlock % nr != 0 || kcBlock < 1) {
            throw new IllegalArgumentException("blocks kc=" + kcBlock + " mc=" + mcBlock + " nc=" + ncBlock
                    + " must be positive multiples of the tile " + mr + " × " + nr);
        }
        this.kcBlock = kcBlock;
        this.mcBlock = mcBlock;
        this.ncBlock = ncBlock;
        this.buffers = ThreadLocal.withInitial(() -> new Buffers(mr * nr));
    }

    /** A short description of the tiling for names and logs, e.g. {@code "6x32"}. */
    String tiling() {
        return mr + "x" + nr;
    }

    /** {@link Kernels#gemm} with up to {@code threads} threads. */
    void gemm(int threads, boolean transA, boolean transB, int m, int n, int k, float alpha,
              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
              float beta, float[] c, int cOff, int ldc) {
        GemmArgs.check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0f) {
            GemmArgs.scale(m, n, beta, c, cOff, ldc);
            return;
        }
        boolean splitColumns = n >= m;
        int units = splitColumns ? (n + nr - 1) / nr : (m + mr - 1) / mr;
        long flops = 2L * m * n * k;
        int parts = (int) Math.min(Math.min(threads, units), Math.max(1, flops / PARALLEL_MIN_FLOPS));
        if (parts <= 1) {
            serial(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        Parallelism.run(parts, part -> {
            int u0 = (int) ((long) units * part / parts);
            int u1 = (int) ((long) units * (part + 1) / parts);
            if (splitColumns) {
                int j0 = u0 * nr;
                int j1 = Math.min(n, u1 * nr);
                serial(transA, transB, m, j1 - j0, k, alpha, a, aOff, lda,
                        b, bOff + (transB ? j0 * ldb : j0), ldb, beta, c, cOff + j0, ldc);
            } else {
                int i0 = u0 * mr;
                int i1 = Math.min(m, u1 * mr);
                serial(transA, transB, i1 - i0, n, k, alpha, a, aOff + (transA ? i0 : i0 * lda), lda,
                        b, bOff, ldb, beta, c, cOff + i0 * ldc, ldc);
            }
        });
    }

    private void serial(boolean transA, boolean transB, int m, int n, int k, float alpha,
                        float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                        float beta, float[] c, int cOff, int ldc) {
        Buffers buf = buffers.get();
        for (int jc = 0; jc < n; jc += ncBlock) {
            int nc = Math.min(ncBlock, n - jc);
            for (int pc = 0; pc < k; pc += kcBlock) {
                int kc = Math.min(kcBlock, k - pc);
                float[] pb = buf.b(kc * roundUp(nc, nr));
                packB(transB, b, bOff, ldb, pc, jc, kc, nc, pb);
                boolean first = pc == 0;
                float blockBeta = first ? beta : 1f;
                boolean overwrite = first && beta == 0f;
                for (int ic = 0; ic < m; ic += mcBlock) {
                    int mc = Math.min(mcBlock, m - ic);
                    float[] pa = buf.a(roundUp(mc, mr) * kc);
                    packA(transA, a, aOff, lda, ic, pc, mc, kc, alpha, pa);
                    macro(mc, nc, kc, pa, pb, c, cOff + ic * ldc + jc, ldc, blockBeta, overwrite, buf);
                }
            }
        }
    }

    private void macro(int mc, int nc, int kc, float[] pa, float[] pb, float[] c, int cBase, int ldc,
                       float beta, boolean overwrite, Buffers buf) {
        float[] tile = buf.tile;
        float[] scratch = buf.scratch;
        for (int jr = 0; jr < nc; jr += nr) {
            int cols = Math.min(nr, nc - jr);
            for (int ir = 0; ir < mc; ir += mr) {
                int rows = Math.min(mr, mc - ir);
                int cTile = cBase + ir * ldc + jr;
                if (rows == mr && cols == nr) {
                    kernel.tile(kc, pa, ir * kc, pb, jr * kc, c, cTile, ldc, beta, overwrite, scratch);
                } else {
                    kernel.tile(kc, pa, ir * kc, pb, jr * kc, tile, 0, nr, 0f, true, scratch);
                    for (int r = 0; r < rows; r++) {
                        int cr = cTile + r * ldc;
                        int tr = r * nr;
                        for (int j = 0; j < cols; j++) {
                            c[cr + j] = overwrite ? tile[tr + j] : Math.fma(beta, c[cr + j], tile[tr + j]);
                        }
                    }
                }
            }
        }
    }

    /** Packs α·op(A)[ic .. ic+mc) × [pc .. pc+kc) into panels of mr rows, step-major, zero-padded. */
    private void packA(boolean transA, float[] a, int aOff, int lda, int ic, int pc, int mc, int kc,
                       float alpha, float[] pa) {
        for (int ir = 0; ir < mc; ir += mr) {
            int rows = Math.min(mr, mc - ir);
            int dst = ir * kc;
            if (transA) {
                // op(A)(i, p) = a[p * lda + i]: a row of A holds mr consecutive values of the panel
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (pc + p) * lda + ic + ir;
                    int d = dst + p * mr;
                    for (int r = 0; r < rows; r++) {
                        pa[d + r] = alpha * a[src + r];
                    }
                    for (int r = rows; r < mr; r++) {
                        pa[d + r] = 0f;
                    }
                }
            } else {
                for (int r = 0; r < rows; r++) {
                    int src = aOff + (ic + ir + r) * lda + pc;
                    for (int p = 0; p < kc; p++) {
                        pa[dst + p * mr + r] = alpha * a[src + p];
                    }
                }
                for (int r = rows; r < mr; r++) {
                    for (int p = 0; p < kc; p++) {
                        pa[dst + p * mr + r] = 0f;
                    }
                }
            }
        }
    }

    /** Packs op(B)[pc .. pc+kc) × [jc .. jc+nc) into panels of nr columns, step-major, zero-padded. */
    private void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int jc, int kc, int nc, float[] pb) {
        for (int jr = 0; jr < nc; jr += nr) {
            int cols = Math.min(nr, nc - jr);
            int dst = jr * kc;
            if (transB) {
                // op(B)(p, j) = b[j * ldb + p]
                for (int j = 0; j < cols; j++) {
                    int src = bOff + (jc + jr + j) * ldb + pc;
                    for (int p = 0; p < kc; p++) {
                        pb[dst + p * nr + j] = b[src + p];
                    }
                }
                for (int j = cols; j < nr; j++) {
                    for (int p = 0; p < kc; p++) {
                        pb[dst + p * nr + j] = 0f;
                    }
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int src = bOff + (pc + p) * ldb + jc + jr;
                    int d = dst + p * nr;
                    if (cols == nr) {
                        System.arraycopy(b, src, pb, d, nr);
                    } else {
                        System.arraycopy(b, src, pb, d, cols);
                        java.util.Arrays.fill(pb, d + cols, d + nr, 0f);
                    }
                }
            }
        }
    }

    private static int roundUp(int x, int unit) {
        return (x + unit - 1) / unit * unit;
    }
}
