package org.nntune.nn.internal.kernels;

/**
 * The plain-Java micro-kernel of the {@code java} path: a 4 × 16 tile accumulated in a small
 * scratch array (it stays in L1), one row of the packed panel of B at a time, then copied into C.
 * The 16-wide inner loops have a constant trip count, which HotSpot's C2 partly vectorises on its
 * own (superword); the gain over the reference comes mostly from packing, blocking and threads.
 */
final class JavaMicroKernel extends GemmMicroKernel {
    static final int MR = 4;
    static final int NR = 16;

    JavaMicroKernel() {
        super(MR, NR);
    }

    @Override
    void tile(int kc, float[] pa, int paOff, int paStride, float[] pb, int pbOff, int pbStride,
                     float[] c, int cOff, int ldc, float[] t) {
        strided(kc, pa, paOff, paStride, 1, pb, pbOff, pbStride, c, cOff, ldc, t);
    }

    /** The tile with value (r, p) of the A panel at {@code a[aOff + p · aStep + r · aRow]}. */
    private static void strided(int kc, float[] a, int aOff, int aStep, int aRow, float[] pb, int pbOff, int pbStride,
                                float[] c, int cOff, int ldc, float[] t) {
        java.util.Arrays.fill(t, 0, MR * NR, 0f);
        for (int p = 0; p < kc; p++) {
            int bp = pbOff + p * pbStride;
            int ap = aOff + p * aStep;
            for (int r = 0; r < MR; r++) {
                float av = a[ap + r * aRow];
                int tr = r * NR;
                for (int j = 0; j < NR; j++) {
                    t[tr + j] += av * pb[bp + j];
                }
            }
        }
        for (int r = 0; r < MR; r++) {
            System.arraycopy(t, r * NR, c, cOff + r * ldc, NR);
        }
    }

    @Override
    void tileRowMajorA(int kc, float[] a, int aOff, int lda, float[] pb, int pbOff, int pbStride,
                       float[] c, int cOff, int ldc, float[] t) {
        strided(kc, a, aOff, 1, lda, pb, pbOff, pbStride, c, cOff, ldc, t);
    }
}
