package org.nntune.dashboard;

import org.junit.jupiter.api.Test;
import org.nntune.tune.storage.InMemoryStorage;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.study.Study;
import org.nntune.tune.study.TrialPrunedException;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.SystemAttrs;
import org.w3c.dom.Element;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The adapted hyperparameters' trajectories in the report: one figure per name, one line per trial that stored any. */
class AdaptedReportTest {

    @Test
    void trialsWithTrajectoriesGetOneFigurePerAdaptedHyperparameter() {
        Storage storage = new InMemoryStorage();
        Study study = Study.builder("adapted").storage(storage).direction(StudyDirection.MAXIMIZE).seed(1).create();
        study.optimize(trial -> {
            double x = trial.suggestFloat("lr", 1e-4, 1e-1, org.nntune.tune.study.Log.YES);
            int epochs = trial.number() == 2 ? 2 : 5;
            List<Double> lr = new ArrayList<>();
            List<Double> l2 = new ArrayList<>();
            for (int e = 0; e < epochs; e++) {
                lr.add(x * Math.pow(1.5, e));
                l2.add(1e-4 / (e + 1));
            }
            if (trial.number() != 3) { // one trial adapted nothing
                trial.setSystemAttr(SystemAttrs.ADAPTED_HYPERPARAMETERS, Map.of("lr", lr, "l2_layer0", l2));
            }
            if (trial.number() == 2) {
                trial.report(1, 0.5);
                throw new TrialPrunedException("pruned");
            }
            return x;
        }, 4);
        String html = HtmlReport.fromStorage(storage, "adapted").html();
        List<Element> figures = SvgParse.withClass(html, "adapted");
        assertThat(figures).hasSize(2);
        for (Element svg : figures) {
            assertThat(SvgParse.marks(svg, "polyline", "adapted")).hasSize(3);
            assertThat(SvgParse.marks(svg, "polyline", "pruned")).hasSize(1);
        }
        assertThat(html).contains("href=\"#adapted\"").contains("data-name=\"lr\"").contains("data-name=\"l2_layer0\"");
    }

    @Test
    void otherStudiesHaveNoAdaptedSection() {
        String html = HtmlReport.of(ExampleStudies.singleObjective("plain", 30, 1)).html();
        assertThat(html).doesNotContain("href=\"#adapted\"");
    }
}
