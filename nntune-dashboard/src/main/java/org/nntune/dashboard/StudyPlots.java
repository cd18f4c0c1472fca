package org.nntune.dashboard;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The plots of one study, section by section: the one set of renderers that both the static
 * {@link HtmlReport} and the live dashboard draw with. The expensive part (importances, axes) is
 * computed once when this is made; each {@link #render} then writes one section's HTML (SVG
 * figures and notes, every name and value escaped).
 *
 * <p>Why server-rendered SVG for the dashboard too: the report's renderers already bound their
 * output (sampling caps in {@link ReportOptions}), so a 100,000-trial study becomes a few hundred
 * kilobytes of SVG instead of megabytes of JSON for a browser plotting library; the two outputs
 * cannot drift apart; and the page needs no JavaScript plotting library at all.
 */
public final class StudyPlots {

    /** One section: its id (an HTML id and URL segment), heading and optional subtitle. */
    public record Section(String id, String title, Optional<String> subtitle) {}

    private record Part(Section section, Renderer renderer) {}

    private interface Renderer {
        void render(StudyView view, StringBuilder out);
    }

    private final StudyView view;
    private final List<Part> parts;

    private StudyPlots(StudyReportData data, ReportOptions options) {
        this.view = new StudyView(data, options);
        this.parts = parts(view, PopulationPlot.history(view) != null, AdaptedPlot.present(view));
    }

    private static List<Part> parts(StudyView view, boolean population, boolean adapted) {
        boolean multi = view.objectives() > 1;
        String firstObjective = !multi ? null : view.data.objectiveNames().isEmpty() ? "For objective 0."
                : "For " + view.objectiveName(0) + ", the first objective.";
        List<Part> p = new ArrayList<>();
        add(p, "summary", "Study summary", null, SummarySection::render);
        add(p, "history", "Optimisation history", null, HistoryPlot::render);
        add(p, "curves", "Intermediate values", "One line per trial that reported values; pruned trials dashed.",
                CurvesPlot::render);
        if (adapted) {
            add(p, "adapted", "Adapted hyperparameters", "Hyperparameters the trials' training adapted itself"
                    + " (hypergradient learning rates, implicit L2), per epoch: one figure per name, one line per trial;"
                    + " pruned trials dashed.", AdaptedPlot::render);
        }
        add(p, "importance", "Parameter importance", firstObjective, ImportancePlot::render);
        add(p, "parallel", "Parallel coordinates", "One line per complete trial.", ParallelPlot::render);
        add(p, "slice", "Slice plots", firstObjective, SlicePlot::render);
        add(p, "contour", "Contour of the two most important parameters", firstObjective, ContourPlot::render);
        add(p, "edf", "Empirical distribution", "Fraction of complete trials at or below each value.", EdfPlot::render);
        if (multi) {
            add(p, "pareto", "Pareto front", null, ParetoPlot::render);
        }
        if (population) {
            add(p, "population", "Population hyperparameters by round", "Population-based training: one line per"
                    + " member; dashed where a member copied a better one and explored from its values.",
                    PopulationPlot::renderHyperparameters);
            add(p, "lineage", "Lineage", "Each member round, coloured by its value; a line from where it started (a"
                    + " copied member's donor dashed); the thick line is the best member's ancestry.",
                    PopulationPlot::renderLineage);
        }
        add(p, "trials", "Trials", null, TrialsTable::render);
        return List.copyOf(p);
    }

    private static void add(List<Part> parts, String id, String title, String subtitle, Renderer r) {
        parts.add(new Part(new Section(id, title, Optional.ofNullable(subtitle)), r));
    }

    /** Computes what every section needs (importances among it) for a study's data. */
    public static StudyPlots of(StudyReportData data, ReportOptions options) {
        return new StudyPlots(data, options);
    }

    /** @return the style sheet the plots are drawn for (the report inlines it; the dashboard serves it) */
    public static String css() {
        return ReportAssets.CSS;
    }

    /** @return the sections in page order (Pareto front only for several objectives) */
    public List<Section> sections() {
        return parts.stream().map(Part::section).toList();
    }

    /** @return the HTML of one section's body (without its heading) */
    public String render(String sectionId) {
        StringBuilder out = new StringBuilder(1 << 14);
        renderTo(sectionId, out);
        return out.toString();
    }

    /**
     * @return the optimisation history between trial numbers {@code from} and {@code to} (inclusive),
     *     the dashboard's zoom; the same drawing as the whole history's
     */
    public String renderHistory(int from, int to) {
        if (from > to) {
            throw new IllegalArgumentException("a zoom from trial " + from + " to trial " + to + " is empty");
        }
        StringBuilder out = new StringBuilder(1 << 14);
        HistoryPlot.render(view, out, from, to);
        return out.toString();
    }

    void renderTo(String sectionId, StringBuilder out) {
        for (Part p : parts) {
            if (p.section.id().equals(sectionId)) {
                p.renderer.render(view, out);
                return;
            }
        }
        throw new IllegalArgumentException("no plot section '" + sectionId + "'; there are "
                + sections().stream().map(Section::id).toList());
    }
}
