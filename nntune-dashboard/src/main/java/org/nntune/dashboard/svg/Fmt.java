package org.nntune.dashboard.svg;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Number formatting that never depends on the default locale, so that output is the same on
 * every machine: {@link #num} for labels and tooltips, {@link #coord} for SVG coordinates.
 */
public final class Fmt {
    private Fmt() {}

    private static final MathContext SIX = new MathContext(6, RoundingMode.HALF_EVEN);

    /**
     * @return {@code v} with at most six significant digits, plain between 1e-4 and 1e6 and in
     *     scientific notation ({@code 1.5e-07}) outside; {@code NaN}, {@code inf}, {@code -inf} for
     *     the non-finite values; {@code 0} for both zeros
     */
    public static String num(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == 0) {
            return "0";
        }
        BigDecimal d = new BigDecimal(v).round(SIX).stripTrailingZeros();
        double a = Math.abs(v);
        if (a >= 1e-4 && a < 1e6) {
            return d.toPlainString();
        }
        int exp = d.precision() - d.scale() - 1;
        BigDecimal mant = d.movePointLeft(exp).stripTrailingZeros();
        String m = mant.toPlainString();
        return m + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
    }

    /** @return an SVG coordinate rounded to one decimal, without a trailing {@code .0} */
    public static String coord(double v) {
        StringBuilder sb = new StringBuilder(8);
        coordTo(sb, v);
        return sb.toString();
    }

    /** Appends {@link #coord(double)} of {@code v} to {@code sb} without allocating. */
    public static void coordTo(StringBuilder sb, double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("SVG coordinate must be finite, got " + v);
        }
        long tenths = Math.round(v * 10);
        if (tenths < 0) {
            sb.append('-');
            tenths = -tenths;
        }
        sb.append(tenths / 10);
        long frac = tenths % 10;
        if (frac != 0) {
            sb.append('.').append(frac);
        }
    }

    /** @return a duration in seconds as {@code 950 ms}, {@code 12.3 s}, {@code 4 min 05 s} or {@code 2 h 03 min} */
    public static String seconds(double s) {
        if (!Double.isFinite(s)) {
            return "—";
        }
        if (s < 1) {
            return Math.round(s * 1000) + " ms";
        }
        if (s < 60) {
            return num(Math.round(s * 10) / 10.0) + " s";
        }
        long t = Math.round(s);
        if (t < 3600) {
            return t / 60 + " min " + String.format(java.util.Locale.ROOT, "%02d", t % 60) + " s";
        }
        return t / 3600 + " h " + String.format(java.util.Locale.ROOT, "%02d", (t % 3600) / 60) + " min";
    }

    /** @return an integer with thin grouping commas, e.g. {@code 100,000} */
    public static String count(long n) {
        return String.format(java.util.Locale.ROOT, "%,d", n);
    }
}
