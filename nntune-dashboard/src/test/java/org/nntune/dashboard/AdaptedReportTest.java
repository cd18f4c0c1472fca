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

    /**
     * A population-based training member's round continues its member's training and stores only its
     * own epochs: its line is drawn at the member's epochs (those its intermediate values are numbered
     * by, from 0), not from epoch 1.
     */
    @Test
    void aPopulationRoundIsDrawnAtItsMembersEpochs() {
        Storage storage = new InMemoryStorage();
        Study study = Study.builder("pbt-adapted").storage(storage).direction(StudyDirection.MAXIMIZE).seed(1).create();
        study.optimize(trial -> {
            int round = trial.number();
            trial.setSystemAttr("pbt.round", (long) round);
            trial.setSystemAttr("pbt.member", 0L);
            List<Double> lr = new ArrayList<>();
            for (int e = 2 * round; e < 2 * round + 2; e++) {
                trial.report(e, 0.5 + 0.01 * e);
                lr.add(0.01 * (e + 1));
            }
            trial.setSystemAttr(SystemAttrs.ADAPTED_HYPERPARAMETERS, Map.of("lr", lr));
            return 0.5;
        }, 3);
        String html = HtmlReport.fromStorage(storage, "pbt-adapted").html();
        // rounds of 2 epochs: the third round's line ends at epoch 6, the axis runs to 6
        assertThat(html).contains("lr at epoch 2:").contains("lr at epoch 4:").contains("lr at epoch 6:");
        List<Element> figures = SvgParse.withClass(html, "adapted");
        assertThat(figures).hasSize(1);
        assertThat(SvgParse.marks(figures.get(0), "polyline", "adapted")).hasSize(3);
    }

    @Test
    void otherStudiesHaveNoAdaptedSection() {
        String html = HtmlReport.of(ExampleStudies.singleObjective("plain", 30, 1)).html();
        assertThat(html).doesNotContain("href=\"#adapted\"");
    }
}
