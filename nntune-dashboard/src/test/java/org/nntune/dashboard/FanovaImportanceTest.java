package org.nntune.dashboard;

import org.junit.jupiter.api.Test;
import org.nntune.tune.space.Distribution;
import org.nntune.tune.space.FloatDistribution;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.TrialState;
import org.w3c.dom.Element;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The report's default importance: fANOVA, its cap, and the studies it cannot explain. */
class FanovaImportanceTest {

    /**
     * lr has a minimum in the middle of its range (Spearman sees little of it), optimizer shifts the
     * value, dropout does nothing; units exists only when layers >= 2 (a conditional parameter).
     */
    static List<FrozenTrial> synthetic(int n, long seed) {
        Random r = new Random(seed);
        String[] opts = {"sgd", "adam", "rmsprop"};
        List<FrozenTrial> trials = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, Object> p = new LinkedHashMap<>();
            double lr = Math.pow(10, -5 + 4 * r.nextDouble());
            long layers = 1 + r.nextInt(4);
            String opt = opts[r.nextInt(3)];
            p.put("lr", lr);
            p.put("layers", layers);
            if (layers >= 2) {
                p.put("units", (long) (8 + r.nextInt(200)));
            }
            p.put("optimizer", opt);
            p.put("dropout", 0.5 * r.nextDouble());
            double x = Math.log10(lr) + 3;
            double value = x * x + (opt.equals("sgd") ? 1.0 : 0) + 0.1 * layers + 0.01 * r.nextGaussian();
            trials.add(ExampleStudies.complete(i, value, p));
        }
        return trials;
    }

    @Test
    void theReportRanksTheParameterWithNoEffectLastAndNamesTheMethod() {
        StudyReportData data = new StudyReportData("fanova", List.of(StudyDirection.MINIMIZE), synthetic(300, 5));
        String html = HtmlReport.of(data).html();
        Element imp = SvgParse.withClass(html, "importance").get(0);
        List<String> bars = SvgParse.marks(imp, "rect", "imp-bar").stream().map(e -> e.getAttribute("data-param")).toList();
        assertThat(bars).containsExactly("lr", "optimizer", "layers", "dropout");
        assertThat(html).contains("Method: fANOVA on a random forest of 32 trees fitted to 300 complete trials (seed 0).")
                .contains("Not assessed (missing from some complete trials, as conditional parameters are, or taking one value): units.");
    }

    @Test
    void fanovaSeesAnEffectInTheMiddleOfARangeThatSpearmanMisses() {
        List<FrozenTrial> trials = synthetic(300, 6);
        ParamImportances fanova = FanovaImportance.defaults().compute(trials, 0, StudyDirection.MINIMIZE);
        assertThat(fanova.ranking().get(0)).isEqualTo("lr");
        assertThat(fanova.values().get("lr")).isGreaterThan(0.5);
        assertThat(fanova.values().get("dropout")).isLessThan(0.02);
        assertThat(fanova.values().values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, within(1e-9));
        ParamImportances spearman = new SpearmanImportance().compute(trials, 0, StudyDirection.MINIMIZE);
        assertThat(spearman.values().get("lr")).isLessThan(fanova.values().get("lr"));
    }

    @Test
    void bigStudiesAreFittedOnASeededSampleAndRepeatExactly() {
        List<FrozenTrial> trials = synthetic(1500, 7);
        FanovaImportance capped = new FanovaImportance(400, 8, 11);
        ParamImportances a = capped.compute(trials, 0, StudyDirection.MINIMIZE);
        ParamImportances b = capped.compute(trials, 0, StudyDirection.MINIMIZE);
        assertThat(a).isEqualTo(b);
        assertThat(a.method()).isEqualTo("fANOVA on a random forest of 8 trees fitted to 400 of 1500 complete trials,"
                + " drawn at random (seed 11)");
        assertThat(a.ranking().get(0)).isEqualTo("lr");
        assertThat(a.ranking().get(a.ranking().size() - 1)).isEqualTo("dropout");
        ParamImportances other = new FanovaImportance(400, 8, 12).compute(trials, 0, StudyDirection.MINIMIZE);
        assertThat(other.values()).isNotEqualTo(a.values());
    }

    @Test
    void theObjectiveShownIsTheOneExplained() {
        List<FrozenTrial> trials = new ArrayList<>();
        Random r = new Random(8);
        Map<String, Distribution> d = Map.of("a", FloatDistribution.uniform(0, 1), "b", FloatDistribution.uniform(0, 1));
        for (int i = 0; i < 200; i++) {
            double a = r.nextDouble();
            double b = r.nextDouble();
            trials.add(ExampleStudies.trial(i, TrialState.COMPLETE, List.of(a, 10 * b), Map.of("a", a, "b", b), d,
                    Map.of(), 1, Optional.empty()));
        }
        FanovaImportance f = FanovaImportance.defaults();
        assertThat(f.compute(trials, 0, StudyDirection.MINIMIZE).ranking()).containsExactly("a", "b");
        assertThat(f.compute(trials, 1, StudyDirection.MINIMIZE).ranking()).containsExactly("b", "a");
    }

    @Test
    void oneTrialAConstantObjectiveOrNoVaryingParameterGiveANoteAndNoBars() {
        FanovaImportance f = FanovaImportance.defaults();
        List<FrozenTrial> one = synthetic(1, 9);
        assertThat(f.compute(one, 0, StudyDirection.MINIMIZE).values()).isEmpty();
        String oneHtml = HtmlReport.of(new StudyReportData("one", List.of(StudyDirection.MINIMIZE), one)).html();
        assertThat(oneHtml).contains("Importances need at least two complete trials.");

        List<FrozenTrial> flat = new ArrayList<>();
        for (FrozenTrial t : synthetic(50, 10)) {
            flat.add(ExampleStudies.complete(t.number(), 0.25, t.params()));
        }
        ParamImportances none = f.compute(flat, 0, StudyDirection.MINIMIZE);
        assertThat(none.values()).isEmpty();
        assertThat(none.notes()).containsExactly("The objective is the same in every complete trial (0.25): no parameter explains any of it.");
        String flatHtml = HtmlReport.of(new StudyReportData("flat", List.of(StudyDirection.MINIMIZE), flat)).html();
        assertThat(flatHtml).contains("no parameter explains any of it.");
        assertThat(SvgParse.withClass(flatHtml, "importance")).isEmpty();

        // every trial has a different conditional parameter: none is shared
        List<FrozenTrial> disjoint = List.of(
                ExampleStudies.complete(0, 1.0, Map.of("lr", 1e-3)),
                ExampleStudies.complete(1, 2.0, Map.of("dropout", 0.1)));
        ParamImportances unshared = f.compute(disjoint, 0, StudyDirection.MINIMIZE);
        assertThat(unshared.values()).isEmpty();
        assertThat(unshared.notes()).singleElement().asString()
                .startsWith("No importances: parameter importance needs a parameter that all 2 COMPLETE trials share, with one"
                        + " distribution");
        String html = HtmlReport.of(new StudyReportData("disjoint", List.of(StudyDirection.MINIMIZE), disjoint)).html();
        assertThat(html).contains("No importances: parameter importance needs a parameter");
    }

    @Test
    void badLimitsAreRefused() {
        assertThatThrownBy(() -> new FanovaImportance(1, 8, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxTrials must be >= 2, got 1");
        assertThatThrownBy(() -> new FanovaImportance(100, 0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nTrees must be >= 1, got 0");
    }
}
