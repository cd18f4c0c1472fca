package org.nntune.dashboard;

import org.nntune.dashboard.svg.Fmt;
import org.nntune.dashboard.svg.Xml;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.TrialState;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The trials table ({@code table.trials.sortable}): number, state, value(s), parameters and
 * duration, one row per trial; numeric cells carry their number in {@code data-v} for the inline
 * sorting script. Beyond {@link ReportOptions#maxTableRows()} trials, the best COMPLETE trials (by
 * the first objective) are shown, then the others by number, with a note. An unfinished trial's
 * values enqueued for it and not asked for yet are shown in italics, with a title saying so, as the
 * dashboard's table shows them.
 */
final class TrialsTable {
    /** The title of a value enqueued for an unfinished trial that it has not asked for yet (the dashboard's words). */
    static final String ENQUEUED = "enqueued: the trial uses this value when it asks for the parameter";

    private TrialsTable() {}

    static void render(StudyView v, StringBuilder out) {
        List<FrozenTrial> all = v.data.trials();
        if (all.isEmpty()) {
            Html.note(out, "No trials.");
            return;
        }
        Set<String> names = new LinkedHashSet<>(v.params);
        for (FrozenTrial t : all) {
            names.addAll(t.shownParams().keySet()); // a waiting enqueued trial: the values it will run with
        }
        List<String> params = new ArrayList<>(names);
        int maxCols = Math.max(v.options.maxParams(), 30);
        boolean cutCols = params.size() > maxCols;
        if (cutCols) {
            params = params.subList(0, maxCols);
        }
        List<FrozenTrial> rows = all;
        int cap = v.options.maxTableRows();
        if (all.size() > cap) {
            // best complete trials first (by the first objective), then the others by number
            StudyDirection dir = v.direction(0);
            double[] key = new double[all.size()];
            Integer[] order = new Integer[all.size()];
            for (int i = 0; i < key.length; i++) {
                FrozenTrial t = all.get(i);
                key[i] = isPlottable(v, t) ? dir.toMinimized(t.values().get(0)) : Double.POSITIVE_INFINITY;
                order[i] = i;
            }
            java.util.Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> key[i]).thenComparingInt(i -> i));
            rows = new ArrayList<>(cap);
            for (int i = 0; i < cap; i++) {
                rows.add(all.get(order[i]));
            }
        }
        out.append("<div class=\"table-wrap\"><table class=\"trials sortable\">\n<thead><tr>");
        header(out, "#", "trial number");
        header(out, "state", "");
        for (int k = 0; k < v.objectives(); k++) {
            header(out, v.objectiveName(k), v.objectiveTitle(k));
        }
        for (String p : params) {
            header(out, p, v.axes.containsKey(p) ? v.axes.get(p).title() : p);
        }
        header(out, "duration (s)", "from start to finish");
        out.append("</tr></thead>\n<tbody>\n");
        for (FrozenTrial t : rows) {
            out.append("<tr>");
            numCell(out, t.number(), Integer.toString(t.number()));
            out.append("<td class=\"state ").append(t.state().name().toLowerCase(Locale.ROOT)).append('"');
            if (t.failureReason().isPresent()) {
                out.append(" title=\"");
                Xml.escapeTo(out, t.failureReason().get());
                out.append('"');
            }
            out.append('>').append(t.state().name()).append("</td>");
            for (int k = 0; k < v.objectives(); k++) {
                if (k < t.values().size()) {
                    double val = t.values().get(k);
                    numCell(out, val, Fmt.num(val));
                } else {
                    out.append("<td></td>");
                }
            }
            Set<String> enqueued = t.enqueuedNotAsked().keySet();
            for (String p : params) {
                Object val = t.shownParam(p);
                boolean isEnqueued = enqueued.contains(p);
                if (val == null) {
                    out.append("<td></td>");
                } else if (val instanceof Number n && !(val instanceof Double d && !Double.isFinite(d))) {
                    numCell(out, n.doubleValue(), ParamAxis.label(val), isEnqueued);
                } else {
                    out.append(isEnqueued ? "<td class=\"enqueued\" title=\"" + ENQUEUED + "\">" : "<td>");
                    Xml.escapeTo(out, ParamAxis.label(val));
                    out.append("</td>");
                }
            }
            if (t.duration().isPresent()) {
                double s = t.duration().get().toNanos() / 1e9;
                numCell(out, s, Fmt.num(Math.round(s * 1000) / 1000.0));
            } else {
                out.append("<td></td>");
            }
            out.append("</tr>\n");
        }
        out.append("</tbody></table></div>\n");
        Html.note(out, "Click a column header to sort by it (again to reverse).");
        if (rows.size() < all.size()) {
            Html.note(out, "Showing " + Fmt.count(rows.size()) + " of " + Fmt.count(all.size())
                    + " trials: the best complete trials by " + v.objectiveName(0) + ", then the others by number.");
        }
        if (cutCols) {
            Html.note(out, "Showing " + params.size() + " of " + names.size() + " parameter columns (most important first).");
        }
    }

    private static boolean isPlottable(StudyView v, FrozenTrial t) {
        return t.state() == TrialState.COMPLETE && t.values().size() == v.objectives() && Double.isFinite(t.values().get(0));
    }

    private static void header(StringBuilder out, String text, String title) {
        out.append("<th");
        if (!title.isEmpty()) {
            out.append(" title=\"");
            Xml.escapeTo(out, title);
            out.append('"');
        }
        out.append('>');
        Xml.escapeTo(out, text);
        out.append("</th>");
    }

    private static void numCell(StringBuilder out, double sortKey, String text) {
        numCell(out, sortKey, text, false);
    }

    private static void numCell(StringBuilder out, double sortKey, String text, boolean enqueued) {
        out.append(enqueued ? "<td class=\"num enqueued\" title=\"" + ENQUEUED + "\" data-v=\"" : "<td class=\"num\" data-v=\"").append(Double.isFinite(sortKey) ? Double.toString(sortKey) : "")
                .append("\">");
        Xml.escapeTo(out, text);
        out.append("</td>");
    }
}
