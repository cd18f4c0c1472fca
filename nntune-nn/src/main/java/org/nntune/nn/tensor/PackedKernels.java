package org.nntune.nn.tensor;

/**
 * The base of the fast kernels: the reference kernels with GEMM run by a {@link PackedGemm} on a
 * thread budget. Subclasses give the micro-kernel (plain Java or Vector API) and override further
 * hot methods.
 */
abstract class PackedKernels extends PlainKernels {
    private final PackedGemm packedGemm;
    private final int threads;

    PackedKernels(PackedGemm packedGemm, int threads) {
        this.packedGemm = packedGemm;
        this.threads = Parallelism.checkThreads(threads);
    }

    /** The same kernels with another thread budget. */
    abstract PackedKernels copy(int threads);

    @Override
    public final int threads() {
        return threads;
    }

    @Override
    public final Kernels withThreads(int threads) {
        return threads == this.threads ? this : copy(threads);
    }

    /** The GEMM register tile, e.g. {@code "8x32"}. */
    final String tiling() {
        return packedGemm.tiling();
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        packedGemm.gemm(threads, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }
}
