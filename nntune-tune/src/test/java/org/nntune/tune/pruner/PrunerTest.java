package org.nntune.tune.pruner;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.nntune.tune.study.Study;
import org.nntune.tune.study.Trial;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PrunerTest {

    private static Study study(String name, StudyDirection direction, Pruner pruner) {
        return Study.builder(name).direction(direction).pruner(pruner).seed(1).create();
    }

    /** Adds a COMPLETE trial that reported {@code curve[step]} at steps 0, 1, … */
    private static void complete(Study s, double... curve) {
        Trial t = s.ask();
        for (int i = 0; i < curve.length; i++) {
            t.report(i, curve[i]);
        }
        s.tell(t, curve[curve.length - 1]);
    }

    private static Trial running(Study s, double... curve) {
        Trial t = s.ask();
        for (int i = 0; i < curve.length; i++) {
            t.report(i, curve[i]);
        }
        return t;
    }

    @Test
    void medianPrunesTrialsWorseThanTheMedianAfterTheStartUpTrials() {
        Study s = study("median", StudyDirection.MINIMIZE, new MedianPruner());
        for (int i = 0; i < 4; i++) {
            complete(s, 10 + i, 5 + i, 1 + i);
        }
        assertThat(running(s, 100, 100).shouldPrune()).as("only 4 COMPLETE trials, 5 start-up").isFalse();
        complete(s, 14, 9, 5);
        assertThat(running(s, 100, 100).shouldPrune()).isTrue();
        assertThat(running(s, 100, 6).shouldPrune()).as("median at step 1 is 7").isFalse();
        assertThat(running(s, 100, 8).shouldPrune()).isTrue();
        assertThat(running(s, 6, 100).shouldPrune()).as("best value so far counts").isFalse();
        assertThat(running(s).shouldPrune()).as("nothing reported").isFalse();
        assertThat(running(s, 1, Double.NaN).shouldPrune()).isFalse();
        assertThat(running(s, Double.NaN).shouldPrune()).as("all NaN").isTrue();
    }

    @Test
    void percentileInterpolatesAndFollowsTheDirection() {
        assertThat(PercentilePruner.percentileOf(new double[] {8, 1, 4, 2}, 25)).isEqualTo(1.75); // numpy
        assertThat(PercentilePruner.percentileOf(new double[] {8, 1, 4, 2}, 75)).isEqualTo(5.0);
        Study s = study("pct", StudyDirection.MAXIMIZE, new PercentilePruner(25, 1, 0, 1, 1));
        for (double v : new double[] {1, 2, 4, 8}) {
            complete(s, v);
        }
        // maximising, the 25th percentile of the best is the 75th of the values: 5
        assertThat(running(s, 4.9).shouldPrune()).isTrue();
        assertThat(running(s, 5.1).shouldPrune()).isFalse();
    }

    @Test
    void warmUpIntervalAndMinimumTrials() {
        Study s = study("warm", StudyDirection.MINIMIZE, new MedianPruner(0, 2, 2, 1));
        complete(s, 1, 1, 1, 1, 1, 1);
        assertThat(running(s, 9, 9).shouldPrune()).as("step 1 < warm-up 2").isFalse();
        assertThat(running(s, 9, 9, 9).shouldPrune()).as("step 2").isTrue();
        assertThat(running(s, 9, 9, 9, 9).shouldPrune()).as("step 3 is not the first of its interval [2, 4)").isFalse();
        assertThat(running(s, 9, 9, 9, 9, 9).shouldPrune()).as("step 4").isTrue();
        Study few = study("min", StudyDirection.MINIMIZE, new MedianPruner(0, 0, 1, 2));
        complete(few, 1, 1);
        assertThat(running(few, 9, 9).shouldPrune()).as("1 trial reported step 1, 2 needed").isFalse();
        complete(few, 1, 1);
        assertThat(running(few, 9, 9).shouldPrune()).isTrue();
        assertThatThrownBy(() -> new PercentilePruner(101)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MedianPruner(0, 0, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void successiveHalvingKeepsTheTopFractionOfEachRung() {
        Study s = study("asha", StudyDirection.MINIMIZE, new SuccessiveHalvingPruner(1, 2, 0, 0));
        Trial first = running(s, 5, 5);
        assertThat(first.shouldPrune()).as("alone in its rung").isFalse();
        FrozenTrial stored = s.storage().getTrial(first.trialId());
        assertThat(stored.systemAttrs()).containsEntry("completed_rung_0", 5.0);
        s.tell(first, 5);
        Trial worse = running(s, 7, 7);
        assertThat(worse.shouldPrune()).isTrue();
        s.tellPruned(worse);
        Trial better = running(s, 3, 3);
        assertThat(better.shouldPrune()).isFalse();
        Trial step0 = running(s, 100);
        assertThat(step0.shouldPrune()).as("step 0 is below the first rung (1)").isFalse();
        // rung 1 at step 2: competes with values recorded at rung 1
        Trial deep = running(s, 3, 3, 3);
        assertThat(deep.shouldPrune()).isFalse();
        assertThat(s.storage().getTrial(deep.trialId()).systemAttrs()).containsKeys("completed_rung_0", "completed_rung_1");
        assertThatThrownBy(() -> new SuccessiveHalvingPruner(1, 1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void successiveHalvingEstimatesItsMinimumResource() {
        Study s = study("asha-auto", StudyDirection.MINIMIZE, new SuccessiveHalvingPruner());
        assertThat(running(s, 1, 2, 3).shouldPrune()).as("no COMPLETE trial: min resource unknown").isFalse();
        complete(s, new double[300]); // last step 299 → min resource 2
        Trial t = running(s, 1);
        assertThat(t.shouldPrune()).isFalse();
        assertThat(s.storage().getTrial(t.trialId()).systemAttrs()).doesNotContainKey("completed_rung_0");
    }

    @Test
    void hyperbandBracketsMatchOptuna() {
        Study s = study("hb", StudyDirection.MINIMIZE, new HyperbandPruner(1, 27, 3, 0));
        HyperbandPruner p = (HyperbandPruner) s.pruner();
        assertThat(p.bracketCount(s.view())).isEqualTo(4);
        int[] optuna = {0, 1, 1, 0, 1, 0, 0, 1, 0, 1, 3, 0}; // Optuna 3.1, study 'hb', trials 0..11
        for (int n = 0; n < optuna.length; n++) {
            assertThat(p.bracketOf(s.view(), n)).as("trial %d", n).isEqualTo(optuna[n]);
        }
        Study auto = study("hb-auto", StudyDirection.MINIMIZE, new HyperbandPruner());
        assertThat(running(auto, 5, 5).shouldPrune()).isFalse();
        assertThat(((HyperbandPruner) auto.pruner()).bracketCount(auto.view())).isZero();
        complete(auto, new double[9]);
        assertThat(((HyperbandPruner) auto.pruner()).bracketCount(auto.view())).isEqualTo(3);
    }

    @Property(tries = 60)
    void prunersNeverPruneBeforeTheirWarmUp(@ForAll @IntRange(min = 1, max = 6) int warmup,
                                            @ForAll @IntRange(min = 0, max = 3) int kind,
                                            @ForAll @Size(min = 1, max = 8) List<@DoubleRange(min = -5, max = 5) Double> history,
                                            @ForAll long seed) {
        Pruner pruner = switch (kind) {
            case 0 -> new MedianPruner(0, warmup, 1, 1);
            case 1 -> new PercentilePruner(10, 0, warmup, 1, 1);
            case 2 -> new SuccessiveHalvingPruner(warmup, 2, 0, 0);
            default -> new HyperbandPruner(warmup, warmup * 9, 3, 0);
        };
        Study s = study("never", StudyDirection.MINIMIZE, pruner);
        SplittableRandom r = new SplittableRandom(seed);
        for (double h : history) {
            double[] curve = new double[warmup * 10];
            for (int i = 0; i < curve.length; i++) {
                curve[i] = h + r.nextDouble();
            }
            complete(s, curve);
        }
        Trial t = s.ask();
        for (int step = 0; step < warmup; step++) {
            t.report(step, 1e9 * (1 + r.nextDouble())); // far worse than anything
            assertThat(t.shouldPrune()).as("step %d, warm-up %d", step, warmup).isFalse();
        }
    }
}
