package org.nntune.dashboard;

import org.nntune.dashboard.svg.Axes;
import org.nntune.dashboard.svg.Fmt;
import org.nntune.dashboard.svg.Frame;
import org.nntune.dashboard.svg.LinearScale;
import org.nntune.dashboard.svg.Svg;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.TrialState;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Intermediate values (learning curves): one {@code polyline.curve} per trial that reported any,
 * whatever its state, classed by state ({@code complete}, {@code pruned}, {@code running},
 * {@code fail}) so that pruned trials are drawn differently.
 */
final class CurvesPlot {
    private CurvesPlot() {}

    static void render(StudyView v, StringBuilder out) {
        List<FrozenTrial> withCurves = new ArrayList<>();
        for (FrozenTrial t : v.data.trials()) {
            if (!t.intermediateValues().isEmpty()) {
                withCurves.add(t);
            }
        }
        if (withCurves.isEmpty()) {
            Html.note(out, "No trial reported intermediate values (trial.report(step, value)), so there are no learning curves.");
            return;
        }
        int n = withCurves.size();
        BitSet keep = Sample.keep(n, v.options.maxCurves(), new BitSet());
        double xlo = Double.POSITIVE_INFINITY, xhi = Double.NEGATIVE_INFINITY;
        double ylo = Double.POSITIVE_INFINITY, yhi = Double.NEGATIVE_INFINITY;
        for (int i = keep.nextSetBit(0); i >= 0; i = keep.nextSetBit(i + 1)) {
            for (Map.Entry<Integer, Double> e : withCurves.get(i).intermediateValues().entrySet()) {
                if (Double.isFinite(e.getValue())) {
                    xlo = Math.min(xlo, e.getKey());
                    xhi = Math.max(xhi, e.getKey());
                    ylo = Math.min(ylo, e.getValue());
                    yhi = Math.max(yhi, e.getValue());
                }
            }
        }
        if (!(xlo <= xhi)) {
            Html.note(out, "The reported intermediate values are all NaN or infinite: nothing to plot.");
            return;
        }
        Frame f = HistoryPlot.FRAME;
        LinearScale xs = LinearScale.nice(xlo, xhi, f.plotLeft(), f.plotRight(), 8, true);
        LinearScale ys = LinearScale.nice(ylo, yhi, f.plotBottom(), f.plotTop(), 6);
        Svg svg = new Svg(f.width(), f.height(), "plot curves", "Intermediate values per trial");
        Axes.bottom(svg, xs, f.plotBottom(), f.plotTop(), true, "step");
        Axes.left(svg, ys, f.plotLeft(), f.plotRight(), true, "intermediate value");
        int maxPts = v.options.maxCurvePoints();
        double[] px = new double[maxPts + 1];
        double[] py = new double[maxPts + 1];
        int thinned = 0;
        svg.group("curves");
        // pruned curves last, so that they are not hidden under the complete ones
        List<FrozenTrial> drawOrder = new ArrayList<>(keep.cardinality());
        List<FrozenTrial> pruned = new ArrayList<>();
        for (int i = keep.nextSetBit(0); i >= 0; i = keep.nextSetBit(i + 1)) {
            FrozenTrial t = withCurves.get(i);
            (t.state() == TrialState.PRUNED ? pruned : drawOrder).add(t);
        }
        drawOrder.addAll(pruned);
        for (FrozenTrial t : drawOrder) {
            List<Map.Entry<Integer, Double>> steps = new ArrayList<>(t.intermediateValues().size());
            for (Map.Entry<Integer, Double> e : t.intermediateValues().entrySet()) {
                if (Double.isFinite(e.getValue())) {
                    steps.add(e);
                }
            }
            int c = 0;
            BitSet which = Sample.keep(steps.size(), maxPts, lastOf(steps.size()));
            if (steps.size() > maxPts) {
                thinned++;
            }
            for (int j = which.nextSetBit(0); j >= 0; j = which.nextSetBit(j + 1)) {
                px[c] = xs.map(steps.get(j).getKey());
                py[c] = ys.map(steps.get(j).getValue());
                c++;
            }
            Map.Entry<Integer, Double> last = t.intermediateValues().lastEntry();
            svg.start("polyline").attr("class", "curve " + t.state().name().toLowerCase(Locale.ROOT))
                    .attr("data-trial", Integer.toString(t.number())).points(px, py, c)
                    .endWithTitle("Trial " + t.number() + " (" + t.state() + ")\nlast step " + last.getKey()
                            + ": " + Fmt.num(last.getValue()));
        }
        svg.endGroup();
        legend(svg, f);
        out.append("<figure>").append(svg.finish()).append("</figure>\n");
        if (n > v.options.maxCurves()) {
            Html.note(out, Html.sampled(v.options.maxCurves(), n, "learning curves", "evenly spaced by trial number"));
        }
        if (thinned > 0) {
            Html.note(out, thinned + " curve(s) with more than " + maxPts
                    + " steps are drawn through evenly spaced steps (always including the last).");
        }
    }

    private static BitSet lastOf(int n) {
        BitSet b = new BitSet();
        if (n > 0) {
            b.set(n - 1);
        }
        return b;
    }

    private static void legend(Svg svg, Frame f) {
        double x = f.plotRight() - 290;
        double y = f.plotTop() - 14;
        String[][] items = {{"complete", "complete"}, {"pruned", "pruned"}, {"running / failed", "running"}};
        svg.group("key");
        for (int i = 0; i < items.length; i++) {
            double xx = x + i * 90;
            svg.line(xx, y, xx + 18, y, "key-curve " + items[i][1]);
            svg.text(xx + 24, y + 4, "key-label", "start", items[i][0]);
        }
        svg.endGroup();
    }
}
