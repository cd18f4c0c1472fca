package org.nntune.dashboard;

import org.junit.jupiter.api.Test;
import org.nntune.tune.pruner.MedianPruner;
import org.nntune.tune.sampler.RandomSampler;
import org.nntune.tune.storage.InMemoryStorage;
import org.nntune.tune.study.Log;
import org.nntune.tune.study.Study;
import org.nntune.tune.study.TrialPrunedException;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.TrialState;
import org.w3c.dom.Element;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A real study run by nntune-tune (random sampler, median pruner), reported from its storage. */
class StudyEndToEndTest {

    @Test
    void aStudyRunByTheTunerIsReportedFromItsStorage() {
        InMemoryStorage storage = new InMemoryStorage();
        Study study = Study.builder("e2e").storage(storage).direction(StudyDirection.MAXIMIZE)
                .sampler(new RandomSampler()).pruner(new MedianPruner()).seed(17).create();
        study.optimize(trial -> {
            double lr = trial.suggestFloat("lr", 1e-4, 1, Log.YES);
            int layers = trial.suggestInt("layers", 1, 3);
            String act = trial.suggestCategorical("activation", List.of("relu", "tanh"));
            if (trial.number() % 13 == 12) {
                throw new IllegalStateException("diverged");
            }
            double target = 0.9 - Math.pow(Math.log10(lr) + 2, 2) * 0.05 - (act.equals("tanh") ? 0.05 : 0) + 0.01 * layers;
            double acc = 0;
            for (int epoch = 0; epoch < 8; epoch++) {
                acc = target * (1 - Math.exp(-0.6 * (epoch + 1)));
                trial.report(epoch, acc);
                if (trial.shouldPrune()) {
                    throw new TrialPrunedException();
                }
            }
            return acc;
        }, 40);

        List<FrozenTrial> trials = storage.getAllTrials(storage.getStudyId("e2e"));
        long complete = trials.stream().filter(t -> t.state() == TrialState.COMPLETE).count();
        long pruned = trials.stream().filter(t -> t.state() == TrialState.PRUNED).count();
        long failed = trials.stream().filter(t -> t.state() == TrialState.FAIL).count();
        assertThat(trials).hasSize(40);
        assertThat(complete).isPositive();
        assertThat(pruned).isPositive();
        assertThat(failed).isEqualTo(3);

        String html = HtmlReport.fromStorage(storage, "e2e").html();
        Element history = SvgParse.withClass(html, "history").get(0);
        assertThat(SvgParse.marks(history, "circle", "pt")).hasSize((int) complete);
        Element curves = SvgParse.withClass(html, "curves").get(0);
        assertThat(SvgParse.marks(curves, "polyline", "curve")).hasSize((int) (complete + pruned));
        assertThat(SvgParse.marks(curves, "polyline", "pruned")).hasSize((int) pruned);
        assertThat(SvgParse.withClass(html, "slice-panel")).hasSize(3);
        assertThat(SvgParse.marks(SvgParse.withClass(html, "parallel").get(0), "polyline", "pc-line")).hasSize((int) complete);
        assertThat(html).contains("40 (" + complete + " complete, " + pruned + " pruned, 3 fail, 0 running, 0 waiting)")
                .contains("Best value").contains("diverged");
    }

    /**
     * A waiting enqueued trial shows in the report's table with the values it will run with, marked
     * enqueued (italic, with a title), as in the dashboard; a finished one shows only what it asked for.
     */
    @Test
    void theReportsTableShowsAWaitingTrialsEnqueuedValues() {
        InMemoryStorage storage = new InMemoryStorage();
        Study study = Study.builder("queued").storage(storage).create();
        study.optimize(trial -> trial.suggestFloat("x", 0, 1), 1);
        java.util.Map<String, Object> values = new java.util.LinkedHashMap<>();
        values.put("x", 0.25);
        values.put("act", "tanh");
        study.enqueueTrial(values);

        String html = HtmlReport.fromStorage(storage, "queued").html();
        int from = html.indexOf("<table class=\"trials");
        String table = html.substring(from, html.indexOf("</table>", from));
        assertThat(table).contains("<th title=\"act\">act</th>");
        String waiting = table.substring(table.indexOf("<tr><td class=\"num\" data-v=\"1.0\">1</td>"));
        waiting = waiting.substring(0, waiting.indexOf("</tr>"));
        assertThat(waiting).contains("WAITING",
                "<td class=\"num enqueued\" title=\"" + TrialsTable.ENQUEUED + "\" data-v=\"0.25\">0.25</td>",
                "<td class=\"enqueued\" title=\"" + TrialsTable.ENQUEUED + "\">tanh</td>");
        String done = table.substring(table.indexOf("<tr><td class=\"num\" data-v=\"0.0\">0</td>"));
        done = done.substring(0, done.indexOf("</tr>"));
        assertThat(done).contains("COMPLETE").doesNotContain("enqueued", "tanh");
    }
}
