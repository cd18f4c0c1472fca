package org.nntune.dashboard;

import org.nntune.dashboard.svg.Axes;
import org.nntune.dashboard.svg.ColorScale;
import org.nntune.dashboard.svg.Fmt;
import org.nntune.dashboard.svg.Scale;
import org.nntune.dashboard.svg.Svg;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;

/**
 * Parallel coordinates: a vertical axis per parameter (log axes for log parameters, categorical
 * axes for categorical ones) and per objective, and one {@code polyline.pc-line} per COMPLETE
 * trial through its values, coloured by the first objective (best brightest, drawn on top). A
 * trial without some parameter (conditional spaces) skips that axis.
 */
final class ParallelPlot {
    private ParallelPlot() {}

    static void render(StudyView v, StringBuilder out) {
        List<FrozenTrial> trials = v.complete;
        if (trials.isEmpty()) {
            Html.note(out, "No complete trial yet: no parallel coordinates.");
            return;
        }
        List<String> params = v.shownParams();
        int nAxes = params.size() + v.objectives();
        double spacing = 130, left = 90, right = 110, bottom = 20;
        double width = Math.max(760, left + right + spacing * (nAxes - 1));
        double step = nAxes == 1 ? 0 : (width - left - right) / (nAxes - 1);
        // each axis title on at most two lines as wide as the space between two axes: neighbours never overlap
        int chars = nAxes == 1 ? 40 : (int) ((step - 10) / Axes.TITLE_CHAR);
        List<List<String>> titles = new ArrayList<>();
        int lines = 1;
        for (int a = 0; a < nAxes; a++) {
            String full = a < params.size() ? v.axes.get(params.get(a)).title() : v.objectiveTitle(a - params.size());
            titles.add(Axes.wrap(full, chars, 2));
            lines = Math.max(lines, titles.get(a).size());
        }
        double top = 40 + (lines - 1) * Axes.TITLE_LINE, height = 380 + (lines - 1) * Axes.TITLE_LINE;
        double yb = height - bottom, yt = top;
        List<Scale> scales = new ArrayList<>();
        for (String p : params) {
            scales.add(v.axes.get(p).scale(yb, yt, 5));
        }
        for (int k = 0; k < v.objectives(); k++) {
            scales.add(v.objectiveScale(k, yb, yt, 5));
        }
        StudyDirection dir0 = v.direction(0);
        double clo = v.objectiveLow(0), chi = v.objectiveHigh(0);
        ColorScale colors = new ColorScale(clo, chi, dir0 == StudyDirection.MINIMIZE);
        BitSet keep = Sample.keep(trials.size(), v.options.maxLines(), new BitSet());
        List<FrozenTrial> drawn = new ArrayList<>(keep.cardinality());
        for (int i = keep.nextSetBit(0); i >= 0; i = keep.nextSetBit(i + 1)) {
            drawn.add(trials.get(i));
        }
        // worst first, so that the best lines end up on top
        drawn.sort(Comparator.comparingDouble((FrozenTrial t) -> -dir0.toMinimized(t.values().get(0)))
                .thenComparingInt(FrozenTrial::number));

        Svg svg = new Svg(width, height, "plot parallel", "Parallel coordinates");
        double[] px = new double[nAxes];
        double[] py = new double[nAxes];
        svg.group("lines");
        for (FrozenTrial t : drawn) {
            int c = 0;
            for (int a = 0; a < nAxes; a++) {
                double pos = a < params.size() ? v.axes.get(params.get(a)).position(t) : t.values().get(a - params.size());
                if (Double.isNaN(pos)) {
                    continue;
                }
                px[c] = left + a * step;
                py[c] = scales.get(a).mapClamped(pos);
                c++;
            }
            svg.start("polyline").attr("class", "pc-line").attr("data-trial", Integer.toString(t.number()))
                    .attr("stroke", colors.color(t.values().get(0))).points(px, py, c).endWithTitle(v.tooltip(t));
        }
        svg.endGroup();
        for (int a = 0; a < nAxes; a++) {
            String full = a < params.size() ? v.axes.get(params.get(a)).title() : v.objectiveTitle(a - params.size());
            Axes.parallel(svg, scales.get(a), left + a * step, titles.get(a), full);
        }
        colors.legend(svg, width - 88, top + 20, height - top - bottom - 40, v.objectiveName(0));
        out.append("<figure class=\"wide\">").append(svg.finish()).append("</figure>\n");
        if (trials.size() > drawn.size()) {
            Html.note(out, Html.sampled(drawn.size(), trials.size(), "complete trials", "evenly spaced by trial number"));
        }
        if (v.params.size() > params.size()) {
            Html.note(out, "Showing the " + params.size() + " most important of " + v.params.size() + " parameters.");
        }
        if (v.params.isEmpty()) {
            Html.note(out, "The trials have no parameters; only the objective axes are drawn.");
        }
        Html.note(out, "Colour: " + v.objectiveName(0) + " from " + Fmt.num(clo) + " to " + Fmt.num(chi)
                + "; the best trials are the brightest.");
    }
}
