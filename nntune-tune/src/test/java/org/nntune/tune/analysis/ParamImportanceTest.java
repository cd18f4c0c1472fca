package org.nntune.tune.analysis;

import org.junit.jupiter.api.Test;
import org.nntune.tune.sampler.RandomSampler;
import org.nntune.tune.space.FloatDistribution;
import org.nntune.tune.study.Log;
import org.nntune.tune.study.OptimizeOptions;
import org.nntune.tune.study.Study;
import org.nntune.tune.study.Trial;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.TrialState;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

class ParamImportanceTest {

    /** lr dominates, units matters a little, act a little, dropout not at all. */
    static Study synthetic(int n, long seed) {
        Study study = Study.builder("imp").sampler(new RandomSampler(seed)).create();
        study.optimize((Trial t) -> {
            double lr = t.suggestFloat("lr", 1e-5, 1e-1, Log.YES);
            int units = t.suggestInt("units", 8, 256);
            String act = t.suggestCategorical("act", List.of("relu", "tanh", "gelu"));
            t.suggestFloat("dropout", 0, 0.5);
            // effects wide enough apart that every seed of 1-8 ranks them alike (act at 1.5 tied dropout on one seed)
            return 10 * Math.pow(Math.log10(lr) + 3, 2) + units / 32.0 + (act.equals("tanh") ? 2.0 : 0);
        }, OptimizeOptions.trials(n));
        return study;
    }

    @Test
    void fanovaRanksTheDominantParameterFirstAndTheIdleOneLast() {
        Map<String, Double> imp = ParamImportance.fanova(synthetic(200, 1).view());
        assertThat(imp.keySet()).containsExactly("lr", "units", "act", "dropout");
        assertThat(imp.values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1, offset(1e-9));
        assertThat(imp.get("lr")).isGreaterThan(0.8);
        assertThat(imp.get("dropout")).isLessThan(0.02);
    }

    @Test
    void permutationImportanceAgreesOnTheOrder() {
        Map<String, Double> imp = ParamImportance.permutation(synthetic(200, 2).view());
        List<String> order = new ArrayList<>(imp.keySet());
        assertThat(order.get(0)).isEqualTo("lr");
        assertThat(order.get(3)).isEqualTo("dropout");
        assertThat(imp.values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1, offset(1e-9));
    }

    @Test
    void fanovaOfAHandBuiltTreeMatchesTheExactDecomposition() {
        // f(x0, x1) = [x0 > 0.5] + 2·[x1 > 0.25]: additive; Var = 0.25 + 4·(0.25·0.75) = 1.0
        RegressionForest.Tree t = new RegressionForest.Tree();
        int root = t.add(0);
        t.feature[root] = 0;
        t.threshold[root] = 0.5;
        int l = t.add(0);
        t.feature[l] = 1;
        t.threshold[l] = 0.25;
        t.left[l] = t.add(0);
        t.right[l] = t.add(2);
        int r = t.add(0);
        t.feature[r] = 1;
        t.threshold[r] = 0.25;
        t.left[r] = t.add(1);
        t.right[r] = t.add(3);
        t.left[root] = l;
        t.right[root] = r;
        FanovaTree ft = new FanovaTree(t, 2);
        assertThat(ft.variance()).isCloseTo(1.0, offset(1e-12));
        assertThat(ft.marginalVariance(new int[] {0})).isCloseTo(0.25, offset(1e-12));
        assertThat(ft.marginalVariance(new int[] {1})).isCloseTo(0.75, offset(1e-12));
        assertThat(ft.marginalVariance(new int[] {0, 1})).isCloseTo(1.0, offset(1e-12));
    }

    @Test
    void forestFitsAStepFunctionExactly() {
        double[][] x = new double[40][];
        double[] y = new double[40];
        for (int i = 0; i < 40; i++) {
            x[i] = new double[] {i / 40.0, (i * 7 % 40) / 40.0};
            y[i] = x[i][0] > 0.3 ? 5 : -1;
        }
        RegressionForest f = RegressionForest.fit(x, y, 8, 64, 2, 0);
        assertThat(f.predict(new double[] {0.1, 0.5})).isCloseTo(-1, offset(0.7));
        assertThat(f.predict(new double[] {0.9, 0.5})).isCloseTo(5, offset(0.7));
    }

    @Test
    void explainsClearlyWhatIsMissing() {
        Study empty = Study.builder("e").create();
        assertThatThrownBy(() -> ParamImportance.fanova(empty.view())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 2 COMPLETE trials");
        Study multi = Study.builder("m").directions(StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE).create();
        assertThatThrownBy(() -> ParamImportance.fanova(multi.view())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 objectives");
        Study constant = Study.builder("c").create();
        constant.optimize((Trial t) -> 1.0, OptimizeOptions.trials(3));
        assertThatThrownBy(() -> ParamImportance.fanova(constant.view())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more than one value");
        assertThatThrownBy(() -> new ParamImportance.Options(0, 1, 2, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nTrees");
        // a multi-objective study with a target
        Study mo = Study.builder("mo").directions(StudyDirection.MINIMIZE, StudyDirection.MINIMIZE)
                .sampler(new RandomSampler(3)).create();
        mo.optimizeMulti(t -> new double[] {t.suggestFloat("a", 0, 1), t.suggestFloat("b", 0, 1)}, OptimizeOptions.trials(60));
        List<FrozenTrial> trials = mo.trials(EnumSet.of(TrialState.COMPLETE));
        Map<String, Double> second = ParamImportance.fanova(trials, t -> t.values().get(1), ParamImportance.Options.defaults());
        assertThat(second.keySet()).containsExactly("b", "a");
    }
}
