package org.nntune.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one hyperparameter of a search space may be: a fixed value, a real range (uniform, log or
 * stepped), an integer range (uniform, log or stepped), or a list of choices. The declarative form
 * (a study file, a grid) maps onto it with {@link #parse}: a scalar is fixed, a list is choices,
 * and a map {@code {low: …, high: …, log: true|false, step: …, type: int|float}} is a range
 * (integers when both bounds and the step are integers and no {@code type} says otherwise).
 *
 * <p>A stepped range stays a range for the samplers (TPE, GP and CMA-ES see that 48 lies between 32
 * and 64, and Optuna reads it as {@code suggest_int(..., step=16)}); the grid sampler enumerates its
 * points ({@link #points}).
 */
public sealed interface ParamSpec {

    /** One value, never searched. */
    record Fixed(Object value) implements ParamSpec {
        /** @throws IllegalArgumentException if the value is not a string, number or boolean */
        public Fixed {
            checkScalar("fixed value", value);
        }
    }

    /**
     * Reals in {@code [low, high]}, log-uniform when {@code log}, or on the points {@code low, low +
     * step, …} not above {@code high} when {@code step > 0} ({@code step} 0: continuous).
     */
    record FloatRange(double low, double high, boolean log, double step) implements ParamSpec {
        /**
         * @throws IllegalArgumentException if a bound is not finite, low &gt; high, a log range has
         *     low ≤ 0 or a step, or the step is negative or not finite
         */
        public FloatRange {
            if (!(low <= high) || !Double.isFinite(low) || !Double.isFinite(high)) {
                throw new IllegalArgumentException("range [" + low + ", " + high + "]: need finite bounds with low <= high");
            }
            if (log && !(low > 0)) {
                throw new IllegalArgumentException("log range [" + low + ", " + high + "]: low must be > 0");
            }
            checkStep("range [" + low + ", " + high + "]", step >= 0 && Double.isFinite(step), step, "> 0", log && step > 0);
        }

        /** A continuous range. */
        public FloatRange(double low, double high, boolean log) {
            this(low, high, log, 0);
        }

        /** @return whether the range is a set of points {@code step} apart */
        public boolean stepped() {
            return step > 0;
        }

        /** The tuner's distribution of this range (a stepped one's {@code high} lowered onto its last point). */
        public org.nntune.tune.space.FloatDistribution distribution() {
            return new org.nntune.tune.space.FloatDistribution(low, high, log,
                    stepped() ? java.util.OptionalDouble.of(step) : java.util.OptionalDouble.empty());
        }

        /** The record's form, with the step only when there is one (stored studies compare spaces by this text). */
        @Override
        public String toString() {
            return rangeText("FloatRange", low, high, log, stepped() ? step : null);
        }
    }

    /**
     * Integers in {@code [low, high]}, log-uniform when {@code log}, or every {@code step}-th from
     * {@code low} when a step is given ({@code step} 0: none given; a step of 1 draws as no step but
     * lets a grid enumerate the range).
     */
    record IntRange(int low, int high, boolean log, int step) implements ParamSpec {
        /**
         * @throws IllegalArgumentException if low &gt; high, a log range has low &lt; 1 or a step, or the
         *     step is negative
         */
        public IntRange {
            if (low > high) {
                throw new IllegalArgumentException("integer range [" + low + ", " + high + "]: low must be <= high");
            }
            if (log && low < 1) {
                throw new IllegalArgumentException("log integer range [" + low + ", " + high + "]: low must be >= 1");
            }
            checkStep("integer range [" + low + ", " + high + "]", step >= 0, step, ">= 1", log && step > 0);
        }

        /** Every integer in the range (or log-uniform), no step given. */
        public IntRange(int low, int high, boolean log) {
            this(low, high, log, 0);
        }

        /** @return whether a step was given */
        public boolean stepped() {
            return step > 0;
        }

        /** The tuner's distribution of this range (a stepped one's {@code high} lowered onto its last point). */
        public org.nntune.tune.space.IntDistribution distribution() {
            return new org.nntune.tune.space.IntDistribution(low, high, log, Math.max(1, step));
        }

        /** The record's form, with the step only when one was given (stored studies compare spaces by this text). */
        @Override
        public String toString() {
            return rangeText("IntRange", low, high, log, stepped() ? step : null);
        }
    }

    /** One of the choices (strings, numbers or booleans); a repeated choice is kept once. */
    record Choice(List<Object> choices) implements ParamSpec {
        /**
         * Keeps each distinct choice once, in the order given.
         *
         * @throws IllegalArgumentException if there is no choice or one is not a string, number or boolean
         */
        public Choice {
            if (choices.isEmpty()) {
                throw new IllegalArgumentException("a list of choices must not be empty");
            }
            List<Object> distinct = new ArrayList<>();
            for (Object c : choices) {
                checkScalar("choice", c);
                if (distinct.stream().noneMatch(d -> ParamSource.sameValue(d, c) && d.getClass() == c.getClass())) {
                    distinct.add(c);
                }
            }
            choices = List.copyOf(distinct);
        }
    }

    /** @return the one value {@code value} (a string, number or boolean), never searched */
    static ParamSpec fixed(Object value) {
        return new Fixed(value);
    }

    /** @return the reals in {@code [low, high]}, uniform */
    static ParamSpec range(double low, double high) {
        return new FloatRange(low, high, false);
    }

    /** @return the reals in {@code [low, high]}, log-uniform ({@code low > 0}) */
    static ParamSpec logRange(double low, double high) {
        return new FloatRange(low, high, true);
    }

    /** @return the integers in {@code [low, high]}, uniform */
    static ParamSpec intRange(int low, int high) {
        return new IntRange(low, high, false);
    }

    /** @return the integers in {@code [low, high]}, log-uniform ({@code low >= 1}) */
    static ParamSpec logIntRange(int low, int high) {
        return new IntRange(low, high, true);
    }

    /** @return one of {@code choices} (strings, numbers or booleans; a repeated one is kept once) */
    static ParamSpec choice(Object... choices) {
        return new Choice(List.of(choices));
    }

    /**
     * The declarative form of a parameter: a scalar (fixed), a list (choices) or a range map; any
     * other value is an {@link IllegalArgumentException} naming {@code name} and what is allowed.
     */
    static ParamSpec parse(String name, Object spec) {
        if (spec instanceof ParamSpec p) {
            return p;
        }
        try {
            if (spec instanceof List<?> list) {
                return new Choice(new ArrayList<>(list));
            }
            if (spec instanceof Map<?, ?> m) {
                Set<String> allowed = Set.of("low", "high", "log", "step", "type");
                for (Object k : m.keySet()) {
                    if (!allowed.contains(String.valueOf(k))) {
                        throw new IllegalArgumentException("unknown range key '" + k + "'; allowed: low, high, log, step, type");
                    }
                }
                if (!(m.get("low") instanceof Number low) || !(m.get("high") instanceof Number high)) {
                    throw new IllegalArgumentException("a range needs numeric 'low' and 'high'");
                }
                Object logValue = m.containsKey("log") ? m.get("log") : Boolean.FALSE;
                if (!(logValue instanceof Boolean log)) {
                    throw new IllegalArgumentException("'log' must be true or false, got " + logValue);
                }
                Object stepValue = m.get("step");
                if (stepValue != null && !(stepValue instanceof Number)) {
                    throw new IllegalArgumentException("'step' must be a number, got " + stepValue);
                }
                Number step = (Number) stepValue;
                Object type = m.containsKey("type") ? m.get("type")
                        : (integral(low) && integral(high) && (step == null || integral(step)) ? "int" : "float");
                return switch (String.valueOf(type)) {
                    case "int" -> {
                        if (!integral(low) || !integral(high)) {
                            throw new IllegalArgumentException("an int range needs integer bounds, got " + low + " and " + high);
                        }
                        checkInt("low", low);
                        checkInt("high", high);
                        if (step != null) {
                            if (!integral(step)) {
                                throw new IllegalArgumentException("an int range needs an integer step, got " + step);
                            }
                            checkInt("step", step);
                            if (step.longValue() < 1) {
                                throw new IllegalArgumentException("an int range's step must be >= 1, got " + step);
                            }
                        }
                        yield new IntRange(low.intValue(), high.intValue(), log, step == null ? 0 : step.intValue());
                    }
                    case "float" -> {
                        if (step != null && !(step.doubleValue() > 0)) {
                            throw new IllegalArgumentException("a range's step must be > 0, got " + step);
                        }
                        yield new FloatRange(low.doubleValue(), high.doubleValue(), log, step == null ? 0 : step.doubleValue());
                    }
                    default -> throw new IllegalArgumentException("range type '" + type + "' is not int or float");
                };
            }
            return new Fixed(spec);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("parameter '" + name + "': " + e.getMessage()
                    + " (allowed: a value, a list of choices, or {low, high, log, step, type})", e);
        }
    }

    /**
     * The values a grid visits for this parameter: a fixed value, the choices, or a stepped range's
     * points; empty for a range without a step, which a grid does not enumerate.
     *
     * @throws IllegalArgumentException if a range has more than {@link org.nntune.tune.sampler.GridSampler#MAX_RANGE_POINTS} points
     */
    default java.util.Optional<List<Object>> points() {
        if (this instanceof Fixed f) {
            return java.util.Optional.of(List.of(f.value()));
        }
        if (this instanceof Choice c) {
            return java.util.Optional.of(c.choices());
        }
        if (this instanceof IntRange r && r.stepped()) {
            return java.util.Optional.of(org.nntune.tune.sampler.GridSampler.values(r.low(), r.high(), r.step(), true));
        }
        if (this instanceof FloatRange r && r.stepped()) {
            return java.util.Optional.of(org.nntune.tune.sampler.GridSampler.values(r.low(), r.high(), r.step(), false));
        }
        return java.util.Optional.empty();
    }

    /** A range's step: valid ({@code ok}), and not on a log range. */
    private static void checkStep(String range, boolean ok, Number step, String allowed, boolean onLog) {
        if (!ok) {
            throw new IllegalArgumentException(range + ": step " + step + " must be " + allowed);
        }
        if (onLog) {
            throw new IllegalArgumentException(range + ": a log range cannot have a step");
        }
    }

    /** A range as its record prints, the step only when there is one (null: none). */
    private static String rangeText(String kind, Number low, Number high, boolean log, Number step) {
        return kind + "[low=" + low + ", high=" + high + ", log=" + log + (step != null ? ", step=" + step : "") + "]";
    }

    /** An integer setting must fit Java's int (a larger one would wrap around to another value). */
    private static void checkInt(String what, Number n) {
        if (n.longValue() != n.intValue()) {
            throw new IllegalArgumentException(what + " " + n + " is out of range: integers here are at most " + Integer.MAX_VALUE
                    + " and at least " + Integer.MIN_VALUE);
        }
    }

    private static boolean integral(Number n) {
        return n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte;
    }

    private static void checkScalar(String what, Object v) {
        if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
            throw new IllegalArgumentException("a " + what + " must be a string, number or boolean, got "
                    + (v == null ? "null" : v + " (" + v.getClass().getSimpleName() + ")"));
        }
    }

    // ---------------------------------------------------------------- drawing values

    /** A real: fixed, from a float or integer range, or from numeric choices. */
    default double drawDouble(ParamSource source, String name) {
        if (this instanceof Fixed f) {
            return number(name, f.value()).doubleValue();
        }
        if (this instanceof FloatRange r) {
            return r.stepped() ? source.suggestFloat(name, r.low(), r.high(), r.step()) : source.suggestFloat(name, r.low(), r.high(), r.log());
        }
        if (this instanceof IntRange r) {
            return drawRange(source, name, r);
        }
        return number(name, source.suggestCategorical(name, ((Choice) this).choices())).doubleValue();
    }

    /** An integer: fixed, from an integer range, or from integer choices. */
    default int drawInt(ParamSource source, String name) {
        Number n;
        if (this instanceof Fixed f) {
            n = number(name, f.value());
        } else if (this instanceof IntRange r) {
            n = drawRange(source, name, r);
        } else if (this instanceof Choice c) {
            n = number(name, source.suggestCategorical(name, c.choices()));
        } else {
            throw new IllegalArgumentException("parameter '" + name
                    + "' takes integers; give an integer range (low and high without a decimal point), not " + this);
        }
        if (n.doubleValue() != Math.rint(n.doubleValue())) {
            throw new IllegalArgumentException("parameter '" + name + "' takes integers, got " + n);
        }
        if (Math.abs(n.doubleValue()) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("parameter '" + name + "' = " + n + " is out of range: at most " + Integer.MAX_VALUE);
        }
        return n.intValue();
    }

    /** A string (or any scalar shown as one): fixed or from choices. */
    default String drawString(ParamSource source, String name) {
        return String.valueOf(drawScalar(source, name, "one of a list of names"));
    }

    /** A boolean: fixed or from choices. */
    default boolean drawBoolean(ParamSource source, String name) {
        Object v = drawScalar(source, name, "true or false");
        if (!(v instanceof Boolean b)) {
            throw new IllegalArgumentException("parameter '" + name + "' is true or false, got " + shown(v));
        }
        return b;
    }

    private static int drawRange(ParamSource source, String name, IntRange r) {
        return r.stepped() ? source.suggestInt(name, r.low(), r.high(), r.step()) : source.suggestInt(name, r.low(), r.high(), r.log());
    }

    private Object drawScalar(ParamSource source, String name, String what) {
        if (this instanceof Fixed f) {
            return f.value();
        }
        if (this instanceof Choice c) {
            return source.suggestCategorical(name, c.choices());
        }
        throw new IllegalArgumentException("parameter '" + name + "' takes " + what + ", not a range " + this);
    }

    private static Number number(String name, Object v) {
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("parameter '" + name + "' takes numbers, got " + shown(v));
        }
        return n;
    }

    /**
     * A value as a message shows it: a string quoted and called one, so that "8" where a number
     * belongs reads {@code got the string "8"}, not {@code got 8}, which looks like the number.
     */
    private static String shown(Object v) {
        return v instanceof String str ? "the string \"" + str + "\"" : String.valueOf(v);
    }
}
