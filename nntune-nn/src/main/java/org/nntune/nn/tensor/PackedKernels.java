package org.nntune.nn.tensor;

/**
 * The base of the fast kernels: the reference kernels with GEMM run by a {@link PackedGemm} on a
 * thread budget, and im2col / col2im that copy whole runs of a row at once (no per-element
 * bounds test; with stride 1 a run is one {@code System.arraycopy} or one vectorisable loop).
 * Subclasses give the micro-kernel (plain Java or Vector API) and override further hot methods.
 */
abstract class PackedKernels extends PlainKernels {
    private final PackedGemm packedGemm;
    private final int threads;

    PackedKernels(PackedGemm packedGemm, int threads) {
        this.packedGemm = packedGemm;
        this.threads = Parallelism.checkThreads(threads);
    }

    /** The same kernels with another thread budget. */
    abstract PackedKernels copy(int threads);

    @Override
    public final int threads() {
        return threads;
    }

    @Override
    public final Kernels withThreads(int threads) {
        return threads == this.threads ? this : copy(threads);
    }

    /** The GEMM register tile, e.g. {@code "8x32"}. */
    final String tiling() {
        return packedGemm.tiling();
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        packedGemm.gemm(threads, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** Below this many values moved, a batch im2col / col2im / layout change runs on one thread. */
    static final int PARALLEL_MIN_VALUES = 1 << 17;

    /** How many parts a batch-wide pass over {@code units} units and {@code values} values splits into. */
    private int parts(int units, long values) {
        return threads <= 1 || values < PARALLEL_MIN_VALUES ? 1 : Math.min(units, threads);
    }

    @Override
    final void gemmInPart(boolean transA, boolean transB, int m, int n, int k, float alpha,
                          float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                          float beta, float[] c, int cOff, int ldc) {
        packedGemm.gemm(1, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** Threads for a convolution over {@code images} images: one per group, none for a small call. */
    private int convParts(ConvShape s, int images) {
        long macs = (long) images * s.outputSize() * s.k();
        return threads <= 1 || macs < PackedGemm.PARALLEL_MIN_FLOPS / 2 ? 1 : Math.min(threads, s.groups(images));
    }

    @Override
    public void conv2dForward(ConvShape s, float[] x, int images, float[] w, float[] bias, boolean relu, float[] y) {
        if (convParts(s, images) == 1) {
            conv2dForward(s, x, w, bias, relu, y, 0, images);
            return;
        }
        int groups = s.groups(images);
        Parallelism.run(threads, groups, g -> conv2dForward(s, x, w, bias, relu, y,
                ConvShape.groupStart(g, groups, images), ConvShape.groupStart(g + 1, groups, images)));
    }

    @Override
    public void conv2dBackward(ConvShape s, float[] x, float[] dy, float[] mask, int images, float[] w,
                               float[] dw, float[] db, float[] dx, float[] partials) {
        int groups = s.groups(images);
        if (convParts(s, images) == 1) {
            for (int g = 0; g < groups; g++) {
                conv2dBackwardGroup(s, x, dy, mask, images, w, dx, partials, g);
            }
        } else {
            Parallelism.run(threads, groups, g -> conv2dBackwardGroup(s, x, dy, mask, images, w, dx, partials, g));
        }
        sumPartials(s, groups, partials, dw, db);
    }

    @Override
    public void maxPool2d(float[] x, int planes, int height, int width, int ph, int pw, int strideH, int strideW,
                          float[] y, int[] argmax) {
        int parts = parts(planes, (long) planes * height * width);
        if (parts == 1) {
            maxPool2d(x, height, width, ph, pw, strideH, strideW, y, argmax, 0, planes);
            return;
        }
        Parallelism.run(threads, parts, part -> maxPool2d(x, height, width, ph, pw, strideH, strideW, y, argmax,
                planes * part / parts, planes * (part + 1) / parts));
    }

    @Override
    public void maxPool2dBackward(float[] dy, int[] argmax, int planes, int height, int width, int outH, int outW,
                                  float[] dx) {
        int parts = parts(planes, (long) planes * height * width);
        if (parts == 1) {
            maxPool2dBackward(dy, argmax, height, width, outH, outW, dx, 0, planes);
            return;
        }
        Parallelism.run(threads, parts, part -> maxPool2dBackward(dy, argmax, height, width, outH, outW, dx,
                planes * part / parts, planes * (part + 1) / parts));
    }

    @Override
    void im2colRows(float[] src, int srcOff, int channels, int height, int width, int kh, int kw,
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
                        int s = plane + y * width + ox0 * strideW - padW + kx;
                        if (strideW == 1) {
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

    @Override
    void col2imRows(float[] cols, int colsOff, int ldCols, int channels, int height, int width, int kh, int kw,
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
