package org.nntune.dashboard;

import org.nntune.dashboard.svg.Axes;
import org.nntune.dashboard.svg.BandScale;
import org.nntune.dashboard.svg.ColorScale;
import org.nntune.dashboard.svg.Fmt;
import org.nntune.dashboard.svg.Frame;
import org.nntune.dashboard.svg.Scale;
import org.nntune.dashboard.svg.Svg;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * A contour-style map of the first objective over the two most important parameters: the plane
 * (in axis space, so log parameters are binned in log space and categories by index) is cut into
 * a {@value #GRID}×{@value #GRID} grid; a cell holding trials shows their mean value, an empty cell
 * the inverse-distance-weighted (power 2) mean of the filled cells. The trials are drawn on top as
 * {@code circle.cpt}. Cost: O(n + cells²), whatever the number of trials.
 */
final class ContourPlot {
    private ContourPlot() {}

    static final int GRID = 30;
    static final Frame FRAME = new Frame(620, 480, 78, 16, 110, 50);

    static void render(StudyView v, StringBuilder out) {
        if (v.params.size() < 2) {
            Html.note(out, "A contour plot needs two parameters; the complete trials have "
                    + v.params.size() + ".");
            return;
        }
        String px = v.params.get(0);
        String py = v.params.get(1);
        ParamAxis ax = v.axes.get(px);
        ParamAxis ay = v.axes.get(py);
        List<FrozenTrial> with = new ArrayList<>();
        for (FrozenTrial t : v.complete) {
            if (!Double.isNaN(ax.position(t)) && !Double.isNaN(ay.position(t))) {
                with.add(t);
            }
        }
        if (with.size() < 2) {
            Html.note(out, "A contour plot needs at least two complete trials that have both '" + px + "' and '" + py + "'.");
            return;
        }
        Frame f = FRAME;
        Scale xs = ax.scale(f.plotLeft(), f.plotRight(), 5);
        Scale ys = ay.scale(f.plotBottom(), f.plotTop(), 5);
        double w = (f.plotRight() - f.plotLeft()) / GRID;
        double h = (f.plotBottom() - f.plotTop()) / GRID;
        double[] sum = new double[GRID * GRID];
        int[] count = new int[GRID * GRID];
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        double[] cx = new double[with.size()];
        double[] cy = new double[with.size()];
        for (int i = 0; i < with.size(); i++) {
            FrozenTrial t = with.get(i);
            cx[i] = xs.mapClamped(ax.position(t));
            cy[i] = ys.mapClamped(ay.position(t));
            int gx = Math.min(GRID - 1, (int) ((cx[i] - f.plotLeft()) / w));
            int gy = Math.min(GRID - 1, (int) ((f.plotBottom() - cy[i]) / h));
            double val = t.values().get(0);
            sum[gy * GRID + gx] += val;
            count[gy * GRID + gx]++;
            lo = Math.min(lo, val);
            hi = Math.max(hi, val);
        }
        double[] cell = interpolate(sum, count);
        StudyDirection dir = v.direction(0);
        ColorScale colors = new ColorScale(lo, hi, dir == StudyDirection.MINIMIZE);
        Svg svg = new Svg(f.width(), f.height(), "plot contour", "Contour of " + px + " and " + py);
        svg.group("cells");
        for (int gy = 0; gy < GRID; gy++) {
            for (int gx = 0; gx < GRID; gx++) {
                svg.rect(f.plotLeft() + gx * w, f.plotBottom() - (gy + 1) * h, w + 0.6, h + 0.6, "cell",
                        colors.color(cell[gy * GRID + gx]));
            }
        }
        svg.endGroup();
        Axes.bottom(svg, xs, f.plotBottom(), f.plotTop(), false, BandScale.shorten(ax.title(), 40));
        Axes.left(svg, ys, f.plotLeft(), f.plotRight(), false, BandScale.shorten(ay.title(), 40));
        BitSet keep = Sample.keep(with.size(), v.options.maxPoints(), new BitSet());
        svg.group("points");
        for (int i = keep.nextSetBit(0); i >= 0; i = keep.nextSetBit(i + 1)) {
            FrozenTrial t = with.get(i);
            double jx = xs instanceof BandScale b ? b.bandWidth() * 0.5 * Html.jitter(t.number()) : 0;
            double jy = ys instanceof BandScale b ? b.bandWidth() * 0.5 * Html.jitter(t.number() + 7919) : 0;
            svg.start("circle").attr("class", "cpt").attr("data-trial", Integer.toString(t.number()))
                    .attr("cx", cx[i] + jx).attr("cy", cy[i] + jy).attr("r", 3).endWithTitle(v.tooltip(t));
        }
        svg.endGroup();
        colors.legend(svg, f.plotRight() + 24, f.plotTop() + 20, f.plotBottom() - f.plotTop() - 40, v.objectiveName(0));
        out.append("<figure>").append(svg.finish()).append("</figure>\n");
        Html.note(out, "Parameters: '" + px + "' and '" + py + "', the two most important. Colour: "
                + v.objectiveName(0) + " (" + Fmt.num(lo) + " to " + Fmt.num(hi) + ", best brightest), the mean of the trials in each of "
                + GRID + "×" + GRID + " cells; empty cells are filled by inverse-distance weighting (power 2) of the filled ones.");
        if (with.size() > keep.cardinality()) {
            Html.note(out, Html.sampled(keep.cardinality(), with.size(), "trial points",
                    "evenly spaced by trial number; the colours use all of them"));
        }
    }

    /** Means of filled cells; inverse-distance-weighted means of those for the empty ones. */
    static double[] interpolate(double[] sum, int[] count) {
        int cells = sum.length;
        List<int[]> filled = new ArrayList<>();
        double[] out = new double[cells];
        for (int c = 0; c < cells; c++) {
            if (count[c] > 0) {
                out[c] = sum[c] / count[c];
                filled.add(new int[] {c % GRID, c / GRID, c});
            }
        }
        for (int c = 0; c < cells; c++) {
            if (count[c] > 0) {
                continue;
            }
            int gx = c % GRID, gy = c / GRID;
            double ws = 0, vs = 0;
            for (int[] p : filled) {
                double dx = p[0] - gx, dy = p[1] - gy;
                double wt = 1 / (dx * dx + dy * dy);
                ws += wt;
                vs += wt * out[p[2]];
            }
            out[c] = vs / ws;
        }
        return out;
    }
}
