package org.nntune.nn.internal.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * What the Vector API micro-kernels share, whatever their tile ({@link VectorMicroKernel}'s 8 rows,
 * {@link VectorMicroKernelSixRows}' 6): the preferred species, and {@link #merge} a vector at a time.
 */
abstract class VectorTileKernel extends GemmMicroKernel {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    VectorTileKernel(int mr, int nr) {
        super(mr, nr);
    }

    /** {@link GemmMicroKernel#merge} a vector at a time, the same fused multiply-add. */
    @Override
    final void merge(int rows, int cols, float[] tile, float[] c, int cOff, int ldc, float beta, boolean overwrite) {
        if (overwrite) {
            super.merge(rows, cols, tile, c, cOff, ldc, beta, true);
            return;
        }
        FloatVector bv = FloatVector.broadcast(S, beta);
        int bound = S.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int cr = cOff + r * ldc;
            int tr = r * nr;
            int j = 0;
            for (; j < bound; j += L) {
                FloatVector.fromArray(S, c, cr + j).fma(bv, FloatVector.fromArray(S, tile, tr + j)).intoArray(c, cr + j);
            }
            for (; j < cols; j++) {
                c[cr + j] = Math.fma(beta, c[cr + j], tile[tr + j]);
            }
        }
    }
}
