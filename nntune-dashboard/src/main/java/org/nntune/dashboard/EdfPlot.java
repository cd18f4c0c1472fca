package org.nntune.dashboard;

import org.nntune.dashboard.svg.Axes;
import org.nntune.dashboard.svg.Frame;
import org.nntune.dashboard.svg.LinearScale;
import org.nntune.dashboard.svg.Scale;
import org.nntune.dashboard.svg.Svg;
import org.nntune.tune.analysis.Edf;

/**
 * Empirical distribution of the objective: for each value x, the fraction of complete trials whose
 * value is at most x, as a step line ({@code polyline.edf-line}) per objective. A steep rise near
 * the best value says the search found good regions often; a long flat tail says it rarely did.
 * At most {@link ReportOptions#maxPoints()} steps are drawn (evenly spaced quantiles plus both ends).
 */
final class EdfPlot {
    private EdfPlot() {}

    static final Frame FRAME = new Frame(760, 330, 78, 20, 24, 50);

    static void render(StudyView v, StringBuilder out) {
        if (v.complete.isEmpty()) {
            Html.note(out, "No complete trial yet: there is no distribution to plot.");
            return;
        }
        for (int k = 0; k < v.objectives(); k++) {
            final int obj = k;
            double[] sorted = Edf.of(v.complete, t -> t.values().get(obj)).values();
            int n = sorted.length;
            Frame f = FRAME;
            Scale xs = v.objectiveScale(k, f.plotLeft(), f.plotRight(), 8);
            LinearScale ys = LinearScale.nice(0, 1, f.plotBottom(), f.plotTop(), 5);
            Svg svg = new Svg(f.width(), f.height(), "plot edf", "Empirical distribution of " + v.objectiveName(k));
            Axes.bottom(svg, xs, f.plotBottom(), f.plotTop(), true, v.objectiveTitle(k));
            Axes.left(svg, ys, f.plotLeft(), f.plotRight(), true, "fraction of complete trials ≤ value");
            int steps = Math.min(n, v.options.maxPoints());
            double[] px = new double[2 * steps + 1];
            double[] py = new double[2 * steps + 1];
            int c = 0;
            double level = ys.map(0);
            px[c] = xs.map(sorted[0]);
            py[c++] = level;
            for (int s = 0; s < steps; s++) {
                // the s-th drawn step is the last value of its quantile block, so the last step reaches 1
                int i = steps == n ? s : (int) ((long) (s + 1) * n / steps) - 1;
                double x = xs.map(sorted[i]);
                px[c] = x;
                py[c++] = level;
                level = ys.map((i + 1) / (double) n);
                px[c] = x;
                py[c++] = level;
            }
            svg.start("polyline").attr("class", "edf-line").attr("data-objective", Integer.toString(k))
                    .attr("data-n", Integer.toString(n)).points(px, py, c)
                    .endWithTitle("empirical distribution of " + v.objectiveName(k) + " over " + n + " complete trials");
            out.append("<figure>").append(svg.finish()).append("</figure>\n");
        }
    }
}
