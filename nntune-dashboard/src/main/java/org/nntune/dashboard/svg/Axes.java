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

    /** The height of a line of an axis title (12 px type), in pixels. */
    public static final double TITLE_LINE = 14;
    /** A generous width of one character of an axis title (12 px, semi-bold), in pixels. */
    public static final double TITLE_CHAR = 7.2;

    /**
     * Draws a vertical axis for parallel coordinates: the line at {@code x}, ticks with labels on
     * its left, and the title above in {@code titleLines} (the last line just above the axis; the
     * full title is the tooltip).
     */
    public static void parallel(Svg svg, Scale y, double x, java.util.List<String> titleLines, String fullTitle) {
        svg.group("axis p-axis");
        svg.line(x, y.start(), x, y.end(), "domain");
        for (Scale.Tick t : y.ticks()) {
            double py = y.map(t.value());
            svg.line(x - 4, py, x, py, "tick");
            svg.text(x - 6, py + 4, "tick-label", "end", t.label());
        }
        double last = Math.min(y.start(), y.end()) - 12;
        svg.start("text").attr("x", x).attr("y", last - (titleLines.size() - 1) * TITLE_LINE)
                .attr("class", "axis-title").attr("text-anchor", "middle").endWithLines(titleLines, x, TITLE_LINE, fullTitle);
        svg.endGroup();
    }

    /**
     * Breaks a title into at most {@code maxLines} lines of at most {@code maxChars} characters, at
     * spaces ("accuracy (maximize)" becomes "accuracy", "(maximize)"); a word longer than a line,
     * or what does not fit in the last line, is cut with an ellipsis.
     */
    public static java.util.List<String> wrap(String title, int maxChars, int maxLines) {
        int max = Math.max(4, maxChars);
        java.util.List<String> lines = new java.util.ArrayList<>();
        StringBuilder line = new StringBuilder();
        String[] words = title.trim().split(" +");
        for (int i = 0; i < words.length; i++) {
            String w = words[i];
            if (line.length() > 0 && line.length() + 1 + w.length() <= max) {
                line.append(' ').append(w);
                continue;
            }
            if (line.length() > 0) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (lines.size() == maxLines - 1) {
                // the last line: the rest of the title, cut to fit
                line.append(String.join(" ", java.util.Arrays.asList(words).subList(i, words.length)));
                break;
            }
            line.append(w);
        }
        if (line.length() > 0 || lines.isEmpty()) {
            lines.add(line.toString());
        }
        lines.replaceAll(l -> BandScale.shorten(l, max));
        return java.util.List.copyOf(lines);
    }
}
