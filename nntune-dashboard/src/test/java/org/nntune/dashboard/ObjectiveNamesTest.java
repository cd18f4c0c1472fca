package org.nntune.dashboard;

import org.junit.jupiter.api.Test;
import org.nntune.dashboard.svg.Axes;
import org.nntune.tune.space.CategoricalDistribution;
import org.nntune.tune.space.Distribution;
import org.nntune.tune.space.IntDistribution;
import org.nntune.tune.storage.InMemoryStorage;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.TrialState;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A study's objectives named by the metrics a run recorded ("accuracy", "parameter_count") in
 * every plot, and the parallel coordinates' axis titles laid out so that no two overlap.
 */
class ObjectiveNamesTest {
    static final List<StudyDirection> TWO = List.of(StudyDirection.MAXIMIZE, StudyDirection.MINIMIZE);
    /** What {@code nntune tune examples/iris-size.yaml} records (StudyRun.scoringText). */
    static final String SCORING = "maximize accuracy, minimize parameter_count by 3-fold stratified validation";

    @Test
    void theNamesComeFromOptunasMetricNamesOrTheScoringARunRecords() {
        assertThat(StudyReportData.objectiveNames(Map.of(StudyReportData.METRIC_NAMES_ATTR, List.of("val_loss", "flops")), TWO))
                .containsExactly("val_loss", "flops");
        assertThat(StudyReportData.objectiveNames(Map.of(StudyReportData.CLI_SCORING_ATTR, SCORING), TWO))
                .containsExactly("accuracy", "parameter_count");
        assertThat(StudyReportData.objectiveNames(Map.of(StudyReportData.CLI_SCORING_ATTR, "minimize mse by 20% hold-out validation"),
                List.of(StudyDirection.MINIMIZE))).containsExactly("mse");
        // Optuna's names first
        assertThat(StudyReportData.objectiveNames(Map.of(StudyReportData.METRIC_NAMES_ATTR, List.of("a", "b"),
                StudyReportData.CLI_SCORING_ATTR, SCORING), TWO)).containsExactly("a", "b");
        // names that do not fit the directions are not used
        assertThat(StudyReportData.objectiveNames(Map.of(StudyReportData.METRIC_NAMES_ATTR, List.of("only-one")), TWO)).isEmpty();
        assertThat(StudyReportData.objectiveNames(Map.of(StudyReportData.CLI_SCORING_ATTR, SCORING),
                List.of(StudyDirection.MINIMIZE, StudyDirection.MINIMIZE))).isEmpty();
        assertThat(StudyReportData.objectiveNames(Map.of(), TWO)).isEmpty();
        assertThatThrownBy(() -> new StudyReportData("s", TWO, List.of()).withObjectiveNames(List.of("one")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 objective names [one] for 2 directions");
    }

    @Test
    void aReportReadFromTheStorageNamesTheObjectivesByTheRunsMetrics() {
        try (InMemoryStorage storage = new InMemoryStorage()) {
            long id = storage.createStudy("iris-size", TWO);
            storage.setStudySystemAttr(id, StudyReportData.CLI_SCORING_ATTR, SCORING);
            for (FrozenTrial t : irisSize(30).trials()) {
                storage.createTrial(id, FrozenTrial.template(TrialState.COMPLETE, t.values(), t.params(), t.distributions()));
            }
            String html = HtmlReport.fromStorage(storage, "iris-size").html();
            assertThat(html).doesNotContain("objective 0", "objective 1")
                    .contains("maximize accuracy, minimize parameter_count")
                    .contains("Optimisation history of accuracy", "Optimisation history of parameter_count")
                    .contains("For accuracy, the first objective.")
                    .contains("accuracy = "); // the points' tooltips
            Element history = SvgParse.withClass(html, "history").get(0);
            assertThat(SvgParse.marks(history, "text", "axis-title").stream().map(Element::getTextContent))
                    .contains("accuracy (maximize)");
        }
    }

    @Test
    void parallelCoordinatesAxisTitlesAreWrappedToTheSpaceBetweenTheAxes() {
        // the tester's iris-size report: three parameters and two objectives, 140 px between the axes
        for (StudyReportData d : List.of(irisSize(30), irisSize(30).withObjectiveNames(List.of("accuracy", "parameter_count")))) {
            Element pc = SvgParse.withClass(HtmlReport.of(d).html(), "parallel").get(0);
            List<Double> xs = SvgParse.marks(pc, "line", "domain").stream().map(e -> Double.parseDouble(e.getAttribute("x1")))
                    .sorted().toList();
            assertThat(xs).hasSize(5);
            double step = xs.get(1) - xs.get(0);
            List<Element> titles = SvgParse.marks(pc, "text", "axis-title");
            assertThat(titles).hasSize(5);
            List<String> all = new ArrayList<>();
            for (Element t : titles) {
                List<String> lines = lines(t);
                assertThat(lines).hasSizeBetween(1, 2);
                for (String line : lines) {
                    // each line, centred on its axis, stays within half the space to either neighbour
                    assertThat(line.length() * Axes.TITLE_CHAR).as("'%s' is wider than the %s px between axes", line, step)
                            .isLessThan(step - 8);
                }
                all.add(String.join(" ", lines));
                // the whole title stays the tooltip
                assertThat(t.getElementsByTagName("title").item(0).getTextContent()).startsWith(String.join(" ", lines).replace("…", ""));
            }
            assertThat(all).contains(d.objectiveNames().isEmpty() ? "objective 0 (maximize)" : "accuracy (maximize)");
        }
    }

    @Test
    void longTitlesAreBrokenAtSpacesAndCut() {
        assertThat(Axes.wrap("accuracy (maximize)", 17, 2)).containsExactly("accuracy", "(maximize)");
        assertThat(Axes.wrap("value (minimize)", 17, 2)).containsExactly("value (minimize)");
        assertThat(Axes.wrap("parameter_count, log (minimize)", 17, 2)).containsExactly("parameter_count,", "log (minimize)");
        assertThat(Axes.wrap("a_very_long_parameter_name_indeed (log)", 17, 2)).containsExactly("a_very_long_para…", "(log)");
        assertThat(Axes.wrap("one two three four five six", 9, 2)).containsExactly("one two", "three fo…");
    }

    /** The text lines of an axis title: its own text, then one per tspan. */
    private static List<String> lines(Element text) {
        List<String> out = new ArrayList<>();
        for (Node n = text.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeType() == Node.TEXT_NODE) {
                out.add(n.getNodeValue());
            } else if (n.getNodeName().equals("tspan")) {
                out.add(n.getTextContent());
            }
        }
        return out;
    }

    /** A study like examples/iris-size.yaml's: layers, units (log), activation; accuracy against parameter count. */
    static StudyReportData irisSize(int n) {
        Random r = new Random(7);
        Map<String, Distribution> d = new LinkedHashMap<>();
        d.put("layers", IntDistribution.uniform(1, 3));
        d.put("units", IntDistribution.logUniform(2, 128));
        d.put("activation", CategoricalDistribution.of("relu", "tanh"));
        List<FrozenTrial> trials = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long layers = 1 + r.nextInt(3);
            long units = Math.round(Math.pow(2, 1 + 6 * r.nextDouble()));
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("layers", layers);
            p.put("units", units);
            p.put("activation", r.nextBoolean() ? "relu" : "tanh");
            double size = 4 * units + (layers - 1) * units * units + units * 3;
            trials.add(ExampleStudies.trial(i, TrialState.COMPLETE, List.of(0.6 + 0.35 * r.nextDouble(), size), p, d,
                    Map.of(), 1, java.util.Optional.empty()));
        }
        return new StudyReportData("iris-size", TWO, trials);
    }
}
