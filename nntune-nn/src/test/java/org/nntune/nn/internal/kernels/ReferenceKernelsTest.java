package org.nntune.nn.internal.kernels;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ReferenceKernelsTest {
    private final Kernels k = new ReferenceKernels();

    /** op(X)[r][c] for a row-major X with leading dimension ld. */
    private static float at(float[] x, int ld, boolean trans, int r, int c) {
        return trans ? x[c * ld + r] : x[r * ld + c];
    }

    @Test
    void gemmMatchesTheDefinitionInEveryTransposeCombination() {
        Random rnd = new Random(1);
        int m = 7, n = 5, kk = 6;
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                int lda = ta ? m + 1 : kk + 2;
                int ldb = tb ? kk + 3 : n + 1;
                int ldc = n + 2;
                float[] a = new float[(ta ? kk : m) * lda];
                float[] b = new float[(tb ? n : kk) * ldb];
                float[] c = new float[m * ldc];
                for (int i = 0; i < a.length; i++) a[i] = rnd.nextFloat() - 0.5f;
                for (int i = 0; i < b.length; i++) b[i] = rnd.nextFloat() - 0.5f;
                for (int i = 0; i < c.length; i++) c[i] = rnd.nextFloat() - 0.5f;
                float[] c0 = c.clone();
                k.gemm(ta, tb, m, n, kk, 0.5f, a, 0, lda, b, 0, ldb, 2f, c, 0, ldc);
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double s = 0;
                        for (int p = 0; p < kk; p++) s += at(a, lda, ta, i, p) * at(b, ldb, tb, p, j);
                        assertThat((double) c[i * ldc + j]).as("ta=%s tb=%s (%d,%d)", ta, tb, i, j)
                                .isCloseTo(0.5 * s + 2 * c0[i * ldc + j], within(1e-5));
                    }
                }
            }
        }
    }

    @Test
    void betaZeroIgnoresNaNInC() {
        float[] c = {Float.NaN};
        k.gemm(false, false, 1, 1, 1, 1f, new float[] {2}, 0, 1, new float[] {3}, 0, 1, 0f, c, 0, 1);
        assertThat(c[0]).isEqualTo(6f);
    }

    @Test
    void col2imIsTheAdjointOfIm2col() {
        // <im2col(x), y> == <x, col2im(y)> for any x, y: the defining property of the adjoint
        Random rnd = new Random(2);
        int ch = 2, h = 5, w = 4, kh = 3, kw = 2, sh = 2, sw = 1, ph = 1, pw = 1;
        int oh = Kernels.outSize(h, kh, sh, ph), ow = Kernels.outSize(w, kw, sw, pw);
        float[] x = new float[ch * h * w];
        float[] y = new float[ch * kh * kw * oh * ow];
        for (int i = 0; i < x.length; i++) x[i] = rnd.nextFloat();
        for (int i = 0; i < y.length; i++) y[i] = rnd.nextFloat();
        float[] cols = new float[y.length];
        k.im2col(x, 0, ch, h, w, kh, kw, sh, sw, ph, pw, cols, 0);
        float[] back = new float[x.length];
        k.col2im(y, 0, ch, h, w, kh, kw, sh, sw, ph, pw, back, 0);
        double lhs = 0, rhs = 0;
        for (int i = 0; i < y.length; i++) lhs += cols[i] * y[i];
        for (int i = 0; i < x.length; i++) rhs += x[i] * back[i];
        assertThat(lhs).isCloseTo(rhs, within(1e-4));
    }

    @Test
    void im2colPlacesPaddingAsZero() {
        float[] x = {1, 2, 3, 4}; // 1 channel, 2 × 2
        int o = Kernels.outSize(2, 3, 1, 1);
        float[] cols = new float[9 * o * o];
        k.im2col(x, 0, 1, 2, 2, 3, 3, 1, 1, 1, 1, cols, 0);
        // centre tap (ky = 1, kx = 1) is the image itself
        assertThat(java.util.Arrays.copyOfRange(cols, 4 * 4, 5 * 4)).containsExactly(1, 2, 3, 4);
        // top-left tap (ky = 0, kx = 0) sees padding except at output (1, 1)
        assertThat(java.util.Arrays.copyOfRange(cols, 0, 4)).containsExactly(0, 0, 0, 1);
    }

    @Test
    void addedKernelsDoWhatTheySay() {
        Kernels k = new ReferenceKernels();
        float[] x = {1, 2, 3, 4, 5, 6};
        k.addRowVector(x, 0, 2, 3, new float[] {10, 20, 30}, 0);
        assertThat(x).containsExactly(11, 22, 33, 14, 25, 36);
        float[] sums = new float[3];
        k.sumRows(x, 0, 2, 3, sums, 0);
        assertThat(sums).containsExactly(25, 47, 69);
        float[] y = {1, 1};
        k.axpy(2, 2f, new float[] {3, 4}, 0, y, 0);
        assertThat(y).containsExactly(7, 9);
        k.scale(2, 0.5f, y, 0);
        assertThat(y).containsExactly(3.5f, 4.5f);
        assertThat(k.sumSquares(new float[] {3, 4}, 0, 2)).isEqualTo(25.0);
        float[] r = new float[3];
        k.relu(new float[] {-1, 0, 2}, 0, r, 0, 3);
        assertThat(r).containsExactly(0, 0, 2);
        float[] d = new float[3];
        k.reluBackward(new float[] {-1, 0, 2}, 0, new float[] {5, 6, 7}, 0, d, 0, 3);
        assertThat(d).containsExactly(0, 0, 7);
        // transpose at sizes across the 32-wide blocks
        for (int[] rc : new int[][] {{1, 1}, {3, 7}, {33, 5}, {40, 70}}) {
            float[] a = new float[rc[0] * rc[1] + 2];
            for (int i = 0; i < a.length; i++) {
                a[i] = i;
            }
            float[] t = new float[rc[0] * rc[1] + 1];
            k.transpose(a, 2, rc[0], rc[1], t, 1);
            for (int i = 0; i < rc[0]; i++) {
                for (int j = 0; j < rc[1]; j++) {
                    assertThat(t[1 + j * rc[0] + i]).isEqualTo(a[2 + i * rc[1] + j]);
                }
            }
        }
    }
}
