package org.nntune.dashboard.svg;

import java.util.ArrayList;
import java.util.List;

/** "Nice" tick positions: multiples of 1, 2 or 5 times a power of ten. */
public final class Ticks {
    private Ticks() {}

    /**
     * @return the nice step for about {@code target} intervals over {@code [lo, hi]}
     * @throws IllegalArgumentException unless {@code lo < hi}, both finite, and {@code target >= 1}
     */
    public static double step(double lo, double hi, int target) {
        if (!(lo < hi) || !Double.isFinite(lo) || !Double.isFinite(hi) || target < 1) {
            throw new IllegalArgumentException("ticks need finite lo < hi and target >= 1, got ["
                    + lo + ", " + hi + "], " + target);
        }
        double raw = (hi - lo) / target;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double norm = raw / mag;
        double nice = norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10;
        return nice * mag;
    }

    /** @return the multiples of {@link #step} inside {@code [lo, hi]} (with a tiny tolerance) */
    public static List<Double> nice(double lo, double hi, int target) {
        double step = step(lo, hi, target);
        List<Double> out = new ArrayList<>();
        long first = (long) Math.ceil(lo / step - 1e-9);
        long last = (long) Math.floor(hi / step + 1e-9);
        for (long k = first; k <= last; k++) {
            double v = k * step;
            // k * step can be 0.30000000000000004; round to the step's precision
            out.add(roundTo(v, step));
        }
        return out;
    }

    /** @return {@code [lo, hi]} widened outwards to multiples of the nice step */
    public static double[] niceDomain(double lo, double hi, int target) {
        double step = step(lo, hi, target);
        return new double[] {roundTo(Math.floor(lo / step + 1e-9) * step, step),
                roundTo(Math.ceil(hi / step - 1e-9) * step, step)};
    }

    private static double roundTo(double v, double step) {
        int decimals = Math.max(0, (int) -Math.floor(Math.log10(step)) + 1);
        if (decimals > 15) {
            return v;
        }
        return new java.math.BigDecimal(v).setScale(decimals, java.math.RoundingMode.HALF_EVEN).doubleValue();
    }

    /**
     * Widens a degenerate or empty range so that it can be drawn: equal ends get a margin of 10%
     * of their magnitude (1 around zero).
     *
     * @return {@code {lo, hi}} with {@code lo < hi}
     */
    public static double[] widen(double lo, double hi) {
        if (!Double.isFinite(lo) || !Double.isFinite(hi)) {
            return new double[] {0, 1};
        }
        if (lo < hi) {
            return new double[] {lo, hi};
        }
        double pad = lo == 0 ? 1 : Math.abs(lo) * 0.1;
        return new double[] {lo - pad, lo + pad};
    }
}
