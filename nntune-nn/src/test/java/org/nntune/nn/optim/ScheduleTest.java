package org.nntune.nn.optim;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ScheduleTest {

    @Test
    void constantStepAndExponential() {
        assertThat(LearningRateSchedule.constant().start(0.1f, 10, 5).rate(9, 4)).isEqualTo(0.1f);
        var step = LearningRateSchedule.step(3, 0.5f).start(0.1f, 10, 5);
        assertThat(step.rate(2, 4)).isEqualTo(0.1f);
        assertThat(step.rate(3, 0)).isCloseTo(0.05f, within(1e-8f));
        assertThat(step.rate(6, 0)).isCloseTo(0.025f, within(1e-8f));
        var exp = LearningRateSchedule.exponential(0.9f).start(1f, 10, 5);
        assertThat(exp.rate(2, 3)).isCloseTo(0.81f, within(1e-6f));
    }

    @Test
    void cosineWithWarmUp() {
        var c = LearningRateSchedule.cosine(2, 0.01f).start(1f, 10, 4);
        assertThat(c.rate(0, 0)).isCloseTo(1 / 8f, within(1e-6f));
        assertThat(c.rate(1, 3)).isCloseTo(1f, within(1e-6f));
        assertThat(c.rate(2, 0)).isCloseTo(1f, within(1e-6f));
        // half-way through the 32 decay steps: the mean of the base and minimum rates
        assertThat(c.rate(6, 0)).isCloseTo(0.505f, within(1e-6f));
        assertThat(c.rate(9, 3)).isCloseTo(0.01f + 0.99f * 0.5f * (float) (1 + Math.cos(Math.PI * 31 / 32)), within(1e-6f));
        assertThatThrownBy(() -> LearningRateSchedule.cosine(1, 2f).start(1f, 10, 4)).hasMessageContaining("exceeds the base rate");
    }

    @Test
    void warmUpThenAnySchedule() {
        // 2 epochs of 4 batches: batch t of the 8 gets rate·(t + 1)/8; then the step schedule counts its epochs from there
        var s = LearningRateSchedule.warmup(2, LearningRateSchedule.step(3, 0.1)).start(1f, 10, 4);
        assertThat(s.rate(0, 0)).isCloseTo(1 / 8f, within(1e-7f));
        assertThat(s.rate(1, 2)).isCloseTo(7 / 8f, within(1e-7f));
        assertThat(s.rate(2, 0)).isEqualTo(1f);
        assertThat(s.rate(4, 3)).isEqualTo(1f);
        assertThat(s.rate(5, 0)).isCloseTo(0.1f, within(1e-7f));
        assertThat(s.rate(8, 0)).isCloseTo(0.01f, within(1e-8f));
        // a warm-up before a cosine is cosine's own
        var viaWrapper = LearningRateSchedule.warmup(2, LearningRateSchedule.cosine(0, 0.01)).start(1f, 10, 4);
        var own = LearningRateSchedule.cosine(2, 0.01).start(1f, 10, 4);
        for (int e = 0; e < 10; e++) {
            for (int b = 0; b < 4; b++) {
                assertThat(viaWrapper.rate(e, b)).as("epoch %d batch %d", e, b).isCloseTo(own.rate(e, b), within(1e-7f));
            }
        }
        // a run no longer than the warm-up is all warm-up (a refit for the epochs a trial peaked at)
        var shortRun = LearningRateSchedule.warmup(3, LearningRateSchedule.exponential(0.5)).start(1f, 2, 1);
        assertThat(shortRun.rate(1, 0)).isCloseTo(2 / 3f, within(1e-7f));
        assertThat(LearningRateSchedule.warmup(2, LearningRateSchedule.step(3, 0.1)).hyperparameters())
                .containsEntry("warmup_epochs", "2").containsEntry("gamma", "0.1").containsEntry("schedule", "step");
    }

    @Test
    void aContinuedFitFollowsTheWholeRunsSchedule() {
        var whole = LearningRateSchedule.warmup(1, LearningRateSchedule.step(2, 0.5)).start(1f, 7, 2);
        for (int from = 0; from < 7; from++) {
            var piece = LearningRateSchedule.continued(LearningRateSchedule.warmup(1, LearningRateSchedule.step(2, 0.5)), 7, from)
                    .start(1f, 1, 2);
            for (int b = 0; b < 2; b++) {
                assertThat(piece.rate(0, b)).as("epoch %d batch %d", from, b).isEqualTo(whole.rate(from, b));
            }
        }
        assertThat(LearningRateSchedule.continued(LearningRateSchedule.cosine(0, 0.1), 4, 3).start(1f, 1, 1).rate(0, 0))
                .isCloseTo(0.1f + 0.9f * 0.5f * (float) (1 + Math.cos(Math.PI * 3 / 4)), within(1e-6f));
    }

    @Test
    void aPlateauAfterAWarmUpCountsFromItsOwnFirstEpoch() {
        var s = LearningRateSchedule.warmup(5, LearningRateSchedule.adaptive()).start(0.01f, 100, 1);
        for (int e = 0; e < 5; e++) {
            s.epochEnd(e, 1.0); // no improvement during the warm-up: not a stall of the schedule's
        }
        for (int e = 5; e < 16; e++) {
            s.epochEnd(e, 1.0);
            assertThat(s.loweredAfterStall()).as("epoch %d", e).isFalse();
        }
        s.epochEnd(16, 1.0);
        assertThat(s.loweredAfterStall()).isTrue();
        assertThat(s.rate(17, 0)).isCloseTo(0.002f, within(1e-9f));
    }

    @Test
    void reduceOnPlateauFollowsScikitLearnsAdaptiveRate() {
        var s = LearningRateSchedule.adaptive().start(0.01f, 100, 1);
        s.epochEnd(0, 1.0);
        for (int e = 1; e <= 10; e++) {
            s.epochEnd(e, 1.0 - 0.00005 * e); // improvements below the 1e-4 tolerance
            assertThat(s.loweredAfterStall()).isFalse();
        }
        assertThat(s.rate(11, 0)).isEqualTo(0.01f);
        s.epochEnd(11, 0.9995);
        assertThat(s.loweredAfterStall()).isTrue();
        assertThat(s.rate(12, 0)).isCloseTo(0.002f, within(1e-9f));
        s.epochEnd(12, 0.5); // a real improvement resets the count
        assertThat(s.loweredAfterStall()).isFalse();
        assertThat(s.rate(13, 0)).isCloseTo(0.002f, within(1e-9f));
    }

    @Test
    void badSettingsAreRefused() {
        assertThatThrownBy(() -> LearningRateSchedule.step(0, 0.5f)).hasMessageContaining("must be positive, got 0");
        assertThatThrownBy(() -> LearningRateSchedule.exponential(1.5f)).hasMessageContaining("gamma must be in (0, 1], got 1.5");
        assertThatThrownBy(() -> LearningRateSchedule.warmup(0, LearningRateSchedule.constant())).hasMessageContaining(">= 1, got 0");
        assertThatThrownBy(() -> LearningRateSchedule.warmup(1, LearningRateSchedule.cosine(2, 0)))
                .hasMessageContaining("warms up itself");
        assertThatThrownBy(() -> new LearningRateSchedule.ReduceOnPlateau(1f, 1, 0f, 0f)).hasMessageContaining("factor");
        assertThatThrownBy(() -> Optimizer.sgd(0.1f, 1f, false)).hasMessageContaining("momentum must be in [0, 1), got 1.0");
        assertThatThrownBy(() -> Optimizer.sgd(0.1f, 0f, true)).hasMessageContaining("Nesterov");
        assertThatThrownBy(() -> Optimizer.adamW(0.1f, -1f)).hasMessageContaining("weight decay");
        assertThatThrownBy(() -> new Regularization(-1f, 0f, 0f)).hasMessageContaining("l1 must be finite and >= 0, got -1.0");
    }
}
