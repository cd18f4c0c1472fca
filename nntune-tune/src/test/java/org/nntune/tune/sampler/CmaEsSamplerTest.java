package org.nntune.tune.sampler;

import org.junit.jupiter.api.Test;
import org.nntune.tune.space.CategoricalDistribution;
import org.nntune.tune.space.FloatDistribution;
import org.nntune.tune.space.IntDistribution;
import org.nntune.tune.study.SamplerLoop;
import org.nntune.tune.study.Study;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.TrialState;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CmaEsSamplerTest {

    /**
     * Weights and learning rates as in the cmaes library 0.9.1 (Optuna 3.1's CMA-ES): printed by
     * {@code CMA(mean=np.zeros(n), sigma=1.0)._weights, _mu_eff, _c1, _cmu, _c_sigma, _d_sigma, _cc}
     * for n = 6 (λ = 9, odd: the case ln(μ + 1/2) used to get wrong) and n = 5 (λ = 8).
     */
    @Test
    void strategyParametersMatchTheCmaesLibrary() {
        double[][] expected = {
            {0.4937383774843409, 0.2810968324806433, 0.15670950255807004, 0.06845528747694568, 0.0,
                -0.23110816440549842, -0.42650733323224577, -0.5957697922778267, -0.745069862150622},
            {0.5299301844787792, 0.2857142857142857, 0.14285714285714282, 0.041498386949792215, -0.1672795068098809,
                -0.45674904775585873, -0.7014920573635213, -0.9134980955117175}};
        double[][] rates = {
            {2.8406104297170534, 0.03563118207139872, 0.0356863119967521, 0.3497396631671549, 1.349739663167155,
                0.40864968827481546},
            {2.6001788261131793, 0.047292304159400896, 0.03816916070385781, 0.3650883760934854, 1.3650883760934853,
                0.4501995579928079}};
        int[] dims = {6, 5};
        for (int c = 0; c < dims.length; c++) {
            int n = dims[c];
            double[] ones = new double[n];
            java.util.Arrays.fill(ones, 1);
            CmaState s = new CmaState(n, new double[n], 1.0, ones, 4 + (int) Math.floor(3 * Math.log(n)), 0);
            double[] w = s.weights();
            assertThat(w).hasSize(expected[c].length);
            for (int i = 0; i < w.length; i++) {
                assertThat(w[i]).as("n=%d weight %d", n, i).isCloseTo(expected[c][i], within(1e-12));
            }
            double[] r = s.learningRates();
            for (int i = 0; i < r.length; i++) {
                assertThat(r[i]).as("n=%d rate %d", n, i).isCloseTo(rates[c][i], within(1e-12));
            }
        }
    }

    private static final ToDoubleFunction<SamplerLoop.Suggest> QUAD2 = s -> {
        double x = s.suggest("x", FloatDistribution.uniform(-5, 5));
        double y = s.suggest("y", FloatDistribution.uniform(-5, 5));
        return (x - 1.5) * (x - 1.5) + 2 * (y + 2) * (y + 2) + 0.5 * (x - 1.5) * (y + 2);
    };

    private static final ToDoubleFunction<SamplerLoop.Suggest> QUAD3 = s -> {
        double a = s.suggest("a", FloatDistribution.uniform(-3, 3));
        double b = s.suggest("b", FloatDistribution.logUniform(1e-4, 1));
        double n = s.suggest("n", IntDistribution.uniform(0, 40));
        return (a - 1) * (a - 1) + Math.pow(Math.log10(b) + 2, 2) + (n - 23) * (n - 23) / 100.0;
    };

    @Test
    void findsTheMinimumOfA2dQuadraticIn60TrialsBetterThanRandom() {
        for (long seed = 0; seed < 3; seed++) {
            Study cma = SamplerLoop.study(CmaEsSampler.seeded(seed), StudyDirection.MINIMIZE);
            SamplerLoop.runSingle(cma, 60, QUAD2);
            Study random = SamplerLoop.study(new RandomSampler(seed), StudyDirection.MINIMIZE);
            SamplerLoop.runSingle(random, 60, QUAD2);
            // f ranges over [0, ~150] on the box; f < 0.25 is within ~0.4 of the optimum (1.5, −2)
            assertThat(SamplerLoop.bestValue(cma)).isLessThan(0.25).isLessThan(SamplerLoop.bestValue(random));
        }
    }

    @Test
    void findsTheMinimumOf3dQuadraticWithLogAndIntDimensions() {
        for (long seed = 0; seed < 3; seed++) {
            Study cma = SamplerLoop.study(CmaEsSampler.seeded(seed), StudyDirection.MINIMIZE);
            SamplerLoop.runSingle(cma, 60, QUAD3);
            Study random = SamplerLoop.study(new RandomSampler(seed), StudyDirection.MINIMIZE);
            SamplerLoop.runSingle(random, 60, QUAD3);
            assertThat(SamplerLoop.bestValue(cma)).isLessThan(0.1).isLessThan(SamplerLoop.bestValue(random));
            for (FrozenTrial t : cma.trials()) {
                assertThat(t.params().get("n")).isInstanceOf(Long.class);
            }
        }
    }

    @Test
    void tagsTrialsWithGenerationsAndSamplesCategoricalsIndependently() {
        Study cma = SamplerLoop.study(CmaEsSampler.builder().seed(1).popsize(5).build(), StudyDirection.MINIMIZE);
        SamplerLoop.runSingle(cma, 21, s -> {
            double x = s.suggest("x", FloatDistribution.uniform(0, 1));
            double y = s.suggest("y", FloatDistribution.uniform(0, 1));
            double k = s.suggest("k", CategoricalDistribution.of("a", "b"));
            return x + y + k;
        });
        List<FrozenTrial> trials = cma.trials();
        assertThat(trials.get(0).systemAttrs()).doesNotContainKey(CmaEsSampler.GENERATION); // nothing to model yet
        for (int i = 1; i <= 20; i++) {
            Map<String, Object> attrs = trials.get(i).systemAttrs();
            assertThat(attrs.get(CmaEsSampler.GENERATION)).isEqualTo((long) ((i - 1) / 5));
            assertThat(attrs.get(CmaEsSampler.RESTART)).isEqualTo(0L);
            assertThat((List<?>) attrs.get(CmaEsSampler.X)).hasSize(2);
        }
        assertThat(trials.stream().map(t -> t.params().get("k")).distinct()).hasSize(2);
    }

    @Test
    void keepsNoStateOutsideTheStorage() {
        Study study = SamplerLoop.study(CmaEsSampler.seeded(3), StudyDirection.MINIMIZE);
        SamplerLoop.runSingle(study, 30, QUAD2);
        // a copy of the study, taken over by a brand-new sampler with the same seed as the old one after reseeding
        Study copy = SamplerLoop.study(CmaEsSampler.seeded(99), StudyDirection.MINIMIZE);
        for (FrozenTrial t : study.trials()) {
            copy.storage().createTrial(copy.studyId(), new FrozenTrial(-1, -1, t.state(), t.values(), t.params(),
                    t.distributions(), t.userAttrs(), t.systemAttrs(), t.intermediateValues(), t.datetimeStart(),
                    t.datetimeComplete(), t.failureReason()));
        }
        study.storage().getStudySystemAttrs(study.studyId()).forEach((k, v) ->
                copy.storage().setStudySystemAttr(copy.studyId(), k, v));
        study.sampler().reseed(99);
        SamplerLoop.runSingle(study, 10, QUAD2);
        SamplerLoop.runSingle(copy, 10, QUAD2);
        for (int i = 30; i < 40; i++) {
            assertThat(copy.trials().get(i).params()).isEqualTo(study.trials().get(i).params());
            assertThat(copy.trials().get(i).systemAttrs()).isEqualTo(study.trials().get(i).systemAttrs());
        }
    }

    @Test
    void warmStartsFromTrialsThatFinishedBefore() {
        Study study = SamplerLoop.study(CmaEsSampler.builder().seed(5).nStartupTrials(12).build(), StudyDirection.MINIMIZE);
        SamplerLoop.runSingle(study, 13, QUAD2);
        List<FrozenTrial> prior = study.trials().subList(0, 12);
        assertThat(prior).allSatisfy(t -> assertThat(t.systemAttrs()).doesNotContainKey(CmaEsSampler.GENERATION));
        // the initial mean is the mean of the best quarter (3 trials) of the 12 startup trials, in the unit cube
        List<FrozenTrial> best = prior.stream().sorted(java.util.Comparator.comparingDouble(FrozenTrial::value)).limit(3).toList();
        double mx = best.stream().mapToDouble(t -> ((Double) t.params().get("x") + 5) / 10).average().orElseThrow();
        Map<?, ?> init = (Map<?, ?>) study.storage().getStudySystemAttrs(study.studyId()).values().iterator().next();
        assertThat(((Number) ((List<?>) init.get("mean")).get(0)).doubleValue()).isCloseTo(mx, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(((Number) init.get("sigma")).doubleValue()).isLessThanOrEqualTo(1.0 / 6);
    }

    @Test
    void ipopRestartsAStagnatedRunWithADoubledPopulation() {
        Study study = SamplerLoop.study(CmaEsSampler.builder().seed(2).popsize(10).ipopRestarts(true).build(),
                StudyDirection.MINIMIZE);
        SamplerLoop.runSingle(study, 200, s -> {
            s.suggest("x", FloatDistribution.uniform(0, 1));
            s.suggest("y", FloatDistribution.uniform(0, 1));
            return 1.0; // flat: the run stagnates
        });
        List<FrozenTrial> restarted = study.trials(EnumSet.of(TrialState.COMPLETE)).stream()
                .filter(t -> Long.valueOf(1).equals(t.systemAttrs().get(CmaEsSampler.RESTART))).toList();
        assertThat(restarted).isNotEmpty();
        assertThat(restarted.get(0).systemAttrs().get(CmaEsSampler.GENERATION)).isEqualTo(0L);
        // without restarts the same run never leaves restart 0
        Study plain = SamplerLoop.study(CmaEsSampler.builder().seed(2).popsize(10).build(), StudyDirection.MINIMIZE);
        SamplerLoop.runSingle(plain, 200, s -> s.suggest("x", FloatDistribution.uniform(0, 1))
                + 0 * s.suggest("y", FloatDistribution.uniform(0, 1)) * 0 + 1);
        assertThat(plain.trials()).allSatisfy(t -> assertThat(t.systemAttrs().getOrDefault(CmaEsSampler.RESTART, 0L)).isEqualTo(0L));
    }

    @Test
    void rejectsBadOptionsAndMultiObjectiveStudies() {
        assertThatThrownBy(() -> CmaEsSampler.builder().popsize(1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("popsize");
        assertThatThrownBy(() -> CmaEsSampler.builder().sigma0(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sigma0");
        assertThatThrownBy(() -> CmaEsSampler.builder().nStartupTrials(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nStartupTrials");
        Study s = SamplerLoop.study(CmaEsSampler.seeded(1), StudyDirection.MINIMIZE, StudyDirection.MINIMIZE);
        assertThatThrownBy(() -> SamplerLoop.run(s, 3, t -> new double[] {t.suggest("x", FloatDistribution.uniform(0, 1)), 0}))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("one objective");
    }

    @Test
    void eigendecompositionReconstructsTheMatrix() {
        double[][] a = {{4, 1, 0.5}, {1, 3, -0.2}, {0.5, -0.2, 1}};
        SymmetricEigen e = new SymmetricEigen(a);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double s = 0;
                for (int k = 0; k < 3; k++) {
                    s += e.vectors[i][k] * e.values[k] * e.vectors[j][k];
                }
                assertThat(s).isCloseTo(a[i][j], org.assertj.core.data.Offset.offset(1e-12));
            }
        }
    }
}
