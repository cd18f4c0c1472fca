package org.nntune.search;

import org.nntune.tune.sampler.RandomSampler;
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
                int v = (int) RandomSampler.fromUnit(log ? IntDistribution.logUniform(low, high) : IntDistribution.uniform(low, high),
                        random.nextDouble());
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
