package org.nntune.nn.tensor;

/**
 * The plain-Java kernels: the reference every faster path is tested against, and the path that
 * runs when the Vector API is absent or disabled. Faster implementations extend this class and
 * override the methods they accelerate, so a kernel added to {@link Kernels} is available on
 * every path at once.
 */
public class PlainKernels implements Kernels {

    @Override
    public String name() {
        return "plain";
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (beta == 0f) {
                java.util.Arrays.fill(c, ci, ci + n, 0f);
            } else if (beta != 1f) {
                for (int j = 0; j < n; j++) {
                    c[ci + j] *= beta;
                }
            }
        }
        if (!transB) {
            // i-p-j order: the inner loop runs along rows of B and C (unit stride)
            for (int i = 0; i < m; i++) {
                int ci = cOff + i * ldc;
                for (int p = 0; p < k; p++) {
                    float av = alpha * (transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p]);
                    if (av == 0f) {
                        continue;
                    }
                    int bp = bOff + p * ldb;
                    for (int j = 0; j < n; j++) {
                        c[ci + j] += av * b[bp + j];
                    }
                }
            }
        } else {
            // B used transposed: C[i][j] is a dot product of a row of op(A) and a row of B
            for (int i = 0; i < m; i++) {
                int ci = cOff + i * ldc;
                for (int j = 0; j < n; j++) {
                    int bj = bOff + j * ldb;
                    float s = 0f;
                    if (transA) {
                        for (int p = 0; p < k; p++) {
                            s += a[aOff + p * lda + i] * b[bj + p];
                        }
                    } else {
                        int ai = aOff + i * lda;
                        for (int p = 0; p < k; p++) {
                            s += a[ai + p] * b[bj + p];
                        }
                    }
                    c[ci + j] += alpha * s;
                }
            }
        }
    }

    @Override
    public final void im2col(float[] src, int srcOff, int channels, int height, int width, int kh, int kw,
                             int strideH, int strideW, int padH, int padW, float[] cols, int colsOff) {
        int ld = Kernels.outSize(height, kh, strideH, padH) * Kernels.outSize(width, kw, strideW, padW);
        im2colRows(src, srcOff, channels, height, width, kh, kw, strideH, strideW, padH, padW, cols, colsOff, ld);
    }

    @Override
    public final void col2im(float[] cols, int colsOff, int channels, int height, int width, int kh, int kw,
                             int strideH, int strideW, int padH, int padW, float[] dst, int dstOff) {
        int ld = Kernels.outSize(height, kh, strideH, padH) * Kernels.outSize(width, kw, strideW, padW);
        col2imRows(cols, colsOff, ld, channels, height, width, kh, kw, strideH, strideW, padH, padW, dst, dstOff);
    }

    /**
     * {@link #im2col} of one image into columns whose rows are {@code ldCols} apart (outH · outW
     * for one image alone, images · outH · outW in a batch matrix).
     */
    void im2colRows(float[] src, int srcOff, int channels, int height, int width, int kh, int kw,
                    int strideH, int strideW, int padH, int padW, float[] cols, int colsOff, int ldCols) {
        int outH = Kernels.outSize(height, kh, strideH, padH);
        int outW = Kernels.outSize(width, kw, strideW, padW);
        int row = colsOff;
        for (int ch = 0; ch < channels; ch++) {
            int plane = srcOff + ch * height * width;
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++) {
                    for (int oy = 0; oy < outH; oy++) {
                        int y = oy * strideH - padH + ky;
                        int dst = row + oy * outW;
                        if (y < 0 || y >= height) {
                            java.util.Arrays.fill(cols, dst, dst + outW, 0f);
                            continue;
                        }
                        int srcRow = plane + y * width;
                        for (int ox = 0; ox < outW; ox++) {
                            int x = ox * strideW - padW + kx;
                            cols[dst + ox] = x >= 0 && x < width ? src[srcRow + x] : 0f;
                        }
                    }
                    row += ldCols;
                }
            }
        }
    }

    /** {@link #col2im} of one image from columns whose rows are {@code ldCols} apart (accumulating). */
    void col2imRows(float[] cols, int colsOff, int ldCols, int channels, int height, int width, int kh, int kw,
                    int strideH, int strideW, int padH, int padW, float[] dst, int dstOff) {
        int outH = Kernels.outSize(height, kh, strideH, padH);
        int outW = Kernels.outSize(width, kw, strideW, padW);
        int row = colsOff;
        for (int ch = 0; ch < channels; ch++) {
            int plane = dstOff + ch * height * width;
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++) {
                    for (int oy = 0; oy < outH; oy++) {
                        int y = oy * strideH - padH + ky;
                        if (y < 0 || y >= height) {
                            continue;
                        }
                        int src = row + oy * outW;
                        int dstRow = plane + y * width;
                        for (int ox = 0; ox < outW; ox++) {
                            int x = ox * strideW - padW + kx;
                            if (x >= 0 && x < width) {
                                dst[dstRow + x] += cols[src + ox];
                            }
                        }
                    }
                    row += ldCols;
                }
            }
        }
    }

    /** What one thread's convolution kernels reuse from call to call: one image's columns, output gradient and column gradient. */
    private static final class ConvScratch {
        float[] cols = new float[0];
        float[] grad = new float[0];
        float[] dcols = new float[0];

        ConvScratch fit(ConvShape s, boolean backward) {
            int colsSize = s.k() * s.positions();
            if (cols.length < colsSize) {
                cols = new float[colsSize];
            }
            if (backward && grad.length < s.outputSize()) {
                grad = new float[s.outputSize()];
            }
            if (backward && dcols.length < colsSize) {
                dcols = new float[colsSize];
            }
            return this;
        }
    }

    private static final ThreadLocal<ConvScratch> CONV_SCRATCH = ThreadLocal.withInitial(ConvScratch::new);

    /**
     * The GEMM of a part of a batch kernel that is already one of several parts running on the
     * threads: it must not split again. The reference runs on one thread anyway.
     */
    void gemmInPart(boolean transA, boolean transB, int m, int n, int k, float alpha,
                    float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                    float beta, float[] c, int cOff, int ldc) {
        gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    @Override
    public void conv2dForward(ConvShape s, float[] x, int images, float[] w, float[] bias, boolean relu, float[] y) {
        conv2dForward(s, x, w, bias, relu, y, 0, images);
    }

    /** {@link #conv2dForward} for images [i0, i1) only. */
    final void conv2dForward(ConvShape s, float[] x, float[] w, float[] bias, boolean relu, float[] y, int i0, int i1) {
        ConvScratch scratch = CONV_SCRATCH.get().fit(s, false);
        float[] cols = scratch.cols;
        int k = s.k(), hw = s.positions(), outSize = s.outputSize(), inSize = s.inputSize();
        for (int i = i0; i < i1; i++) {
            im2colRows(x, i * inSize, s.channels(), s.height(), s.width(), s.kh(), s.kw(), s.strideH(), s.strideW(),
                    s.padH(), s.padW(), cols, 0, hw);
            gemmInPart(false, false, s.filters(), hw, k, 1f, w, 0, k, cols, 0, hw, 0f, y, i * outSize, hw);
            addBiasPerRow(y, i * outSize, s.filters(), hw, bias, relu);
        }
    }

    /** {@code x[r][j] = act(x[r][j] + bias[r])} over a rows × cols block at {@code off}, act the identity or ReLU. */
    void addBiasPerRow(float[] x, int off, int rows, int cols, float[] bias, boolean relu) {
        for (int r = 0; r < rows; r++) {
            float b = bias[r];
            int o = off + r * cols;
            if (relu) {
                for (int j = 0; j < cols; j++) {
                    x[o + j] = Math.max(0f, x[o + j] + b);
                }
            } else {
                for (int j = 0; j < cols; j++) {
                    x[o + j] += b;
                }
            }
        }
    }

    /**
     * {@code dst = src} masked to 0 where {@code mask} (same offset; null for none) is not
     * positive, over a rows × cols block ({@code dst} from 0), and each row's sum added to
     * {@code rowSums[sumsOff + r]}.
     */
    void maskedCopyRowSums(float[] src, float[] mask, int off, int rows, int cols, float[] dst,
                           float[] rowSums, int sumsOff) {
        if (mask == null) {
            System.arraycopy(src, off, dst, 0, rows * cols);
        } else {
            for (int i = 0, n = rows * cols; i < n; i++) {
                dst[i] = mask[off + i] > 0f ? src[off + i] : 0f;
            }
        }
        for (int r = 0; r < rows; r++) {
            rowSums[sumsOff + r] += sum4(dst, r * cols, cols);
        }
    }

    @Override
    public void conv2dBackward(ConvShape s, float[] x, float[] dy, float[] mask, int images, float[] w,
                               float[] dw, float[] db, float[] dx, float[] partials) {
        int groups = s.groups(images);
        for (int g = 0; g < groups; g++) {
            conv2dBackwardGroup(s, x, dy, mask, images, w, dx, partials, g);
        }
        sumPartials(s, groups, partials, dw, db);
    }

    /**
     * {@code C = A · Bᵀ + beta · C} (beta 0 or 1) for A m × k and B n × k, both rows along the sum:
     * {@link #gemm} with B transposed, in a part of a batch kernel ({@link #gemmInPart}). The vector
     * path computes a small C (few rows and columns, a long sum) as dot products of the rows where
     * they lie, which costs less than packing the long operand for the GEMM's tiles.
     */
    void gemmRowDots(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        gemmInPart(false, true, m, n, k, 1f, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /**
     * Group {@code g}'s part of {@link #conv2dBackward}: for each of its images, the masked output
     * gradient G (filters × positions) and the bias gradient (its row sums), the columns C again,
     * the transposed weight gradient dWᵀ += C · Gᵀ (k × filters; C is read where it lies), and the
     * input gradient col2im(Wᵀ · G); the group's sums go to its part of {@code partials}
     * (k × filters, then filters).
     */
    final void conv2dBackwardGroup(ConvShape s, float[] x, float[] dy, float[] mask, int images, float[] w,
                                   float[] dx, float[] partials, int g) {
        ConvScratch scratch = CONV_SCRATCH.get().fit(s, true);
        int k = s.k(), hw = s.positions(), filters = s.filters(), outSize = s.outputSize(), inSize = s.inputSize();
        int groups = s.groups(images);
        int part = g * (filters * k + filters);
        int biasPart = part + filters * k;
        java.util.Arrays.fill(partials, biasPart, biasPart + filters, 0f);
        int i0 = ConvShape.groupStart(g, groups, images), i1 = ConvShape.groupStart(g + 1, groups, images);
        for (int i = i0; i < i1; i++) {
            float[] grad = scratch.grad, cols = scratch.cols;
            maskedCopyRowSums(dy, mask, i * outSize, filters, hw, grad, partials, biasPart);
            im2colRows(x, i * inSize, s.channels(), s.height(), s.width(), s.kh(), s.kw(), s.strideH(), s.strideW(),
                    s.padH(), s.padW(), cols, 0, hw);
            gemmRowDots(k, filters, hw, cols, 0, hw, grad, 0, hw, i == i0 ? 0f : 1f, partials, part, filters);
            if (dx != null) {
                gemmInPart(true, false, k, hw, filters, 1f, w, 0, k, grad, 0, hw, 0f, scratch.dcols, 0, hw);
                java.util.Arrays.fill(dx, i * inSize, (i + 1) * inSize, 0f);
                col2imRows(scratch.dcols, 0, hw, s.channels(), s.height(), s.width(), s.kh(), s.kw(), s.strideH(),
                        s.strideW(), s.padH(), s.padW(), dx, i * inSize);
            }
        }
        if (i0 == i1) {
            java.util.Arrays.fill(partials, part, biasPart, 0f);
        }
    }

    /** dw (filters × k) and db from the groups' parts (dWᵀ, k × filters, then the bias sums), added in group order. */
    static void sumPartials(ConvShape s, int groups, float[] partials, float[] dw, float[] db) {
        int k = s.k(), filters = s.filters(), stride = filters * k + filters;
        for (int f = 0; f < filters; f++) {
            for (int j = 0; j < k; j++) {
                float sum = partials[j * filters + f];
                for (int g = 1; g < groups; g++) {
                    sum += partials[g * stride + j * filters + f];
                }
                dw[f * k + j] = sum;
            }
            float sum = partials[filters * k + f];
            for (int g = 1; g < groups; g++) {
                sum += partials[g * stride + filters * k + f];
            }
            db[f] = sum;
        }
    }

    /** Σ of n values from x[off], in four interleaved partial sums (a fixed order, faster than one chain). */
    static float sum4(float[] x, int off, int n) {
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += x[off + i];
            s1 += x[off + i + 1];
            s2 += x[off + i + 2];
            s3 += x[off + i + 3];
        }
        for (; i < n; i++) {
            s0 += x[off + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public void maxPool2d(float[] x, int planes, int height, int width, int ph, int pw, int strideH, int strideW,
                          float[] y, int[] argmax) {
        maxPool2d(x, height, width, ph, pw, strideH, strideW, y, argmax, 0, planes);
    }

    /** {@link #maxPool2d} for planes [p0, p1) only. */
    void maxPool2d(float[] x, int height, int width, int ph, int pw, int strideH, int strideW,
                   float[] y, int[] argmax, int p0, int p1) {
        int outH = Kernels.outSize(height, ph, strideH, 0);
        int outW = Kernels.outSize(width, pw, strideW, 0);
        int plane = height * width;
        boolean twoByTwo = ph == 2 && pw == 2 && strideH == 2 && strideW == 2;
        for (int p = p0; p < p1; p++) {
            int base = p * plane;
            int o = p * outH * outW;
            for (int oy = 0; oy < outH; oy++) {
                int y0 = oy * strideH;
                if (twoByTwo) {
                    // the common window without a loop or a branch per element: the first maximum
                    // of a, b, c, d in row-major order, by selects
                    int r0 = base + y0 * width;
                    int r1 = r0 + width;
                    for (int ox = 0; ox < outW; ox++, o++) {
                        int i = 2 * ox;
                        float a = x[r0 + i], b = x[r0 + i + 1], c = x[r1 + i], d = x[r1 + i + 1];
                        float m = a;
                        int at = y0 * width + i;
                        if (b > m) { m = b; at = y0 * width + i + 1; }
                        if (c > m) { m = c; at = y0 * width + width + i; }
                        if (d > m) { m = d; at = y0 * width + width + i + 1; }
                        y[o] = m;
                        argmax[o] = at;
                    }
                    continue;
                }
                for (int ox = 0; ox < outW; ox++, o++) {
                    int x0 = ox * strideW;
                    int best = y0 * width + x0;
                    float max = x[base + best];
                    for (int ky = 0; ky < ph; ky++) {
                        int row = (y0 + ky) * width + x0;
                        for (int kx = 0; kx < pw; kx++) {
                            if (x[base + row + kx] > max) {
                                max = x[base + row + kx];
                                best = row + kx;
                            }
                        }
                    }
                    y[o] = max;
                    argmax[o] = best;
                }
            }
        }
    }

    @Override
    public void maxPool2dBackward(float[] dy, int[] argmax, int planes, int height, int width, int outH, int outW,
                                  float[] dx) {
        maxPool2dBackward(dy, argmax, height, width, outH, outW, dx, 0, planes);
    }

    /** {@link #maxPool2dBackward} for planes [p0, p1) only. */
    final void maxPool2dBackward(float[] dy, int[] argmax, int height, int width, int outH, int outW, float[] dx,
                                 int p0, int p1) {
        int plane = height * width;
        int out = outH * outW;
        java.util.Arrays.fill(dx, p0 * plane, p1 * plane, 0f);
        for (int p = p0; p < p1; p++) {
            int base = p * plane;
            for (int o = p * out, end = o + out; o < end; o++) {
                dx[base + argmax[o]] += dy[o];
            }
        }
    }

    @Override
    public void addRowVector(float[] x, int off, int rows, int cols, float[] v, int vOff) {
        for (int i = 0; i < rows; i++) {
            int r = off + i * cols;
            for (int j = 0; j < cols; j++) {
                x[r + j] += v[vOff + j];
            }
        }
    }

    @Override
    public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    @Override
    public void scale(int n, float alpha, float[] x, int off) {
        for (int i = 0; i < n; i++) {
            x[off + i] *= alpha;
        }
    }

    @Override
    public double sumSquares(float[] x, int off, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            float v = x[off + i];
            s += v * v;
        }
        return s;
    }

    @Override
    public void relu(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            y[yOff + i] = v > 0f ? v : 0f;
        }
    }

    @Override
    public void reluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        for (int i = 0; i < n; i++) {
            dx[dxOff + i] = x[xOff + i] > 0f ? dy[dyOff + i] : 0f;
        }
    }

    @Override
    public void transpose(float[] src, int srcOff, int rows, int cols, float[] dst, int dstOff) {
        final int block = 32;
        for (int i0 = 0; i0 < rows; i0 += block) {
            int i1 = Math.min(rows, i0 + block);
            for (int j0 = 0; j0 < cols; j0 += block) {
                int j1 = Math.min(cols, j0 + block);
                for (int i = i0; i < i1; i++) {
                    int s = srcOff + i * cols;
                    for (int j = j0; j < j1; j++) {
                        dst[dstOff + j * rows + i] = src[s + j];
                    }
                }
            }
        }
    }

    // ---- fused element-wise kernels (the reference versions) ----

    @Override
    public void sumRows(float[] x, int off, int rows, int cols, float[] dst, int dstOff) {
        for (int r = 0; r < rows; r++) {
            int row = off + r * cols;
            for (int c = 0; c < cols; c++) {
                dst[dstOff + c] += x[row + c];
            }
        }
    }

    @Override
    public void addBiasRelu(float[] y, int yOff, int rows, int cols, float[] bias, int biasOff) {
        for (int r = 0; r < rows; r++) {
            int row = yOff + r * cols;
            for (int c = 0; c < cols; c++) {
                y[row + c] = Math.max(0f, y[row + c] + bias[biasOff + c]);
            }
        }
    }

    @Override
    public void reluBackwardBiasGrad(float[] dy, int dyOff, float[] y, int yOff, int rows, int cols,
                                     float[] dBias, int dBiasOff) {
        java.util.Arrays.fill(dBias, dBiasOff, dBiasOff + cols, 0f);
        for (int r = 0; r < rows; r++) {
            int dr = dyOff + r * cols;
            int yr = yOff + r * cols;
            for (int c = 0; c < cols; c++) {
                float d = y[yr + c] > 0f ? dy[dr + c] : 0f;
                dy[dr + c] = d;
                dBias[dBiasOff + c] += d;
            }
        }
    }

    @Override
    public float softmaxCrossEntropy(float[] logits, int logitsOff, int rows, int cols, int[] labels, int labelsOff,
                                     float[] grad, int gradOff) {
        checkLabels(rows, cols, labels, labelsOff);
        double loss = 0;
        float inv = 1f / rows;
        for (int r = 0; r < rows; r++) {
            int in = logitsOff + r * cols;
            int out = gradOff + r * cols;
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) {
                max = Math.max(max, logits[in + c]);
            }
            int label = labels[labelsOff + r];
            float shiftedLabel = logits[in + label] - max;
            float sum = 0f;
            for (int c = 0; c < cols; c++) {
                float e = (float) Math.exp(logits[in + c] - max);
                grad[out + c] = e;
                sum += e;
            }
            loss += Math.log(sum) - shiftedLabel;
            float scale = inv / sum;
            for (int c = 0; c < cols; c++) {
                grad[out + c] *= scale;
            }
            grad[out + label] -= inv;
        }
        return (float) (loss / rows);
    }

    /** Checks that every label of the rows is a class index in {@code [0, cols)}. */
    static void checkLabels(int rows, int cols, int[] labels, int labelsOff) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("softmaxCrossEntropy needs at least one row and one class; got "
                    + rows + " × " + cols);
        }
        for (int r = 0; r < rows; r++) {
            int label = labels[labelsOff + r];
            if (label < 0 || label >= cols) {
                throw new IllegalArgumentException("label " + label + " of row " + r + " is not a class index;"
                        + " allowed: 0 to " + (cols - 1));
            }
        }
    }

    @Override
    public void adamUpdate(float[] w, int wOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff, int n,
                           float lr, float beta1, float beta2, float eps, float weightDecay, boolean decoupled,
                           int step) {
        AdamStep.check(beta1, beta2, eps, step);
        float l2 = AdamStep.l2(weightDecay, decoupled);
        float decay = AdamStep.decay(lr, weightDecay, decoupled);
        float oneMinusBeta1 = 1f - beta1;
        float oneMinusBeta2 = 1f - beta2;
        float stepSize = AdamStep.stepSize(lr, beta1, step);
        float invSqrtBias2 = AdamStep.invSqrtBias2(beta2, step);
        for (int i = 0; i < n; i++) {
            float wi = w[wOff + i];
            float gi = g[gOff + i] + l2 * wi;
            float mi = flushSubnormal(beta1 * m[mOff + i] + oneMinusBeta1 * gi);
            float vi = flushSubnormal(beta2 * v[vOff + i] + oneMinusBeta2 * gi * gi);
            m[mOff + i] = mi;
            v[vOff + i] = vi;
            float denom = (float) Math.sqrt(vi) * invSqrtBias2 + eps;
            w[wOff + i] = wi * decay - stepSize * mi / denom;
        }
    }

    @Override
    public void sgdUpdate(float[] w, int wOff, float[] g, int gOff, float[] velocity, int velocityOff, int n,
                          float lr, float momentum, float weightDecay, boolean nesterov) {
        for (int i = 0; i < n; i++) {
            float wi = w[wOff + i];
            float d = g[gOff + i] + weightDecay * wi;
            if (momentum != 0f) {
                float b = flushSubnormal(momentum * velocity[velocityOff + i] + d);
                velocity[velocityOff + i] = b;
                d = nesterov ? d + momentum * b : b;
            }
            w[wOff + i] = wi - lr * d;
        }
    }

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

    // ---- small products (the reference versions) ----

    @Override
    public void rowGemm(boolean transA, int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                        float[] bias, int biasOff, float floor, float[] c, int cOff, int ldc) {
        int step = transA ? lda : 1; // from op(A)[i][p] to op(A)[i][p + 1]
        int row = transA ? 1 : lda;  // from op(A)[i][p] to op(A)[i + 1][p]
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * row;
            int ci = cOff + i * ldc;
            java.util.Arrays.fill(c, ci, ci + n, 0f);
            for (int p = 0; p < k; p++) {
                float av = a[ai + p * step];
                int bp = bOff + p * ldb;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += av * b[bp + j];
                }
            }
            for (int j = 0; j < n; j++) {
                c[ci + j] = Math.max(floor, bias != null ? c[ci + j] + bias[biasOff + j] : c[ci + j]);
            }
        }
    }

    @Override
    public void dotGemm(int m, int n, int k, float[] a, int aOff, int lda, float[] bt, int btOff, int ldbt,
                        float[] bias, int biasOff, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * lda;
            for (int j = 0; j < n; j++) {
                int bj = btOff + j * ldbt;
                float s = 0f;
                for (int p = 0; p < k; p++) {
                    s += a[ai + p] * bt[bj + p];
                }
                c[cOff + i * ldc + j] = bias != null ? s + bias[biasOff + j] : s;
            }
        }
    }
}
