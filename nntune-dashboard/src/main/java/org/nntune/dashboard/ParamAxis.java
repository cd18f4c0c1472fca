package org.nntune.dashboard;

import org.nntune.dashboard.svg.BandScale;
import org.nntune.dashboard.svg.LinearScale;
import org.nntune.dashboard.svg.LogScale;
import org.nntune.dashboard.svg.Scale;
import org.nntune.dashboard.svg.Ticks;
import org.nntune.tune.space.CategoricalDistribution;
import org.nntune.tune.space.Distribution;
import org.nntune.tune.space.FloatDistribution;
import org.nntune.tune.space.IntDistribution;
import org.nntune.tune.trial.FrozenTrial;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How one parameter is drawn: on a linear, log or categorical axis, over the values the trials
 * took. A parameter is categorical if any trial drew it from a categorical distribution (then the
 * categories are the first such distribution's choices, followed by any other values seen), and
 * logarithmic if every trial drew it from a log distribution.
 */
final class ParamAxis {
    enum Kind { LINEAR, LOG, CATEGORICAL }

    final String name;
    final Kind kind;
    /** Whether every trial drew the parameter from an integer distribution. */
    final boolean integer;
    final List<String> categories;
    private final Map<Object, Integer> categoryIndex;
    final double min;
    final double max;

    private ParamAxis(String name, Kind kind, boolean integer, List<String> categories,
                      Map<Object, Integer> categoryIndex, double min, double max) {
        this.name = name;
        this.kind = kind;
        this.integer = integer;
        this.categories = categories;
        this.categoryIndex = categoryIndex;
        this.min = min;
        this.max = max;
    }

    /** @return the axis of parameter {@code name} over the trials that have it (at least one) */
    static ParamAxis of(String name, List<FrozenTrial> trials) {
        boolean categorical = false;
        boolean allLog = true;
        boolean allInt = true;
        for (FrozenTrial t : trials) {
            Distribution d = t.distributions().get(name);
            if (d == null) {
                continue;
            }
            categorical |= d instanceof CategoricalDistribution;
            allInt &= d instanceof IntDistribution;
            allLog &= d instanceof FloatDistribution f && f.log() || d instanceof IntDistribution i && i.log();
        }
        if (categorical) {
            Map<Object, Integer> index = new LinkedHashMap<>();
            List<String> labels = new ArrayList<>();
            for (FrozenTrial t : trials) {
                if (t.distributions().get(name) instanceof CategoricalDistribution c) {
                    for (Object choice : c.choices()) {
                        add(index, labels, choice);
                    }
                    break;
                }
            }
            for (FrozenTrial t : trials) {
                Object v = t.params().get(name);
                if (v != null) {
                    add(index, labels, v);
                }
            }
            return new ParamAxis(name, Kind.CATEGORICAL, false, List.copyOf(labels), index, 0, labels.size() - 1);
        }
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (FrozenTrial t : trials) {
            Object v = t.params().get(name);
            if (v instanceof Number n) {
                lo = Math.min(lo, n.doubleValue());
                hi = Math.max(hi, n.doubleValue());
            }
        }
        return new ParamAxis(name, allLog && lo > 0 ? Kind.LOG : Kind.LINEAR, allInt, List.of(), Map.of(), lo, hi);
    }

    private static void add(Map<Object, Integer> index, List<String> labels, Object value) {
        Object key = key(value);
        if (!index.containsKey(key)) {
            index.put(key, labels.size());
            labels.add(label(value));
        }
    }

    /** A key under which equal choices meet whatever their Java type (1 and 1L; "1" and 1.0 stay apart). */
    private static Object key(Object value) {
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Float f) {
            return f.doubleValue();
        }
        return value;
    }

    /** @return a value as the report writes it */
    static String label(Object value) {
        if (value instanceof Double d) {
            return org.nntune.dashboard.svg.Fmt.num(d);
        }
        if (value instanceof Float f) {
            return org.nntune.dashboard.svg.Fmt.num(f);
        }
        return String.valueOf(value);
    }

    /** @return the position of the trial's value: the number, or the category index; NaN if absent */
    double position(FrozenTrial t) {
        Object v = t.params().get(name);
        if (v == null) {
            return Double.NaN;
        }
        if (kind == Kind.CATEGORICAL) {
            Integer i = categoryIndex.get(key(v));
            return i == null ? Double.NaN : i;
        }
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** @return a scale from pixel {@code start} (low values, first category) to {@code end} */
    Scale scale(double start, double end, int ticks) {
        return switch (kind) {
            case CATEGORICAL -> new BandScale(categories, start, end);
            case LOG -> LogScale.of(min, max, start, end);
            case LINEAR -> {
                // the data range plus a little room, so that points at the ends do not sit on the frame
                double[] w = Ticks.widen(min, max);
                double pad = (w[1] - w[0]) * 0.04;
                yield new LinearScale(w[0] - pad, w[1] + pad, start, end, ticks, integer);
            }
        };
    }

    /** @return the axis title: the name, with "(log)" for log axes */
    String title() {
        return kind == Kind.LOG ? name + " (log)" : name;
    }

    @Override
    public String toString() {
        return "ParamAxis[" + name + ", " + kind + "]";
    }
}
