package org.nntune.nn.internal.kernels;

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
     * Tile = Σ_p A[p] ⊗ B[p] over {@code kc} steps, where step p of the panel of A starts at
     * {@code pa[paOff + p · paStride]} and step p of the panel of B at
     * {@code pb[pbOff + p · pbStride]} (a stride is {@code mr} or {@code nr} for a packed panel,
     * the leading dimension when the kernel reads a matrix where it lies); then C (an {@code mr × nr} block at
     * {@code c[cOff]} with leading dimension {@code ldc}) becomes the tile. The kernel only
     * overwrites: adding to C is {@link #merge}'s, from a scratch tile (an accumulating epilogue in
     * the Vector kernel made C2 stop inlining it, and box every accumulator on every call).
     * {@code scratch} holds at least {@code mr · nr} floats the kernel may use (it is never C).
     */
    abstract void tile(int kc, float[] pa, int paOff, int paStride, float[] pb, int pbOff, int pbStride,
                       float[] c, int cOff, int ldc, float[] scratch);

    /**
     * {@link #tile} with the panel of A read where it lies in a row-major A: value (r, p) of the
     * panel at {@code a[aOff + r · lda + p]}. Same sums in the same order as {@link #tile}.
     */
    abstract void tileRowMajorA(int kc, float[] a, int aOff, int lda, float[] pb, int pbOff, int pbStride,
                                float[] c, int cOff, int ldc, float[] scratch);

    /**
     * Moves the first rows × cols values of a tile (rows {@code nr} apart at {@code tile[0]})
     * into C at {@code c[cOff]} (leading dimension {@code ldc}): C becomes the tile when
     * {@code overwrite}, else {@code fma(beta, C, tile)} (one rounding, for every tile alike, so that
     * the result does not depend on where a tile falls).
     */
    void merge(int rows, int cols, float[] tile, float[] c, int cOff, int ldc, float beta, boolean overwrite) {
        for (int r = 0; r < rows; r++) {
            int cr = cOff + r * ldc;
            int tr = r * nr;
            if (overwrite) {
                System.arraycopy(tile, tr, c, cr, cols);
            } else {
                for (int j = 0; j < cols; j++) {
                    c[cr + j] = Math.fma(beta, c[cr + j], tile[tr + j]);
                }
            }
        }
    }
}
