package org.nntune.tune.sampler;

import org.junit.jupiter.api.Test;
import org.nntune.tune.space.CategoricalDistribution;
import org.nntune.tune.space.FloatDistribution;
import org.nntune.tune.space.IntDistribution;
import org.nntune.tune.study.SamplerLoop;
import org.nntune.tune.study.Study;
import org.nntune.tune.trial.Constraints;
import org.nntune.tune.trial.ConstraintsFunction;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.ParetoFront;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.TrialState;

import java.util.EnumSet;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NSGAIISamplerTest {
    private static final double[] REF = {1.1, 1.1};

    /** ZDT1 with {@code n} variables in [0, 1]: f1 = x1, f2 = g (1 − √(f1 / g)), g = 1 + 9 Σ x_i / (n − 1). */
    static Function<SamplerLoop.Suggest, double[]> zdt1(int n) {
        return s -> {
            double[] x = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = s.suggest("x" + i, FloatDistribution.uniform(0, 1));
            }
            double sum = 0;
            for (int i = 1; i < n; i++) {
                sum += x[i];
            }
            double g = 1 + 9 * sum / (n - 1);
            return new double[] {x[0], g * (1 - Math.sqrt(x[0] / g))};
        };
    }

    private static double hypervolume(Study study) {
        return ParetoFront.hypervolume2d(ParetoFront.minimized(ParetoFront.of(study.view()), study.directions()), REF);
    }

    @Test
    void approachesTheTrueZdt1FrontWithSbx() {
        // true front f2 = 1 − √f1 has hypervolume 0.8767 w.r.t. (1.1, 1.1)
        Study nsga = SamplerLoop.study(NSGAIISampler.builder().seed(1).populationSize(40)
                .crossover(NSGAIISampler.Crossover.SBX).build(), StudyDirection.MINIMIZE, StudyDirection.MINIMIZE);
        SamplerLoop.run(nsga, 40 * 20, zdt1(5));
        Study random = SamplerLoop.study(new RandomSampler(1), StudyDirection.MINIMIZE, StudyDirection.MINIMIZE);
        SamplerLoop.run(random, 40 * 20, zdt1(5));
        double hv = hypervolume(nsga);
        // measured 0.81 (random search with the same budget: 0.16)
        assertThat(hv).isGreaterThan(0.78).isGreaterThan(hypervolume(random) + 0.5);
    }

    @Test
    void uniformCrossoverAlsoImprovesOnRandom() {
        Study nsga = SamplerLoop.study(NSGAIISampler.builder().seed(2).populationSize(30)
                .crossover(NSGAIISampler.Crossover.UNIFORM).build(),
                StudyDirection.MINIMIZE, StudyDirection.MINIMIZE);
        SamplerLoop.run(nsga, 30 * 20, zdt1(5));
        Study random = SamplerLoop.study(new RandomSampler(2), StudyDirection.MINIMIZE, StudyDirection.MINIMIZE);
        SamplerLoop.run(random, 30 * 20, zdt1(5));
        // measured 0.53 (random search: 0.15)
        assertThat(hypervolume(nsga)).isGreaterThan(0.45).isGreaterThan(hypervolume(random) + 0.2);
    }

    @Test
    void tracksGenerationsInTrialAttributes() {
        Study nsga = SamplerLoop.study(NSGAIISampler.builder().seed(3).populationSize(5).build(),
                StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE);
        SamplerLoop.run(nsga, 17, s -> {
            double x = s.suggest("x", FloatDistribution.uniform(0, 1));
            double n = s.suggest("n", IntDistribution.uniform(1, 9));
            double c = s.suggest("c", CategoricalDistribution.of("a", "b", "c"));
            return new double[] {x + c, n * x};
        });
        List<FrozenTrial> trials = nsga.trials();
        for (FrozenTrial t : trials) {
            assertThat(t.systemAttrs().get(NSGAIISampler.GENERATION)).isEqualTo((long) (t.number() / 5));
        }
    }

    @Test
    void constrainedDominationKeepsTheFrontFeasible() {
        // two objectives on [0, 1]²: f1 = x, f2 = y, constraint x + y >= 0.8 (0.8 − x − y <= 0)
        ConstraintsFunction cf = t -> new double[] {0.8 - (Double) t.params().get("x") - (Double) t.params().get("y")};
        Study nsga = SamplerLoop.study(NSGAIISampler.builder().seed(4).populationSize(20).constraints(cf).build(),
                StudyDirection.MINIMIZE, StudyDirection.MINIMIZE);
        SamplerLoop.run(nsga, 200, s -> new double[] {s.suggest("x", FloatDistribution.uniform(0, 1)),
                s.suggest("y", FloatDistribution.uniform(0, 1))});
        List<FrozenTrial> front = ParetoFront.of(nsga.view());
        assertThat(front).isNotEmpty().allSatisfy(t -> assertThat(Constraints.isFeasible(t)).isTrue());
        // the front lies along the boundary x + y = 0.8 (the unconstrained front is the single point (0, 0))
        double meanSum = front.stream().mapToDouble(t -> (Double) t.params().get("x") + (Double) t.params().get("y"))
                .average().orElseThrow();
        assertThat(meanSum).isBetween(0.8, 0.9);
    }

    @Test
    void rejectsBadOptions() {
        assertThatThrownBy(() -> NSGAIISampler.builder().populationSize(1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("populationSize");
        assertThatThrownBy(() -> NSGAIISampler.builder().mutationProb(1.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mutationProb");
        assertThatThrownBy(() -> NSGAIISampler.builder().crossoverProb(-0.1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("crossoverProb");
        assertThatThrownBy(() -> NSGAIISampler.builder().swappingProb(Double.NaN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("swappingProb");
    }
}
