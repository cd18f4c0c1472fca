package org.nntune.tune.analysis;

import org.junit.jupiter.api.Test;
import org.nntune.tune.sampler.GPSampler;
import org.nntune.tune.study.OptimizeOptions;
import org.nntune.tune.study.Study;
import org.nntune.tune.study.Trial;
import org.nntune.tune.trial.Constraints;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.TrialState;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

class SummaryTest {

    @Test
    void edfCountsValuesAtOrBelow() {
        Study s = Study.builder("edf").create();
        double[] vs = {3, 1, 2, 2, 5};
        for (double v : vs) {
            s.tell(s.ask(), v);
        }
        Edf edf = Edf.of(s.view());
        assertThat(edf.size()).isEqualTo(5);
        assertThat(edf.values()).containsExactly(1, 2, 2, 3, 5);
        assertThat(edf.at(0.5)).isEqualTo(0);
        assertThat(edf.at(2)).isCloseTo(0.6, offset(1e-12));
        assertThat(edf.at(4)).isCloseTo(0.8, offset(1e-12));
        assertThat(edf.at(5)).isEqualTo(1);
        assertThat(edf.steps()).hasNumberOfRows(4);
        assertThat(edf.steps()[1]).containsExactly(2, 0.6);
        Study multi = Study.builder("m").directions(StudyDirection.MINIMIZE, StudyDirection.MINIMIZE).create();
        assertThatThrownBy(() -> Edf.of(multi.view())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 objectives");
    }

    @Test
    void summarisesNumericAndCategoricalParametersWithTheBestFeasibleTrial() {
        // minimise x subject to x >= 3 (3 − x <= 0): the best feasible trial has x = 3 although x = 1 scores lower
        Study s = Study.builder("sum").sampler(GPSampler.builder().seed(0).constraints(t -> new double[] {
                3 - ((Number) t.params().get("x")).doubleValue()}).build()).create();
        int[] xs = {5, 1, 3, 4, 3};
        String[] ks = {"a", "b", "a", "a", "c"};
        for (int i = 0; i < xs.length; i++) {
            s.enqueueTrial(Map.of("x", (long) xs[i], "k", ks[i]));
        }
        s.optimize((Trial t) -> t.suggestInt("x", 0, 9) + (t.suggestCategorical("k", List.of("a", "b", "c", "d")).equals("c") ? 0.5 : 0),
                OptimizeOptions.trials(5));
        List<FrozenTrial> complete = s.trials(EnumSet.of(TrialState.COMPLETE));
        FrozenTrial best = Constraints.bestTrial(complete, StudyDirection.MINIMIZE).orElseThrow();
        assertThat(best.params().get("x")).isEqualTo(3L);
        assertThat(best.number()).isEqualTo(2);
        List<ParamSummary> sum = ParamSummary.of(s.view());
        assertThat(sum).extracting(ParamSummary::name).containsExactly("x", "k");
        ParamSummary x = sum.get(0);
        assertThat(x.count()).isEqualTo(5);
        assertThat(x.min().getAsDouble()).isEqualTo(1);
        assertThat(x.max().getAsDouble()).isEqualTo(5);
        assertThat(x.mean().getAsDouble()).isCloseTo(3.2, offset(1e-12));
        assertThat(x.median().getAsDouble()).isEqualTo(3);
        assertThat(x.bestValue()).contains(3L);
        ParamSummary k = sum.get(1);
        assertThat(k.choiceCounts()).containsExactly(Map.entry("a", 3), Map.entry("b", 1), Map.entry("c", 1), Map.entry("d", 0));
        assertThat(k.min()).isEmpty();
        assertThat(k.bestValue()).contains("a");
        assertThat(ParamSummary.of(List.of(), Optional.empty())).isEmpty();
    }
}
