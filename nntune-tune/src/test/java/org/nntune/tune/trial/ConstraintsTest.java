package org.nntune.tune.trial;

import org.junit.jupiter.api.Test;
import org.nntune.tune.sampler.GPSampler;
import org.nntune.tune.sampler.NSGAIISampler;
import org.nntune.tune.sampler.Sampler;
import org.nntune.tune.study.OptimizeOptions;
import org.nntune.tune.study.Study;
import org.nntune.tune.study.Trial;

import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConstraintsTest {

    @Test
    void infeasibleTrialsAreNeverBestInTheStudyNorOnItsFront() {
        // maximise x on [0, 10] subject to x <= 4: infeasible trials have better values but never win
        ConstraintsFunction cf = t -> new double[] {((Number) t.params().get("x")).doubleValue() - 4};
        for (Sampler s : List.<Sampler>of(GPSampler.builder().seed(1).constraints(cf).build(),
                NSGAIISampler.builder().seed(1).populationSize(8).constraints(cf).build())) {
            Study study = Study.builder("c").direction(StudyDirection.MAXIMIZE).sampler(s).create();
            study.optimize((Trial t) -> t.suggestFloat("x", 0, 10), OptimizeOptions.trials(30));
            List<FrozenTrial> complete = study.trials(EnumSet.of(TrialState.COMPLETE));
            assertThat(complete).anyMatch(t -> !Constraints.isFeasible(t));
            double bestFeasible = complete.stream().filter(Constraints::isFeasible).mapToDouble(FrozenTrial::value)
                    .max().orElseThrow();
            assertThat(study.bestTrial().value()).isEqualTo(bestFeasible);
            assertThat(Constraints.isFeasible(study.bestTrial())).isTrue();
            assertThat(study.bestTrials()).allSatisfy(t -> assertThat(Constraints.isFeasible(t)).isTrue());
        }
    }

    @Test
    void storesValuesOfCompleteAndPrunedTrialsOnlyAndRejectsNonFiniteOnes() {
        ConstraintsFunction cf = t -> new double[] {t.values().isEmpty() ? -1 : t.values().get(0) - 1, -2};
        Study study = Study.builder("s").sampler(GPSampler.builder().seed(2).constraints(cf).build()).create();
        study.tell(study.ask(), 0.5);
        study.tell(study.ask(), 3.0);
        study.tellFailed(study.ask(), "boom");
        List<FrozenTrial> trials = study.trials();
        assertThat(Constraints.values(trials.get(0))).hasValueSatisfying(v -> assertThat(v).containsExactly(-0.5, -2));
        assertThat(Constraints.isFeasible(trials.get(0))).isTrue();
        assertThat(Constraints.violation(trials.get(1))).isEqualTo(2.0);
        assertThat(Constraints.values(trials.get(2))).isEmpty();
        assertThat(trials.get(2).systemAttrs()).doesNotContainKey(Constraints.ATTR);

        Study bad = Study.builder("b").sampler(GPSampler.builder().seed(2)
                .constraints(t -> new double[] {Double.NaN}).build()).create();
        Trial t = bad.ask();
        assertThatThrownBy(() -> bad.tell(t, 1.0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("constraint #0").hasMessageContaining("must be finite");
    }
}
