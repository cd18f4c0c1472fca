package org.nntune.nn.internal.kernels;

/**
 * The one-thread steps of the batch convolution and pooling kernels ({@link Convolution}) that
 * each path does its own way: how an image becomes columns, the GEMM of a part, the masked copy
 * and row sums of an output gradient, the weight-gradient dot products, the pooling of a range of
 * planes. Every path implements every step (no defaults), so a new step cannot silently run
 * another path's code.
 */
interface ConvSteps {

    /**
     * {@link Kernels#im2col} of one image into columns whose rows are {@code ldCols} apart
     * (outH · outW for one image alone, images · outH · outW in a batch matrix).
     */
    void im2colRows(float[] src, int srcOff, int channels, int height, int width, int kh, int kw,
                    int strideH, int strideW, int padH, int padW, float[] cols, int colsOff, int ldCols);

    /** {@link Kernels#col2im} of one image from columns whose rows are {@code ldCols} apart (accumulating). */
    void col2imRows(float[] cols, int colsOff, int ldCols, int channels, int height, int width, int kh, int kw,
                    int strideH, int strideW, int padH, int padW, float[] dst, int dstOff);

    /**
     * {@link Kernels#gemm} in a part of a batch kernel that is already one of several parts
     * running on the threads: it must not split again.
     */
    void gemmInPart(boolean transA, boolean transB, int m, int n, int k, float alpha,
                    float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                    float beta, float[] c, int cOff, int ldc);

    /**
     * {@code dst = src} masked to 0 where {@code mask} (same offset; null for none) is not
     * positive, over a rows × cols block ({@code dst} from 0), and each row's sum added to
     * {@code rowSums[sumsOff + r]}.
     */
    void maskedCopyRowSums(float[] src, float[] mask, int off, int rows, int cols, float[] dst,
                           float[] rowSums, int sumsOff);

    /**
     * {@code C = A · Bᵀ + beta · C} (beta 0 or 1) for A m × k and B n × k, both rows along the sum:
     * {@link #gemmInPart} with B transposed. The vector path computes a small C (few rows and
     * columns, a long sum) as dot products of the rows where they lie, which costs less than
     * packing the long operand for the GEMM's tiles.
     */
    void gemmRowDots(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc);

    /** {@link Kernels#maxPool2d} for planes [p0, p1) only. */
    void maxPoolPlanes(float[] x, int height, int width, int ph, int pw, int strideH, int strideW,
                       float[] y, int[] argmax, int p0, int p1);
}
