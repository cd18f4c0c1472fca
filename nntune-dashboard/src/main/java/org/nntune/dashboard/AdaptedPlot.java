package org.nntune.dashboard;

import org.nntune.dashboard.svg.Axes;
import org.nntune.dashboard.svg.Fmt;
import org.nntune.dashboard.svg.Frame;
import org.nntune.dashboard.svg.LinearScale;
import org.nntune.dashboard.svg.LogScale;
import org.nntune.dashboard.svg.Svg;
import org.nntune.tune.population.PopulationHistory;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.SystemAttrs;
import org.nntune.tune.trial.TrialState;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The hyperparameters trials adapted during training (hypergradient learning rates, implicit L2),
 * per epoch: one figure per name ({@code lr}, {@code l2_layer0}…, {@code data-name}), a log scale
 * on y, one {@code polyline.adapted} per trial classed by state like the learning curves. Drawn only
 * when some trial stored {@link SystemAttrs#ADAPTED_HYPERPARAMETERS}.
 */
final class AdaptedPlot {
    private AdaptedPlot() {}

    /** The trials' trajectories, trial by trial, only those with any. */
    static Map<FrozenTrial, Map<String, List<Double>>> trajectories(StudyView v) {
        Map<FrozenTrial, Map<String, List<Double>>> out = new LinkedHashMap<>();
        for (FrozenTrial t : v.data.trials()) {
            if (t.systemAttrs().get(SystemAttrs.ADAPTED_HYPERPARAMETERS) instanceof Map<?, ?> m && !m.isEmpty()) {
                Map<String, List<Double>> parsed = new LinkedHashMap<>();
                m.forEach((name, values) -> {
                    if (values instanceof List<?> l) {
                        List<Double> d = new ArrayList<>(l.size());
                        for (Object o : l) {
                            d.add(o instanceof Number n ? n.doubleValue() : Double.NaN);
                        }
                        parsed.put(String.valueOf(name), d);
                    }
                });
                out.put(t, parsed);
            }
        }
        return out;
    }

    /**
     * The epochs before a trial's first adapted value: 0, except for a population-based training
     * member's round, which continues its member's training and records only its own epochs (its
     * intermediate values are numbered by the member's epoch, from 0).
     */
    static int firstEpoch(FrozenTrial t) {
        if (!PopulationHistory.isMemberRound(t) || t.intermediateValues().isEmpty()) {
            return 0;
        }
        return Math.max(0, t.intermediateValues().firstKey());
    }

    static boolean present(StudyView v) {
        for (FrozenTrial t : v.data.trials()) {
            if (t.systemAttrs().containsKey(SystemAttrs.ADAPTED_HYPERPARAMETERS)) {
                return true;
            }
        }
        return false;
    }

    static void render(StudyView v, StringBuilder out) {
        Map<FrozenTrial, Map<String, List<Double>>> all = trajectories(v);
        List<FrozenTrial> trials = new ArrayList<>(all.keySet());
        BitSet keep = Sample.keep(trials.size(), v.options.maxCurves(), new BitSet());
        TreeSet<String> names = new TreeSet<>();
        all.values().forEach(m -> names.addAll(m.keySet()));
        Frame f = HistoryPlot.FRAME;
        for (String name : names) {
            double xhi = 1;
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (int i = keep.nextSetBit(0); i >= 0; i = keep.nextSetBit(i + 1)) {
                List<Double> values = all.get(trials.get(i)).getOrDefault(name, List.of());
                xhi = Math.max(xhi, firstEpoch(trials.get(i)) + values.size());
                for (double x : values) {
                    if (x > 0 && Double.isFinite(x)) {
                        lo = Math.min(lo, x);
                        hi = Math.max(hi, x);
                    }
                }
            }
            if (!(lo <= hi)) {
                Html.note(out, "No positive finite value of " + name + " to plot.");
                continue;
            }
            if (lo == hi) {
                lo /= 2;
                hi *= 2;
            }
            LinearScale xs = LinearScale.nice(1, xhi, f.plotLeft(), f.plotRight(), 8, true);
            LogScale ys = LogScale.of(lo, hi, f.plotBottom(), f.plotTop());
            Svg svg = new Svg(f.width(), f.height(), "plot adapted", "Adapted " + name + " per epoch");
            Axes.bottom(svg, xs, f.plotBottom(), f.plotTop(), true, "epoch");
            Axes.left(svg, ys, f.plotLeft(), f.plotRight(), true, name + " (log)");
            svg.group("adapted", "data-name", name);
            List<FrozenTrial> order = new ArrayList<>();
            List<FrozenTrial> pruned = new ArrayList<>();
            for (int i = keep.nextSetBit(0); i >= 0; i = keep.nextSetBit(i + 1)) {
                (trials.get(i).state() == TrialState.PRUNED ? pruned : order).add(trials.get(i));
            }
            order.addAll(pruned);
            for (FrozenTrial t : order) {
                List<Double> values = all.get(t).getOrDefault(name, List.of());
                int first = firstEpoch(t);
                double[] px = new double[values.size()];
                double[] py = new double[values.size()];
                int c = 0;
                for (int e = 0; e < values.size(); e++) {
                    double x = values.get(e);
                    if (x > 0 && Double.isFinite(x)) {
                        px[c] = xs.map(first + e + 1);
                        py[c] = ys.map(x);
                        c++;
                    }
                }
                if (c == 0) {
                    continue;
                }
                svg.start("polyline").attr("class", "curve adapted " + t.state().name().toLowerCase(Locale.ROOT))
                        .attr("data-trial", Integer.toString(t.number())).points(px, py, c)
                        .endWithTitle("Trial " + t.number() + " (" + t.state() + ")\n" + name + " at epoch " + (first + values.size())
                                + ": " + Fmt.num(values.get(values.size() - 1)));
            }
            svg.endGroup();
            out.append("<figure>").append(svg.finish()).append("</figure>\n");
        }
        if (trials.size() > v.options.maxCurves()) {
            Html.note(out, Html.sampled(v.options.maxCurves(), trials.size(), "trajectories", "evenly spaced by trial number"));
        }
    }
}
