package org.nntune.dashboard;

import org.nntune.dashboard.svg.Xml;
import org.nntune.tune.storage.Storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A study report: one self-contained HTML file (styles and the table-sorting script inline, plots
 * drawn as inline SVG by nntune; it names no external resource and opens without a network) with
 * the study summary, optimisation history, intermediate values, parameter importance, parallel
 * coordinates, slice plots, a contour plot of the two most important parameters, the Pareto front
 * (several objectives) and the sortable trials table.
 *
 * <p>The output depends only on the data and the options (no clock, no locale, no hash order), so
 * the same study gives the same bytes. Large studies are downsampled within the
 * {@link ReportOptions} limits, and each plot says when it was; 100,000 trials take seconds.
 *
 * <pre>{@code
 * HtmlReport.write(new StudyReportData("iris", List.of(StudyDirection.MAXIMIZE), trials), Path.of("iris.html"));
 * HtmlReport.fromStorage(storage, "iris").write(Path.of("iris.html"));
 * }</pre>
 */
public final class HtmlReport {
    private final StudyReportData data;
    private final ReportOptions options;

    private HtmlReport(StudyReportData data, ReportOptions options) {
        this.data = data;
        this.options = options;
    }

    /** @return a report of the data with the default options */
    public static HtmlReport of(StudyReportData data) {
        return new HtmlReport(data, ReportOptions.defaults());
    }

    /** @return a report of the data with the given options */
    public static HtmlReport of(StudyReportData data, ReportOptions options) {
        return new HtmlReport(data, options);
    }

    /**
     * Reads a study (summary and all trials) from a storage.
     *
     * @throws IllegalArgumentException if the storage has no study of that name
     */
    public static HtmlReport fromStorage(Storage storage, String studyName) {
        long id = storage.getStudyId(studyName);
        return of(new StudyReportData(studyName, storage.getStudyDirections(id), storage.getAllTrials(id)));
    }

    /** Writes the report of {@code data} (default options) to {@code file}. */
    public static void write(StudyReportData data, Path file) {
        of(data).write(file);
    }

    /** @return these options applied to the same data */
    public HtmlReport withOptions(ReportOptions newOptions) {
        return new HtmlReport(data, newOptions);
    }

    /**
     * Writes the report as UTF-8, replacing the file atomically (a reader or a crash never sees half a report).
     *
     * @throws UncheckedIOException naming the file if it cannot be written
     */
    public void write(Path file) {
        try {
            byte[] bytes = html().getBytes(StandardCharsets.UTF_8);
            org.nntune.tune.storage.AtomicFile.write(file, out -> out.write(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report to " + file + ": " + e.getMessage(), e);
        }
    }

    /** @return the whole HTML document */
    public String html() {
        StudyView v = new StudyView(data, options);
        StringBuilder out = new StringBuilder(1 << 16);
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>nntune report: ");
        Xml.escapeTo(out, data.studyName());
        out.append("</title>\n<style>\n").append(ReportAssets.CSS).append("</style>\n</head>\n<body>\n<header><h1>");
        Xml.escapeTo(out, data.studyName());
        out.append("</h1><p class=\"sub\">nntune study report</p>\n<nav>");
        boolean multi = v.objectives() > 1;
        String[][] sections = {
                {"summary", "Summary"}, {"history", "History"}, {"curves", "Intermediate values"},
                {"importance", "Importance"}, {"parallel", "Parallel coordinates"}, {"slice", "Slices"},
                {"contour", "Contour"}, {"pareto", "Pareto front"}, {"trials", "Trials"}};
        for (String[] s : sections) {
            if (!s[0].equals("pareto") || multi) {
                out.append("<a href=\"#").append(s[0]).append("\">").append(s[1]).append("</a>");
            }
        }
        out.append("</nav></header>\n<main>\n");
        String firstObjective = multi ? "For objective 0." : null;
        List<Section> parts = new ArrayList<>(List.of(
                new Section("summary", "Study summary", null, SummarySection::render),
                new Section("history", "Optimisation history", null, HistoryPlot::render),
                new Section("curves", "Intermediate values", "One line per trial that reported values; pruned trials dashed.",
                        CurvesPlot::render),
                new Section("importance", "Parameter importance", firstObjective, ImportancePlot::render),
                new Section("parallel", "Parallel coordinates", "One line per complete trial.", ParallelPlot::render),
                new Section("slice", "Slice plots", firstObjective, SlicePlot::render),
                new Section("contour", "Contour of the two most important parameters", firstObjective, ContourPlot::render)));
        if (multi) {
            parts.add(new Section("pareto", "Pareto front", null, ParetoPlot::render));
        }
        parts.add(new Section("trials", "Trials", null, TrialsTable::render));
        for (Section s : parts) {
            out.append("<section id=\"").append(s.id).append("\">\n<h2>").append(s.title).append("</h2>\n");
            if (s.subtitle != null) {
                out.append("<p class=\"sub\">").append(s.subtitle).append("</p>\n");
            }
            s.renderer.render(v, out);
            out.append("</section>\n");
        }
        out.append("</main>\n<footer>Generated by nntune. Self-contained: no network needed.</footer>\n<script>\n")
                .append(ReportAssets.SCRIPT).append("</script>\n</body>\n</html>\n");
        return out.toString();
    }

    private interface Renderer {
        void render(StudyView view, StringBuilder out);
    }

    private record Section(String id, String title, String subtitle, Renderer renderer) {}
}
