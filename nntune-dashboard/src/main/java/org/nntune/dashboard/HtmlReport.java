package org.nntune.dashboard;

import org.nntune.dashboard.svg.Xml;
import org.nntune.tune.storage.Storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

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
     * Reads a study (summary, all trials, the objectives' names if it records them:
     * {@link StudyReportData#objectiveNames(java.util.Map, java.util.List)}, and the model a run saved:
     * {@link FinalModel#of}, and a forecasting study's naive baselines: {@link NaiveBaseline#of}) from a storage.
     *
     * @throws IllegalArgumentException if the storage has no study of that name
     */
    public static HtmlReport fromStorage(Storage storage, String studyName) {
        long id = storage.getStudyId(studyName);
        java.util.List<org.nntune.tune.trial.StudyDirection> directions = storage.getStudyDirections(id);
        java.util.Map<String, Object> attrs = storage.getStudySystemAttrs(id);
        return of(new StudyReportData(studyName, directions, storage.getAllTrials(id))
                .withObjectiveNames(StudyReportData.objectiveNames(attrs, directions)).withFinalModel(FinalModel.of(attrs))
                .withNaiveBaseline(NaiveBaseline.of(attrs)));
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
        StudyPlots plots = StudyPlots.of(data, options);
        StringBuilder out = new StringBuilder(1 << 16);
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>nntune report: ");
        Xml.escapeTo(out, data.studyName());
        out.append("</title>\n<style>\n").append(ReportAssets.CSS).append("</style>\n</head>\n<body>\n<header><h1>");
        Xml.escapeTo(out, data.studyName());
        out.append("</h1><p class=\"sub\">nntune study report</p>\n<nav>");
        for (StudyPlots.Section s : plots.sections()) {
            out.append("<a href=\"#").append(s.id()).append("\">").append(navName(s)).append("</a>");
        }
        out.append("</nav></header>\n<main>\n");
        for (StudyPlots.Section s : plots.sections()) {
            out.append("<section id=\"").append(s.id()).append("\">\n<h2>").append(s.title()).append("</h2>\n");
            s.subtitle().ifPresent(sub -> {
                out.append("<p class=\"sub\">");
                Xml.escapeTo(out, sub); // may name an objective, which is user data
                out.append("</p>\n");
            });
            plots.renderTo(s.id(), out);
            out.append("</section>\n");
        }
        out.append("</main>\n<footer>Generated by nntune. Self-contained: no network needed.</footer>\n<script>\n")
                .append(ReportAssets.SCRIPT).append("</script>\n</body>\n</html>\n");
        return out.toString();
    }

    /** The short name of a section in the navigation bar. */
    private static String navName(StudyPlots.Section s) {
        return switch (s.id()) {
            case "summary" -> "Summary";
            case "history" -> "History";
            case "importance" -> "Importance";
            case "slice" -> "Slices";
            case "contour" -> "Contour";
            case "edf" -> "EDF";
            case "population" -> "Population";
            default -> s.title();
        };
    }
}
