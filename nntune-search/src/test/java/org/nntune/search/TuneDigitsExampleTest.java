package org.nntune.search;

import org.junit.jupiter.api.Test;
import org.nntune.examples.TuneDigits;
import org.nntune.tune.trial.TrialState;

import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The define-by-run example in examples/java runs, prunes, and its best network generalises. */
class TuneDigitsExampleTest {
    @Test
    void defineByRunExampleFindsAGoodNetwork() {
        TuneDigits.Outcome o = TuneDigits.run(8, 0);
        assertThat(o.study().trials(EnumSet.of(TrialState.COMPLETE, TrialState.PRUNED))).hasSize(8);
        assertThat(o.study().bestValue()).isGreaterThan(0.9);
        assertThat(o.testAccuracy()).isGreaterThan(0.93);
        assertThat(o.study().bestParams()).containsKeys("activation", "layers", "units_1", "dropout", "lr");
    }
}
