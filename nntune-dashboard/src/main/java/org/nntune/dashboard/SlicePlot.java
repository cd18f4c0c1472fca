package org.nntune.dashboard;

import org.nntune.dashboard.svg.Axes;
import org.nntune.dashboard.svg.BandScale;
import org.nntune.dashboard.svg.ColorScale;
import org.nntune.dashboard.svg.Frame;
import org.nntune.dashboard.svg.Scale;
import org.nntune.dashboard.svg.Svg;
import org.nntune.tune.trial.FrozenTrial;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Slice plots: one {@code svg.slice-panel} (with {@code data-param}) per parameter, the first
 * objective against the parameter's value for every COMPLETE trial that has it, points coloured
 * by trial number (late trials bright).
 */
final class SlicePlot {
    private SlicePlot() {}

    static final Frame FRAME = new Frame(360, 270, 66, 14, 14, 50);

    static void render(StudyView v, StringBuilder out) {
        if (v.complete.isEmpty()) {
            Html.note(out, "No complete trial yet: no slice plots.");
            return;
        }
        if (v.params.isEmpty()) {
            Html.note(out, "The complete trials have no parameters: no slice plots.");
            return;
        }
        List<String> params = v.shownParams();
        ColorScale colors = new ColorScale(v.complete.get(0).number(), v.complete.get(v.complete.size() - 1).number(), false);
        Frame f = FRAME;
        boolean sampled = false;
        out.append("<div class=\"panels\">\n");
        for (String p : params) {
            ParamAxis axis = v.axes.get(p);
            List<FrozenTrial> with = new ArrayList<>();
            for (FrozenTrial t : v.complete) {
                if (!Double.isNaN(axis.position(t))) {
                    with.add(t);
                }
            }
            BitSet keep = Sample.keep(with.size(), v.options.maxSlicePoints(), new BitSet());
            sampled |= with.size() > v.options.maxSlicePoints();
            Scale xs = axis.scale(f.plotLeft(), f.plotRight(), 5);
            Scale ys = v.objectiveScale(0, f.plotBottom(), f.plotTop(), 5);
            Svg svg = new Svg(f.width(), f.height(), "plot slice-panel", "Slice plot of " + p);
            Axes.bottom(svg, xs, f.plotBottom(), f.plotTop(), true, BandScale.shorten(axis.title(), 40));
            Axes.left(svg, ys, f.plotLeft(), f.plotRight(), true, v.objectiveName(0) + (v.logObjective(0) ? " (log)" : ""));
            double band = xs instanceof BandScale b ? b.bandWidth() * 0.5 : 0;
            svg.group("points", "data-param", p);
            for (int i = keep.nextSetBit(0); i >= 0; i = keep.nextSetBit(i + 1)) {
                FrozenTrial t = with.get(i);
                double x = xs.mapClamped(axis.position(t)) + band * Html.jitter(t.number());
                svg.start("circle").attr("class", "spt").attr("data-trial", Integer.toString(t.number()))
                        .attr("cx", x).attr("cy", ys.map(t.values().get(0))).attr("r", 3)
                        .attr("fill", colors.color(t.number())).endWithTitle(v.tooltip(t));
            }
            svg.endGroup();
            String markup = svg.finish();
            // the parameter name travels on the <svg> as data-param for readers of the page
            out.append("<figure class=\"panel\" data-param=\"");
            org.nntune.dashboard.svg.Xml.escapeTo(out, p);
            out.append("\">").append(markup).append("</figure>\n");
        }
        out.append("</div>\n");
        Html.note(out, "Colour: trial number, from dark (early) to bright (late).");
        if (sampled) {
            Html.note(out, "Panels with more than " + org.nntune.dashboard.svg.Fmt.count(v.options.maxSlicePoints())
                    + " trials show an evenly spaced sample of that many, to keep the report small.");
        }
        if (v.params.size() > params.size()) {
            Html.note(out, "Showing the " + params.size() + " most important of " + v.params.size() + " parameters.");
        }
    }
}
