package org.nntune.dashboard;

import org.nntune.dashboard.svg.Axes;
import org.nntune.dashboard.svg.Frame;
import org.nntune.dashboard.svg.LinearScale;
import org.nntune.dashboard.svg.Scale;
import org.nntune.dashboard.svg.Svg;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;

import java.util.BitSet;
import java.util.List;

/**
 * Optimisation history: one point per COMPLETE trial (value against trial number) and the
 * best-so-far step line, for each objective. Points are {@code circle.pt} with {@code data-trial};
 * the line is {@code polyline.best-line}, one vertex pair per improvement, so it stays small for any
 * number of trials.
 */
final class HistoryPlot {
    private HistoryPlot() {}

    static final Frame FRAME = new Frame(760, 370, 78, 30, 24, 50);

    /** The whole history. */
    static void render(StudyView v, StringBuilder out) {
        render(v, out, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    /**
     * The history between trial numbers {@code from} and {@code to} (inclusive): the dashboard's zoom.
     * The best-so-far line enters the window at the best value reached before it; the value axis
     * fits the values inside the window, and the points are sampled within the window only, so a
     * zoom into a large study shows every trial once the window is small enough.
     */
    static void render(StudyView v, StringBuilder out, int from, int to) {
        List<FrozenTrial> trials = v.complete;
        int a = 0;
        while (a < trials.size() && trials.get(a).number() < from) {
            a++;
        }
        int b = a;
        while (b < trials.size() && trials.get(b).number() <= to) {
            b++;
        }
        boolean zoomed = from != Integer.MIN_VALUE || to != Integer.MAX_VALUE;
        if (a == b) {
            Html.note(out, zoomed ? "No complete trial between trial " + from + " and trial " + to + "."
                    : "No complete trial yet: there is no history to plot.");
            return;
        }
        int n = b - a;
        Frame f = FRAME;
        for (int k = 0; k < v.objectives(); k++) {
            StudyDirection dir = v.direction(k);
            double best = Double.NaN;
            for (int i = 0; i < a; i++) { // the best before the window: where the line enters it
                double y = trials.get(i).values().get(k);
                if (i == 0 || dir.isBetter(y, best)) {
                    best = y;
                }
            }
            double entry = best;
            double[] y = new double[n];
            BitSet improved = new BitSet(n);
            double lo = a > 0 ? entry : Double.POSITIVE_INFINITY;
            double hi = a > 0 ? entry : Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                y[i] = trials.get(a + i).values().get(k);
                lo = Math.min(lo, y[i]);
                hi = Math.max(hi, y[i]);
                if ((a == 0 && i == 0) || dir.isBetter(y[i], best)) {
                    best = y[i];
                    improved.set(i);
                }
            }
            BitSet keep = Sample.keep(n, v.options.maxPoints(), improved);
            int first = from != Integer.MIN_VALUE ? from : trials.get(a).number();
            int last = to != Integer.MAX_VALUE ? to : trials.get(b - 1).number();
            LinearScale xs = LinearScale.nice(first, last, f.plotLeft(), f.plotRight(), 8, true);
            Scale ys = zoomed ? v.objectiveScale(k, lo, hi, f.plotBottom(), f.plotTop(), 6)
                    : v.objectiveScale(k, f.plotBottom(), f.plotTop(), 6);
            Svg svg = new Svg(f.width(), f.height(), "plot history", "Optimisation history of " + v.objectiveName(k));
            Axes.bottom(svg, xs, f.plotBottom(), f.plotTop(), true, "trial number");
            Axes.left(svg, ys, f.plotLeft(), f.plotRight(), true, v.objectiveTitle(k));
            // the area the dashboard lets a user drag over to zoom: its trial-number range and pixels
            svg.start("rect").attr("class", "zoom-area").attr("x", f.plotLeft()).attr("y", f.plotTop())
                    .attr("width", f.plotRight() - f.plotLeft()).attr("height", f.plotBottom() - f.plotTop()).attr("fill", "none")
                    .attr("data-from", Double.toString(xs.lo())).attr("data-to", Double.toString(xs.hi())).end();
            svg.group("points", "data-objective", Integer.toString(k));
            for (int i = keep.nextSetBit(0); i >= 0; i = keep.nextSetBit(i + 1)) {
                FrozenTrial t = trials.get(a + i);
                svg.start("circle").attr("class", improved.get(i) ? "pt improved" : "pt")
                        .attr("data-trial", Integer.toString(t.number()))
                        .attr("cx", xs.map(t.number())).attr("cy", ys.map(y[i])).attr("r", 3.5)
                        .endWithTitle(v.tooltip(t));
            }
            svg.endGroup();
            // best so far: flat until the next improvement, then a vertical step
            // at most: the entry point, two vertices per improvement, the last trial
            int m = 2 * improved.cardinality() + 2;
            double[] px = new double[m];
            double[] py = new double[m];
            int c = 0;
            double current = entry;
            if (a > 0) {
                px[c] = xs.map(first);
                py[c] = ys.map(current);
                c++;
            }
            for (int i = improved.nextSetBit(0); i >= 0; i = improved.nextSetBit(i + 1)) {
                double x = xs.map(trials.get(a + i).number());
                if (c > 0) {
                    px[c] = x;
                    py[c] = ys.map(current);
                    c++;
                }
                current = y[i];
                px[c] = x;
                py[c] = ys.map(current);
                c++;
            }
            px[c] = xs.map(trials.get(b - 1).number());
            py[c] = ys.map(current);
            c++;
            svg.start("polyline").attr("class", "best-line").attr("data-objective", Integer.toString(k))
                    .points(px, py, c).endWithTitle("best " + v.objectiveName(k) + " so far ("
                            + dir.name().toLowerCase(java.util.Locale.ROOT) + ")");
            legend(svg, f);
            out.append("<figure>").append(svg.finish()).append("</figure>\n");
        }
        if (n > v.options.maxPoints()) {
            Html.note(out, Html.sampled(v.options.maxPoints(), n, "complete trials",
                    "every trial that improved the best value plus evenly spaced others; the best-so-far line uses all "
                            + org.nntune.dashboard.svg.Fmt.count(n)));
        }
    }

    private static void legend(Svg svg, Frame f) {
        // above the plotting area, right-aligned, so it never hides a point
        double x = f.plotRight() - 250;
        double y = f.plotTop() - 14;
        svg.group("key");
        svg.start("circle").attr("class", "key-pt").attr("cx", x + 6).attr("cy", y).attr("r", 3.5).end();
        svg.text(x + 14, y + 4, "key-label", "start", "value of a complete trial");
        svg.line(x + 160, y, x + 176, y, "key-best");
        svg.text(x + 182, y + 4, "key-label", "start", "best so far");
        svg.endGroup();
    }
}
