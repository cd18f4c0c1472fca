package org.nntune.nn.layer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** ActivationLayer's rational tanh against Math.tanh. */
class TanhTest {

    private static void check(float x) {
        float y = ActivationLayer.tanh(x);
        double expected = Math.tanh(x);
        assertThat(Math.abs(y - expected)).as("tanh(%s) = %s, Math.tanh %s", x, y, expected).isLessThanOrEqualTo(4e-7);
        // relative accuracy near 0, where the absolute bound says little
        if (Math.abs(x) < 1) {
            assertThat(Math.abs(y - expected)).as("relative error at %s", x).isLessThanOrEqualTo(4e-7 * Math.abs(expected));
        }
        assertThat(Math.abs(y)).as("|tanh(%s)|", x).isLessThanOrEqualTo(1f);
        assertThat(ActivationLayer.tanh(-x)).as("odd at %s", x).isEqualTo(-y);
    }

    @Test
    void withinFourTenthsOfAMillionthOfMathTanhEverywhere() {
        for (int i = -2_000_000; i <= 2_000_000; i++) {
            check(i * 1e-5f); // -20 … 20 in steps of 1e-5
        }
        for (float x = 1e-30f; x < 1f; x *= 1.001f) {
            check(x);
        }
        check(Float.MAX_VALUE);
        check(Float.MIN_VALUE);
    }

    @Test
    void specialValues() {
        assertThat(ActivationLayer.tanh(0f)).isEqualTo(0f);
        assertThat(ActivationLayer.tanh(Float.POSITIVE_INFINITY)).isEqualTo(1f);
        assertThat(ActivationLayer.tanh(Float.NEGATIVE_INFINITY)).isEqualTo(-1f);
        assertThat(ActivationLayer.tanh(Float.NaN)).isNaN();
        assertThat(ActivationLayer.tanh(30f)).isEqualTo(1f);
    }

    @Test
    void theLayerUsesIt() {
        ActivationLayer l = new ActivationLayer(Activation.TANH);
        l.build(new int[] {5});
        float[] x = {-3f, -0.5f, 0f, 0.25f, 8f};
        float[] y = new float[5];
        l.forward(x, y, 1, l.newCache(1), Pass.eval());
        for (int i = 0; i < 5; i++) {
            assertThat(y[i]).isEqualTo(ActivationLayer.tanh(x[i]));
        }
    }
}
