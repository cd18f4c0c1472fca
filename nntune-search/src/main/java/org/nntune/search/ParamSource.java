package org.nntune.search;

import org.nntune.tune.sampler.GridSampler;
import org.nntune.tune.sampler.RandomSampler;
import org.nntune.tune.space.CategoricalDistribution;
import org.nntune.tune.space.FloatDistribution;
import org.nntune.tune.space.IntDistribution;
import org.nntune.tune.study.Log;
import org.nntune.tune.study.Trial;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where a search space gets its values from: a live tuner {@link Trial} (define-by-run, the
 * sampler chooses) or a fixed map of parameter values (to rebuild the best configuration for the
 * refit, or to evaluate one configuration by hand). Search spaces are written once against this
 * interface and serve both.
 *
 * <p>The value types follow the tuner's: floats are {@code double}, integers {@code int},
 * categorical choices are returned as the element of the choice list itself.
 */
public interface ParamSource {

    /** A real in {@code [low, high]}, log-uniform when {@code log}. */
    double suggestFloat(String name, double low, double high, boolean log);

    /** An integer in {@code [low, high]}, log-uniform when {@code log}. */
    int suggestInt(String name, int low, int high, boolean log);

    /** A real on the points {@code low, low + step, …} not above {@code high}. */
    double suggestFloat(String name, double low, double high, double step);

    /** An integer among {@code low, low + step, …} not above {@code high}. */
    int suggestInt(String name, int low, int high, int step);

    /** One of {@code choices} (strings, numbers or booleans), returned as the list's own element. */
    <T> T suggestCategorical(String name, List<T> choices);

    /** The values handed out so far, by name, in the order they were asked for. */
    Map<String, Object> params();

    /** The values come from a tuner trial: its sampler chooses them and its storage records them. */
    static ParamSource of(Trial trial) {
        Objects.requireNonNull(trial, "trial");
        return new ParamSource() {
            @Override
            public double suggestFloat(String name, double low, double high, boolean log) {
                return trial.suggestFloat(name, low, high, log ? Log.YES : Log.NO);
            }

            @Override
            public int suggestInt(String name, int low, int high, boolean log) {
                return trial.suggestInt(name, low, high, log ? Log.YES : Log.NO);
            }

            @Override
            public double suggestFloat(String name, double low, double high, double step) {
                if (storedAsPoints(name)) {
                    return ((Number) trial.suggestCategorical(name, GridSampler.values(low, high, step, false))).doubleValue();
                }
                return trial.suggestFloat(name, low, high, step);
            }

            @Override
            public int suggestInt(String name, int low, int high, int step) {
                if (storedAsPoints(name)) {
                    return ((Number) trial.suggestCategorical(name, GridSampler.values(low, high, step, true))).intValue();
                }
                return trial.suggestInt(name, low, high, step);
            }

            /**
             * Whether the study's earlier trials have {@code name} as a categorical: nntune before 2026-12-07 stored a
             * stepped range as the list of its points, and a study keeps a name's kind, so such a
             * study goes on asking it that way (its trials and the new ones stay comparable).
             */
            private boolean storedAsPoints(String name) {
                return trial.study().distributionKind(name).orElse(null) instanceof CategoricalDistribution;
            }

            @Override
            public <T> T suggestCategorical(String name, List<T> choices) {
                return trial.suggestCategorical(name, choices);
            }

            @Override
            public Map<String, Object> params() {
                return trial.params();
            }
        };
    }

    /**
     * The values come from {@code values} (e.g. a search's best parameters): asking a name that is
     * missing, or whose value lies outside what is asked, is an {@link IllegalArgumentException}
     * naming the parameter.
     */
    static ParamSource fixed(Map<String, ?> values) {
        return new FixedParams(values);
    }

    /**
     * The smallest configuration of a space: every range at its low end, every choice its first.
     * Used to check, before any trial, that a space's fixed settings can make a network for the
     * data at all (the smallest network is also the cheapest to build).
     */
    static ParamSource lowest() {
        return new ParamSource() {
            private final Map<String, Object> used = new LinkedHashMap<>();

            @Override
            public double suggestFloat(String name, double low, double high, boolean log) {
                used.put(name, low);
                return low;
            }

            @Override
            public int suggestInt(String name, int low, int high, boolean log) {
                used.put(name, (long) low);
                return low;
            }

            @Override
            public double suggestFloat(String name, double low, double high, double step) {
                return suggestFloat(name, low, high, false);
            }

            @Override
            public int suggestInt(String name, int low, int high, int step) {
                return suggestInt(name, low, high, false);
            }

            @Override
            public <T> T suggestCategorical(String name, List<T> choices) {
                T first = choices.get(0);
                used.put(name, first);
                return first;
            }

            @Override
            public Map<String, Object> params() {
                return java.util.Collections.unmodifiableMap(used);
            }
        };
    }

    /**
     * Values drawn at random, uniformly (log-uniformly for a log range), from {@code seed}: a
     * configuration of a space without a tuner, e.g. to tell whether some configuration other than
     * the {@linkplain #lowest() smallest} can be built.
     */
    static ParamSource drawn(long seed) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        return new ParamSource() {
            private final Map<String, Object> used = new LinkedHashMap<>();

            @Override
            public double suggestFloat(String name, double low, double high, boolean log) {
                // the random sampler's inverse CDF, so that these draws are distributed as a study's
                double v = RandomSampler.fromUnit(log ? FloatDistribution.logUniform(low, high) : FloatDistribution.uniform(low, high),
                        random.nextDouble());
                used.put(name, v);
                return v;
            }

            @Override
            public int suggestInt(String name, int low, int high, boolean log) {
                return draw(name, log ? IntDistribution.logUniform(low, high) : IntDistribution.uniform(low, high));
            }

            @Override
            public double suggestFloat(String name, double low, double high, double step) {
                double v = RandomSampler.fromUnit(FloatDistribution.stepped(low, high, step), random.nextDouble());
                used.put(name, v);
                return v;
            }

            @Override
            public int suggestInt(String name, int low, int high, int step) {
                return draw(name, new IntDistribution(low, high, false, step));
            }

            private int draw(String name, IntDistribution d) {
                int v = (int) RandomSampler.fromUnit(d, random.nextDouble());
                used.put(name, (long) v);
                return v;
            }

            @Override
            public <T> T suggestCategorical(String name, List<T> choices) {
                T c = choices.get(random.nextInt(choices.size()));
                used.put(name, c);
                return c;
            }

            @Override
            public Map<String, Object> params() {
                return java.util.Collections.unmodifiableMap(used);
            }
        };
    }

    /** The map-backed source of {@link #fixed(Map)}. */
    final class FixedParams implements ParamSource {
        private final Map<String, Object> values;
        private final Map<String, Object> used = new LinkedHashMap<>();

        FixedParams(Map<String, ?> values) {
            this.values = new LinkedHashMap<>(values);
        }

        private Object value(String name) {
            Object v = values.get(name);
            if (v == null) {
                throw new IllegalArgumentException("parameter '" + name + "' has no value; the fixed parameters are "
                        + values.keySet());
            }
            return v;
        }

        @Override
        public double suggestFloat(String name, double low, double high, boolean log) {
            Object v = value(name);
            if (!(v instanceof Number n) || !(n.doubleValue() >= low && n.doubleValue() <= high)) {
                throw new IllegalArgumentException("parameter '" + name + "' = " + v + " is not a number in [" + low + ", "
                        + high + "]");
            }
            used.put(name, n.doubleValue());
            return n.doubleValue();
        }

        @Override
        public int suggestInt(String name, int low, int high, boolean log) {
            Object v = value(name);
            if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.longValue() < low
                    || n.longValue() > high) {
                throw new IllegalArgumentException("parameter '" + name + "' = " + v + " is not an integer in [" + low + ", "
                        + high + "]");
            }
            used.put(name, n.longValue());
            return n.intValue();
        }

        @Override
        public double suggestFloat(String name, double low, double high, double step) {
            double v = suggestFloat(name, low, high, false);
            if (!FloatDistribution.stepped(low, high, step).contains(v)) {
                throw new IllegalArgumentException("parameter '" + name + "' = " + v + " is not on the points " + low
                        + ", " + (low + step) + ", … of [" + low + ", " + high + "]");
            }
            return v;
        }

        @Override
        public int suggestInt(String name, int low, int high, int step) {
            int v = suggestInt(name, low, high, false);
            if ((v - low) % step != 0) {
                throw new IllegalArgumentException("parameter '" + name + "' = " + v + " is not one of " + low + ", "
                        + (low + step) + ", … up to " + high);
            }
            return v;
        }

        @Override
        public <T> T suggestCategorical(String name, List<T> choices) {
            Object v = value(name);
            for (T c : choices) {
                if (sameValue(c, v)) {
                    used.put(name, c);
                    return c;
                }
            }
            throw new IllegalArgumentException("parameter '" + name + "' = " + v + " is not one of " + choices);
        }

        @Override
        public Map<String, Object> params() {
            return java.util.Collections.unmodifiableMap(used);
        }
    }

    /** Equality of parameter values across number types (a stored 100L equals the choice 100). */
    static boolean sameValue(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return x.doubleValue() == y.doubleValue();
        }
        return Objects.equals(a, b);
    }
}
