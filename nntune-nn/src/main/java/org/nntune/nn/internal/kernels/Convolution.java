package org.nntune.nn.internal.kernels;

/**
 * The batch convolution and pooling kernels of a path: {@link Kernels#conv2dForward},
 * {@link Kernels#conv2dBackward}, {@link Kernels#maxPool2d} and the others split over the
 * images or planes and run on the path's threads, each part through the path's one-thread
 * {@link ConvSteps}. With one thread (the reference) everything runs in order on the caller.
 * Also the run-wise im2col / col2im that the fast paths share: they copy whole runs of a row at
 * once (no per-element bounds test; with stride 1 a run is one {@code System.arraycopy} or one
 * vectorisable loop).
 */
final class Convolution {
    /** Below this many values moved, a batch pooling pass runs on one thread. */
    static final int PARALLEL_MIN_VALUES = 1 << 17;

    private final ConvSteps steps;
    private final int threads;

    Convolution(ConvSteps steps, int threads) {
        this.steps = steps;
        this.threads = KernelThreads.checkThreads(threads);
    }

    void im2col(float[] src, int srcOff, int channels, int height, int width, int kh, int kw,
                int strideH, int strideW, int padH, int padW, float[] cols, int colsOff) {
        int ld = Kernels.outSize(height, kh, strideH, padH) * Kernels.outSize(width, kw, strideW, padW);
        steps.im2colRows(src, srcOff, channels, height, width, kh, kw, strideH, strideW, padH, padW, cols, colsOff, ld);
    }

    void col2im(float[] cols, int colsOff, int channels, int height, int width, int kh, int kw,
                int strideH, int strideW, int padH, int padW, float[] dst, int dstOff) {
        int ld = Kernels.outSize(height, kh, strideH, padH) * Kernels.outSize(width, kw, strideW, padW);
        steps.col2imRows(cols, colsOff, ld, channels, height, width, kh, kw, strideH, strideW, padH, padW, dst, dstOff);
    }

    /** How many parts a batch-wide pass over {@code units} units and {@code values} values splits into. */
    private int parts(int units, long values) {
        return threads <= 1 || values < PARALLEL_MIN_VALUES ? 1 : Math.min(units, threads);
    }

    /** Threads for a convolution over {@code images} images: one per group, none for a small call. */
    private int convParts(ConvShape s, int images) {
        long macs = (long) images * s.outputSize() * s.k();
        return threads <= 1 || macs < PackedGemm.PARALLEL_MIN_FLOPS / 2 ? 1 : Math.min(threads, s.groups(images));
    }

    void conv2dForward(ConvShape s, float[] x, int images, float[] w, float[] bias, boolean relu, float[] y) {
        if (convParts(s, images) == 1) {
            forwardImages(s, x, w, bias, relu, y, 0, images);
            return;
        }
        int groups = s.groups(images);
        KernelThreads.run(threads, groups, g -> forwardImages(s, x, w, bias, relu, y,
                ConvShape.groupStart(g, groups, images), ConvShape.groupStart(g + 1, groups, images)));
    }

    void conv2dBackward(ConvShape s, float[] x, float[] dy, float[] mask, int images, float[] w,
                        float[] dw, float[] db, float[] dx, float[] partials) {
        int groups = s.groups(images);
        if (convParts(s, images) == 1) {
            for (int g = 0; g < groups; g++) {
                backwardGroup(s, x, dy, mask, images, w, dx, partials, g);
            }
        } else {
            KernelThreads.run(threads, groups, g -> backwardGroup(s, x, dy, mask, images, w, dx, partials, g));
        }
        sumPartials(s, groups, partials, dw, db);
    }

    void maxPool2d(float[] x, int planes, int height, int width, int ph, int pw, int strideH, int strideW,
                   float[] y, int[] argmax) {
        int parts = parts(planes, (long) planes * height * width);
        if (parts == 1) {
            steps.maxPoolPlanes(x, height, width, ph, pw, strideH, strideW, y, argmax, 0, planes);
            return;
        }
        KernelThreads.run(threads, parts, part -> steps.maxPoolPlanes(x, height, width, ph, pw, strideH, strideW,
                y, argmax, planes * part / parts, planes * (part + 1) / parts));
    }

    void maxPool2dBackward(float[] dy, int[] argmax, int planes, int height, int width, int outH, int outW,
                           float[] dx) {
        int parts = parts(planes, (long) planes * height * width);
        if (parts == 1) {
            maxPoolBackwardPlanes(dy, argmax, height, width, outH, outW, dx, 0, planes);
            return;
        }
        KernelThreads.run(threads, parts, part -> maxPoolBackwardPlanes(dy, argmax, height, width, outH, outW, dx,
                planes * part / parts, planes * (part + 1) / parts));
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

    /** {@link #conv2dForward} for images [i0, i1) only. */
    private void forwardImages(ConvShape s, float[] x, float[] w, float[] bias, boolean relu, float[] y, int i0, int i1) {
        ConvScratch scratch = CONV_SCRATCH.get().fit(s, false);
        float[] cols = scratch.cols;
        int k = s.k(), hw = s.positions(), outSize = s.outputSize(), inSize = s.inputSize();
        for (int i = i0; i < i1; i++) {
            steps.im2colRows(x, i * inSize, s.channels(), s.height(), s.width(), s.kh(), s.kw(), s.strideH(), s.strideW(),
                    s.padH(), s.padW(), cols, 0, hw);
            steps.gemmInPart(false, false, s.filters(), hw, k, 1f, w, 0, k, cols, 0, hw, 0f, y, i * outSize, hw);
            addBiasPerRow(y, i * outSize, s.filters(), hw, bias, relu);
        }
    }

    /** {@code x[r][j] = act(x[r][j] + bias[r])} over a rows × cols block at {@code off}, act the identity or ReLU. */
    private static void addBiasPerRow(float[] x, int off, int rows, int cols, float[] bias, boolean relu) {
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
     * Group {@code g}'s part of {@link #conv2dBackward}: for each of its images, the masked output
     * gradient G (filters × positions) and the bias gradient (its row sums), the columns C again,
     * the transposed weight gradient dWᵀ += C · Gᵀ (k × filters; C is read where it lies), and the
     * input gradient col2im(Wᵀ · G); the group's sums go to its part of {@code partials}
     * (k × filters, then filters).
     */
    private void backwardGroup(ConvShape s, float[] x, float[] dy, float[] mask, int images, float[] w,
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
            steps.maskedCopyRowSums(dy, mask, i * outSize, filters, hw, grad, partials, biasPart);
            steps.im2colRows(x, i * inSize, s.channels(), s.height(), s.width(), s.kh(), s.kw(), s.strideH(), s.strideW(),
                    s.padH(), s.padW(), cols, 0, hw);
            steps.gemmRowDots(k, filters, hw, cols, 0, hw, grad, 0, hw, i == i0 ? 0f : 1f, partials, part, filters);
            if (dx != null) {
                steps.gemmInPart(true, false, k, hw, filters, 1f, w, 0, k, grad, 0, hw, 0f, scratch.dcols, 0, hw);
                java.util.Arrays.fill(dx, i * inSize, (i + 1) * inSize, 0f);
                steps.col2imRows(scratch.dcols, 0, hw, s.channels(), s.height(), s.width(), s.kh(), s.kw(), s.strideH(),
                        s.strideW(), s.padH(), s.padW(), dx, i * inSize);
            }
        }
        if (i0 == i1) {
            java.util.Arrays.fill(partials, part, biasPart, 0f);
        }
    }

    /** dw (filters × k) and db from the groups' parts (dWᵀ, k × filters, then the bias sums), added in group order. */
    private static void sumPartials(ConvShape s, int groups, float[] partials, float[] dw, float[] db) {
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

    /** {@link #maxPool2dBackward} for planes [p0, p1) only. */
    private static void maxPoolBackwardPlanes(float[] dy, int[] argmax, int height, int width, int outH, int outW,
                                               float[] dx, int p0, int p1) {
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

    /** {@link ConvSteps#im2colRows} a run of a row at a time: the fast paths' image to columns. */
    static void im2colRuns(float[] src, int srcOff, int channels, int height, int width, int kh, int kw,
                           int strideH, int strideW, int padH, int padW, float[] cols, int colsOff, int ldCols) {
        int outH = Kernels.outSize(height, kh, strideH, padH);
        int outW = Kernels.outSize(width, kw, strideW, padW);
        int row = colsOff;
        for (int ch = 0; ch < channels; ch++) {
            int plane = srcOff + ch * height * width;
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++) {
                    // the output columns whose input column x = ox·stride − pad + kx lies inside the image
                    int ox0 = Math.min(outW, firstInside(kx - padW, strideW));
                    int ox1 = Math.max(ox0, Math.min(outW, lastInside(width - 1 + padW - kx, strideW) + 1));
                    for (int oy = 0; oy < outH; oy++) {
                        int y = oy * strideH - padH + ky;
                        int dst = row + oy * outW;
                        if (y < 0 || y >= height) {
                            java.util.Arrays.fill(cols, dst, dst + outW, 0f);
                            continue;
                        }
                        java.util.Arrays.fill(cols, dst, dst + ox0, 0f);
                        // ox0 == ox1 when this kx sees only padding (padding as wide as the image): then s lies
                        // outside the row, maybe outside the array, and System.arraycopy checks it even for no values
                        int s = plane + y * width + ox0 * strideW - padW + kx;
                        if (ox1 > ox0 && strideW == 1) {
                            System.arraycopy(src, s, cols, dst + ox0, ox1 - ox0);
                        } else {
                            for (int ox = ox0; ox < ox1; ox++, s += strideW) {
                                cols[dst + ox] = src[s];
                            }
                        }
                        java.util.Arrays.fill(cols, dst + ox1, dst + outW, 0f);
                    }
                    row += ldCols;
                }
            }
        }
    }

    /** {@link ConvSteps#col2imRows} a run of a row at a time: the fast paths' columns back to the image. */
    static void col2imRuns(float[] cols, int colsOff, int ldCols, int channels, int height, int width, int kh, int kw,
                           int strideH, int strideW, int padH, int padW, float[] dst, int dstOff) {
        int outH = Kernels.outSize(height, kh, strideH, padH);
        int outW = Kernels.outSize(width, kw, strideW, padW);
        int row = colsOff;
        for (int ch = 0; ch < channels; ch++) {
            int plane = dstOff + ch * height * width;
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++) {
                    int ox0 = Math.min(outW, firstInside(kx - padW, strideW));
                    int ox1 = Math.max(ox0, Math.min(outW, lastInside(width - 1 + padW - kx, strideW) + 1));
                    for (int oy = 0; oy < outH; oy++) {
                        int y = oy * strideH - padH + ky;
                        if (y < 0 || y >= height) {
                            continue;
                        }
                        int src = row + oy * outW;
                        int d = plane + y * width + ox0 * strideW - padW + kx;
                        if (strideW == 1) {
                            int shift = d - ox0;
                            for (int ox = ox0; ox < ox1; ox++) {
                                dst[shift + ox] += cols[src + ox];
                            }
                        } else {
                            for (int ox = ox0; ox < ox1; ox++, d += strideW) {
                                dst[d] += cols[src + ox];
                            }
                        }
                    }
                    row += ldCols;
                }
            }
        }
    }

    /** The least ox ≥ 0 with ox·stride + offset ≥ 0. */
    private static int firstInside(int offset, int stride) {
        return offset >= 0 ? 0 : (-offset + stride - 1) / stride;
    }

    /** The greatest ox with ox·stride ≤ limit (−1 when limit &lt; 0). */
    private static int lastInside(int limit, int stride) {
        return limit < 0 ? -1 : limit / stride;
    }
}
