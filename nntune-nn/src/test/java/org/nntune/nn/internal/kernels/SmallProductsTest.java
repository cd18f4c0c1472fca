package org.nntune.nn.internal.kernels;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The small products of a dense layer ({@link Kernels#rowGemm}, {@link Kernels#dotGemm}): every
 * fast path against the reference GEMM on awkward sizes (below, at and across a vector's width,
 * iris' 4 × 50…150 × 3 shapes), with offsets and leading dimensions wider than the matrices.
 */
class SmallProductsTest {
    private static final Kernels REF = KernelProvider.reference();
    private static final int[] ROWS = {1, 3, 4, 5, 13, 96};
    private static final int[] COLS = {1, 3, 7, 15, 16, 17, 33, 50, 67, 150};
    private static final int[] SUMS = {1, 3, 4, 13, 96};

    private static float[] random(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return x;
    }

    private static void assertClose(float[] expected, float[] actual, double tol, String what) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs((double) actual[i] - expected[i]) <= tol * Math.max(1, Math.abs(expected[i])))) {
                fail("%s at %d: %s, reference %s", what, i, actual[i], expected[i]);
            }
        }
    }

    /** C = op(A)·B + bias, then max(floor, ·), by the reference GEMM and bias kernels; untouched outside the m × n block. */
    private static float[] reference(boolean transA, int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff,
                                     int ldb, float[] bias, int biasOff, float floor, float[] c, int cOff, int ldc) {
        float[] out = c.clone();
        REF.gemm(transA, false, m, n, k, 1f, a, aOff, lda, b, bOff, ldb, 0f, out, cOff, ldc);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int o = cOff + i * ldc + j;
                out[o] = Math.max(floor, bias != null ? out[o] + bias[biasOff + j] : out[o]);
            }
        }
        return out;
    }

    @Test
    void rowGemmMatchesTheGemmOnEveryPath() {
        SplittableRandom rnd = new SplittableRandom(21);
        for (int m : ROWS) {
            for (int n : COLS) {
                for (int k : SUMS) {
                    for (boolean transA : new boolean[] {false, true}) {
                        int aOff = rnd.nextInt(3), bOff = rnd.nextInt(3), cOff = rnd.nextInt(3), biasOff = rnd.nextInt(3);
                        int lda = (transA ? m : k) + rnd.nextInt(2), ldb = n + rnd.nextInt(2), ldc = n + rnd.nextInt(2);
                        float[] a = random(rnd, aOff + (transA ? k : m) * lda);
                        float[] b = random(rnd, bOff + k * ldb);
                        float[] c = random(rnd, cOff + m * ldc); // overwritten in the block, kept around it
                        float[] bias = rnd.nextBoolean() ? random(rnd, biasOff + n) : null;
                        float floor = rnd.nextBoolean() ? 0f : Float.NEGATIVE_INFINITY;
                        float[] expected = reference(transA, m, n, k, a, aOff, lda, b, bOff, ldb, bias, biasOff, floor, c, cOff, ldc);
                        for (Kernels kernels : FusedKernelsTest.fast()) {
                            float[] out = c.clone();
                            kernels.rowGemm(transA, m, n, k, a, aOff, lda, b, bOff, ldb, bias, biasOff, floor, out, cOff, ldc);
                            assertClose(expected, out, 1e-6 * k, kernels.name() + " rowGemm " + (transA ? "Aᵀ " : "") + m + "×" + n
                                    + "×" + k + (bias != null ? " +bias" : "") + (floor == 0f ? " relu" : ""));
                        }
                    }
                }
            }
        }
    }

    @Test
    void rowGemmGivesTheSameFloatsAsTheSameKernelsGemmThenBias() {
        // the claim that lets a layer switch paths without changing its numbers: same sums, same order
        SplittableRandom rnd = new SplittableRandom(22);
        for (Kernels kernels : FusedKernelsTest.fast()) {
            for (int[] s : new int[][] {{96, 150, 4}, {96, 50, 3}, {3, 100, 96}, {4, 150, 96}, {5, 17, 13}}) {
                int m = s[0], n = s[1], k = s[2];
                for (boolean transA : new boolean[] {false, true}) {
                    float[] a = random(rnd, m * k);
                    float[] b = random(rnd, k * n);
                    float[] bias = random(rnd, n);
                    float[] viaGemm = new float[m * n];
                    kernels.gemm(transA, false, m, n, k, 1f, a, 0, transA ? m : k, b, 0, n, 0f, viaGemm, 0, n);
                    kernels.addRowVector(viaGemm, 0, m, n, bias, 0);
                    float[] out = new float[m * n];
                    kernels.rowGemm(transA, m, n, k, a, 0, transA ? m : k, b, 0, n, bias, 0, Float.NEGATIVE_INFINITY, out, 0, n);
                    assertThat(out).as(kernels.name() + " " + m + "×" + n + "×" + k + (transA ? " Aᵀ" : "")).containsExactly(viaGemm);
                }
            }
        }
    }

    @Test
    void dotGemmMatchesTheGemmOnEveryPath() {
        SplittableRandom rnd = new SplittableRandom(23);
        for (int m : ROWS) {
            for (int n : new int[] {1, 2, 3, 4, 5, 9}) {
                for (int k : new int[] {1, 7, 15, 16, 17, 50, 100, 150}) {
                    int aOff = rnd.nextInt(3), btOff = rnd.nextInt(3), cOff = rnd.nextInt(3), biasOff = rnd.nextInt(3);
                    int lda = k + rnd.nextInt(2), ldbt = k + rnd.nextInt(2), ldc = n + rnd.nextInt(2);
                    float[] a = random(rnd, aOff + m * lda);
                    float[] bt = random(rnd, btOff + n * ldbt);
                    float[] c = random(rnd, cOff + m * ldc);
                    float[] bias = rnd.nextBoolean() ? random(rnd, biasOff + n) : null;
                    float[] expected = c.clone();
                    REF.gemm(false, true, m, n, k, 1f, a, aOff, lda, bt, btOff, ldbt, 0f, expected, cOff, ldc);
                    if (bias != null) {
                        for (int i = 0; i < m; i++) {
                            for (int j = 0; j < n; j++) {
                                expected[cOff + i * ldc + j] += bias[biasOff + j];
                            }
                        }
                    }
                    for (Kernels kernels : FusedKernelsTest.fast()) {
                        float[] out = c.clone();
                        kernels.dotGemm(m, n, k, a, aOff, lda, bt, btOff, ldbt, bias, biasOff, out, cOff, ldc);
                        assertClose(expected, out, 1e-6 * k, kernels.name() + " dotGemm " + m + "×" + n + "×" + k
                                + (bias != null ? " +bias" : ""));
                    }
                }
            }
        }
    }

    @Test
    void theReferenceSmallProductsFollowTheirDefinitions() {
        // A = [[1, 2], [3, 4]], B = [[1, 0, -1], [2, 1, 0]], bias = [0.5, -10, 0]
        float[] a = {1, 2, 3, 4};
        float[] b = {1, 0, -1, 2, 1, 0};
        float[] bias = {0.5f, -10, 0};
        float[] c = new float[6];
        REF.rowGemm(false, 2, 3, 2, a, 0, 2, b, 0, 3, bias, 0, Float.NEGATIVE_INFINITY, c, 0, 3);
        assertThat(c).containsExactly(5.5f, -8, -1, 11.5f, -6, -3);
        REF.rowGemm(true, 2, 3, 2, a, 0, 2, b, 0, 3, null, 0, 0f, c, 0, 3); // Aᵀ = [[1, 3], [2, 4]], ReLU
        assertThat(c).containsExactly(7, 3, 0, 10, 4, 0);
        float[] bt = {1, 2, 0, 1, -1, 0}; // B as above, transposed
        REF.dotGemm(2, 3, 2, a, 0, 2, bt, 0, 2, bias, 0, c, 0, 3);
        assertThat(c).containsExactly(5.5f, -8, -1, 11.5f, -6, -3);
    }
}
