package org.nntune.nn.tensor;

/**
 * The innermost piece of {@link PackedGemm}: an {@code mr × nr} tile of C computed from a
 * packed panel of A ({@code kc} steps of {@code mr} values) and a packed panel of B
 * ({@code kc} steps of {@code nr} values), the tile held in registers. One implementation in
 * plain Java, one with the Vector API.
 */
abstract class GemmMicroKernel {
    /** Rows of the register tile. */
    final int mr;
    /** Columns of the register tile. */
    final int nr;

    GemmMicroKernel(int mr, int nr) {
        this.mr = mr;
        this.nr = nr;
    }

    /**
     * Tile = Σ_p A[p] ⊗ B[p] over {@code kc} steps, where row r of step p of the panel of A is
     * {@code pa[paOff + p · paStride + r · paRow]} ({@code paRow} is 1 for a packed panel and for
     * Aᵀ read in place, the leading dimension for A read in place) and step p of the panel of B starts at
     * {@code pb[pbOff + p · pbStride]} (a stride is {@code mr} or {@code nr} for a packed panel,
     * the leading dimension when the kernel reads a matrix where it lies); then C (an {@code mr × nr} block at
     * {@code c[cOff]} with leading dimension {@code ldc}) becomes the tile when {@code overwrite},
     * else {@code fma(beta, C, tile)} (one rounding, as the edge tiles are merged, so that the
     * result does not depend on where a tile falls). {@code scratch} holds at least
     * {@code mr · nr} floats the kernel may use (it is never C).
     */
    abstract void tile(int kc, float[] pa, int paOff, int paStride, int paRow, float[] pb, int pbOff, int pbStride,
                       float[] c, int cOff, int ldc, float beta, boolean overwrite, float[] scratch);
}
