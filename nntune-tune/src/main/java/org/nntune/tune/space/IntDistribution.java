package org.nntune.tune.space;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Integers in {@code [low, high]} on the grid {@code low, low + step, ...}, sampled uniformly or
 * log-uniformly ({@code log}, which needs {@code step == 1} and {@code low >= 1}). {@code high}
 * is lowered to the last grid point not above it. External values are {@code Long}s.
 *
 * @param low lowest value
 * @param high highest value, {@code >= low}
 * @param log whether values are spread log-uniformly
 * @param step grid spacing, {@code >= 1}
 */
public record IntDistribution(long low, long high, boolean log, long step) implements Distribution {

    /** Validates and normalises (a stepped {@code high} is moved onto the grid). */
    public IntDistribution {
        if (low > high) {
            throw new IllegalArgumentException("int range [" + low + ", " + high + "]: low must be <= high");
        }
        if (step < 1) {
            throw new IllegalArgumentException("int range [" + low + ", " + high + "]: step " + step + " must be >= 1");
        }
        if (log && step != 1) {
            throw new IllegalArgumentException("int range [" + low + ", " + high + "]: log needs step 1, got " + step);
        }
        if (log && low < 1) {
            throw new IllegalArgumentException("log int range [" + low + ", " + high + "]: low must be >= 1");
        }
        high = low + (high - low) / step * step;
    }

    /** Uniform integers in {@code [low, high]}. */
    public static IntDistribution uniform(long low, long high) {
        return new IntDistribution(low, high, false, 1);
    }

    /** Log-uniform integers in {@code [low, high]}, {@code low >= 1}. */
    public static IntDistribution logUniform(long low, long high) {
        return new IntDistribution(low, high, true, 1);
    }

    /** @return the number of values */
    public long size() {
        return (high - low) / step + 1;
    }

    @Override
    public boolean contains(Object externalValue) {
        if (externalValue instanceof Long || externalValue instanceof Integer
                || externalValue instanceof Short || externalValue instanceof Byte) {
            long v = ((Number) externalValue).longValue();
            return v >= low && v <= high && (v - low) % step == 0;
        }
        return false;
    }

    @Override
    public boolean containsInternal(double v) {
        return v == Math.rint(v) && v >= low && v <= high && ((long) v - low) % step == 0;
    }

    @Override
    public double toInternal(Object externalValue) {
        if (!contains(externalValue)) {
            throw new IllegalArgumentException("value " + externalValue + " is not in " + this);
        }
        return ((Number) externalValue).longValue();
    }

    @Override
    public Object toExternal(double internalValue) {
        if (!containsInternal(internalValue)) {
            throw new IllegalArgumentException("internal value " + internalValue + " is not in " + this);
        }
        return (long) internalValue;
    }

    @Override
    public boolean isSingle() {
        return low == high;
    }

    @Override
    public String typeName() {
        return "IntDistribution";
    }

    @Override
    public Map<String, Object> attributes() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("low", low);
        m.put("high", high);
        m.put("log", log);
        m.put("step", step);
        return m;
    }

    // equals and hashCode are written out, with the values the record's generated ones give
    // (components compared as the wrappers' compare/equals do, hash = 31 * hash + component hash):
    // the generated ones bootstrap java.lang.runtime.ObjectMethods on first use, some 30 ms of
    // method-handle spinning inside the first trials of a process.
    @Override
    public boolean equals(Object o) {
        return o instanceof IntDistribution i && low == i.low && high == i.high && log == i.log && step == i.step;
    }

    @Override
    public int hashCode() {
        int h = Long.hashCode(low);
        h = 31 * h + Long.hashCode(high);
        h = 31 * h + Boolean.hashCode(log);
        return 31 * h + Long.hashCode(step);
    }
}
