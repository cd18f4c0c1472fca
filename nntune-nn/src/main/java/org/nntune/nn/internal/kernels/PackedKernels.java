package org.nntune.nn.internal.kernels;

/**
 * What the two fast paths ({@link JavaKernels}, {@link VectorKernels}) share: a thread count, a
 * {@link PackedGemm} on the path's own micro-kernel, and the batch convolution and pooling kernels
 * split over the threads by {@link Convolution}, whose steps on each part are this GEMM on one
 * thread and the run-wise im2col / col2im. Each path adds its element-wise kernels, its fused
 * products and its masked copy (the last of {@link ConvSteps}).
 */
abstract class PackedKernels implements Kernels, ConvSteps {
    /** The threads a call may use. */
    final int threads;
    /** The GEMM on this path's register tile. */
    final PackedGemm gemm;
    private final Convolution conv;

    PackedKernels(int threads, PackedGemm gemm) {
        this.threads = KernelThreads.checkThreads(threads);
        this.gemm = gemm;
        this.conv = new Convolution(this, threads);
    }

    @Override
    public final int threads() {
        return threads;
    }

    @Override
    public final void forEachPart(int parts, java.util.function.IntConsumer part) {
        KernelThreads.run(threads, parts, part::accept);
    }

    @Override
    public final void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                           float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                           float beta, float[] c, int cOff, int ldc) {
        gemm.gemm(threads, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    // ---- convolution and pooling: split over the threads, the steps below on each part ----

    @Override
    public final void im2col(float[] src, int srcOff, int channels, int height, int width, int kh, int kw,
                             int strideH, int strideW, int padH, int padW, float[] cols, int colsOff) {
        conv.im2col(src, srcOff, channels, height, width, kh, kw, strideH, strideW, padH, padW, cols, colsOff);
    }

    @Override
    public final void col2im(float[] cols, int colsOff, int channels, int height, int width, int kh, int kw,
                             int strideH, int strideW, int padH, int padW, float[] dst, int dstOff) {
        conv.col2im(cols, colsOff, channels, height, width, kh, kw, strideH, strideW, padH, padW, dst, dstOff);
    }

    @Override
    public final void conv2dForward(ConvShape s, float[] x, int images, float[] w, float[] bias, boolean relu,
                                    float[] y) {
        conv.conv2dForward(s, x, images, w, bias, relu, y);
    }

    @Override
    public final void conv2dBackward(ConvShape s, float[] x, float[] dy, float[] mask, int images, float[] w,
                                     float[] dw, float[] db, float[] dx, float[] partials) {
        conv.conv2dBackward(s, x, dy, mask, images, w, dw, db, dx, partials);
    }

    @Override
    public final void maxPool2d(float[] x, int planes, int height, int width, int ph, int pw, int strideH,
                                int strideW, float[] y, int[] argmax) {
        conv.maxPool2d(x, planes, height, width, ph, pw, strideH, strideW, y, argmax);
    }

    @Override
    public final void maxPool2dBackward(float[] dy, int[] argmax, int planes, int height, int width, int outH,
                                        int outW, float[] dx) {
        conv.maxPool2dBackward(dy, argmax, planes, height, width, outH, outW, dx);
    }

    @Override
    public final void im2colRows(float[] src, int srcOff, int channels, int height, int width, int kh, int kw,
                                 int strideH, int strideW, int padH, int padW, float[] cols, int colsOff,
                                 int ldCols) {
        Convolution.im2colRuns(src, srcOff, channels, height, width, kh, kw, strideH, strideW, padH, padW,
                cols, colsOff, ldCols);
    }

    @Override
    public final void col2imRows(float[] cols, int colsOff, int ldCols, int channels, int height, int width,
                                 int kh, int kw, int strideH, int strideW, int padH, int padW, float[] dst,
                                 int dstOff) {
        Convolution.col2imRuns(cols, colsOff, ldCols, channels, height, width, kh, kw, strideH, strideW, padH, padW,
                dst, dstOff);
    }

    @Override
    public final void gemmInPart(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                 float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                 float beta, float[] c, int cOff, int ldc) {
        gemm.gemm(1, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }
}
