package org.nntune.nn.internal.kernels;

/**
 * The numeric kernels every layer, loss and optimiser runs on: float32, row-major, on plain
 * arrays with offsets so that no call needs a copy. Internal: layers use them, users do not
 * (the package is not exported). Three paths implement this interface, each one every method
 * (there are no default methods and no path extends another, so a kernel missing on a path is a
 * compile error, never a silent slow path; {@code KernelPathsTest} checks it):
 * <ul>
 *   <li>{@code vector} — the Vector API ({@code jdk.incubator.vector}): a packed GEMM on a vector
 *       micro-kernel and vector element-wise kernels, on a thread budget;</li>
 *   <li>{@code java} — plain Java: the same packed, cache-blocked GEMM on a scalar micro-kernel,
 *       on a thread budget; what runs without the Vector API;</li>
 *   <li>{@code reference} — simple loops on one thread: the definition the two fast paths are
 *       tested against.</li>
 * </ul>
 * {@link KernelProvider} chooses one once at start-up. Implementations are stateless and
 * thread-safe; a call never allocates in steady state.
 *
 * <p>To add a kernel: declare it here, write it in {@code ReferenceKernels}, then in
 * {@code JavaKernels} and {@code VectorKernels} (a one-line call of the reference where a path has
 * nothing better), and test the paths against the reference in this package's tests.
 *
 * <p>Matrices are row-major with a leading dimension: element (i, j) of a matrix stored at
 * {@code a[off + i * ld + j]}.
 */
public interface Kernels {

    /** A short name for logs and benchmark rows: {@code "reference"}, {@code "java"} or {@code "vector-512"}. */
    String name();

    /**
     * How many threads one call may use (see {@link KernelThreads}); 1 for the reference, which
     * runs on one thread.
     */
    int threads();

    /**
     * The same kernels with a thread budget of {@code threads} per call (1 to 1024). Kernels that
     * run on one thread only return themselves.
     *
     * @throws IllegalArgumentException for a thread count outside 1 to 1024
     */
    Kernels withThreads(int threads);

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

    // ---- convolution over a batch of images (channels × height × width each, one after another) ----

    /**
     * The convolution of {@code images} images at {@code x[0]} with the weights {@code w}
     * (filters × k) and a bias per filter, optionally followed by a ReLU: image i's output
     * (filters × positions) at {@code y[i · outputSize]} becomes
     * {@code act(w · im2col(image i) + bias)}, act the identity or {@code max(0, ·)}. Computed image
     * by image (its columns in a scratch buffer of the thread), the images split over the threads
     * in {@link ConvShape#groups groups}.
     */
    void conv2dForward(ConvShape s, float[] x, int images, float[] w, float[] bias, boolean relu, float[] y);

    /**
     * The backward pass of {@link #conv2dForward} for {@code images} images with input {@code x}
     * and output gradient {@code dy}: {@code dy} masked to 0 where {@code mask} (the forward pass's
     * ReLU output, same layout as dy; null for none) is not positive is the gradient of the
     * pre-activation; {@code dw} (filters × k) and {@code db} (filters) are overwritten with the
     * weight and bias gradients summed over the images; {@code dx} (may be null: not wanted) is
     * overwritten with the input gradient. {@code partials} is scratch of at least
     * {@link ConvShape#partialsSize} floats: each group of images sums its own gradients there,
     * and the groups are added in order, so the sums do not depend on the thread count. The
     * columns of each image are computed again (not kept from the forward pass).
     */
    void conv2dBackward(ConvShape s, float[] x, float[] dy, float[] mask, int images, float[] w,
                        float[] dw, float[] db, float[] dx, float[] partials);

    /**
     * Max pooling of {@code planes} planes (height × width each, one after another from offset 0)
     * with a ph × pw window moved by the strides, no padding: {@code y} gets each window's maximum
     * (planes × outH × outW) and {@code argmax} the index within its plane of the window's first
     * maximum in row-major order (where the gradient goes).
     */
    void maxPool2d(float[] x, int planes, int height, int width, int ph, int pw, int strideH, int strideW,
                   float[] y, int[] argmax);

    /**
     * The backward pass of {@link #maxPool2d}: {@code dx} (planes × height × width) is overwritten
     * with each output gradient {@code dy} added at its window's {@code argmax}, zero elsewhere.
     */
    void maxPool2dBackward(float[] dy, int[] argmax, int planes, int height, int width, int outH, int outW,
                           float[] dx);

    /** Adds the vector {@code v[vOff .. vOff + cols)} to each of the {@code rows} rows of x (a bias add). */
    void addRowVector(float[] x, int off, int rows, int cols, float[] v, int vOff);

    /**
     * {@code dst[dstOff + j] += Σ_i x[off + i·cols + j]}: adds the column sums of a rows × cols
     * matrix to {@code dst} (it accumulates: zero {@code dst} first for a fresh bias gradient).
     */
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

    // ---- fused element-wise kernels: one pass where separate layers would take two or three ----
    // Blocks are row-major and contiguous (rows × cols, leading dimension cols).

    /** {@code y[r][c] = max(0, y[r][c] + bias[c])}: a dense layer's bias and ReLU in one pass. */
    void addBiasRelu(float[] y, int yOff, int rows, int cols, float[] bias, int biasOff);

    /**
     * The backward pass of {@link #addBiasRelu} in one pass: the gradient {@code dy} is masked in
     * place where the ReLU output {@code y} is not positive ({@code dy[i] = y[i] > 0 ? dy[i] : 0}),
     * and {@code dBias} becomes the masked gradient's column sums (the bias gradient).
     */
    void reluBackwardBiasGrad(float[] dy, int dyOff, float[] y, int yOff, int rows, int cols,
                              float[] dBias, int dBiasOff);

    /**
     * Softmax and cross-entropy on each row of logits (rows × cols) with integer class labels, in
     * one pass per row: returns the mean loss over the rows and writes its gradient with respect to
     * the logits, {@code (softmax − onehot(label)) / rows}, to {@code grad} (which may be the logits
     * array itself at the same offset).
     *
     * @throws IllegalArgumentException when a label is outside {@code [0, cols)}, naming the row
     */
    float softmaxCrossEntropy(float[] logits, int logitsOff, int rows, int cols, int[] labels, int labelsOff,
                              float[] grad, int gradOff);

    /**
     * One Adam (or AdamW) step over {@code n} parameters, as PyTorch computes it: with weight decay
     * {@code wd} added to the gradient ({@code decoupled == false}, Adam's L2) or applied to the
     * weights ({@code decoupled == true}, AdamW: {@code w -= lr·wd·w}); then
     * {@code m = β1·m + (1−β1)·g}, {@code v = β2·v + (1−β2)·g²},
     * {@code w -= lr/(1−β1^t) · m / (sqrt(v)/sqrt(1−β2^t) + eps)}. {@code step} t counts from 1.
     * A new m or v below the smallest normal float (1.2e-38) is stored as zero (see
     * {@link #flushSubnormal}: subnormal moments slow every later step).
     * The gradient array is not changed.
     */
    void adamUpdate(float[] w, int wOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff, int n,
                    float lr, float beta1, float beta2, float eps, float weightDecay, boolean decoupled, int step);

    /**
     * One SGD step over {@code n} parameters, as PyTorch computes it (no dampening):
     * {@code g' = g + wd·w}; with momentum μ > 0, {@code buf = μ·buf + g'} and the step direction
     * is {@code buf} (or {@code g' + μ·buf} with Nesterov); {@code w -= lr · direction}. With
     * {@code momentum == 0} the velocity array is not touched (it may be empty). A new velocity
     * below the smallest normal float is stored as zero, as Adam's moments. The gradient
     * array is not changed.
     */
    void sgdUpdate(float[] w, int wOff, float[] g, int gOff, float[] velocity, int velocityOff, int n,
                   float lr, float momentum, float weightDecay, boolean nesterov);

    /**
     * Runs {@code part.accept(p)} for every p in [0, parts) on at most {@link #threads()} threads,
     * the caller among them, and returns when all are done. For work the caller splits into
     * independent parts that write disjoint memory (a recurrent layer's rows: each row's steps
     * depend only on that row); the split must not depend on the thread count, so neither do the
     * results. The reference runs the parts in order on the calling thread.
     */
    void forEachPart(int parts, java.util.function.IntConsumer part);

    /**
     * One LSTM step of one row, gates and state update fused (PyTorch's equations, gate blocks
     * i, f, g, o of {@code hidden} units): the pre-activations are {@code act[actOff ..]} (the
     * input projection with both biases) plus {@code gh[ghOff ..]} (the recurrent product);
     * {@code i, f, o = σ(·)}, {@code g = tanh(·)}, {@code c' = f ⊙ c + i ⊙ g},
     * {@code h' = o ⊙ tanh(c')}. Writes the activated gates over {@code act}, c' into
     * {@code c[cOff ..]} and {@code cells[cellsOff ..]}, h' into {@code h[hOff ..]} and
     * {@code out[outOff ..]}. The reference computes σ and tanh in double; the fast paths in float
     * ({@code FloatMath}), the same bits on both and in every JIT tier, within 1e-6 of the reference.
     */
    void lstmCell(int hidden, float[] act, int actOff, float[] gh, int ghOff, float[] c, int cOff,
                  float[] cells, int cellsOff, float[] h, int hOff, float[] out, int outOff);

    /**
     * The backward step of {@link #lstmCell} for one row: from the activated gates
     * {@code act[actOff ..]}, the row's cell state {@code cells[cellOff ..]}, the previous step's
     * ({@code cells[prevCellOff ..]}, or zero when {@code prevCellOff < 0}), the gradient of the
     * state it produced {@code dh[dhOff ..]} and of its cell {@code dc[dcOff ..]}: writes the
     * pre-activation gradients into {@code dGates[dGatesOff ..]} (blocks i, f, g, o), leaves
     * {@code dc ⊙ f} in {@code dc} for the step before and zeroes {@code dh}. tanh(c) is recomputed
     * as in the forward step (double on the reference, float on the fast paths).
     */
    void lstmCellBackward(int hidden, float[] act, int actOff, float[] cells, int cellOff, int prevCellOff,
                          float[] dh, int dhOff, float[] dc, int dcOff, float[] dGates, int dGatesOff);

    /**
     * One GRU step of one row (PyTorch's equations, gate blocks r, z, n):
     * {@code r, z = σ(act + gh + b_hh)}, {@code hn = gh_n + b_hn},
     * {@code n = tanh(act_n + r ⊙ hn)}, {@code h' = (1 − z) ⊙ n + z ⊙ h}. Writes r, z, n over
     * {@code act}, hn into {@code hn[hnOff ..]}, h' into {@code h[hOff ..]} (which holds h on
     * entry) and {@code out[outOff ..]}. Numerics as {@link #lstmCell}.
     */
    void gruCell(int hidden, float[] act, int actOff, float[] gh, int ghOff, float[] biasHh, float[] hn, int hnOff,
                 float[] h, int hOff, float[] out, int outOff);

    /**
     * The backward step of {@link #gruCell} for one row: from the activated gates
     * {@code act[actOff ..]} (r, z, n), {@code hn[hnOff ..]}, the previous state
     * {@code prev[prevOff ..]} (zero when {@code prevOff < 0}) and the gradient of the state it
     * produced {@code dh[dhOff ..]}: writes the pre-activation gradients of the input side into
     * {@code dGates[dGatesOff ..]} (r, z, n) and of the recurrent side into {@code dGh[dGhOff ..]}
     * (r, z, and n times r, since hn sits inside the reset product), and leaves {@code dh ⊙ z}
     * (the part of the previous state's gradient that does not go through {@code weight_hh}) in
     * {@code dh}. Products and differences only: every path gives the same bits.
     */
    void gruCellBackward(int hidden, float[] act, int actOff, float[] hn, int hnOff, float[] prev, int prevOff,
                         float[] dh, int dhOff, float[] dGates, int dGatesOff, float[] dGh, int dGhOff);

    /**
     * {@code x}, or zero when it is subnormal ({@code |x| < Float.MIN_NORMAL}). The optimisers'
     * moment buffers go through it: a weight whose gradient stays zero (an always-black pixel's)
     * has its moments decay geometrically into the subnormal range, where they stick (β·x rounds
     * back to x near the smallest subnormal) and where every multiply takes a slow microcode path
     * on x86 — measured on the 784-128-10 MLP: Adam's update was 60 % of a training step at batch 32.
     * The values lost are below 1.2e-38, far under any update they could make. RMSprop and
     * Adagrad ({@code Optimizer}) pass their accumulators and their weights through it too.
     */
    public static float flushSubnormal(float x) {
        return Math.abs(x) < Float.MIN_NORMAL ? 0f : x;
    }


    /** Output size of a convolution or pooling window along one axis; throws if the window does not fit. */
    static int outSize(int in, int k, int stride, int pad) {
        int span = in + 2 * pad - k;
        if (k <= 0 || stride <= 0 || pad < 0 || span < 0) {
            throw new IllegalArgumentException("window " + k + " with stride " + stride + " and padding " + pad
                    + " does not fit an input of size " + in);
        }
        return span / stride + 1;
    }

    // ---- small products: a dense layer with a short sum or very few outputs, where a GEMM tile is mostly padding ----

    /**
     * {@code C = max(floor, op(A) · B + bias)}: op(A) is m × k (A stored k × m with leading
     * dimension lda and used transposed when {@code transA}), B is k × n row-major, {@code bias}
     * (length n, added to every row) may be null for none, and {@code floor} is 0 for a fused
     * ReLU or {@link Float#NEGATIVE_INFINITY} for none; C (m × n) is overwritten. A few rows of C
     * at a time, each in one sweep over k, a vector of columns at a time — no packing, so it suits
     * the products of a layer with few inputs (k of a few, e.g. iris' 4 features) or few rows (a
     * weight gradient of few units), where a GEMM's register tile would be mostly padding. Each
     * element is the sum over p = 0 … k−1, in order, from zero, with the bias added last: the same
     * sums as {@link #gemm} followed by {@link #addRowVector} (or {@link #addBiasRelu}).
     */
    void rowGemm(boolean transA, int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                 float[] bias, int biasOff, float floor, float[] c, int cOff, int ldc);

    /**
     * {@code C = A · Btᵀ}, plus {@code bias} on every row when it is not null: A is m × k row-major,
     * {@code bt} holds B transposed (n × k, row-major), C (m × n) is overwritten. Each element is a
     * dot product of a row of A and a row of Bt along k: the product of a layer with very few
     * outputs (a classifier of 3 classes), where a GEMM tile of 16 or 32 columns would compute
     * mostly padding. The vector path sums in lanes, so it differs from {@link #gemm} by float
     * rounding.
     */
    void dotGemm(int m, int n, int k, float[] a, int aOff, int lda, float[] bt, int btOff, int ldbt,
                 float[] bias, int biasOff, float[] c, int cOff, int ldc);
}
