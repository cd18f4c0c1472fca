package org.nntune.nn.tensor;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TensorTest {

    @Test
    void rowMajorIndexing() {
        Tensor t = Tensor.of(new float[] {0, 1, 2, 3, 4, 5}, 2, 3);
        assertThat(t.get(1, 2)).isEqualTo(5f);
        t.set(9f, 0, 1);
        assertThat(t.data()[1]).isEqualTo(9f);
        assertThat(t.shape()).containsExactly(2, 3);
        assertThat(t.rank()).isEqualTo(2);
        assertThat(t.copy().data()).isNotSameAs(t.data()).containsExactly(t.data());
        assertThatThrownBy(() -> t.get(2, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> Tensor.of(new float[5], 2, 3)).hasMessageContaining("holds 6 values, the array has 5");
        assertThatThrownBy(() -> Tensor.zeros(2, 0)).hasMessageContaining("non-positive");
    }

    @Test
    void rngIsSeededUniformAndNormal() {
        Rng a = new Rng(42);
        Rng b = new Rng(42);
        for (int i = 0; i < 100; i++) {
            assertThat(a.nextLong()).isEqualTo(b.nextLong());
        }
        Rng r = new Rng(1);
        double sum = 0;
        double sq = 0;
        int n = 100_000;
        int[] counts = new int[7];
        for (int i = 0; i < n; i++) {
            double g = r.nextGaussian();
            sum += g;
            sq += g * g;
            float u = r.nextFloat();
            assertThat(u).isGreaterThanOrEqualTo(0f).isLessThan(1f);
            counts[r.nextInt(7)]++;
        }
        assertThat(sum / n).isCloseTo(0, within(0.02));
        assertThat(sq / n).isCloseTo(1, within(0.02));
        for (int c : counts) {
            assertThat(c).isBetween(n / 7 - 600, n / 7 + 600);
        }
        assertThat(Rng.stream(1, 1).nextLong()).isNotEqualTo(Rng.stream(1, 2).nextLong());
    }

    @Test
    void addedKernelsDoWhatTheySay() {
        Kernels k = new PlainKernels();
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
