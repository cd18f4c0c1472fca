package org.nntune.tune.sampler;

import org.nntune.tune.space.CategoricalDistribution;
import org.nntune.tune.space.Distribution;
import org.nntune.tune.space.FloatDistribution;
import org.nntune.tune.space.IntDistribution;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.TrialState;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Maps the points of a joint search space to vectors in the unit cube and back, for the
 * model-based samplers (GP, CMA-ES, NSGA-II).
 *
 * <p>Each float or integer parameter is one coordinate in {@code [0, 1]}: log ranges are warped to
 * log space first; integer and stepped ranges are widened by half a step on each side so that
 * every grid value owns an interval of equal width, and decoding rounds to the nearest grid value.
 * Each categorical parameter with {@code k} choices is {@code k} one-hot coordinates (when
 * {@code oneHot}) or a single coordinate {@code (index + 0.5) / k}. Parameters are ordered by name,
 * so the layout does not depend on the order in which trials asked for them. Immutable.
 *
 * <p>Public for the analyses in {@code org.nntune.tune.analysis}; not meant for users.
 */
public final class SpaceCodec {
    private final List<String> names;
    private final List<Distribution> dists;
    private final int[] offset;
    private final int[] width;
    private final int dim;

    /**
     * @param space the parameters to encode (ordered by name here, whatever their order in the map)
     * @param oneHot whether a categorical takes one coordinate per choice (else one coordinate)
     */
    public SpaceCodec(Map<String, Distribution> space, boolean oneHot) {
        TreeMap<String, Distribution> sorted = new TreeMap<>(space);
        names = List.copyOf(sorted.keySet());
        dists = List.copyOf(sorted.values());
        offset = new int[names.size()];
        width = new int[names.size()];
        int d = 0;
        for (int i = 0; i < names.size(); i++) {
            offset[i] = d;
            width[i] = dists.get(i) instanceof CategoricalDistribution c && oneHot ? c.choices().size() : 1;
            d += width[i];
        }
        dim = d;
    }

    /** @return the number of coordinates */
    public int dim() {
        return dim;
    }

    /** @return the parameter names, sorted */
    public List<String> names() {
        return names;
    }

    /** @return the distribution of parameter {@code i} */
    public Distribution dist(int i) {
        return dists.get(i);
    }

    /** @return the first coordinate of parameter {@code i} */
    public int offset(int i) {
        return offset[i];
    }

    /** @return how many coordinates parameter {@code i} takes (more than one for one-hot) */
    public int width(int i) {
        return width[i];
    }

    /** @return whether parameter {@code i} is categorical */
    boolean isCategorical(int i) {
        return dists.get(i) instanceof CategoricalDistribution;
    }

    /** @return whether the trial has every parameter of the space with the same distribution */
    public boolean covers(FrozenTrial t) {
        for (int i = 0; i < names.size(); i++) {
            if (!dists.get(i).equals(t.distributions().get(names.get(i)))) {
                return false;
            }
        }
        return true;
    }

    /** @return the trial's point; the trial must be {@linkplain #covers covered} */
    public double[] encode(FrozenTrial t) {
        double[] x = new double[dim];
        for (int i = 0; i < names.size(); i++) {
            encodeInto(i, t.internalParam(names.get(i)), x);
        }
        return x;
    }

    /** Writes the coordinates of parameter {@code i} with internal value {@code v} into {@code x}. */
    void encodeInto(int i, double v, double[] x) {
        Distribution d = dists.get(i);
        int o = offset[i];
        if (d instanceof CategoricalDistribution c) {
            if (width[i] == 1) {
                x[o] = (v + 0.5) / c.choices().size();
            } else {
                for (int k = 0; k < width[i]; k++) {
                    x[o + k] = k == (int) v ? 1 : 0;
                }
            }
            return;
        }
        double[] r = range(d);
        double w = warp(d, v);
        x[o] = r[1] > r[0] ? (w - r[0]) / (r[1] - r[0]) : 0.5;
    }

    /** @return the internal values of a point; coordinates outside [0, 1] are clipped */
    Map<String, Double> decode(double[] x) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            out.put(names.get(i), decodeParam(i, x));
        }
        return out;
    }

    /** @return the internal value of parameter {@code i} at point {@code x} */
    double decodeParam(int i, double[] x) {
        Distribution d = dists.get(i);
        int o = offset[i];
        if (d instanceof CategoricalDistribution c) {
            int k = c.choices().size();
            if (width[i] == 1) {
                return Math.min(k - 1, Math.max(0, (int) Math.floor(x[o] * k)));
            }
            int arg = 0;
            for (int j = 1; j < k; j++) {
                if (x[o + j] > x[o + arg]) {
                    arg = j;
                }
            }
            return arg;
        }
        double[] r = range(d);
        double u = Math.min(1, Math.max(0, x[o]));
        double w = r[0] + u * (r[1] - r[0]);
        return snap(d, unwarp(d, w));
    }

    /** Replaces {@code x} by the encoding of its decoded point (rounds ints, steps and one-hots). */
    void snapInPlace(double[] x) {
        for (int i = 0; i < names.size(); i++) {
            encodeInto(i, decodeParam(i, x), x);
        }
    }

    /** @return [lo, hi] of the warped range, widened by half a step for grids */
    private static double[] range(Distribution d) {
        if (d instanceof FloatDistribution f) {
            if (f.step().isPresent()) {
                double h = f.step().getAsDouble() / 2;
                return new double[] {f.low() - h, f.high() + h};
            }
            return f.log() ? new double[] {Math.log(f.low()), Math.log(f.high())} : new double[] {f.low(), f.high()};
        }
        IntDistribution n = (IntDistribution) d;
        if (n.log()) {
            return new double[] {Math.log(n.low() - 0.5), Math.log(n.high() + 0.5)};
        }
        double h = n.step() / 2.0;
        return new double[] {n.low() - h, n.high() + h};
    }

    private static double warp(Distribution d, double v) {
        boolean log = d instanceof FloatDistribution f ? f.log() : ((IntDistribution) d).log();
        return log ? Math.log(v) : v;
    }

    private static double unwarp(Distribution d, double w) {
        boolean log = d instanceof FloatDistribution f ? f.log() : ((IntDistribution) d).log();
        return log ? Math.exp(w) : w;
    }

    /** @return the value of the distribution nearest to {@code v} */
    static double snap(Distribution d, double v) {
        if (d instanceof FloatDistribution f) {
            double s = f.step().isPresent() ? f.step().getAsDouble() : 0;
            double r = s > 0 ? f.low() + Math.rint((v - f.low()) / s) * s : v;
            return Math.min(f.high(), Math.max(f.low(), r));
        }
        if (d instanceof IntDistribution n) {
            double r = n.low() + Math.rint((v - n.low()) / n.step()) * n.step();
            return Math.min(n.high(), Math.max(n.low(), r));
        }
        CategoricalDistribution c = (CategoricalDistribution) d;
        return Math.min(c.choices().size() - 1, Math.max(0, Math.rint(v)));
    }

    /**
     * The joint search space of a study's finished trials: the parameters that every COMPLETE trial
     * (and every PRUNED one when {@code includePruned}) has, each with one distribution in all of them;
     * parameters with a single value are left out. Sorted by name.
     */
    public static Map<String, Distribution> intersection(List<FrozenTrial> trials, boolean includePruned) {
        Map<String, Distribution> space = null;
        for (FrozenTrial t : trials) {
            if (t.state() != TrialState.COMPLETE && !(includePruned && t.state() == TrialState.PRUNED)) {
                continue;
            }
            if (space == null) {
                space = new TreeMap<>(t.distributions());
            } else {
                space.entrySet().removeIf(e -> !e.getValue().equals(t.distributions().get(e.getKey())));
            }
            if (space.isEmpty()) {
                return Map.of();
            }
        }
        if (space == null) {
            return Map.of();
        }
        space.values().removeIf(Distribution::isSingle);
        return Collections.unmodifiableMap(space);
    }

    /** @return the names of the parameters, joined; a key that changes when the space does */
    String signature() {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            parts.add(names.get(i) + "=" + dists.get(i).toJson());
        }
        return Integer.toHexString(String.join(";", parts).hashCode());
    }
}
