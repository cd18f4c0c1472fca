package org.nntune.dashboard;

import org.nntune.dashboard.svg.Axes;
import org.nntune.dashboard.svg.Frame;
import org.nntune.dashboard.svg.LinearScale;
import org.nntune.dashboard.svg.Svg;
import org.nntune.tune.study.FrozenTrial;
import org.nntune.tune.study.StudyDirection;

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

    static void render(StudyView v, StringBuilder out) {
        List<FrozenTrial> trials = v.complete;
        if (trials.isEmpty()) {
            Html.note(out, "No complete trial yet: there is no history to plot.");
            return;
        }
        int n = trials.size();
        for (int k = 0; k < v.objectives(); k++) {
            StudyDirection dir = v.direction(k);
            double[] y = new double[n];
            double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
            BitSet improved = new BitSet(n);
            double best = Double.NaN;
            for (int i = 0; i < n; i++) {
                y[i] = trials.get(i).values().get(k);
                lo = Math.min(lo, y[i]);
                hi = Math.max(hi, y[i]);
                if (i == 0 || dir.isBetter(y[i], best)) {
                    best = y[i];
                    improved.set(i);
                }
            }
            BitSet keep = Sample.keep(n, v.options.maxPoints(), improved);
            Frame f = FRAME;
            LinearScale xs = LinearScale.nice(trials.get(0).number(), trials.get(n - 1).number(),
                    f.plotLeft(), f.plotRight(), 8, true);
            LinearScale ys = LinearScale.nice(lo, hi, f.plotBottom(), f.plotTop(), 6);
            Svg svg = new Svg(f.width(), f.height(), "plot history", "Optimisation history of " + v.objectiveName(k));
            Axes.bottom(svg, xs, f.plotBottom(), f.plotTop(), true, "trial number");
            Axes.left(svg, ys, f.plotLeft(), f.plotRight(), true, v.objectiveTitle(k));
            svg.group("points", "data-objective", Integer.toString(k));
            for (int i = keep.nextSetBit(0); i >= 0; i = keep.nextSetBit(i + 1)) {
                FrozenTrial t = trials.get(i);
                svg.start("circle").attr("class", improved.get(i) ? "pt improved" : "pt")
                        .attr("data-trial", Integer.toString(t.number()))
                        .attr("cx", xs.map(t.number())).attr("cy", ys.map(y[i])).attr("r", 3.5)
                        .endWithTitle(v.tooltip(t));
            }
            svg.endGroup();
            // best so far: flat until the next improvement, then a vertical step
            int m = improved.cardinality();
            double[] px = new double[2 * m];
            double[] py = new double[2 * m];
            int c = 0;
            double current = Double.NaN;
            for (int i = improved.nextSetBit(0); i >= 0; i = improved.nextSetBit(i + 1)) {
                double x = xs.map(trials.get(i).number());
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
            px[c] = xs.map(trials.get(n - 1).number());
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
