package org.nntune.dashboard;

import org.junit.jupiter.api.Test;
import org.nntune.tune.space.CategoricalDistribution;
import org.nntune.tune.space.Distribution;
import org.nntune.tune.space.FloatDistribution;
import org.nntune.tune.storage.InMemoryStorage;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.TrialState;
import org.w3c.dom.Element;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Self-containment, escaping of user data, degenerate studies, limits and bad input. */
class ReportSafetyTest {

    private static final String EVIL = "x<y & \"q\" 'a' </svg><script>alert(1)</script>";

    private static StudyReportData evilStudy() {
        Map<String, Distribution> d = new LinkedHashMap<>();
        d.put(EVIL, FloatDistribution.uniform(0, 1));
        d.put("opt<&\">", CategoricalDistribution.of("<b>bold</b>", "a&b", "\"quoted\""));
        List<FrozenTrial> trials = new ArrayList<>();
        String[] choices = {"<b>bold</b>", "a&b", "\"quoted\""};
        for (int i = 0; i < 12; i++) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put(EVIL, i / 12.0);
            p.put("opt<&\">", choices[i % 3]);
            TrialState s = i == 11 ? TrialState.FAIL : TrialState.COMPLETE;
            trials.add(ExampleStudies.trial(i, s, s == TrialState.COMPLETE ? List.of(i * 0.1) : List.of(), p, d,
                    Map.of(0, 1.0, 1, 0.5 + i), 1, s == TrialState.FAIL ? Optional.of(EVIL) : Optional.empty()));
        }
        return new StudyReportData(EVIL, List.of(StudyDirection.MINIMIZE), trials);
    }

    @Test
    void userStringsAreEscapedEverywhere() {
        String html = HtmlReport.of(evilStudy()).html();
        assertThat(html).doesNotContain("<script>alert").doesNotContain("<b>bold").doesNotContain("x<y")
                .doesNotContain("opt<&").doesNotContain("'a'");
        assertThat(html).contains("x&lt;y &amp; &quot;q&quot; &#39;a&#39; &lt;/svg&gt;&lt;script&gt;alert(1)&lt;/script&gt;")
                .contains("&lt;b&gt;bold&lt;/b&gt;").contains("a&amp;b");
        // exactly our own script element, and every image still parses as XML
        assertThat(html.split("<script>", -1)).hasSize(2);
        List<Element> svgs = SvgParse.all(html);
        assertThat(svgs).hasSizeGreaterThanOrEqualTo(6);
        // the parser gives the user's text back unchanged
        Element pc = SvgParse.withClass(html, "parallel").get(0);
        List<String> titles = new ArrayList<>();
        for (Element t : SvgParse.marks(pc, "text", "axis-title")) {
            titles.add(t.getElementsByTagName("title").item(0).getTextContent());
        }
        assertThat(titles).contains(EVIL, "opt<&\">");
    }

    @Test
    void theReportNamesNoNetworkResource() {
        for (String html : List.of(HtmlReport.of(evilStudy()).html(),
                HtmlReport.of(ExampleStudies.singleObjective("s", 100, 1)).html(),
                HtmlReport.of(ExampleStudies.twoObjectives("m", 50, 1)).html())) {
            assertThat(html).doesNotContainIgnoringCase("http://").doesNotContainIgnoringCase("https://")
                    .doesNotContain("src=").doesNotContain("<link").doesNotContain("@import").doesNotContain("url(");
            // the only links are the in-page navigation
            int i = -1;
            while ((i = html.indexOf("href=\"", i + 1)) >= 0) {
                assertThat(html.charAt(i + 6)).isEqualTo('#');
            }
        }
    }

    @Test
    void anEmptyStudyGivesAValidReportThatSaysSo() {
        String html = HtmlReport.of(new StudyReportData("empty", List.of(StudyDirection.MAXIMIZE), List.of())).html();
        assertThat(html).startsWith("<!DOCTYPE html>").endsWith("</html>\n")
                .contains("This study has no trials yet")
                .contains("No complete trial yet: there is no history to plot.")
                .contains("No trial reported intermediate values");
        assertThat(SvgParse.all(html)).isEmpty();
        assertWellFormedBody(html);
    }

    @Test
    void aStudyWithOnlyFailedTrialsGivesAValidReportWithTheReasons() {
        List<FrozenTrial> trials = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            trials.add(ExampleStudies.trial(i, TrialState.FAIL, List.of(), Map.of("lr", 0.01),
                    Map.of("lr", ExampleStudies.SPACE.get("lr")), Map.of(), 0.5, Optional.of("out of memory")));
        }
        String html = HtmlReport.of(new StudyReportData("failed", List.of(StudyDirection.MINIMIZE), trials)).html();
        assertThat(html).contains("No trial has completed").contains("3× out of memory")
                .contains("3 (0 complete, 0 pruned, 3 fail, 0 running, 0 waiting)");
        assertThat(SvgParse.all(html)).isEmpty();
        assertThat(html).contains("<td class=\"state fail\" title=\"out of memory\">FAIL</td>");
        assertWellFormedBody(html);
    }

    @Test
    void theSameStudyGivesTheSameBytes() {
        StudyReportData d = ExampleStudies.singleObjective("s", 150, 5);
        assertThat(HtmlReport.of(d).html()).isEqualTo(HtmlReport.of(ExampleStudies.singleObjective("s", 150, 5)).html());
    }

    @Test
    void largeStudiesAreDownsampledWithinTheLimitsAndSaySo() {
        StudyReportData d = ExampleStudies.singleObjective("big", 400, 9);
        ReportOptions small = new ReportOptions(40, 30, 20, 4, 25, 3, 50, new SpearmanImportance());
        String html = HtmlReport.of(d, small).html();
        Element history = SvgParse.withClass(html, "history").get(0);
        List<Element> pts = SvgParse.marks(history, "circle", "pt");
        assertThat(pts).hasSizeLessThanOrEqualTo(40).hasSizeGreaterThan(30);
        // every improvement of the best value is kept, and the best-so-far line still uses all trials
        assertThat(SvgParse.marks(history, "circle", "improved")).isNotEmpty();
        String allHtml = HtmlReport.of(d).html();
        Element full = SvgParse.withClass(allHtml, "history").get(0);
        assertThat(SvgParse.marks(history, "circle", "improved").size()).isEqualTo(SvgParse.marks(full, "circle", "improved").size());
        assertThat(SvgParse.marks(SvgParse.withClass(html, "curves").get(0), "polyline", "curve")).hasSize(20);
        for (Element c : SvgParse.marks(SvgParse.withClass(html, "curves").get(0), "polyline", "curve")) {
            assertThat(SvgParse.points(c)).hasSizeLessThanOrEqualTo(5);
        }
        assertThat(SvgParse.marks(SvgParse.withClass(html, "parallel").get(0), "polyline", "pc-line")).hasSize(25);
        assertThat(SvgParse.withClass(html, "slice-panel")).hasSize(3);
        for (Element panel : SvgParse.withClass(html, "slice-panel")) {
            assertThat(SvgParse.marks(panel, "circle", "spt")).hasSize(30);
        }
        assertThat(html.split("<tr><td", -1)).hasSize(1 + 50);
        assertThat(html).contains("Showing 40 of").contains("Showing 20 of").contains("Showing 25 of")
                .contains("Showing 50 of 400 trials").contains("Showing the 3 most important of 5 parameters");
    }

    @Test
    void fromStorageReadsTheStudy() throws Exception {
        InMemoryStorage storage = new InMemoryStorage();
        long id = storage.createStudy("stored <study>", List.of(StudyDirection.MAXIMIZE));
        for (int i = 0; i < 4; i++) {
            storage.createTrial(id, FrozenTrial.template(TrialState.COMPLETE, List.of(0.5 + i / 10.0),
                    Map.of("lr", 0.001 * (i + 1)), Map.of("lr", ExampleStudies.SPACE.get("lr"))));
        }
        Path file = Files.createTempDirectory("report").resolve("r.html");
        HtmlReport.fromStorage(storage, "stored <study>").write(file);
        String html = Files.readString(file);
        assertThat(html).contains("stored &lt;study&gt;").contains("0.8 (trial #3)");
        assertThat(SvgParse.marks(SvgParse.withClass(html, "history").get(0), "circle", "pt")).hasSize(4);
        assertThatThrownBy(() -> HtmlReport.fromStorage(storage, "nope"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no study named 'nope'");
    }

    @Test
    void badInputIsRejectedWithAClearMessage() {
        assertThatThrownBy(() -> new StudyReportData("s", List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("study 's': at least one direction");
        assertThatThrownBy(() -> new ReportOptions(0, 1, 1, 1, 1, 1, 1, new SpearmanImportance()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("report option maxPoints must be >= 1, got 0");
        assertThatThrownBy(() -> new ParamImportances("m", Map.of("lr", -0.1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("importance of 'lr' is -0.1");
        assertThatThrownBy(() -> new ParamImportances(" ", Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("method must be named");
        Path dir = Path.of("target");
        assertThatThrownBy(() -> HtmlReport.of(ExampleStudies.twoObjectives("m", 3, 1)).write(dir))
                .isInstanceOf(java.io.UncheckedIOException.class).hasMessageContaining("cannot write the report to target");
    }

    @Test
    void degenerateStudiesStillDrawEveryPlot() {
        // one trial; constant parameters; values near the limits of double; one reported step
        List<List<FrozenTrial>> studies = new ArrayList<>();
        studies.add(List.of(ExampleStudies.trial(0, TrialState.COMPLETE, List.of(0.5), Map.of("lr", 0.01, "layers", 2L),
                Map.of("lr", ExampleStudies.SPACE.get("lr"), "layers", ExampleStudies.SPACE.get("layers")),
                Map.of(0, 0.7), 1, Optional.empty())));
        List<FrozenTrial> constant = new ArrayList<>();
        List<FrozenTrial> extreme = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            constant.add(ExampleStudies.complete(i, 1.0, Map.of("lr", 0.01, "optimizer", "adam", "dropout", 0.25)));
            extreme.add(ExampleStudies.complete(i, i % 2 == 0 ? 1e300 * i : -1e-300 * i,
                    Map.of("lr", 1e-5 + i * 1e-20, "dropout", 0.1 * i)));
        }
        studies.add(constant);
        studies.add(extreme);
        for (List<FrozenTrial> trials : studies) {
            for (List<StudyDirection> dirs : List.of(List.of(StudyDirection.MINIMIZE),
                    List.of(StudyDirection.MAXIMIZE, StudyDirection.MINIMIZE))) {
                List<FrozenTrial> fitted = new ArrayList<>();
                for (FrozenTrial t : trials) {
                    List<Double> values = dirs.size() == 1 ? t.values() : List.of(t.value(), -t.value() / 2);
                    fitted.add(new FrozenTrial(t.number(), t.trialId(), t.state(), values, t.params(), t.distributions(),
                            t.userAttrs(), t.systemAttrs(), t.intermediateValues(), t.datetimeStart(),
                            t.datetimeComplete(), t.failureReason()));
                }
                String html = HtmlReport.of(new StudyReportData("edge", dirs, fitted)).html();
                List<Element> svgs = SvgParse.all(html);
                assertThat(svgs).isNotEmpty();
                assertThat(SvgParse.withClass(html, "history")).hasSize(dirs.size());
            }
        }
    }

    /** The page outside the SVG images is checked for balanced sections and one main. */
    private static void assertWellFormedBody(String html) {
        assertThat(html.split("<section", -1).length).isEqualTo(html.split("</section>", -1).length);
        assertThat(html.split("<main>", -1)).hasSize(2);
    }
}
