package org.nntune.tune.sampler;

import org.junit.jupiter.api.Test;
import org.nntune.tune.space.FloatDistribution;
import org.nntune.tune.study.SamplerLoop;
import org.nntune.tune.study.Study;
import org.nntune.tune.study.Trial;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.ParetoFront;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.TrialState;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Multi-objective TPE: the below/above split and the below weights against Optuna 3.1's
 * {@code _split_observation_pairs} and {@code _calculate_weights_below_for_multi_objective} on a
 * fixed two-objective history, the hypervolume against Optuna's WFG (numbers printed by
 * nntune-bench/scripts/tpe_golden.py), and the sampler's front against random search's.
 */
class MultiObjectiveTpeTest {
    /** 30 two-objective points (minimised) around the convex front f2 = 1 − √f1. */
    private static final double[][] POINTS = {{0.417022, 0.71439}, {0.000114, 1.140472}, {0.146756, 0.663082},
        {0.18626, 0.741202}, {0.396767, 0.639514}, {0.419195, 0.695157}, {0.204452, 0.986895}, {0.027388, 1.169742},
        {0.417305, 0.633354}, {0.140387, 0.724368}, {0.800745, 0.589287}, {0.313424, 0.786318}, {0.876389, 0.511147},
        {0.085044, 0.727904}, {0.16983, 1.026966}, {0.098347, 0.896951}, {0.95789, 0.287864}, {0.691877, 0.325966},
        {0.686501, 0.588759}, {0.018288, 1.239838}, {0.988861, 0.379668}, {0.280444, 0.86507}, {0.103226, 0.902659},
        {0.908596, 0.193604}, {0.287775, 0.528567}, {0.019367, 1.200253}, {0.211628, 0.672743}, {0.491573, 0.325558},
        {0.574118, 0.315659}, {0.589306, 0.582217}};

    /** A study holding POINTS as COMPLETE trials 0..29 (one maximised objective, negated, to check signs). */
    private static Study history() {
        Study study = Study.builder("mo-history").directions(StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE)
                .sampler(new RandomSampler(1)).create();
        for (double[] p : POINTS) {
            Trial t = study.ask();
            t.suggestFloat("x", 0, 1);
            study.tell(t, p[0], -p[1]);
        }
        return study;
    }

    @Test
    void splitAndWeightsMatchOptuna() {
        Study study = history();
        TpeObservations obs = new TpeObservations(study.view());
        obs.refresh(study.view());
        assertThat(obs.nFinished).isEqualTo(30);
        // gamma(30) = 3: the first front has more than 3 points, greedy HSSP picks 24, 13, 27
        check(obs, 3, new int[] {13, 24, 27}, new double[] {0.36325067750814205, 1.0, 0.245649269685024});
        // 12: whole fronts, then a cut of the next
        check(obs, 12, new int[] {1, 2, 7, 9, 13, 15, 17, 23, 24, 26, 27, 28},
                new double[] {0.20705765770271783, 0.17186185210153176, 3.6477861186923146e-11, 0.0008215100690506104,
                    0.4594433302683602, 3.6477861186923146e-11, 3.6477861186923146e-11, 0.40453468295819567, 1.0,
                    3.6477861186923146e-11, 0.6112733051118802, 0.1207781153298105});
    }

    private static void check(TpeObservations obs, int nBelow, int[] expected, double[] weights) {
        boolean[] below = new boolean[obs.size];
        double[] w = new double[obs.size];
        MultiObjectiveSplit.mark(obs, nBelow, below, w);
        List<Integer> got = new ArrayList<>();
        for (int t = 0; t < below.length; t++) {
            if (below[t]) {
                got.add(t);
            }
        }
        assertThat(got).containsExactly(java.util.Arrays.stream(expected).boxed().toArray(Integer[]::new));
        for (int i = 0; i < expected.length; i++) {
            assertThat(w[expected[i]]).as("weight of trial %d", expected[i]).isCloseTo(weights[i], within(1e-9));
        }
    }

    @Test
    void hypervolumeMatchesWfgAndBoxes() {
        double[][] p3 = {{1, 2, 3}, {2, 1, 3}, {3, 3, 1}, {1.5, 1.5, 2.5}, {2.5, 0.5, 2.9}};
        assertThat(Hypervolume.of(p3, new double[] {4, 4, 4})).isCloseTo(13.775, within(1e-12));
        // one box; a dominated and a duplicate point add nothing; a point outside the reference adds nothing
        double[] r = {1, 1, 1, 1};
        assertThat(Hypervolume.of(new double[][] {{0.5, 0.5, 0.5, 0.5}}, r)).isCloseTo(0.0625, within(1e-15));
        assertThat(Hypervolume.of(new double[][] {{0.5, 0.5, 0.5, 0.5}, {0.6, 0.6, 0.6, 0.6}, {0.5, 0.5, 0.5, 0.5},
            {0.2, 0.2, 0.2, 1.5}}, r)).isCloseTo(0.0625, within(1e-15));
        // two overlapping boxes in 3-d: 0.5·0.5·0.5 + 0.8·0.8·0.2 − 0.5·0.5·0.2
        assertThat(Hypervolume.of(new double[][] {{0.5, 0.5, 0.5}, {0.2, 0.2, 0.8}}, new double[] {1, 1, 1}))
                .isCloseTo(0.125 + 0.128 - 0.05, within(1e-12));
        // 3-d with a constant third objective reduces to 2-d
        double[][] flat = new double[POINTS.length][];
        for (int i = 0; i < flat.length; i++) {
            flat[i] = new double[] {POINTS[i][0], POINTS[i][1], 0};
        }
        assertThat(Hypervolume.of(flat, new double[] {1.1, 1.3, 1}))
                .isCloseTo(ParetoFront.hypervolume2d(POINTS, new double[] {1.1, 1.3}), within(1e-12));
    }

    @Test
    void tpeFrontBeatsRandomSearchOnZdt1() {
        double[] ref = {1.1, 1.1};
        int budget = 150;
        double tpe = 0;
        double random = 0;
        for (long seed = 1; seed <= 3; seed++) {
            Study t = Study.builder("motpe").directions(StudyDirection.MINIMIZE, StudyDirection.MINIMIZE)
                    .sampler(new TpeSampler()).seed(seed).create();
            SamplerLoop.run(t, budget, NSGAIISamplerTest.zdt1(5));
            Study r = Study.builder("random").directions(StudyDirection.MINIMIZE, StudyDirection.MINIMIZE)
                    .sampler(new RandomSampler()).seed(seed).create();
            SamplerLoop.run(r, budget, NSGAIISamplerTest.zdt1(5));
            tpe += hypervolume(t, ref) / 3;
            random += hypervolume(r, ref) / 3;
        }
        System.out.printf("ZDT1 (5 variables), %d trials, mean over seeds 1-3: hypervolume TPE %.4f, random %.4f%n",
                budget, tpe, random);
        assertThat(tpe).isGreaterThan(random + 0.1);
    }

    private static double hypervolume(Study s, double[] ref) {
        List<FrozenTrial> complete = s.trials(EnumSet.of(TrialState.COMPLETE));
        assertThat(complete).hasSize(150);
        return ParetoFront.hypervolume2d(ParetoFront.minimized(ParetoFront.of(s.view()), s.directions()), ref);
    }
}
