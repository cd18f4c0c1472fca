package org.nntune.dashboard;

import org.nntune.dashboard.svg.Axes;
import org.nntune.dashboard.svg.Fmt;
import org.nntune.dashboard.svg.Frame;
import org.nntune.dashboard.svg.Scale;
import org.nntune.dashboard.svg.Svg;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.ParetoFront;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;

/**
 * The Pareto front of a study with several objectives: for each pair of objectives (of the first
 * four) a scatter of the COMPLETE trials, those on the front ({@code circle.front}, non-dominated
 * in all objectives) highlighted over the others ({@code circle.dominated}); with exactly two
 * objectives the front is joined by {@code polyline.front-line}.
 */
final class ParetoPlot {
    private ParetoPlot() {}

    static final Frame FRAME = new Frame(560, 420, 78, 16, 20, 50);

    /** @return whether each COMPLETE trial of the view is on the front (in all objectives) */
    static boolean[] front(StudyView v) {
        double[][] pts = new double[v.complete.size()][v.objectives()];
        for (int i = 0; i < pts.length; i++) {
            for (int k = 0; k < v.objectives(); k++) {
                pts[i][k] = v.direction(k).toMinimized(v.complete.get(i).values().get(k));
            }
        }
        boolean[] on = new boolean[pts.length];
        for (int i : ParetoFront.nonDominated(pts)) {
            on[i] = true;
        }
        return on;
    }

    static void render(StudyView v, StringBuilder out) {
        if (v.complete.isEmpty()) {
            Html.note(out, "No complete trial yet: no Pareto front.");
            return;
        }
        List<FrozenTrial> trials = v.complete;
        boolean[] on = front(v);
        BitSet onFront = new BitSet();
        for (int i = 0; i < on.length; i++) {
            if (on[i]) {
                onFront.set(i);
            }
        }
        BitSet keep = Sample.keep(trials.size(), v.options.maxPoints(), onFront);
        int m = Math.min(4, v.objectives());
        out.append("<div class=\"panels\">\n");
        for (int a = 0; a < m; a++) {
            for (int b = a + 1; b < m; b++) {
                out.append("<figure>").append(pair(v, trials, on, keep, a, b)).append("</figure>\n");
            }
        }
        out.append("</div>\n");
        Html.note(out, onFront.cardinality() + " of " + Fmt.count(trials.size())
                + " complete trials are Pareto-optimal (no other trial is at least as good in every objective and better in one)"
                + (v.objectives() > 2 ? "; the front is computed in all " + v.objectives() + " objectives." : "."));
        if (trials.size() > keep.cardinality()) {
            Html.note(out, Html.sampled(keep.cardinality(), trials.size(), "complete trials",
                    "every Pareto-optimal trial plus evenly spaced others"));
        }
    }

    private static String pair(StudyView v, List<FrozenTrial> trials, boolean[] on, BitSet keep, int a, int b) {
        Frame f = FRAME;
        Scale xs = v.objectiveScale(a, f.plotLeft(), f.plotRight(), 6);
        Scale ys = v.objectiveScale(b, f.plotBottom(), f.plotTop(), 6);
        Svg svg = new Svg(f.width(), f.height(), "plot pareto", "Pareto front, " + v.objectiveName(a) + " against " + v.objectiveName(b));
        Axes.bottom(svg, xs, f.plotBottom(), f.plotTop(), true, v.objectiveTitle(a));
        Axes.left(svg, ys, f.plotLeft(), f.plotRight(), true, v.objectiveTitle(b));
        List<FrozenTrial> front = new ArrayList<>();
        for (int i = keep.nextSetBit(0); i >= 0; i = keep.nextSetBit(i + 1)) {
            if (on[i]) {
                front.add(trials.get(i));
            }
        }
        if (v.objectives() == 2 && front.size() > 1) {
            front.sort(Comparator.comparingDouble((FrozenTrial t) -> t.values().get(0))
                    .thenComparingDouble(t -> t.values().get(1)));
            double[] px = new double[front.size()];
            double[] py = new double[front.size()];
            for (int i = 0; i < front.size(); i++) {
                px[i] = xs.map(front.get(i).values().get(0));
                py[i] = ys.map(front.get(i).values().get(1));
            }
            svg.start("polyline").attr("class", "front-line").points(px, py, px.length).end();
        }
        svg.group("points");
        for (int pass = 0; pass < 2; pass++) {
            // dominated trials first, the front on top
            for (int i = keep.nextSetBit(0); i >= 0; i = keep.nextSetBit(i + 1)) {
                if (on[i] != (pass == 1)) {
                    continue;
                }
                FrozenTrial t = trials.get(i);
                svg.start("circle").attr("class", on[i] ? "front" : "dominated")
                        .attr("data-trial", Integer.toString(t.number()))
                        .attr("cx", xs.map(t.values().get(a))).attr("cy", ys.map(t.values().get(b)))
                        .attr("r", on[i] ? 4.5 : 3).endWithTitle(v.tooltip(t));
            }
        }
        svg.endGroup();
        return svg.finish();
    }
}
