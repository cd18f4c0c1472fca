package org.nntune.dashboard;

import org.nntune.dashboard.svg.Fmt;
import org.nntune.dashboard.svg.LinearScale;
import org.nntune.dashboard.svg.LogScale;
import org.nntune.dashboard.svg.Scale;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.TrialState;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What every plot of one report needs, computed once: the plottable COMPLETE trials, the
 * importances, the parameters in the order they are shown and their axes.
 */
final class StudyView {
    final StudyReportData data;
    final ReportOptions options;
    /** COMPLETE trials with one finite value per objective, by number. */
    final List<FrozenTrial> complete;
    /** COMPLETE trials left out because their values do not fit the directions or are not finite. */
    final int unplottable;
    final ParamImportances importances;
    /** Parameters of the complete trials: most important first, then in first-seen order. */
    final List<String> params;
    final Map<String, ParamAxis> axes;
    /** Per objective: the lowest and highest value over {@link #complete}. */
    private final double[] objLo;
    private final double[] objHi;

    StudyView(StudyReportData data, ReportOptions options) {
        this.data = data;
        this.options = options;
        int nObj = data.directions().size();
        List<FrozenTrial> ok = new ArrayList<>();
        int bad = 0;
        for (FrozenTrial t : data.trials()) {
            if (t.state() != TrialState.COMPLETE) {
                continue;
            }
            if (t.values().size() == nObj && t.values().stream().allMatch(Double::isFinite)) {
                ok.add(t);
            } else {
                bad++;
            }
        }
        this.complete = List.copyOf(ok);
        this.unplottable = bad;
        Set<String> seen = new LinkedHashSet<>();
        for (FrozenTrial t : complete) {
            seen.addAll(t.params().keySet());
        }
        if (data.importances().isPresent()) {
            this.importances = data.importances().get();
        } else if (complete.size() >= 2 && !seen.isEmpty()) {
            this.importances = options.importanceProvider().compute(complete, 0, data.directions().get(0));
        } else {
            this.importances = new ParamImportances("none", Map.of());
        }
        List<String> order = new ArrayList<>();
        for (String p : importances.ranking()) {
            if (seen.contains(p)) {
                order.add(p);
            }
        }
        for (String p : seen) {
            if (!order.contains(p)) {
                order.add(p);
            }
        }
        this.params = List.copyOf(order);
        Map<String, ParamAxis> ax = new LinkedHashMap<>();
        for (String p : params) {
            ax.put(p, ParamAxis.of(p, complete));
        }
        this.axes = ax;
        objLo = new double[nObj];
        objHi = new double[nObj];
        java.util.Arrays.fill(objLo, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(objHi, Double.NEGATIVE_INFINITY);
        for (FrozenTrial t : complete) {
            for (int k = 0; k < nObj; k++) {
                objLo[k] = Math.min(objLo[k], t.values().get(k));
                objHi[k] = Math.max(objHi[k], t.values().get(k));
            }
        }
    }

    /** @return whether objective k is drawn on a log axis: all values positive, spanning three decades or more */
    boolean logObjective(int k) {
        return !complete.isEmpty() && objLo[k] > 0 && objHi[k] / objLo[k] >= 1000;
    }

    /** @return the axis of objective k over the complete trials' values, from pixel {@code start} (low) to {@code end} */
    Scale objectiveScale(int k, double start, double end, int ticks) {
        return objectiveScale(k, objLo[k], objHi[k], start, end, ticks);
    }

    /** @return an axis of objective k over the values {@code lo..hi} (a zoomed part), log if the whole study's is */
    Scale objectiveScale(int k, double lo, double hi, double start, double end, int ticks) {
        return logObjective(k) ? LogScale.of(lo, hi, start, end) : LinearScale.nice(lo, hi, start, end, ticks);
    }

    double objectiveLow(int k) {
        return objLo[k];
    }

    double objectiveHigh(int k) {
        return objHi[k];
    }

    int objectives() {
        return data.directions().size();
    }

    StudyDirection direction(int k) {
        return data.directions().get(k);
    }

    /** @return the objective's name if the study records it (a metric: "accuracy"), else "value" for one objective, "objective k" for several */
    String objectiveName(int k) {
        if (!data.objectiveNames().isEmpty()) {
            return data.objectiveNames().get(k);
        }
        return objectives() == 1 ? "value" : "objective " + k;
    }

    /** @return the axis title of objective k, with its direction */
    String objectiveTitle(int k) {
        return objectiveName(k) + (logObjective(k) ? ", log" : "") + " ("
                + direction(k).name().toLowerCase(java.util.Locale.ROOT) + ")";
    }

    /** @return the parameters shown in per-parameter plots: the first {@code maxParams} */
    List<String> shownParams() {
        return params.size() <= options.maxParams() ? params : params.subList(0, options.maxParams());
    }

    /** @return a tooltip: trial number, state, values and up to ten parameters, one per line */
    String tooltip(FrozenTrial t) {
        StringBuilder sb = new StringBuilder(96);
        sb.append("Trial ").append(t.number());
        if (t.state() != TrialState.COMPLETE) {
            sb.append(" (").append(t.state()).append(')');
        }
        for (int k = 0; k < t.values().size(); k++) {
            sb.append('\n').append(k < objectives() ? objectiveName(k) : "objective " + k).append(" = ")
                    .append(Fmt.num(t.values().get(k)));
        }
        int shown = 0;
        for (Map.Entry<String, Object> e : t.params().entrySet()) {
            if (shown++ == 10) {
                sb.append("\n… ").append(t.params().size() - 10).append(" more");
                break;
            }
            sb.append('\n').append(e.getKey()).append(" = ").append(ParamAxis.label(e.getValue()));
        }
        return sb.toString();
    }
}
