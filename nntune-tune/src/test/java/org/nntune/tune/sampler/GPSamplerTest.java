package org.nntune.tune.sampler;

import org.junit.jupiter.api.Test;
import org.nntune.tune.space.CategoricalDistribution;
import org.nntune.tune.space.FloatDistribution;
import org.nntune.tune.space.IntDistribution;
import org.nntune.tune.study.Log;
import org.nntune.tune.study.OptimizeOptions;
import org.nntune.tune.study.SamplerLoop;
import org.nntune.tune.study.Study;
import org.nntune.tune.study.Trial;
import org.nntune.tune.trial.Constraints;
import org.nntune.tune.trial.ConstraintsFunction;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.TrialState;

import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GPSamplerTest {

    private static double quadratic2(SamplerLoop.Suggest s) {
        double x = s.suggest("x", FloatDistribution.uniform(-5, 5));
        double y = s.suggest("y", FloatDistribution.uniform(-5, 5));
        return (x - 0.3) * (x - 0.3) + (y + 1.2) * (y + 1.2);
    }

    @Test
    void findsTheMinimumOfA2dQuadraticIn40Trials() {
        Study gp = SamplerLoop.study(GPSampler.seeded(1), StudyDirection.MINIMIZE);
        SamplerLoop.runSingle(gp, 40, GPSamplerTest::quadratic2);
        Study random = SamplerLoop.study(new RandomSampler(1), StudyDirection.MINIMIZE);
        SamplerLoop.runSingle(random, 40, GPSamplerTest::quadratic2);
        double gpBest = SamplerLoop.bestValue(gp);
        assertThat(gpBest).isLessThan(1e-3);
        assertThat(gpBest).isLessThan(SamplerLoop.bestValue(random) / 10);
    }

    private static double rosenbrock3(SamplerLoop.Suggest s) {
        double[] x = new double[3];
        for (int i = 0; i < 3; i++) {
            x[i] = s.suggest("x" + i, FloatDistribution.uniform(-5, 5));
        }
        double f = 0;
        for (int i = 0; i < 2; i++) {
            f += 100 * Math.pow(x[i + 1] - x[i] * x[i], 2) + Math.pow(1 - x[i], 2);
        }
        return f;
    }

    /** A tilted quadratic bowl on top of a large offset: values 100 to ~260 over the box, minimum 100. */
    private static double offsetBowl(SamplerLoop.Suggest s) {
        double x = s.suggest("x", FloatDistribution.uniform(-5, 5)) - 0.3;
        double y = s.suggest("y", FloatDistribution.uniform(-5, 5)) + 1.2;
        return 100 + x * x + 3 * y * y + x * y;
    }

    @Test
    void trustRegionStepsResolveTheMinimumFarBelowTheSpreadOfTheValues() {
        for (long seed = 0; seed < 3; seed++) {
            Study gp = SamplerLoop.study(GPSampler.seeded(seed), StudyDirection.MINIMIZE);
            SamplerLoop.runSingle(gp, 90, GPSamplerTest::offsetBowl);
            Study global = SamplerLoop.study(GPSampler.builder().seed(seed).trustRegionSteps(false).build(),
                    StudyDirection.MINIMIZE);
            SamplerLoop.runSingle(global, 90, GPSamplerTest::offsetBowl);
            double gap = SamplerLoop.bestValue(gp) - 100;
            double globalGap = SamplerLoop.bestValue(global) - 100;
            assertThat(gap).as("seed %d: gap with trust-region steps; global model only %s", seed, globalGap)
                    .isLessThan(1e-9).isLessThan(globalGap / 100);
        }
    }

    @Test
    void trustRegionStepsSurviveABoxBelowTheDoublesResolution() {
        // SearchQuality's mixed function, seed 2: without a floor on the box's half-width, the box around the
        // incumbent became narrower than the doubles' resolution at its coordinates and the local model's
        // kernel matrix could not be factorised
        Study study = Study.builder("mixed").sampler(GPSampler.builder().build()).seed(2).create();
        study.optimize((Trial t) -> {
            String kind = t.suggestCategorical("kind", List.of("a", "b", "c"));
            double lr = t.suggestFloat("lr", 1e-5, 1e-1, Log.YES);
            int n = t.suggestInt("n", 1, 64, Log.YES);
            double extra = kind.equals("a") ? Math.pow(t.suggestFloat("m", 0, 1) - 0.7, 2) : 0.0;
            double l2 = Math.log(n) / Math.log(2);
            return (kind.equals("a") ? 0 : kind.equals("b") ? 0.3 : 0.8) + Math.pow(Math.log10(lr) + 2.5, 2) / 4
                    + (l2 - 3) * (l2 - 3) / 9 + extra;
        }, OptimizeOptions.trials(300));
        assertThat(study.trials(EnumSet.of(TrialState.COMPLETE))).hasSize(300);
        assertThat(SamplerLoop.bestValue(study)).isLessThan(1e-2);
    }

    @Test
    void warpedOutputsModelAHeavyTailedObjectiveBetter() {
        // Rosenbrock spans five orders of magnitude over the box: on raw values the GP chases the tail
        double[] warped = new double[5];
        double[] raw = new double[5];
        for (int seed = 0; seed < 5; seed++) {
            Study a = SamplerLoop.study(GPSampler.seeded(seed), StudyDirection.MINIMIZE);
            SamplerLoop.runSingle(a, 60, GPSamplerTest::rosenbrock3);
            warped[seed] = SamplerLoop.bestValue(a);
            Study b = SamplerLoop.study(GPSampler.builder().seed(seed).warpOutputs(false).build(), StudyDirection.MINIMIZE);
            SamplerLoop.runSingle(b, 60, GPSamplerTest::rosenbrock3);
            raw[seed] = SamplerLoop.bestValue(b);
        }
        java.util.Arrays.sort(warped);
        java.util.Arrays.sort(raw);
        assertThat(warped[2]).as("median best of 5 seeds, warped vs raw %s", java.util.Arrays.toString(raw))
                .isLessThan(raw[2]);
    }

    @Test
    void handlesLogIntAndCategoricalDimensionsAndMaximisation() {
        // maximise −[(log10 lr + 3)² + (n − 7)²/16 + penalty(kind)] over a log float, an int and a categorical
        Study gp = SamplerLoop.study(GPSampler.seeded(3), StudyDirection.MAXIMIZE);
        CategoricalDistribution kinds = CategoricalDistribution.of("relu", "tanh", "sigmoid");
        SamplerLoop.runSingle(gp, 50, s -> {
            double lr = s.suggest("lr", FloatDistribution.logUniform(1e-6, 1));
            double n = s.suggest("n", IntDistribution.uniform(1, 20));
            double kind = s.suggest("kind", kinds);
            return -(Math.pow(Math.log10(lr) + 3, 2) + (n - 7) * (n - 7) / 16 + (kind == 1 ? 0 : 1));
        });
        FrozenTrial best = gp.trials(EnumSet.of(TrialState.COMPLETE)).stream()
                .max(java.util.Comparator.comparingDouble(FrozenTrial::value)).orElseThrow();
        assertThat(best.value()).isGreaterThan(-0.1);
        assertThat(best.params().get("kind")).isEqualTo("tanh");
        assertThat((Long) best.params().get("n")).isBetween(6L, 8L);
        for (FrozenTrial t : gp.trials()) {
            assertThat(t.params().get("n")).isInstanceOf(Long.class);
        }
    }

    @Test
    void finds3dMinimumBetterThanRandomWithTheSameBudget() {
        java.util.function.ToDoubleFunction<SamplerLoop.Suggest> f = s -> {
            double a = s.suggest("a", FloatDistribution.uniform(0, 1));
            double b = s.suggest("b", FloatDistribution.uniform(0, 1));
            double c = s.suggest("c", FloatDistribution.uniform(0, 1));
            return 3 * (a - 0.2) * (a - 0.2) + (b - 0.7) * (b - 0.7) + 0.5 * (c - 0.5) * (c - 0.5);
        };
        for (long seed = 0; seed < 3; seed++) {
            Study gp = SamplerLoop.study(GPSampler.seeded(seed), StudyDirection.MINIMIZE);
            SamplerLoop.runSingle(gp, 40, f);
            Study random = SamplerLoop.study(new RandomSampler(seed), StudyDirection.MINIMIZE);
            SamplerLoop.runSingle(random, 40, f);
            assertThat(SamplerLoop.bestValue(gp)).isLessThan(1e-3).isLessThan(SamplerLoop.bestValue(random));
        }
    }

    @Test
    void sameSeedSameTrials() {
        Study a = SamplerLoop.study(GPSampler.seeded(7), StudyDirection.MINIMIZE);
        Study b = SamplerLoop.study(GPSampler.seeded(7), StudyDirection.MINIMIZE);
        SamplerLoop.runSingle(a, 15, GPSamplerTest::quadratic2);
        SamplerLoop.runSingle(b, 15, GPSamplerTest::quadratic2);
        for (int i = 0; i < 15; i++) {
            assertThat(a.trials().get(i).params()).isEqualTo(b.trials().get(i).params());
        }
    }

    @Test
    void rejectsMultiObjectiveStudiesAndBadOptions() {
        Study s = SamplerLoop.study(GPSampler.builder().seed(1).nStartupTrials(2).build(),
                StudyDirection.MINIMIZE, StudyDirection.MINIMIZE);
        assertThatThrownBy(() -> SamplerLoop.run(s, 5, t -> new double[] {t.suggest("x", FloatDistribution.uniform(0, 1)), 1}))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("one objective");
        assertThatThrownBy(() -> GPSampler.builder().nStartupTrials(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nStartupTrials");
        assertThatThrownBy(() -> GPSampler.builder().maxFitPoints(3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxFitPoints");
        assertThatThrownBy(() -> GPSampler.builder().nCandidates(1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nCandidates");
    }

    @Test
    void boundedFitSetKeepsWorkingPastTheCap() {
        Study gp = SamplerLoop.study(GPSampler.builder().seed(2).maxFitPoints(20).nCandidates(200).build(),
                StudyDirection.MINIMIZE);
        SamplerLoop.runSingle(gp, 45, GPSamplerTest::quadratic2);
        assertThat(SamplerLoop.bestValue(gp)).isLessThan(0.05);
    }

    @Test
    void constrainedSearchPrefersFeasibleRegionAndBestIsFeasible() {
        // minimise x² + y² subject to x + y >= 1 (constraint 1 − x − y <= 0): optimum 0.5 at (0.5, 0.5)
        ConstraintsFunction cf = t -> new double[] {1 - (Double) t.params().get("x") - (Double) t.params().get("y")};
        Study gp = SamplerLoop.study(GPSampler.builder().seed(4).constraints(cf).build(), StudyDirection.MINIMIZE);
        SamplerLoop.runSingle(gp, 40, s -> {
            double x = s.suggest("x", FloatDistribution.uniform(-2, 2));
            double y = s.suggest("y", FloatDistribution.uniform(-2, 2));
            return x * x + y * y;
        });
        List<FrozenTrial> trials = gp.trials(EnumSet.of(TrialState.COMPLETE));
        assertThat(trials).allSatisfy(t -> assertThat(Constraints.values(t)).isPresent());
        FrozenTrial best = Constraints.bestTrial(trials, StudyDirection.MINIMIZE).orElseThrow();
        assertThat(Constraints.isFeasible(best)).isTrue();
        assertThat(best.value()).isBetween(0.5, 0.56);
        // the GP probes the boundary, more often from the feasible side than uniform sampling (28%) does
        long feasibleAfterStartup = trials.stream().skip(10).filter(Constraints::isFeasible).count();
        Study random = SamplerLoop.study(new RandomSampler(4), StudyDirection.MINIMIZE);
        SamplerLoop.runSingle(random, 40, s -> s.suggest("x", FloatDistribution.uniform(-2, 2))
                + 0 * s.suggest("y", FloatDistribution.uniform(-2, 2)));
        long randomFeasible = random.trials().stream().skip(10).filter(t -> (Double) t.params().get("x")
                + (Double) t.params().get("y") >= 1).count();
        assertThat(feasibleAfterStartup).isGreaterThan(randomFeasible);
        // the unconstrained minimum (0, 0) region is infeasible and never best
        assertThat(trials.stream().anyMatch(t -> t.value() < 0.5)).isTrue();
    }
}
