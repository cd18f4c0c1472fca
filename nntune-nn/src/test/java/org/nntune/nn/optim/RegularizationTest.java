package org.nntune.nn.optim;

import org.junit.jupiter.api.Test;
import org.nntune.nn.layer.Param;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RegularizationTest {

    private static Param param(boolean decay, float[] w, float[] g) {
        Param p = new Param(decay ? "weight" : "bias", decay, w.length);
        System.arraycopy(w, 0, p.value().data(), 0, w.length);
        System.arraycopy(g, 0, p.grad().data(), 0, g.length);
        return p;
    }

    @Test
    void penaltiesApplyToWeightsOnly() {
        Param w = param(true, new float[] {2f, -1f, 0f}, new float[] {0.5f, 0.5f, 0.5f});
        Param b = param(false, new float[] {3f}, new float[] {1f});
        double penalty = new Regularization(0.1f, 0.2f, 0f).applyPenalty(List.of(w, b));
        // ½·0.2·(4 + 1) + 0.1·(2 + 1)
        assertThat(penalty).isCloseTo(0.5 + 0.3, within(1e-6));
        assertThat(w.grad().data()).containsExactly(new float[] {0.5f + 0.4f + 0.1f, 0.5f - 0.2f - 0.1f, 0.5f}, within(1e-6f));
        assertThat(b.grad().data()).containsExactly(1f);
    }

    @Test
    void clippingScalesByTheGlobalNorm() {
        Param a = param(true, new float[2], new float[] {3f, 0f});
        Param b = param(false, new float[1], new float[] {4f});
        double norm = new Regularization(0f, 0f, 1f).clip(List.of(a, b));
        assertThat(norm).isEqualTo(5.0);
        assertThat(a.grad().data()[0]).isCloseTo(0.6f, within(1e-6f));
        assertThat(b.grad().data()[0]).isCloseTo(0.8f, within(1e-6f));
        // below the bound nothing changes
        new Regularization(0f, 0f, 10f).clip(List.of(a, b));
        assertThat(b.grad().data()[0]).isCloseTo(0.8f, within(1e-6f));
    }
}
