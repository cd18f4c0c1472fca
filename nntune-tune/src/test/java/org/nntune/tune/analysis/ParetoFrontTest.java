package org.nntune.tune.analysis;

import org.junit.jupiter.api.Test;
import org.nntune.tune.sampler.RandomSampler;
import org.nntune.tune.study.FrozenTrial;
import org.nntune.tune.study.OptimizeOptions;
import org.nntune.tune.study.Study;
import org.nntune.tune.study.StudyDirection;
import org.nntune.tune.study.Trial;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ParetoFrontTest {

    @Test
    void theFrontHoldsExactlyTheNonDominatedCompleteTrials() {
        Study s = Study.builder("pareto").directions(StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE)
                .sampler(new RandomSampler()).seed(1).create();
        double[][] points = {{1, 1}, {2, 3}, {3, 3}, {0.5, 0.2}, {2, 2.5}, {4, 10}};
        for (double[] p : points) {
            Trial t = s.ask();
            s.tell(t, p);
        }
        Trial failed = s.ask();
        s.tellFailed(failed, "crash");
        assertThat(s.bestTrials()).extracting(FrozenTrial::number).containsExactly(0, 1, 3, 5);
        for (FrozenTrial a : s.bestTrials()) {
            for (FrozenTrial b : s.trials()) {
                if (b.values().size() == 2) {
                    assertThat(ParetoFront.dominates(b, a, s.directions())).isFalse();
                }
            }
        }
    }

    @Test
    void withOneObjectiveTheFrontIsTheBestValue() {
        Study s = Study.builder("single").sampler(new RandomSampler()).seed(2).create();
        s.optimize(t -> Math.round(t.suggestFloat("x", 0, 3)), OptimizeOptions.trials(20));
        List<FrozenTrial> front = s.bestTrials();
        assertThat(front).isNotEmpty().allSatisfy(t -> assertThat(t.value()).isEqualTo(s.bestValue()));
    }
}
