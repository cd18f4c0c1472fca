package org.nntune.dashboard;

import org.nntune.dashboard.svg.Axes;
import org.nntune.dashboard.svg.BandScale;
import org.nntune.dashboard.svg.Fmt;
import org.nntune.dashboard.svg.LinearScale;
import org.nntune.dashboard.svg.Svg;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Parameter importance: one horizontal {@code rect.imp-bar} per parameter, most important on top. */
final class ImportancePlot {
    private ImportancePlot() {}

    static void render(StudyView v, StringBuilder out) {
        Map<String, Double> imp = v.importances.values();
        if (imp.isEmpty()) {
            if (v.params.isEmpty()) {
                Html.note(out, "The complete trials have no parameters: no importances.");
            } else if (v.importances.notes().isEmpty()) {
                Html.note(out, "Importances need at least two complete trials.");
            }
            v.importances.notes().forEach(n -> Html.note(out, n));
            return;
        }
        List<Map.Entry<String, Double>> rows = new ArrayList<>(imp.entrySet());
        int cap = Math.max(v.options.maxParams(), 30);
        if (rows.size() > cap) {
            rows = rows.subList(0, cap);
        }
        double max = 0;
        for (Map.Entry<String, Double> e : rows) {
            max = Math.max(max, e.getValue());
        }
        double left = 170, right = 70, top = 12, bar = 22, gap = 8, bottom = 50;
        double width = 760;
        double height = top + rows.size() * (bar + gap) + bottom;
        LinearScale xs = LinearScale.nice(0, max > 0 ? max : 1, left, width - right, 5);
        double plotBottom = height - bottom;
        Svg svg = new Svg(width, height, "plot importance", "Parameter importance");
        Axes.bottom(svg, xs, plotBottom, top, true, "importance for " + v.objectiveName(0));
        svg.group("bars");
        for (int i = 0; i < rows.size(); i++) {
            String name = rows.get(i).getKey();
            double val = rows.get(i).getValue();
            double y = top + i * (bar + gap) + gap / 2;
            svg.start("rect").attr("class", "imp-bar").attr("data-param", name)
                    .attr("x", left).attr("y", y).attr("width", Math.max(0, xs.map(val) - left)).attr("height", bar)
                    .endWithTitle(name + ": " + Fmt.num(val));
            svg.start("text").attr("x", left - 8).attr("y", y + bar / 2 + 4).attr("class", "bar-label")
                    .attr("text-anchor", "end").endWithTextAndTitle(BandScale.shorten(name, 24), name);
            svg.text(xs.map(val) + 6, y + bar / 2 + 4, "bar-value", "start", Fmt.num(val));
        }
        svg.endGroup();
        out.append("<figure>").append(svg.finish()).append("</figure>\n");
        Html.note(out, "Method: " + v.importances.method() + ".");
        v.importances.notes().forEach(n -> Html.note(out, n));
        if (imp.size() > rows.size()) {
            Html.note(out, "Showing the " + rows.size() + " most important of " + imp.size() + " parameters.");
        }
    }
}
