package org.nntune.nn.optim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nntune.nn.layer.Param;

/** RMSprop and Adagrad store no subnormal weight (it would slow every later product that reads it). */
class SubnormalTest {

    /**
     * A first step with g = 1 sets the accumulator s to {@code s1}; then the weight is set to
     * 2e-38 (normal) and a second step of about 1.5e-38 (lr = 1, g = 1.5e-38 · √s) would leave
     * it at about 5e-39, a subnormal.
     */
    private static float[] stepIntoSubnormal(Optimizer optimizer, float keep, float s1) {
        Param p = new Param("weight", true, 2);
        Optimizer.Updater updater = optimizer.newUpdater(List.of(p));
        p.value().data()[0] = 1f;
        p.value().data()[1] = 1f;
        p.grad().data()[0] = 1f;
        p.grad().data()[1] = 1f;
        updater.step(1e-3f);
        float s2 = keep * s1;
        p.value().data()[0] = 2e-38f;
        p.grad().data()[0] = 1.5e-38f * (float) Math.sqrt(s2);
        updater.step(1f);
        return p.value().data();
    }

    @Test
    void rmsPropStoresAWeightThatTurnsSubnormalAsZero() {
        float[] w = stepIntoSubnormal(Optimizer.rmsProp(1e-3), 0.99f, 0.01f);
        assertThat(w[0]).isEqualTo(0f);
        assertThat(Math.abs(w[1])).isNotEqualTo(1f).isGreaterThanOrEqualTo(Float.MIN_NORMAL); // updated as usual
    }

    @Test
    void adagradStoresAWeightThatTurnsSubnormalAsZero() {
        float[] w = stepIntoSubnormal(Optimizer.adagrad(1e-3), 1f, 1f);
        assertThat(w[0]).isEqualTo(0f);
        assertThat(Math.abs(w[1])).isNotEqualTo(1f).isGreaterThanOrEqualTo(Float.MIN_NORMAL); // updated as usual
    }
}
