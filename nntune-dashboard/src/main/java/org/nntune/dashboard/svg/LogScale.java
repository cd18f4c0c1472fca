package org.nntune.dashboard.svg;

import java.util.ArrayList;
import java.util.List;

/**
 * A logarithmic map from {@code [lo, hi]} ({@code 0 < lo < hi}) to pixels. Ticks are the powers
 * of ten inside the domain; when there are fewer than three of them the 2× and 5× multiples are
 * added, and when even those are fewer than two the linear nice ticks are used.
 *
 * @param lo domain low end, {@code > 0}
 * @param hi domain high end, {@code > lo}
 * @param start pixel of {@code lo}
 * @param end pixel of {@code hi}
 */
public record LogScale(double lo, double hi, double start, double end) implements Scale {

    /** Checks the domain. */
    public LogScale {
        if (!(lo > 0) || !(lo < hi) || !Double.isFinite(hi)) {
            throw new IllegalArgumentException("log scale needs a finite domain 0 < lo < hi, got [" + lo + ", " + hi + "]");
        }
    }

    /**
     * @return a scale over the positive data range {@code [min, max]} (widened by a factor of ten
     *     each way when degenerate), extended to whole decades when it spans two or more
     */
    public static LogScale of(double min, double max, double start, double end) {
        if (!(min > 0)) {
            throw new IllegalArgumentException("log scale needs positive values, got min " + min);
        }
        if (!(min < max)) {
            return new LogScale(min / 10, min * 10, start, end);
        }
        double lo = Math.pow(10, Math.floor(Math.log10(min) + 1e-12));
        double hi = Math.pow(10, Math.ceil(Math.log10(max) - 1e-12));
        if (Math.log10(max / min) < 2) {
            // less than two decades: keep the data range with a small margin
            double m = Math.pow(max / min, 0.05);
            return new LogScale(min / m, max * m, start, end);
        }
        return new LogScale(lo, hi, start, end);
    }

    @Override
    public double map(double value) {
        return start + (Math.log(value) - Math.log(lo)) / (Math.log(hi) - Math.log(lo)) * (end - start);
    }

    @Override
    public double mapClamped(double value) {
        return Scale.super.mapClamped(value > 0 ? value : lo);
    }

    @Override
    public List<Tick> ticks() {
        List<Tick> decades = multiples(new int[] {1});
        int decadeCount = (int) Math.floor(Math.log10(hi) + 1e-9) - (int) Math.ceil(Math.log10(lo) - 1e-9) + 1;
        if (decadeCount > 8) {
            // many decades: every other (or every k-th) power of ten
            int every = (decadeCount + 7) / 8;
            List<Tick> thinned = new ArrayList<>();
            for (Tick t : decades) {
                long e = Math.round(Math.log10(t.value()));
                if (Math.floorMod(e, every) == 0) {
                    thinned.add(t);
                }
            }
            return thinned;
        }
        if (decades.size() >= 3) {
            return decades;
        }
        List<Tick> more = multiples(new int[] {1, 2, 5});
        if (more.size() >= 2) {
            return more;
        }
        List<Tick> out = new ArrayList<>(new LinearScale(lo, hi, start, end, 4, false).ticks());
        out.removeIf(t -> t.value() <= 0);
        return out;
    }

    private List<Tick> multiples(int[] factors) {
        List<Tick> out = new ArrayList<>();
        int e0 = (int) Math.floor(Math.log10(lo)) - 1;
        int e1 = (int) Math.ceil(Math.log10(hi)) + 1;
        for (int e = e0; e <= e1; e++) {
            for (int f : factors) {
                double v = Double.parseDouble(f + "e" + e);
                if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) {
                    out.add(new Tick(v, Fmt.num(v)));
                }
            }
        }
        return out;
    }
}
