package org.nntune.tune.trial;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.nntune.tune.sampler.RandomSampler;
import org.nntune.tune.study.OptimizeOptions;
import org.nntune.tune.study.Study;
import org.nntune.tune.study.Trial;
import org.nntune.tune.space.FloatDistribution;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

class ParetoFrontTest {

    static FrozenTrial trial(int number, TrialState state, List<Double> values, Optional<List<Double>> constraints) {
        Map<String, Object> sys = constraints.<Map<String, Object>>map(c -> Map.of(Constraints.ATTR, c)).orElse(Map.of());
        return new FrozenTrial(number, number, state, values, Map.of("x", 0.5), Map.of("x", FloatDistribution.uniform(0, 1)),
                Map.of(), sys, new TreeMap<>(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    @Provide
    Arbitrary<List<List<Double>>> valueSets() {
        // few distinct values so that ties and duplicates are common
        Arbitrary<Double> v = Arbitraries.integers().between(0, 6).map(i -> i / 2.0);
        return v.list().ofSize(3).list().ofMinSize(1).ofMaxSize(40);
    }

    @Property(tries = 200)
    void noFrontMemberIsDominatedAndEveryOtherTrialIs(@ForAll("valueSets") List<List<Double>> values,
                                                      @ForAll boolean maximiseSecond) {
        List<StudyDirection> dirs = List.of(StudyDirection.MINIMIZE,
                maximiseSecond ? StudyDirection.MAXIMIZE : StudyDirection.MINIMIZE, StudyDirection.MINIMIZE);
        List<FrozenTrial> trials = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            trials.add(trial(i, TrialState.COMPLETE, values.get(i), Optional.empty()));
        }
        List<FrozenTrial> front = ParetoFront.of(trials, dirs);
        double[][] all = ParetoFront.minimized(trials, dirs);
        assertThat(front).isNotEmpty();
        for (FrozenTrial f : front) {
            double[] fv = all[f.number()];
            for (double[] other : all) {
                assertThat(ParetoFront.dominates(other, fv)).isFalse();
            }
        }
        for (FrozenTrial t : trials) {
            if (!front.contains(t)) {
                boolean dominated = false;
                for (FrozenTrial f : front) {
                    dominated |= ParetoFront.dominates(all[f.number()], all[t.number()]);
                }
                assertThat(dominated).as("trial %d left out of the front must be dominated by a member", t.number()).isTrue();
            }
        }
        // rank 0 of the non-dominated sort is exactly the front
        int[] rank = ParetoFront.ranks(all, new double[all.length]);
        for (FrozenTrial t : trials) {
            assertThat(rank[t.number()] == 0).isEqualTo(front.contains(t));
        }
    }

    @Test
    void frontSkipsInfeasibleAndUnfinishedTrials() {
        List<FrozenTrial> trials = List.of(
                trial(0, TrialState.COMPLETE, List.of(0.0, 0.0), Optional.of(List.of(0.5))),   // best but infeasible
                trial(1, TrialState.COMPLETE, List.of(1.0, 2.0), Optional.of(List.of(-1.0))),
                trial(2, TrialState.COMPLETE, List.of(2.0, 1.0), Optional.of(List.of(0.0))),
                trial(3, TrialState.PRUNED, List.of(0.5), Optional.empty()),
                trial(4, TrialState.FAIL, List.of(), Optional.empty()),
                trial(5, TrialState.COMPLETE, List.of(2.0, 3.0), Optional.empty()));
        List<FrozenTrial> front = ParetoFront.of(trials, List.of(StudyDirection.MINIMIZE, StudyDirection.MINIMIZE));
        assertThat(front).extracting(FrozenTrial::number).containsExactly(1, 2);
    }

    @Test
    void constrainedDominationOrdersFeasibleFirstThenByViolation() {
        double[] good = {0, 0};
        double[] bad = {5, 5};
        assertThat(ParetoFront.constrainedDominates(bad, 0, good, 0.1)).isTrue();
        assertThat(ParetoFront.constrainedDominates(good, 0.1, bad, 0)).isFalse();
        assertThat(ParetoFront.constrainedDominates(bad, 0.1, good, 0.2)).isTrue();
        assertThat(ParetoFront.constrainedDominates(good, 0, bad, 0)).isTrue();
        int[] rank = ParetoFront.ranks(new double[][] {good, bad, {1, 1}}, new double[] {1, 0, 0});
        assertThat(rank).containsExactly(2, 1, 0);
    }

    @Test
    void hypervolumeAndCrowdingDistance() {
        double[][] pts = {{0, 1}, {0.5, 0.5}, {1, 0}, {0.6, 0.6}, {2, -1}};
        // (0,1), (0.5,0.5), (1,0) against (1.1,1.1): 1.1·0.1 + 0.6·0.5 + 0.1·0.5 = 0.46; (0.6,0.6) is dominated
        assertThat(ParetoFront.hypervolume2d(pts, new double[] {1.1, 1.1})).isCloseTo(0.46, offset(1e-12));
        double[] cd = ParetoFront.crowdingDistance(new double[][] {{0, 1}, {0.25, 0.75}, {0.5, 0.5}, {1, 0}});
        assertThat(cd[0]).isInfinite();
        assertThat(cd[3]).isInfinite();
        assertThat(cd[1]).isCloseTo(0.5 + 0.5, offset(1e-12));
        assertThat(cd[2]).isCloseTo(0.75 + 0.75, offset(1e-12));
        assertThatThrownBy(() -> ParetoFront.hypervolume2d(pts, new double[] {1, 1, 1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2-objective");
        assertThatThrownBy(() -> ParetoFront.dominates(new double[] {1}, new double[] {1, 2}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("objectives");
    }

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

    @Test
    void nonDominatedMatchesBruteForceOnRandomPointsWithTies() {
        Random r = new Random(1);
        for (int round = 0; round < 200; round++) {
            int n = 1 + r.nextInt(40);
            int k = 2 + r.nextInt(2);
            double[][] p = new double[n][k];
            for (double[] row : p) {
                for (int j = 0; j < k; j++) {
                    row[j] = r.nextInt(6); // few distinct values: many ties and duplicates
                }
            }
            boolean[] on = new boolean[n];
            for (int i : ParetoFront.nonDominated(p)) {
                on[i] = true;
            }
            for (int i = 0; i < n; i++) {
                boolean dominated = false;
                for (int j = 0; j < n; j++) {
                    dominated |= ParetoFront.dominates(p[j], p[i]);
                }
                assertThat(on[i]).as("round %d point %d", round, i).isEqualTo(!dominated);
            }
        }
    }
}
