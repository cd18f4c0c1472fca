package org.nntune.dashboard.svg;

import java.util.ArrayList;
import java.util.List;

/**
 * A linear map from {@code [lo, hi]} to pixels {@code [start, end]} (end may be below start, as
 * for a y axis that grows upwards).
 *
 * @param lo domain low end
 * @param hi domain high end, {@code > lo}
 * @param start pixel of {@code lo}
 * @param end pixel of {@code hi}
 * @param tickTarget about how many tick intervals to show
 * @param integerTicks whether only whole numbers get ticks (for integer parameters and counts)
 */
public record LinearScale(double lo, double hi, double start, double end, int tickTarget, boolean integerTicks)
        implements Scale {

    /** Checks the domain. */
    public LinearScale {
        if (!(lo < hi) || !Double.isFinite(lo) || !Double.isFinite(hi)) {
            throw new IllegalArgumentException("linear scale needs a finite domain lo < hi, got [" + lo + ", " + hi + "]");
        }
        if (tickTarget < 1) {
            throw new IllegalArgumentException("tickTarget must be >= 1, got " + tickTarget);
        }
    }

    /**
     * @return a scale over the data range {@code [min, max]} (widened if degenerate), with its
     *     domain extended to nice tick values
     */
    public static LinearScale nice(double min, double max, double start, double end, int tickTarget) {
        return nice(min, max, start, end, tickTarget, false);
    }

    /** As {@link #nice(double, double, double, double, int)}, with ticks on whole numbers only if {@code integerTicks}. */
    public static LinearScale nice(double min, double max, double start, double end, int tickTarget, boolean integerTicks) {
        double[] w = Ticks.widen(min, max);
        double[] d = Ticks.niceDomain(w[0], w[1], tickTarget);
        return new LinearScale(d[0], d[1], start, end, tickTarget, integerTicks);
    }

    @Override
    public double map(double value) {
        return start + (value - lo) / (hi - lo) * (end - start);
    }

    @Override
    public List<Tick> ticks() {
        List<Tick> out = new ArrayList<>();
        for (double v : Ticks.nice(lo, hi, tickTarget)) {
            if (!integerTicks || v == Math.rint(v)) {
                out.add(new Tick(v, Fmt.num(v)));
            }
        }
        return out;
    }
}
