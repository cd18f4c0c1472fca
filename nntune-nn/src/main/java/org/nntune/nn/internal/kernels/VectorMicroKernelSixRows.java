package org.nntune.nn.internal.kernels;

import jdk.incubator.vector.FloatVector;

/**
 * The Vector API micro-kernel for instruction sets with sixteen vector registers (AVX2): a
 * 6 × (2 · lanes) tile of C, 6 × 16 with 256-bit vectors, the shape BLIS and OpenBLAS use there.
 * Its twelve accumulators, the two vectors of the panel of B and the broadcast value of A take 15
 * of the 16 registers; {@link VectorMicroKernel}'s 8-row tile needs 19 and spills to the stack on
 * every step (on an AVX2 Zen machine this tile's GEMM is 1.02–2.27× the 8-row tile's on one
 * thread, BENCHMARKS-LOG.md). Same sums in the same order per element as the 8-row kernel: each
 * element of C is Σ_p a(r, p)·b(p, j) in p order by fused multiply-adds.
 */
final class VectorMicroKernelSixRows extends VectorTileKernel {
    static final int MR = 6;
    static final int NR = 2 * L;

    VectorMicroKernelSixRows() {
        super(MR, NR);
    }

    @Override
    void tile(int kc, float[] pa, int paOff, int paStride, float[] pb, int pbOff, int pbStride,
              float[] c, int cOff, int ldc, float[] scratch) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int ap = paOff + p * paStride;
            int bp = pbOff + p * pbStride;
            FloatVector b0 = FloatVector.fromArray(S, pb, bp);
            FloatVector b1 = FloatVector.fromArray(S, pb, bp + L);
            FloatVector a = FloatVector.broadcast(S, pa[ap]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, pa[ap + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, pa[ap + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, pa[ap + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, pa[ap + 4]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, pa[ap + 5]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
        }
        // stored here, not in a shared method: C2 would box twelve vector arguments it did not inline
        c00.intoArray(c, cOff);
        c01.intoArray(c, cOff + L);
        c10.intoArray(c, cOff + ldc);
        c11.intoArray(c, cOff + ldc + L);
        c20.intoArray(c, cOff + 2 * ldc);
        c21.intoArray(c, cOff + 2 * ldc + L);
        c30.intoArray(c, cOff + 3 * ldc);
        c31.intoArray(c, cOff + 3 * ldc + L);
        c40.intoArray(c, cOff + 4 * ldc);
        c41.intoArray(c, cOff + 4 * ldc + L);
        c50.intoArray(c, cOff + 5 * ldc);
        c51.intoArray(c, cOff + 5 * ldc + L);
    }

    @Override
    void tileRowMajorA(int kc, float[] a, int aOff, int lda, float[] pb, int pbOff, int pbStride,
                       float[] c, int cOff, int ldc, float[] scratch) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        int a0 = aOff, a1 = aOff + lda, a2 = aOff + 2 * lda, a3 = aOff + 3 * lda, a4 = aOff + 4 * lda, a5 = aOff + 5 * lda;
        for (int p = 0; p < kc; p++) {
            int bp = pbOff + p * pbStride;
            FloatVector b0 = FloatVector.fromArray(S, pb, bp);
            FloatVector b1 = FloatVector.fromArray(S, pb, bp + L);
            FloatVector av = FloatVector.broadcast(S, a[a0 + p]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[a1 + p]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[a2 + p]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[a3 + p]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, a[a4 + p]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, a[a5 + p]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
        }
        // stored here, not in a shared method: C2 would box twelve vector arguments it did not inline
        c00.intoArray(c, cOff);
        c01.intoArray(c, cOff + L);
        c10.intoArray(c, cOff + ldc);
        c11.intoArray(c, cOff + ldc + L);
        c20.intoArray(c, cOff + 2 * ldc);
        c21.intoArray(c, cOff + 2 * ldc + L);
        c30.intoArray(c, cOff + 3 * ldc);
        c31.intoArray(c, cOff + 3 * ldc + L);
        c40.intoArray(c, cOff + 4 * ldc);
        c41.intoArray(c, cOff + 4 * ldc + L);
        c50.intoArray(c, cOff + 5 * ldc);
        c51.intoArray(c, cOff + 5 * ldc + L);
    }
}
