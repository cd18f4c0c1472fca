package org.nntune.dashboard;

import org.junit.jupiter.api.Test;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.TrialState;
import org.w3c.dom.Element;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The plots' marks, read back from the report's SVG with an XML parser. */
class ReportMarksTest {

    private static final StudyReportData SINGLE = ExampleStudies.singleObjective("single", 300, 42);
    private static final String SINGLE_HTML = HtmlReport.of(SINGLE).html();

    private static List<FrozenTrial> inState(StudyReportData d, TrialState s) {
        return d.trials().stream().filter(t -> t.state() == s).toList();
    }

    private static List<Integer> numbers(List<FrozenTrial> trials) {
        return trials.stream().map(FrozenTrial::number).toList();
    }

    /** The start is a readable time in UTC (no machine's zone in the bytes), which the report's script shows in the reader's. */
    @Test
    void theStartIsAReadableTimeMarkedForTheReadersZone() {
        assertThat(SINGLE_HTML).contains("<tr><th>Started</th><td><time class=\"local\" datetime=\"2026-11-23T10:00:00Z\">"
                + "2026-11-23 10:00:00 UTC</time></td></tr>").doesNotContain("2026-11-23T10:00:00Z<");
        assertThat(SINGLE_HTML).contains("querySelectorAll('time.local[datetime]')");
    }

    @Test
    void historyHasOnePointPerCompleteTrial() {
        List<Element> history = SvgParse.withClass(SINGLE_HTML, "history");
        assertThat(history).hasSize(1);
        List<Element> pts = SvgParse.marks(history.get(0), "circle", "pt");
        List<FrozenTrial> complete = inState(SINGLE, TrialState.COMPLETE);
        assertThat(complete).hasSizeBetween(200, 299); // the example has pruned and failed trials too
        assertThat(SvgParse.trialNumbers(pts)).containsExactlyElementsOf(numbers(complete));
    }

    @Test
    void bestSoFarLineIsMonotoneInTheStudyDirectionAndEndsAtTheBestPoint() {
        Element history = SvgParse.withClass(SINGLE_HTML, "history").get(0);
        List<Element> lines = SvgParse.marks(history, "polyline", "best-line");
        assertThat(lines).hasSize(1);
        List<double[]> pts = SvgParse.points(lines.get(0));
        assertThat(pts).hasSizeGreaterThanOrEqualTo(2);
        for (int i = 1; i < pts.size(); i++) {
            assertThat(pts.get(i)[0]).isGreaterThanOrEqualTo(pts.get(i - 1)[0]);
            // minimising: the value only goes down, i.e. the pixel row only goes down the page (grows)
            assertThat(pts.get(i)[1]).isGreaterThanOrEqualTo(pts.get(i - 1)[1]);
        }
        double lowestPoint = SvgParse.marks(history, "circle", "pt").stream()
                .mapToDouble(e -> Double.parseDouble(e.getAttribute("cy"))).max().orElseThrow();
        assertThat(pts.get(pts.size() - 1)[1]).isEqualTo(lowestPoint);
    }

    @Test
    void edfRisesInStepsFromZeroToOneAtTheLargestValue() {
        Element edf = SvgParse.withClass(SINGLE_HTML, "edf").get(0);
        List<Element> lines = SvgParse.marks(edf, "polyline", "edf-line");
        assertThat(lines).hasSize(1);
        int complete = inState(SINGLE, TrialState.COMPLETE).size();
        assertThat(lines.get(0).getAttribute("data-n")).isEqualTo(Integer.toString(complete));
        List<double[]> pts = SvgParse.points(lines.get(0));
        assertThat(pts).hasSize(2 * complete + 1); // a start at 0, then one horizontal and one vertical move per value
        for (int i = 1; i < pts.size(); i++) {
            assertThat(pts.get(i)[0]).isGreaterThanOrEqualTo(pts.get(i - 1)[0]);
            assertThat(pts.get(i)[1]).isLessThanOrEqualTo(pts.get(i - 1)[1]); // the fraction only grows (pixel row shrinks)
        }
        double top = EdfPlot.FRAME.plotTop();
        double bottom = EdfPlot.FRAME.plotBottom();
        assertThat(pts.get(0)[1]).isCloseTo(bottom, org.assertj.core.data.Offset.offset(0.01));
        assertThat(pts.get(pts.size() - 1)[1]).isCloseTo(top, org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void severalObjectivesGetOneHistoryEachWithTheirOwnDirection() {
        StudyReportData d = ExampleStudies.twoObjectives("two", 120, 3);
        List<Element> history = SvgParse.withClass(HtmlReport.of(d).html(), "history");
        assertThat(history).hasSize(2);
        for (int k = 0; k < 2; k++) {
            assertThat(SvgParse.marks(history.get(k), "circle", "pt")).hasSize(120);
            List<double[]> pts = SvgParse.points(SvgParse.marks(history.get(k), "polyline", "best-line").get(0));
            boolean maximize = d.directions().get(k) == StudyDirection.MAXIMIZE;
            for (int i = 1; i < pts.size(); i++) {
                if (maximize) {
                    assertThat(pts.get(i)[1]).isLessThanOrEqualTo(pts.get(i - 1)[1]);
                } else {
                    assertThat(pts.get(i)[1]).isGreaterThanOrEqualTo(pts.get(i - 1)[1]);
                }
            }
            assertThat(pts.get(0)[1]).isNotEqualTo(pts.get(pts.size() - 1)[1]);
        }
    }

    @Test
    void learningCurvesHaveOnePolylinePerTrialWithReportsAndPrunedOnesAreMarked() {
        Element curves = SvgParse.withClass(SINGLE_HTML, "curves").get(0);
        List<Element> lines = SvgParse.marks(curves, "polyline", "curve");
        List<FrozenTrial> withReports = SINGLE.trials().stream().filter(t -> !t.intermediateValues().isEmpty()).toList();
        assertThat(SvgParse.trialNumbers(lines)).containsExactlyInAnyOrderElementsOf(numbers(withReports));
        List<FrozenTrial> prunedWithReports = withReports.stream().filter(t -> t.state() == TrialState.PRUNED).toList();
        assertThat(prunedWithReports).isNotEmpty();
        assertThat(SvgParse.trialNumbers(SvgParse.marks(curves, "polyline", "pruned")))
                .containsExactlyElementsOf(numbers(prunedWithReports));
        // pruned curves are drawn last, on top of the others
        List<Integer> order = SvgParse.trialNumbers(lines);
        assertThat(order.subList(order.size() - prunedWithReports.size(), order.size()))
                .containsExactlyElementsOf(numbers(prunedWithReports));
        for (Element line : lines) {
            int n = Integer.parseInt(line.getAttribute("data-trial"));
            assertThat(SvgParse.points(line)).hasSize(SINGLE.trials().get(n).intermediateValues().size());
        }
    }

    @Test
    void parallelCoordinatesHaveOneLinePerCompleteTrialThroughEveryAxis() {
        Element pc = SvgParse.withClass(SINGLE_HTML, "parallel").get(0);
        List<Element> lines = SvgParse.marks(pc, "polyline", "pc-line");
        List<FrozenTrial> complete = inState(SINGLE, TrialState.COMPLETE);
        assertThat(new TreeSet<>(SvgParse.trialNumbers(lines))).containsExactlyElementsOf(numbers(complete));
        assertThat(lines).hasSize(complete.size());
        for (Element line : lines) {
            assertThat(SvgParse.points(line)).hasSize(5 + 1); // five parameters and the objective
        }
        // one axis per parameter and objective, log parameters marked as such
        List<String> titles = SvgParse.marks(pc, "text", "axis-title").stream().map(e -> e.getFirstChild().getNodeValue()).toList();
        assertThat(titles).contains("lr (log)", "units (log)", "optimizer", "layers", "dropout", "value (minimize)").hasSize(6);
    }

    @Test
    void conditionalParametersAreSkippedOnTheAxesATrialDoesNotHave() {
        List<FrozenTrial> trials = new ArrayList<>();
        trials.add(ExampleStudies.complete(0, 1.0, Map.of("lr", 0.01)));
        trials.add(ExampleStudies.complete(1, 0.5, Map.of("lr", 0.001, "layers", 2L)));
        trials.add(ExampleStudies.complete(2, 0.7, Map.of("lr", 0.0001, "layers", 3L)));
        String html = HtmlReport.of(new StudyReportData("cond", List.of(StudyDirection.MINIMIZE), trials)).html();
        Element pc = SvgParse.withClass(html, "parallel").get(0);
        Map<Integer, Integer> vertices = new java.util.HashMap<>();
        for (Element line : SvgParse.marks(pc, "polyline", "pc-line")) {
            vertices.put(Integer.parseInt(line.getAttribute("data-trial")), SvgParse.points(line).size());
        }
        assertThat(vertices).isEqualTo(Map.of(0, 2, 1, 3, 2, 3));
    }

    @Test
    void slicePlotsHaveOnePanelPerParameterWithOnePointPerCompleteTrial() {
        List<Element> panels = SvgParse.withClass(SINGLE_HTML, "slice-panel");
        assertThat(panels).hasSize(5);
        Set<String> params = new TreeSet<>();
        int complete = inState(SINGLE, TrialState.COMPLETE).size();
        for (Element panel : panels) {
            Element g = SvgParse.marks(panel, "g", "points").get(0);
            params.add(g.getAttribute("data-param"));
            assertThat(SvgParse.marks(panel, "circle", "spt")).hasSize(complete);
        }
        assertThat(params).containsExactly("dropout", "layers", "lr", "optimizer", "units");
    }

    @Test
    void importanceHasOneBarPerParameterAndNamesItsMethod() {
        Element imp = SvgParse.withClass(SINGLE_HTML, "importance").get(0);
        List<Element> bars = SvgParse.marks(imp, "rect", "imp-bar");
        assertThat(bars).hasSize(5);
        // the example's loss depends most on lr: it is the longest bar, on top
        assertThat(bars.get(0).getAttribute("data-param")).isEqualTo("lr");
        double first = Double.parseDouble(bars.get(0).getAttribute("width"));
        for (Element b : bars) {
            assertThat(Double.parseDouble(b.getAttribute("width"))).isLessThanOrEqualTo(first);
        }
        assertThat(SINGLE_HTML).contains("Method: fANOVA on a random forest of 32 trees");
    }

    @Test
    void importancesFromElsewhereAreUsedAndChooseTheContourParameters() {
        StudyReportData d = SINGLE.withImportances("fANOVA",
                Map.of("units", 0.6, "dropout", 0.3, "lr", 0.05, "layers", 0.03, "optimizer", 0.02));
        String html = HtmlReport.of(d).html();
        assertThat(html).contains("Method: fANOVA.");
        Element imp = SvgParse.withClass(html, "importance").get(0);
        assertThat(SvgParse.marks(imp, "rect", "imp-bar").stream().map(e -> e.getAttribute("data-param")).toList())
                .containsExactly("units", "dropout", "lr", "layers", "optimizer");
        Element contour = SvgParse.withClass(html, "contour").get(0);
        assertThat(contour.getAttribute("aria-label")).isEqualTo("Contour of units and dropout");
        assertThat(SvgParse.marks(contour, "rect", "cell")).hasSize(ContourPlot.GRID * ContourPlot.GRID);
        assertThat(SvgParse.marks(contour, "circle", "cpt")).hasSize(inState(SINGLE, TrialState.COMPLETE).size());
    }

    @Test
    void anotherImportanceProviderPlugsInThroughTheOptions() {
        ImportanceProvider byName = (trials, objective, direction) -> {
            Map<String, Double> m = new java.util.LinkedHashMap<>();
            trials.get(0).params().keySet().forEach(p -> m.put(p, (double) p.length()));
            return new ParamImportances("name length", m);
        };
        String html = HtmlReport.of(SINGLE, ReportOptions.defaults().withImportanceProvider(byName)).html();
        assertThat(html).contains("Method: name length.");
        Element imp = SvgParse.withClass(html, "importance").get(0);
        assertThat(SvgParse.marks(imp, "rect", "imp-bar").stream().map(e -> e.getAttribute("data-param")).toList())
                .containsExactly("optimizer", "dropout", "layers", "units", "lr");
    }

    @Test
    void paretoFrontPointsAreExactlyTheNonDominatedTrials() {
        StudyReportData d = ExampleStudies.twoObjectives("pareto", 150, 11);
        // add ties: a copy of an existing result, and a trial equal in one objective
        List<FrozenTrial> trials = new ArrayList<>(d.trials());
        FrozenTrial t0 = trials.get(0);
        trials.add(ExampleStudies.trial(150, TrialState.COMPLETE, t0.values(), t0.params(), t0.distributions(),
                Map.of(), 1, Optional.empty()));
        trials.add(ExampleStudies.trial(151, TrialState.COMPLETE, List.of(t0.values().get(0), t0.values().get(1) + 1),
                t0.params(), t0.distributions(), Map.of(), 1, Optional.empty()));
        d = new StudyReportData("pareto", d.directions(), trials);
        Set<Integer> expected = new TreeSet<>();
        for (FrozenTrial a : trials) {
            boolean dominated = false;
            for (FrozenTrial b : trials) {
                boolean noWorse = b.values().get(0) >= a.values().get(0) && b.values().get(1) <= a.values().get(1);
                boolean better = b.values().get(0) > a.values().get(0) || b.values().get(1) < a.values().get(1);
                dominated |= noWorse && better;
            }
            if (!dominated) {
                expected.add(a.number());
            }
        }
        assertThat(expected).hasSizeGreaterThan(3);
        String html = HtmlReport.of(d).html();
        List<Element> pareto = SvgParse.withClass(html, "pareto");
        assertThat(pareto).hasSize(1);
        List<Element> front = SvgParse.marks(pareto.get(0), "circle", "front");
        List<Element> dominated = SvgParse.marks(pareto.get(0), "circle", "dominated");
        assertThat(new TreeSet<>(SvgParse.trialNumbers(front))).isEqualTo(expected);
        assertThat(front.size() + dominated.size()).isEqualTo(trials.size());
        assertThat(SvgParse.points(SvgParse.marks(pareto.get(0), "polyline", "front-line").get(0)))
                .hasSize(expected.size());
    }

    @Test
    void singleObjectiveStudiesHaveNoParetoSection() {
        assertThat(SINGLE_HTML).doesNotContain("id=\"pareto\"");
        assertThat(SvgParse.withClass(SINGLE_HTML, "pareto")).isEmpty();
    }

    @Test
    void trialsTableHasOneRowPerTrialWithSortKeys() {
        String table = SINGLE_HTML.substring(SINGLE_HTML.indexOf("<table class=\"trials sortable\">"));
        table = table.substring(0, table.indexOf("</table>") + 8);
        Element t = SvgParse.parse(table);
        assertThat(t.getElementsByTagName("tr").getLength()).isEqualTo(1 + SINGLE.trials().size());
        Element firstRow = (Element) t.getElementsByTagName("tr").item(1);
        Element firstCell = (Element) firstRow.getElementsByTagName("td").item(0);
        assertThat(firstCell.getAttribute("data-v")).isEqualTo("0.0");
        assertThat(SINGLE_HTML).contains("table.sortable").contains("addEventListener('click'");
    }
}
