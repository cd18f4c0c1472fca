package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.storage.Storages;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.TrialState;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** nntune report: the optimisation history has one point per COMPLETE trial (pruned ones have none). */
class ReportHistoryTest {

    @Test
    void historyHasOnePointPerCompleteTrial(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("r.yaml");
        // an aggressive pruner so that some trials end PRUNED
        Files.writeString(file, CliTest.IRIS.replace("epochs: 40", "epochs: 8")
                .replace("pruner: {type: median, startup_trials: 2, warmup_steps: 10}", "pruner: {type: median, startup_trials: 1, warmup_steps: 1}")
                .replace("budget: {trials: 3}", "budget: {trials: 5}"));
        CliTest.Result tuned = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(tuned.code()).as(tuned.err()).isZero();

        List<Integer> complete;
        try (Storage s = Storages.open("sqlite:" + dir.resolve("r.db"))) {
            complete = s.getAllTrials(s.findStudyId("iris-test").orElseThrow()).stream()
                    .filter(t -> t.state() == TrialState.COMPLETE).map(FrozenTrial::number).toList();
        }
        assertThat(complete).isNotEmpty();

        Path report = dir.resolve("out/report.html");
        CliTest.Result r = CliTest.run("report", file.toString(), "-o", report.toString());
        assertThat(r.code()).as(r.err()).isZero();
        String html = Files.readString(report);
        List<Element> history = svgsWithClass(html, "history");
        assertThat(history).hasSize(1);
        List<Integer> points = new ArrayList<>();
        NodeList circles = history.get(0).getElementsByTagName("circle");
        for (int i = 0; i < circles.getLength(); i++) {
            Element c = (Element) circles.item(i);
            if (Arrays.asList(c.getAttribute("class").split("\\s+")).contains("pt")) {
                points.add(Integer.parseInt(c.getAttribute("data-trial")));
            }
        }
        assertThat(points).containsExactlyInAnyOrderElementsOf(complete);
        assertThat(html).doesNotContain("<script src=", "<link rel=\"stylesheet\" href=");
    }

    /** The report's inline SVG images whose class list holds {@code cls}, each parsed as XML. */
    static List<Element> svgsWithClass(String html, String cls) throws Exception {
        List<Element> out = new ArrayList<>();
        for (int i = html.indexOf("<svg"); i >= 0; i = html.indexOf("<svg", i + 1)) {
            int j = html.indexOf("</svg>", i);
            var f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Element svg = f.newDocumentBuilder().parse(new InputSource(new StringReader(html.substring(i, j + 6))))
                    .getDocumentElement();
            if (Arrays.asList(svg.getAttribute("class").split("\\s+")).contains(cls)) {
                out.add(svg);
            }
        }
        return out;
    }
}
