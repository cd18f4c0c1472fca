package org.nntune.nn.tensor;

/**
 * The numeric kernels every layer, loss and optimiser runs on: float32, row-major, on plain
 * arrays with offsets so that no call needs a copy. Two implementations stand behind this
 * interface: plain Java (always available, the reference) and a Vector API path
 * ({@code jdk.incubator.vector}); one is chosen once at start-up and the two are tested against
 * each other. Implementations are stateless and thread-safe; a call never allocates in steady
 * state.
 *
 * <p>Matrices are row-major with a leading dimension: element (i, j) of a matrix stored at
 * {@code a[off + i * ld + j]}.
 */
public interface Kernels {

    /** A short name for logs and benchmark rows, e.g. {@code "plain"} or {@code "vector-256"}. */
    String name();

    /**
     * C = alpha · op(A) · op(B) + beta · C, where op(X) is X or its transpose.
     * op(A) is m × k, op(B) is k × n, C is m × n. With {@code beta == 0}, C's previous content is
     * ignored (it may hold NaN).
     *
     * @param transA A is stored k × m (leading dimension lda) and used transposed
     * @param transB B is stored n × k (leading dimension ldb) and used transposed
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
              float beta, float[] c, int cOff, int ldc);

    /**
     * Unfolds one image (channels × height × width at {@code src[srcOff]}) into columns for
     * convolution as GEMM: {@code cols} becomes (channels · kh · kw) × (outH · outW), row-major,
     * where outH = (height + 2·padH − kh) / strideH + 1 and likewise outW. Padding reads as zero.
     */
    void im2col(float[] src, int srcOff, int channels, int height, int width, int kh, int kw,
                int strideH, int strideW, int padH, int padW, float[] cols, int colsOff);

    /**
     * The adjoint of {@link #im2col}: adds the columns back into the image gradient at
     * {@code dst[dstOff]} (accumulating: overlapping windows sum). The caller zeroes dst first when
     * it wants a fresh gradient.
     */
    void col2im(float[] cols, int colsOff, int channels, int height, int width, int kh, int kw,
                int strideH, int strideW, int padH, int padW, float[] dst, int dstOff);

    /** Adds the vector {@code v[vOff .. vOff + cols)} to each of the {@code rows} rows of x (a bias add). */
    void addRowVector(float[] x, int off, int rows, int cols, float[] v, int vOff);

    /** {@code dst[dstOff + j] = Σ_i x[off + i·cols + j]}: column sums of a rows × cols matrix (a bias gradient). */
    void sumRows(float[] x, int off, int rows, int cols, float[] dst, int dstOff);

    /** {@code y += alpha · x} over n elements. */
    void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff);

    /** {@code x *= alpha} over n elements. */
    void scale(int n, float alpha, float[] x, int off);

    /** Σ x² over n elements, accumulated in double. */
    double sumSquares(float[] x, int off, int n);

    /** {@code y = max(x, 0)} over n elements (x and y may be the same array). */
    void relu(float[] x, int xOff, float[] y, int yOff, int n);

    /** {@code dx = x > 0 ? dy : 0} over n elements. */
    void reluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);

    /**
     * {@code dst = srcᵀ}: src is rows × cols (row-major, dense), dst becomes cols × rows. Layers use it
     * to turn a transposed GEMM operand into a plain one when that is cheaper than the GEMM.
     */
    void transpose(float[] src, int srcOff, int rows, int cols, float[] dst, int dstOff);

    /** Output size of a convolution or pooling window along one axis; throws if the window does not fit. */
    static int outSize(int in, int k, int stride, int pad) {
        int span = in + 2 * pad - k;
        if (k <= 0 || stride <= 0 || pad < 0 || span < 0) {
            throw new IllegalArgumentException("window " + k + " with stride " + stride + " and padding " + pad
                    + " does not fit an input of size " + in);
        }
        return span / stride + 1;
    }
}
