package org.nntune.nn.internal.kernels;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * The fast GEMMs (Vector API and plain-Java, on one and two threads) against the simple
 * reference, on random matrices of awkward sizes, in all four transpose combinations, with padded
 * leading dimensions, offsets, and several alpha and beta — within a float tolerance that grows
 * with k (both sides round every partial sum, in different orders).
 */
class GemmCrossCheckTest {
    private static final Kernels REFERENCE = KernelProvider.reference();

    /** m, n, k: odd sizes, every dimension 1, edges of every tile and cache block. */
    private static final int[][] SHAPES = {
            {1, 1, 1}, {7, 13, 1}, {13, 7, 127}, {1, 1023, 13}, {1023, 1, 7}, {127, 127, 127},
            {7, 1023, 1023}, {1023, 13, 1023}, {300, 257, 129}, {3, 2100, 5}, {129, 65, 1100},
            {1023, 1023, 7}, {17, 33, 0},
    };

    /**
     * The fast kernels of this run: the active ones on 1 and 2 threads, java, and vector when it can
     * run, with each of its GEMM register tiles (8 rows, 6 rows) whatever this machine's width prefers.
     */
    static List<Kernels> fastKernels() {
        List<Kernels> list = new ArrayList<>();
        list.add(KernelProvider.get(1));
        list.add(KernelProvider.get(2));
        list.add(new JavaKernels(1));
        list.add(new JavaKernels(2));
        if (!KernelProviderTest.forcedJava() && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            // the vector path's own choice of tile is one of these two
            for (int threads = 1; threads <= 2; threads++) {
                VectorKernels vector = (VectorKernels) KernelProvider.choose("vector", threads).kernels();
                list.add(vector.withTileRows(8));
                list.add(vector.withTileRows(6));
            }
        }
        return list;
    }

    private record Case(boolean ta, boolean tb, int m, int n, int k, float alpha, float beta,
                        float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {

        static Case random(SplittableRandom rnd, boolean ta, boolean tb, int m, int n, int k, float alpha, float beta) {
            int aRows = ta ? k : m, aCols = ta ? m : k;
            int bRows = tb ? n : k, bCols = tb ? k : n;
            int lda = Math.max(1, aCols) + rnd.nextInt(4), ldb = Math.max(1, bCols) + rnd.nextInt(4);
            int ldc = Math.max(1, n) + rnd.nextInt(4);
            int aOff = rnd.nextInt(6), bOff = rnd.nextInt(6), cOff = rnd.nextInt(6);
            float[] a = fill(rnd, new float[aOff + aRows * lda + 3]);
            float[] b = fill(rnd, new float[bOff + bRows * ldb + 3]);
            float[] c = fill(rnd, new float[cOff + m * ldc + 3]);
            if (beta == 0f) {
                Arrays.fill(c, Float.NaN); // beta = 0 must ignore what C held
            }
            return new Case(ta, tb, m, n, k, alpha, beta, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        }

        float[] run(Kernels kernels) {
            float[] out = c.clone();
            kernels.gemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, out, cOff, ldc);
            return out;
        }

        /**
         * Per element of C, twice the rounding error bound of a float sum of k + 2 terms:
         * 2 (k + 2) u (|alpha| Σ_p |op(A)_ip op(B)_pj| + |beta C_ij|), u the unit round-off.
         */
        double[] tolerances() {
            double u = Math.ulp(1f) / 2;
            double[] tol = new double[m * n];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    tol[i * n + j] = 2 * (k + 2) * u * magnitude(i, j) + 1e-30;
                }
            }
            return tol;
        }

        private double magnitude(int i, int j) {
            double s = 0;
            for (int p = 0; p < k; p++) {
                float av = ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                float bv = tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                s += Math.abs((double) av * bv);
            }
            return Math.abs(alpha) * s + (beta == 0f ? 0 : Math.abs(beta * c[cOff + i * ldc + j]));
        }

        private static float[] fill(SplittableRandom rnd, float[] x) {
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (rnd.nextDouble() * 2 - 1);
            }
            return x;
        }
    }

    @Test
    void everyFastGemmMatchesTheReferenceOnAwkwardShapes() {
        SplittableRandom rnd = new SplittableRandom(42);
        float[][] alphaBeta = {{1f, 0f}, {0.5f, 1f}, {-1.25f, 0.75f}};
        List<Kernels> fast = fastKernels();
        int cases = 0;
        for (int[] s : SHAPES) {
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                float[] ab = alphaBeta[cases % alphaBeta.length];
                Case cs = Case.random(rnd, ta, tb, s[0], s[1], s[2], ab[0], ab[1]);
                float[] expected = cs.run(REFERENCE);
                double[] tolerance = cs.tolerances();
                for (Kernels kernels : fast) {
                    assertClose(cs, expected, tolerance, cs.run(kernels), kernels);
                }
                cases++;
            }
        }
        assertThat(cases).isEqualTo(SHAPES.length * 4);
    }

    private static void assertClose(Case cs, float[] expected, double[] tolerance, float[] actual, Kernels kernels) {
        for (int i = 0; i < cs.m(); i++) {
            for (int j = 0; j < cs.n(); j++) {
                int at = cs.cOff() + i * cs.ldc() + j;
                double tol = tolerance[i * cs.n() + j];
                double diff = Math.abs((double) expected[at] - actual[at]);
                if (!(diff <= tol)) {
                    fail("%s (%d threads), transA=%s transB=%s m=%d n=%d k=%d alpha=%s beta=%s: C[%d][%d] = %s,"
                                    + " reference %s, difference %s > tolerance %s", kernels, kernels.threads(),
                            cs.ta(), cs.tb(), cs.m(), cs.n(), cs.k(), cs.alpha(), cs.beta(), i, j, actual[at],
                            expected[at], diff, tol);
                }
            }
        }
        // nothing outside the m × n block (padding of ldc, before cOff, after the end) is touched
        for (int at = 0; at < actual.length; at++) {
            int rel = at - cs.cOff();
            boolean inside = rel >= 0 && rel / cs.ldc() < cs.m() && rel % cs.ldc() < cs.n();
            if (!inside && Float.floatToRawIntBits(actual[at]) != Float.floatToRawIntBits(cs.c()[at])) {
                fail("%s: C changed outside the m × n block, at index %d", kernels.name(), at);
            }
        }
    }

    @Test
    void theInPlacePathsForTrainingShapesMatchTheReference() {
        // alpha = 1 with op(A) = Aᵀ and small n, or op(B) = B and small m: panels read in place,
        // the partial last panel packed, over several blocks of the sum (k > 512)
        SplittableRandom rnd = new SplittableRandom(9);
        int[][] shapes = {{1023, 10, 32}, {33, 130, 784}, {64, 100, 1100}, {7, 1023, 1100}, {784, 128, 32}, {32, 128, 784}};
        List<Kernels> fast = fastKernels();
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                for (float beta : new float[] {0f, 1f}) {
                    Case cs = Case.random(rnd, (t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], 1f, beta);
                    float[] expected = cs.run(REFERENCE);
                    double[] tolerance = cs.tolerances();
                    for (Kernels kernels : fast) {
                        assertClose(cs, expected, tolerance, cs.run(kernels), kernels);
                    }
                }
            }
        }
    }

    @Test
    void theResultDoesNotDependOnTheThreadCountOrTheRun() {
        SplittableRandom rnd = new SplittableRandom(7);
        List<Kernels> fast = fastKernels();
        // above PackedGemm.PARALLEL_MIN_FLOPS: row blocks shared out (m ≥ 4 blocks of mc rows a thread: 1100 rows
        // on 2 threads for every tile), column slabs, row slabs
        for (int[] s : new int[][] {{1100, 40, 600}, {1023, 20, 1023}, {600, 300, 300}, {127, 300, 1023}, {70, 900, 600},
                {250, 60, 2000}}) {
            for (int t = 0; t < 4; t++) {
                Case cs = Case.random(rnd, (t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], 0.5f, 0.75f);
                for (Kernels kernels : fast) {
                    float[] one = cs.run(kernels.withThreads(1));
                    assertThat(cs.run(kernels.withThreads(2))).as(kernels.name()).isEqualTo(one);
                    assertThat(cs.run(kernels.withThreads(3))).as(kernels.name()).isEqualTo(one);
                    assertThat(cs.run(kernels.withThreads(1))).as(kernels.name()).isEqualTo(one);
                }
            }
        }
    }

    @Test
    void alphaZeroOrEmptySumOnlyScalesC() {
        for (Kernels kernels : fastKernels()) {
            float[] c = {1, 2, 3, 4};
            kernels.gemm(false, false, 2, 2, 3, 0f, new float[6], 0, 3, new float[6], 0, 2, 0.5f, c, 0, 2);
            assertThat(c).containsExactly(0.5f, 1f, 1.5f, 2f);
            float[] d = {Float.NaN, Float.NaN};
            kernels.gemm(true, true, 1, 2, 0, 1f, new float[0], 0, 1, new float[0], 0, 1, 0f, d, 0, 2);
            assertThat(d).containsExactly(0f, 0f);
        }
    }

    @Test
    void badArgumentsSayWhatIsWrong() {
        for (Kernels kernels : fastKernels()) {
            float[] a = new float[6], b = new float[6], c = new float[4];
            assertThatThrownBy(() -> kernels.gemm(false, false, -1, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 0, 2))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("m=-1");
            assertThatThrownBy(() -> kernels.gemm(false, false, 2, 2, 3, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("leading dimension of A is 2").hasMessageContaining("at least its stored row length 3");
            assertThatThrownBy(() -> kernels.gemm(false, true, 2, 2, 3, 1f, a, 0, 3, b, 1, 3, 0f, c, 0, 2))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("B (2 × 3 stored at offset 1 with leading dimension 3)")
                    .hasMessageContaining("needs an array of at least 7 floats; it has 6");
            assertThatThrownBy(() -> kernels.gemm(false, false, 2, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 1, 2))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gemm: C");
        }
    }
}
