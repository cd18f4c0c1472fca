package org.nntune.dashboard.svg;

/**
 * A sequential colour scale (an approximation of matplotlib's "viridis", dark blue → yellow,
 * readable by colour-blind viewers and in grey scale) over a numeric domain, with a legend.
 *
 * @param lo value mapped to the first colour
 * @param hi value mapped to the last colour ({@code lo == hi} maps everything to the middle)
 * @param reversed whether {@code lo} gets the last colour instead
 */
public record ColorScale(double lo, double hi, boolean reversed) {

    private static final int[][] STOPS = {
            {68, 1, 84}, {72, 40, 120}, {62, 74, 137}, {49, 104, 142}, {38, 130, 142},
            {31, 158, 137}, {53, 183, 121}, {109, 205, 89}, {180, 222, 44}, {253, 231, 37}};

    /** Checks that the domain is finite. */
    public ColorScale {
        if (!Double.isFinite(lo) || !Double.isFinite(hi) || lo > hi) {
            throw new IllegalArgumentException("colour scale needs finite lo <= hi, got [" + lo + ", " + hi + "]");
        }
    }

    /** @return the colour of {@code value} as {@code #rrggbb} (values outside the domain are clamped) */
    public String color(double value) {
        double t = hi == lo ? 0.5 : (value - lo) / (hi - lo);
        if (!(t >= 0)) {
            t = 0;
        }
        t = Math.min(1, t);
        if (reversed) {
            t = 1 - t;
        }
        return at(t);
    }

    /** @return the colour at position {@code t} in [0, 1] of the palette */
    public static String at(double t) {
        double p = Math.max(0, Math.min(1, t)) * (STOPS.length - 1);
        int i = Math.min(STOPS.length - 2, (int) Math.floor(p));
        double f = p - i;
        int r = (int) Math.round(STOPS[i][0] + f * (STOPS[i + 1][0] - STOPS[i][0]));
        int g = (int) Math.round(STOPS[i][1] + f * (STOPS[i + 1][1] - STOPS[i][1]));
        int b = (int) Math.round(STOPS[i][2] + f * (STOPS[i + 1][2] - STOPS[i][2]));
        return String.format(java.util.Locale.ROOT, "#%02x%02x%02x", r, g, b);
    }

    /**
     * Draws a vertical legend: a bar of {@code height} pixels at {@code (x, y)}, the low end at the
     * bottom, with the end values and a title above.
     */
    public void legend(Svg svg, double x, double y, double height, String title) {
        svg.group("legend");
        // the legends stand in a margin of about 86 px: a longer name (a metric's) is cut, and whole in the tooltip
        String shown = BandScale.shorten(title, 13);
        svg.start("text").attr("x", x).attr("y", y - 8).attr("class", "legend-title").attr("text-anchor", "start")
                .endWithTextAndTitle(shown, shown.equals(title) ? null : title);
        int steps = 24;
        double h = height / steps;
        for (int i = 0; i < steps; i++) {
            double v = lo + (hi - lo) * (steps - 1 - i + 0.5) / steps;
            svg.rect(x, y + i * h, 12, h + 0.5, "legend-cell", color(v));
        }
        svg.rect(x, y, 12, height, "legend-frame", "");
        svg.text(x + 16, y + 4, "tick-label", "start", Fmt.num(hi));
        svg.text(x + 16, y + height + 4, "tick-label", "start", Fmt.num(lo));
        svg.endGroup();
    }
}
