package org.nntune.dashboard.svg;

/**
 * Draws axes for {@link Scale}s: tick marks, tick labels, grid lines and an axis title.
 */
public final class Axes {
    private Axes() {}

    /** Draws a horizontal axis at pixel row {@code y}, with grid lines up to row {@code gridTop} (if {@code grid}). */
    public static void bottom(Svg svg, Scale x, double y, double gridTop, boolean grid, String title) {
        svg.group("axis x-axis");
        for (Scale.Tick t : x.ticks()) {
            double px = x.map(t.value());
            if (grid) {
                svg.line(px, gridTop, px, y, "grid");
            }
            svg.line(px, y, px, y + 5, "tick");
            svg.text(px, y + 18, "tick-label", "middle", t.label());
        }
        svg.line(x.start(), y, x.end(), y, "domain");
        svg.text((x.start() + x.end()) / 2, y + 38, "axis-title", "middle", title);
        svg.endGroup();
    }

    /** Draws a vertical axis at pixel column {@code x}, with grid lines right to column {@code gridRight} (if {@code grid}). */
    public static void left(Svg svg, Scale y, double x, double gridRight, boolean grid, String title) {
        svg.group("axis y-axis");
        int longest = 0;
        for (Scale.Tick t : y.ticks()) {
            double py = y.map(t.value());
            if (grid) {
                svg.line(x, py, gridRight, py, "grid");
            }
            svg.line(x - 5, py, x, py, "tick");
            svg.text(x - 8, py + 4, "tick-label", "end", t.label());
            longest = Math.max(longest, t.label().length());
        }
        svg.line(x, y.start(), x, y.end(), "domain");
        double titleX = x - 16 - Math.min(longest, 16) * 6.2;
        svg.verticalText(titleX, (y.start() + y.end()) / 2, "axis-title", title);
        svg.endGroup();
    }

    /**
     * Draws a vertical axis for parallel coordinates: the line at {@code x}, ticks with labels on
     * its left, and the title above.
     */
    public static void parallel(Svg svg, Scale y, double x, String title, String fullTitle) {
        svg.group("axis p-axis");
        svg.line(x, y.start(), x, y.end(), "domain");
        for (Scale.Tick t : y.ticks()) {
            double py = y.map(t.value());
            svg.line(x - 4, py, x, py, "tick");
            svg.text(x - 6, py + 4, "tick-label", "end", t.label());
        }
        svg.start("text").attr("x", x).attr("y", Math.min(y.start(), y.end()) - 12)
                .attr("class", "axis-title").attr("text-anchor", "middle").endWithTextAndTitle(title, fullTitle);
        svg.endGroup();
    }
}
