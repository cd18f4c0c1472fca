package org.nntune.nn.internal.kernels;

/** Argument checks and the trivial cases of GEMM, shared by its implementations. */
final class GemmArgs {
    private GemmArgs() {}

    /**
     * Checks the sizes, leading dimensions and offsets of a GEMM call against its arrays, with a
     * message naming the offending argument.
     */
    static void check(boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("gemm sizes m=" + m + " n=" + n + " k=" + k + " must not be negative");
        }
        matrix("A", transA ? k : m, transA ? m : k, a, aOff, lda);
        matrix("B", transB ? n : k, transB ? k : n, b, bOff, ldb);
        matrix("C", m, n, c, cOff, ldc);
    }

    private static void matrix(String name, int rows, int cols, float[] x, int off, int ld) {
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException("gemm: leading dimension of " + name + " is " + ld
                    + "; allowed: at least its stored row length " + Math.max(1, cols));
        }
        if (rows == 0 || cols == 0) {
            return;
        }
        long last = off + (long) (rows - 1) * ld + cols - 1;
        if (off < 0 || last >= x.length) {
            throw new IllegalArgumentException("gemm: " + name + " (" + rows + " × " + cols + " stored at offset "
                    + off + " with leading dimension " + ld + ") needs an array of at least " + (last + 1)
                    + " floats; it has " + x.length);
        }
    }

    /** C = beta · C over an m × n block; beta = 0 writes zeros whatever C held. */
    static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        if (beta == 1f) {
            return;
        }
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (beta == 0f) {
                java.util.Arrays.fill(c, ci, ci + n, 0f);
            } else {
                for (int j = 0; j < n; j++) {
                    c[ci + j] *= beta;
                }
            }
        }
    }
}
