package org.nntune.nn.internal.kernels;

/**
 * A GEMM in the manner of Goto and BLIS, written once in plain Java and parameterised by its
 * innermost {@link GemmMicroKernel}: C is computed in blocks of {@code nc} columns; for each block
 * of {@code kc} steps of the sum a {@code kc × nc} block of op(B) is packed into panels of
 * {@code nr} columns (it stays in the last-level cache); for each block of {@code mc} rows an
 * {@code mc × kc} block of α·op(A) is packed into panels of {@code mr} rows (it stays in L2); then
 * every {@code mr × nr} tile of C is computed by the micro-kernel with the panel of B in L1 and
 * the tile in registers. Packing turns all four transpose combinations into the same inner loop
 * and pads the edges with zeros, so odd sizes cost only a scalar copy of the edge tiles. Where a
 * matrix already has the packed layout but for its stride (op(A) = Aᵀ, op(B) = B) and few tiles
 * reuse it (small m or n: the shapes of training batches), it is read in place instead.
 *
 * <p>Threads: a call with {@code threads > 1} and enough work ({@link #PARALLEL_MIN_FLOPS}) is
 * shared out by {@link KernelThreads}. When C has several blocks of {@code mc} rows per thread
 * ({@link #SHARED_MIN_BLOCKS_PER_THREAD}), each block of op(B) is packed once and the threads
 * claim the row blocks (each packs its own block of op(A)): nothing is packed twice. Otherwise C
 * is split into column slabs (or row slabs when C is taller than wide), each an independent GEMM
 * (at least one slab per thread, more for large calls, so that the threads balance their load).
 * Every element of C is summed in the same order whatever tile or slab it falls in (every tile that adds
 * to C, full or at an edge, is merged by the same fused multiply-add, {@link GemmMicroKernel#merge}),
 * so the result does not depend on the thread count.
 *
 * <p>Packing buffers are per thread and only grow: a warmed-up call allocates nothing when it
 * runs on one thread, and only the small task objects of {@link KernelThreads} when it splits.
 */
final class PackedGemm {
    /**
     * Below this many floating-point operations (2^25, about 34 million) a call runs on one
     * thread. Measured with JMH on the 2-vCPU development machine (Intel, AVX-512), the MLP's
     * products: at 32 rows (6 MFLOP) two threads took 113 µs against 64 µs on one, at 100 rows
     * (20 MFLOP) 228 against 207 µs, at 256 rows (51 MFLOP) 362 against 496 µs: the hand-off to a
     * second thread costs more than it gains until a call is a few tens of MFLOP. Checked again end to
     * end on an AMD EPYC Zen 4 (MLP training at batch 100, 2^22 against 2^25, 8 alternated runs): two
     * threads at 0.95× (BENCHMARKS-LOG, "one thread still right at 20 MFLOP").
     */
    static final long PARALLEL_MIN_FLOPS = 1L << 25;
    /**
     * Large calls are cut into up to this many parts per thread, each of at least
     * {@link #PART_FLOPS}, claimed dynamically: a thread slowed by other processes takes fewer.
     * More parts would balance better but each column slab packs all of A again (2 per thread:
     * about 3% more packing work).
     */
    static final int PARTS_PER_THREAD = 2;
    static final long PART_FLOPS = 1L << 28;
    /**
     * A matrix is read where it lies, without packing, when at most this many tiles reuse each of
     * its panels (measured on Zen 4: B unpacked wins up to m = 64 with 8-row tiles and is even at
     * m ≈ 128; Aᵀ unpacked wins by 1.5× at n = 128, 2× at n = 10).
     */
    static final int DIRECT_MAX_TILES = 8;
    /**
     * The threads share one packed B (claiming C's row blocks) only when each thread has at least
     * this many row blocks of {@code mc} rows; a smaller product is cut into independent slabs,
     * each packing its own part of B. Sharing packs B on the calling thread while the others wait,
     * and meets at every block of the sum: for 256 × 128 × 784 (the MLP's forward product at batch
     * 256) that cost 1.27× the slabs' time with the 8-row tile and 1.37× with the 6-row tile, for
     * 256³ 1.21× and 1.13×; from 4 blocks a thread on (1024³ with 8 rows) the two are even (in one
     * JVM, 31 alternated rounds on 2 threads, Zen 4; BENCHMARKS-LOG, "independent slabs").
     */
    static final int SHARED_MIN_BLOCKS_PER_THREAD = 4;

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

    /** A short description of the tiling for names and logs, e.g. {@code "8x32"}. */
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
        threads = KernelThreads.capped(threads);
        long flops = 2L * m * n * k;
        if (threads <= 1 || flops < PARALLEL_MIN_FLOPS) {
            blocked(1, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        if (m >= SHARED_MIN_BLOCKS_PER_THREAD * threads * mcBlock) {
            // enough row blocks for every thread: one packed B shared by all, row blocks claimed by the threads
            blocked(threads, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        boolean splitColumns = n >= m;
        int units = splitColumns ? (n + nr - 1) / nr : (m + mr - 1) / mr;
        int parts = (int) Math.min(units, Math.max(threads, Math.min(PARTS_PER_THREAD * threads, flops / PART_FLOPS)));
        if (parts <= 1) {
            blocked(1, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        KernelThreads.run(threads, parts, part -> {
            int u0 = (int) ((long) units * part / parts);
            int u1 = (int) ((long) units * (part + 1) / parts);
            if (splitColumns) {
                int j0 = u0 * nr;
                int j1 = Math.min(n, u1 * nr);
                blocked(1, transA, transB, m, j1 - j0, k, alpha, a, aOff, lda,
                        b, bOff + (transB ? j0 * ldb : j0), ldb, beta, c, cOff + j0, ldc);
            } else {
                int i0 = u0 * mr;
                int i1 = Math.min(m, u1 * mr);
                blocked(1, transA, transB, i1 - i0, n, k, alpha, a, aOff + (transA ? i0 : i0 * lda), lda,
                        b, bOff, ldb, beta, c, cOff + i0 * ldc, ldc);
            }
        });
    }

    /**
     * The blocked product on the calling thread, or with {@code threads > 1} with its row blocks
     * ({@code mc} rows each) shared out: the caller packs each block of op(B) once, then the
     * threads claim row blocks, each packing its own block of op(A) into its own buffer. The
     * tiles are those of the one-thread run, so the result is the same.
     */
    private void blocked(int threads, boolean transA, boolean transB, int m, int n, int k, float alpha,
                         float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                         float beta, float[] c, int cOff, int ldc) {
        Buffers buf = buffers.get();
        // A matrix already laid out as the micro-kernel reads it (op(A) = Aᵀ: a step is mr
        // consecutive floats of a row of A; op(B) = B: nr consecutive floats of a row of B) is
        // read where it lies when packing would not pay: when it is reused by few tiles. Only a
        // last, partial panel is then packed (zero-padded). Packing or not changes no value.
        // op(A) = A is read in place too (a step is then one float of each of mr rows, lda apart),
        // through the micro-kernel's row-major entry, under the same condition.
        boolean directA = alpha == 1f && n <= DIRECT_MAX_TILES * nr;
        boolean directB = !transB && m <= DIRECT_MAX_TILES * mr;
        int rowBlocks = (m + mcBlock - 1) / mcBlock;
        int kcStep = balancedKc(k);
        for (int jc = 0; jc < n; jc += ncBlock) {
            int nc = Math.min(ncBlock, n - jc);
            for (int pc = 0; pc < k; pc += kcStep) {
                int kc = Math.min(kcStep, k - pc);
                int packedFromCol = directB ? nc / nr * nr : 0;
                float[] pb = buf.b(kc * roundUp(nc - packedFromCol, nr));
                packB(transB, b, bOff, ldb, pc, jc + packedFromCol, kc, nc - packedFromCol, pb);
                boolean first = pc == 0;
                float blockBeta = first ? beta : 1f;
                boolean overwrite = first && beta == 0f;
                if (threads <= 1) {
                    for (int block = 0; block < rowBlocks; block++) {
                        rowBlock(block, buf, transA, directA, m, nc, kc, jc, pc, alpha, a, aOff, lda,
                                pb, packedFromCol, b, bOff, ldb, c, cOff, ldc, blockBeta, overwrite);
                    }
                } else {
                    int jcAt = jc, pcAt = pc;
                    KernelThreads.run(threads, rowBlocks, block -> rowBlock(block, buffers.get(), transA, directA, m, nc,
                            kc, jcAt, pcAt, alpha, a, aOff, lda, pb, packedFromCol, b, bOff, ldb, c, cOff, ldc,
                            blockBeta, overwrite));
                }
            }
        }
    }

    /** Row block {@code block} (rows {@code block · mc} on) of one (jc, pc) block: packs its op(A), runs its tiles. */
    private void rowBlock(int block, Buffers buf, boolean transA, boolean directA, int m, int nc, int kc, int jc, int pc,
                          float alpha, float[] a, int aOff, int lda, float[] pb, int packedFromCol,
                          float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, float beta, boolean overwrite) {
        int ic = block * mcBlock;
        int mc = Math.min(mcBlock, m - ic);
        int packedFromRow = directA ? mc / mr * mr : 0;
        float[] pa = buf.a(roundUp(mc - packedFromRow, mr) * kc);
        packA(transA, a, aOff, lda, ic + packedFromRow, pc, mc - packedFromRow, kc, alpha, pa);
        macro(mc, nc, kc, pa, packedFromRow, !transA, a, transA ? aOff + pc * lda + ic : aOff + ic * lda + pc, lda,
                pb, packedFromCol, b, bOff + pc * ldb + jc, ldb,
                c, cOff + ic * ldc + jc, ldc, beta, overwrite, buf);
    }

    /**
     * All tiles of an mc × nc block of C. Row panels of A before {@code packedFromRow} are read
     * where they lie ({@code a}, panel ir at {@code aDirect + ir}, steps {@code lda} apart), the
     * others from the packed {@code pa}; likewise the column panels of B before
     * {@code packedFromCol}.
     */
    private void macro(int mc, int nc, int kc,
                       float[] pa, int packedFromRow, boolean rowMajorA, float[] a, int aDirect, int lda,
                       float[] pb, int packedFromCol, float[] b, int bDirect, int ldb,
                       float[] c, int cBase, int ldc, float beta, boolean overwrite, Buffers buf) {
        float[] tile = buf.tile;
        float[] scratch = buf.scratch;
        for (int jr = 0; jr < nc; jr += nr) {
            int cols = Math.min(nr, nc - jr);
            boolean packedB = jr >= packedFromCol;
            float[] bPanel = packedB ? pb : b;
            int bOff = packedB ? (jr - packedFromCol) * kc : bDirect + jr;
            int bStride = packedB ? nr : ldb;
            for (int ir = 0; ir < mc; ir += mr) {
                int rows = Math.min(mr, mc - ir);
                boolean packedA = ir >= packedFromRow;
                boolean rowMajorPanel = !packedA && rowMajorA;
                float[] aPanel = packedA ? pa : a;
                int aOff = packedA ? (ir - packedFromRow) * kc : rowMajorPanel ? aDirect + ir * lda : aDirect + ir;
                int aStride = packedA ? mr : lda;
                int cTile = cBase + ir * ldc + jr;
                // a full tile that overwrites C goes straight into C; an edge tile, or one that adds to
                // C (beta != 0, or a later block of the sum), into the scratch tile, then into C. So
                // the micro-kernel only ever overwrites: its tile stays small enough for C2 to inline
                // whole (an accumulating epilogue made C2 stop inlining, and box every accumulator,
                // on all calls once any call had taken it). The merge is the same fused
                // multiply-add, so the sums do not change.
                boolean full = rows == mr && cols == nr && overwrite;
                float[] out = full ? c : tile;
                int outOff = full ? cTile : 0;
                int outLd = full ? ldc : nr;
                if (rowMajorPanel) {
                    kernel.tileRowMajorA(kc, a, aOff, lda, bPanel, bOff, bStride, out, outOff, outLd, scratch);
                } else {
                    kernel.tile(kc, aPanel, aOff, aStride, bPanel, bOff, bStride, out, outOff, outLd, scratch);
                }
                if (!full) {
                    kernel.merge(rows, cols, tile, c, cTile, ldc, beta, overwrite);
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

    /**
     * The steps of the sum per block: as few blocks as {@code kcBlock} allows, of equal length
     * (784 = 2 × 392 rather than 512 + 272), so that no block's panel of B is larger than needed.
     */
    int balancedKc(int k) {
        int blocks = (k + kcBlock - 1) / kcBlock;
        return (k + blocks - 1) / blocks;
    }

    private static int roundUp(int x, int unit) {
        return (x + unit - 1) / unit * unit;
    }
}
