package org.nntune.tune.space;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Real numbers in {@code [low, high]}, sampled uniformly, log-uniformly ({@code log}) or on the
 * grid {@code low, low + step, ...} ({@code step}). {@code log} and {@code step} exclude each
 * other; {@code log} needs {@code low > 0}. With a step, {@code high} is lowered to the last grid
 * point not above it (as Optuna does). External values are {@code Double}s.
 *
 * @param low lowest value, finite
 * @param high highest value, finite, {@code >= low}
 * @param log whether values are spread log-uniformly
 * @param step grid spacing ({@code > 0}) or empty for a continuous range
 */
public record FloatDistribution(double low, double high, boolean log, OptionalDouble step) implements Distribution {

    /** Validates and normalises (a stepped {@code high} is moved onto the grid). */
    public FloatDistribution {
        if (!Double.isFinite(low) || !Double.isFinite(high)) {
            throw new IllegalArgumentException("float range [" + low + ", " + high + "]: bounds must be finite");
        }
        if (low > high) {
            throw new IllegalArgumentException("float range [" + low + ", " + high + "]: low must be <= high");
        }
        if (log && low <= 0) {
            throw new IllegalArgumentException("log float range [" + low + ", " + high + "]: low must be > 0");
        }
        if (step.isPresent()) {
            double s = step.getAsDouble();
            if (log) {
                throw new IllegalArgumentException("float range [" + low + ", " + high + "]: log and step cannot be combined");
            }
            if (!(s > 0) || !Double.isFinite(s)) {
                throw new IllegalArgumentException("float range [" + low + ", " + high + "]: step " + s + " must be > 0");
            }
            double n = Math.floor((high - low) / s + 1e-9);
            high = Math.min(high, low + n * s);
            if (high < low) {
                high = low;
            }
        }
    }

    /** Uniform on {@code [low, high]}. */
    public static FloatDistribution uniform(double low, double high) {
        return new FloatDistribution(low, high, false, OptionalDouble.empty());
    }

    /** Log-uniform on {@code [low, high]}, {@code low > 0}. */
    public static FloatDistribution logUniform(double low, double high) {
        return new FloatDistribution(low, high, true, OptionalDouble.empty());
    }

    /** The grid {@code low, low + step, ...} up to {@code high}. */
    public static FloatDistribution stepped(double low, double high, double step) {
        return new FloatDistribution(low, high, false, OptionalDouble.of(step));
    }

    @Override
    public boolean contains(Object externalValue) {
        return externalValue instanceof Number n && containsInternal(n.doubleValue());
    }

    @Override
    public boolean containsInternal(double v) {
        if (!(v >= low && v <= high)) {
            return false;
        }
        if (step.isPresent()) {
            double s = step.getAsDouble();
            double k = (v - low) / s;
            return Math.abs(k - Math.rint(k)) <= 1e-8 * Math.max(1, Math.abs(k));
        }
        return true;
    }

    @Override
    public double toInternal(Object externalValue) {
        if (!contains(externalValue)) {
            throw new IllegalArgumentException("value " + externalValue + " is not in " + this);
        }
        return ((Number) externalValue).doubleValue();
    }

    @Override
    public Object toExternal(double internalValue) {
        if (!containsInternal(internalValue)) {
            throw new IllegalArgumentException("internal value " + internalValue + " is not in " + this);
        }
        return internalValue;
    }

    /** @return the number of grid points of a stepped range */
    public long gridSize() {
        if (step.isEmpty()) {
            throw new IllegalStateException(this + " has no step, so no grid");
        }
        return Math.round((high - low) / step.getAsDouble()) + 1;
    }

    @Override
    public boolean isSingle() {
        return low == high;
    }

    @Override
    public String typeName() {
        return "FloatDistribution";
    }

    @Override
    public Map<String, Object> attributes() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("low", low);
        m.put("high", high);
        m.put("log", log);
        if (step.isPresent()) {
            m.put("step", step.getAsDouble());
        }
        return m;
    }

    @Override
    public String toString() {
        return "FloatDistribution[low=" + low + ", high=" + high + (log ? ", log" : "")
                + (step.isPresent() ? ", step=" + step.getAsDouble() : "") + "]";
    }

    // equals and hashCode are written out, with the values the record's generated ones give
    // (components compared as the wrappers' compare/equals do, hash = 31 * hash + component hash):
    // the generated ones bootstrap java.lang.runtime.ObjectMethods on first use, some 30 ms of
    // method-handle spinning inside the first trials of a process.
    @Override
    public boolean equals(Object o) {
        return o instanceof FloatDistribution f && Double.compare(low, f.low) == 0
                && Double.compare(high, f.high) == 0 && log == f.log && step.equals(f.step);
    }

    @Override
    public int hashCode() {
        int h = Double.hashCode(low);
        h = 31 * h + Double.hashCode(high);
        h = 31 * h + Boolean.hashCode(log);
        return 31 * h + step.hashCode();
    }
}
