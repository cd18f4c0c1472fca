package org.nntune.nn.internal.kernels;

/**
 * The {@code java} path: plain Java, fast. GEMM is the packed, cache-blocked, multi-threaded
 * {@link PackedGemm} on the plain-Java {@link JavaMicroKernel}; the batch convolution and pooling
 * kernels split over the threads ({@link Convolution}) with run-wise im2col / col2im; the
 * element-wise kernels are the reference's, called by name (the GEMM and convolution plumbing is
 * {@link PackedKernels}', shared with the {@code vector} path). What runs when the Vector API is
 * absent, disabled or does not help ({@code -Dnntune.kernels=java} forces it).
 */
final class JavaKernels extends PackedKernels {
    private static final PackedGemm GEMM = new PackedGemm(new JavaMicroKernel(), 256, 64, 2048);
    private static final ReferenceKernels REF = new ReferenceKernels();

    JavaKernels(int threads) {
        super(threads, GEMM);
    }

    @Override
    public String name() {
        return "java";
    }

    /** The name and GEMM register tile, for the start-up log line. */
    @Override
    public String toString() {
        return name() + " (plain Java, GEMM tile " + GEMM.tiling() + ")";
    }

    @Override
    public Kernels withThreads(int threads) {
        return threads == this.threads ? this : new JavaKernels(threads);
    }

    @Override
    public void maskedCopyRowSums(float[] src, float[] mask, int off, int rows, int cols, float[] dst,
                                  float[] rowSums, int sumsOff) {
        REF.maskedCopyRowSums(src, mask, off, rows, cols, dst, rowSums, sumsOff);
    }

    @Override
    public void gemmRowDots(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float beta, float[] c, int cOff, int ldc) {
        gemmInPart(false, true, m, n, k, 1f, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    @Override
    public void maxPoolPlanes(float[] x, int height, int width, int ph, int pw, int strideH, int strideW,
                              float[] y, int[] argmax, int p0, int p1) {
        REF.maxPoolPlanes(x, height, width, ph, pw, strideH, strideW, y, argmax, p0, p1);
    }

    // ---- element-wise kernels, optimiser steps and small products: the reference's ----

    @Override
    public void addRowVector(float[] x, int off, int rows, int cols, float[] v, int vOff) {
        REF.addRowVector(x, off, rows, cols, v, vOff);
    }

    @Override
    public void sumRows(float[] x, int off, int rows, int cols, float[] dst, int dstOff) {
        REF.sumRows(x, off, rows, cols, dst, dstOff);
    }

    @Override
    public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        REF.axpy(n, alpha, x, xOff, y, yOff);
    }

    @Override
    public void scale(int n, float alpha, float[] x, int off) {
        REF.scale(n, alpha, x, off);
    }

    @Override
    public double sumSquares(float[] x, int off, int n) {
        return REF.sumSquares(x, off, n);
    }

    @Override
    public void relu(float[] x, int xOff, float[] y, int yOff, int n) {
        REF.relu(x, xOff, y, yOff, n);
    }

    @Override
    public void reluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        REF.reluBackward(x, xOff, dy, dyOff, dx, dxOff, n);
    }

    @Override
    public void transpose(float[] src, int srcOff, int rows, int cols, float[] dst, int dstOff) {
        REF.transpose(src, srcOff, rows, cols, dst, dstOff);
    }

    @Override
    public void addBiasRelu(float[] y, int yOff, int rows, int cols, float[] bias, int biasOff) {
        REF.addBiasRelu(y, yOff, rows, cols, bias, biasOff);
    }

    @Override
    public void reluBackwardBiasGrad(float[] dy, int dyOff, float[] y, int yOff, int rows, int cols,
                                     float[] dBias, int dBiasOff) {
        REF.reluBackwardBiasGrad(dy, dyOff, y, yOff, rows, cols, dBias, dBiasOff);
    }

    @Override
    public float softmaxCrossEntropy(float[] logits, int logitsOff, int rows, int cols, int[] labels, int labelsOff,
                                     float[] grad, int gradOff) {
        return REF.softmaxCrossEntropy(logits, logitsOff, rows, cols, labels, labelsOff, grad, gradOff);
    }

    @Override
    public void adamUpdate(float[] w, int wOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff, int n,
                           float lr, float beta1, float beta2, float eps, float weightDecay, boolean decoupled,
                           int step) {
        REF.adamUpdate(w, wOff, g, gOff, m, mOff, v, vOff, n, lr, beta1, beta2, eps, weightDecay, decoupled, step);
    }

    @Override
    public void sgdUpdate(float[] w, int wOff, float[] g, int gOff, float[] velocity, int velocityOff, int n,
                          float lr, float momentum, float weightDecay, boolean nesterov) {
        REF.sgdUpdate(w, wOff, g, gOff, velocity, velocityOff, n, lr, momentum, weightDecay, nesterov);
    }

    @Override
    public void rowGemm(boolean transA, int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                        float[] bias, int biasOff, float floor, float[] c, int cOff, int ldc) {
        REF.rowGemm(transA, m, n, k, a, aOff, lda, b, bOff, ldb, bias, biasOff, floor, c, cOff, ldc);
    }

    @Override
    public void dotGemm(int m, int n, int k, float[] a, int aOff, int lda, float[] bt, int btOff, int ldbt,
                        float[] bias, int biasOff, float[] c, int cOff, int ldc) {
        REF.dotGemm(m, n, k, a, aOff, lda, bt, btOff, ldbt, bias, biasOff, c, cOff, ldc);
    }

    @Override
    public void lstmCell(int hidden, float[] act, int actOff, float[] gh, int ghOff, float[] c, int cOff,
                         float[] cells, int cellsOff, float[] h, int hOff, float[] out, int outOff) {
        for (int j = 0; j < hidden; j++) {
            FloatMath.lstmUnit(FloatMath.Precision.FLOAT, hidden, j, act, actOff, gh, ghOff, c, cOff, cells, cellsOff, h, hOff, out, outOff);
        }
    }

    @Override
    public void lstmCellBackward(int hidden, float[] act, int actOff, float[] cells, int cellOff, int prevCellOff,
                                 float[] dh, int dhOff, float[] dc, int dcOff, float[] dGates, int dGatesOff) {
        for (int j = 0; j < hidden; j++) {
            FloatMath.lstmBackwardUnit(FloatMath.Precision.FLOAT, hidden, j, act, actOff, cells, cellOff, prevCellOff, dh, dhOff,
                    dc, dcOff, dGates, dGatesOff);
        }
    }

    @Override
    public void gruCell(int hidden, float[] act, int actOff, float[] gh, int ghOff, float[] biasHh, float[] hn, int hnOff,
                        float[] h, int hOff, float[] out, int outOff) {
        for (int j = 0; j < hidden; j++) {
            FloatMath.gruUnit(FloatMath.Precision.FLOAT, hidden, j, act, actOff, gh, ghOff, biasHh, hn, hnOff, h, hOff, out, outOff);
        }
    }

    @Override
    public void gruCellBackward(int hidden, float[] act, int actOff, float[] hn, int hnOff, float[] prev, int prevOff,
                                float[] dh, int dhOff, float[] dGates, int dGatesOff, float[] dGh, int dGhOff) {
        for (int j = 0; j < hidden; j++) {
            FloatMath.gruBackwardUnit(hidden, j, act, actOff, hn, hnOff, prev, prevOff, dh, dhOff, dGates, dGatesOff, dGh, dGhOff);
        }
    }
}
