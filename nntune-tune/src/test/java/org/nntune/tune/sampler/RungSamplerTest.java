package org.nntune.tune.sampler;

import org.junit.jupiter.api.Test;
import org.nntune.tune.space.Distribution;
import org.nntune.tune.study.Study;
import org.nntune.tune.study.Trial;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.StudyView;
import org.nntune.tune.trial.TrialChanges;
import org.nntune.tune.trial.TrialState;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The BOHB view: the inner sampler is fitted on the highest step enough trials reached, every
 * trial shown with its value there (or as PRUNED when it stopped before), and through the
 * incremental reads TPE uses too.
 */
class RungSamplerTest {

    /** Remembers what the study looked like to it at its last call. */
    private static final class Recording implements Sampler {
        List<FrozenTrial> complete = List.of();
        List<FrozenTrial> pruned = List.of();
        List<FrozenTrial> changes = List.of();

        @Override
        public double sampleIndependent(StudyView study, FrozenTrial trial, String name, Distribution distribution) {
            complete = study.trials(EnumSet.of(TrialState.COMPLETE));
            pruned = study.trials(EnumSet.of(TrialState.PRUNED));
            TrialChanges c = study.trialsChangedSince(0);
            changes = c.trials();
            return 0.5;
        }

        @Override
        public void reseed(long seed) {}
    }

    /** A trial with x = {@code x} reporting {@code curve[e]} at steps 1, 2, …; complete or pruned at its end. */
    private static void trial(Study s, double x, boolean complete, double... curve) {
        s.enqueueTrial(Map.of("x", x));
        Trial t = s.ask();
        t.suggestFloat("x", 0, 1);
        for (int e = 0; e < curve.length; e++) {
            t.report(e + 1, curve[e]);
        }
        if (complete) {
            s.tell(t, curve[curve.length - 1]);
        } else {
            s.tellPruned(t);
        }
    }

    @Test
    void fitsTheInnerSamplerOnTheHighestRungWithEnoughObservations() {
        Recording inner = new Recording();
        RungSampler sampler = new RungSampler(inner, 3);
        Study s = Study.builder("rungs").direction(StudyDirection.MAXIMIZE).sampler(sampler).create();
        trial(s, 0.1, false, 0.50);
        trial(s, 0.2, false, 0.55);
        trial(s, 0.3, false, 0.60, 0.61, 0.62);
        trial(s, 0.4, false, 0.70, 0.72, 0.75);
        trial(s, 0.5, true, 0.65, 0.70, 0.71, 0.72, 0.80);
        assertThat(sampler.rung(s.trials())).isEqualTo(3); // 3 trials reached step 3, only 1 reached step 5

        s.ask().suggestFloat("x", 0, 1);
        // the complete trial is seen at step 3 (0.71), beside the two pruned there
        assertThat(inner.complete).extracting(t -> t.values().get(0)).containsExactly(0.62, 0.75, 0.71);
        assertThat(inner.pruned).extracting(FrozenTrial::number).containsExactly(0, 1);
        assertThat(inner.changes).filteredOn(t -> t.state() == TrialState.COMPLETE).hasSize(3);
    }

    @Test
    void beforeAnyRungHasEnoughTrialsTheStudyIsShownAsItIs() {
        Recording inner = new Recording();
        RungSampler sampler = new RungSampler(inner); // auto: 1 parameter + 1 = 2 trials
        Study s = Study.builder("few").direction(StudyDirection.MAXIMIZE).sampler(sampler).create();
        trial(s, 0.1, true, 0.5, 0.6);
        assertThat(sampler.rung(s.trials())).isEqualTo(-1);
        s.ask().suggestFloat("x", 0, 1);
        assertThat(inner.complete).extracting(t -> t.values().get(0)).containsExactly(0.6);
        trial(s, 0.2, false, 0.4);
        assertThat(sampler.rung(s.trials())).isEqualTo(1);
    }

    @Test
    void tpeThroughTheViewFollowsTheRungValuesAcrossRungChanges() {
        RungSampler sampler = new RungSampler(TpeSampler.builder().nStartupTrials(5).build(), 3);
        Study s = Study.builder("tpe").direction(StudyDirection.MAXIMIZE).sampler(sampler).seed(1).create();
        List<Double> late = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Trial t = s.ask();
            double x = t.suggestFloat("x", 0, 1);
            // good configurations are near x = 0.8; only every 4th trial trains long
            int steps = i % 4 == 0 ? 9 : 1;
            for (int e = 1; e <= steps; e++) {
                t.report(e, 1 - Math.abs(x - 0.8) + 0.01 * e);
            }
            if (steps == 9) {
                s.tell(t, 1 - Math.abs(x - 0.8) + 0.09);
            } else {
                s.tellPruned(t);
            }
            if (i >= 30) {
                late.add(x);
            }
        }
        assertThat(sampler.rung(s.trials())).isEqualTo(9);
        double mean = late.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertThat(Math.abs(mean - 0.8)).isLessThan(0.2);
    }
}
