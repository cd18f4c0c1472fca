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
}
