package org.nntune.dashboard.svg;

/**
 * A small streaming SVG writer. Elements are written in order; attribute values and text are
 * always escaped ({@link Xml}), coordinates are written with {@link Fmt#coord}. The output is an
 * {@code <svg>} element meant to be inlined in HTML (no XML prolog, no namespace declaration, so
 * the page names no external resource); it is also well-formed XML.
 *
 * <pre>{@code
 * Svg svg = new Svg(400, 300, "history", "value over trials");
 * svg.start("circle").attr("cx", 10).attr("cy", 20).attr("r", 3).endWithTitle("trial 7: 0.25");
 * String markup = svg.finish();
 * }</pre>
 *
 * Not thread-safe; one writer per image.
 */
public final class Svg {
    private final StringBuilder sb = new StringBuilder(4096);
    private String openTag;
    private int groupDepth;
    private boolean finished;

    /**
     * Starts an image of the given size in CSS pixels.
     *
     * @param cssClass the {@code class} of the {@code <svg>} element (used by the report's styles and tests)
     * @param label the accessible name ({@code aria-label})
     */
    public Svg(double width, double height, String cssClass, String label) {
        sb.append("<svg class=\"");
        Xml.escapeTo(sb, cssClass);
        sb.append("\" viewBox=\"0 0 ");
        Fmt.coordTo(sb, width);
        sb.append(' ');
        Fmt.coordTo(sb, height);
        sb.append("\" width=\"");
        Fmt.coordTo(sb, width);
        sb.append("\" height=\"");
        Fmt.coordTo(sb, height);
        sb.append("\" role=\"img\" aria-label=\"");
        Xml.escapeTo(sb, label);
        sb.append("\">");
    }

    /** Begins an element {@code <tag}; add attributes, then {@link #end()} or {@link #endWithTitle}. */
    public Svg start(String tag) {
        closePending();
        checkOpen();
        sb.append('<').append(tag);
        openTag = tag;
        return this;
    }

    /** Adds a text attribute (escaped) to the element begun by {@link #start}. */
    public Svg attr(String name, String value) {
        requireTag(name);
        sb.append(' ').append(name).append("=\"");
        Xml.escapeTo(sb, value);
        sb.append('"');
        return this;
    }

    /** Adds a coordinate attribute (one decimal) to the element begun by {@link #start}. */
    public Svg attr(String name, double value) {
        requireTag(name);
        sb.append(' ').append(name).append("=\"");
        Fmt.coordTo(sb, value);
        sb.append('"');
        return this;
    }

    /** Adds a {@code points="x,y x,y …"} attribute (for polylines and polygons). */
    public Svg points(double[] xs, double[] ys, int n) {
        requireTag("points");
        sb.append(" points=\"");
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            Fmt.coordTo(sb, xs[i]);
            sb.append(',');
            Fmt.coordTo(sb, ys[i]);
        }
        sb.append('"');
        return this;
    }

    /** Ends the current element as {@code <tag …/>}. */
    public Svg end() {
        requireTag("/>");
        sb.append("/>");
        openTag = null;
        return this;
    }

    /** Ends the current element with a {@code <title>} child, which browsers show as a tooltip. */
    public Svg endWithTitle(String title) {
        return endWith("", title);
    }

    /** Ends the current element with escaped text content, e.g. for {@code <text>}. */
    public Svg endWithText(String text) {
        return endWith(text, null);
    }

    /** Ends the current element with escaped text content followed by a {@code <title>} tooltip. */
    public Svg endWithTextAndTitle(String text, String title) {
        return endWith(text, title);
    }

    private Svg endWith(String text, String title) {
        requireTag("content");
        sb.append('>');
        Xml.escapeTo(sb, text);
        return closeWithTitle(title);
    }

    /**
     * Ends the current {@code <text>} element with lines of escaped text, the first as its content and
     * each further one in a {@code <tspan>} {@code lineHeight} pixels below it at column {@code x},
     * followed by a {@code <title>} tooltip (if not null).
     */
    public Svg endWithLines(java.util.List<String> lines, double x, double lineHeight, String title) {
        requireTag("content");
        sb.append('>');
        for (int i = 0; i < lines.size(); i++) {
            if (i == 0) {
                Xml.escapeTo(sb, lines.get(0));
                continue;
            }
            sb.append("<tspan x=\"");
            Fmt.coordTo(sb, x);
            sb.append("\" dy=\"");
            Fmt.coordTo(sb, lineHeight);
            sb.append("\">");
            Xml.escapeTo(sb, lines.get(i));
            sb.append("</tspan>");
        }
        return closeWithTitle(title);
    }

    /** Ends the open element after its content: a {@code <title>} tooltip (if not null), then the closing tag. */
    private Svg closeWithTitle(String title) {
        if (title != null) {
            sb.append("<title>");
            Xml.escapeTo(sb, title);
            sb.append("</title>");
        }
        sb.append("</").append(openTag).append('>');
        openTag = null;
        return this;
    }

    /** Writes a {@code <text>} element. {@code anchor} is start, middle or end. */
    public Svg text(double x, double y, String cssClass, String anchor, String text) {
        return start("text").attr("x", x).attr("y", y).attr("class", cssClass).attr("text-anchor", anchor)
                .endWithText(text);
    }

    /** Writes a {@code <text>} rotated by -90° about its anchor (for vertical axis labels). */
    public Svg verticalText(double x, double y, String cssClass, String text) {
        return start("text").attr("x", x).attr("y", y).attr("class", cssClass).attr("text-anchor", "middle")
                .attr("transform", "rotate(-90 " + Fmt.coord(x) + " " + Fmt.coord(y) + ")").endWithText(text);
    }

    /** Writes a line. */
    public Svg line(double x1, double y1, double x2, double y2, String cssClass) {
        return start("line").attr("x1", x1).attr("y1", y1).attr("x2", x2).attr("y2", y2).attr("class", cssClass).end();
    }

    /** Writes a rectangle with an optional fill colour (empty: styled by class). */
    public Svg rect(double x, double y, double w, double h, String cssClass, String fill) {
        start("rect").attr("x", x).attr("y", y).attr("width", Math.max(0, w)).attr("height", Math.max(0, h))
                .attr("class", cssClass);
        if (!fill.isEmpty()) {
            attr("fill", fill);
        }
        return end();
    }

    /** Opens a group {@code <g class="…">}; close it with {@link #endGroup()}. */
    public Svg group(String cssClass) {
        closePending();
        checkOpen();
        sb.append("<g class=\"");
        Xml.escapeTo(sb, cssClass);
        sb.append("\">");
        groupDepth++;
        return this;
    }

    /** Opens a group with extra escaped {@code data-*} style attributes given as name, value pairs. */
    public Svg group(String cssClass, String... attributes) {
        if (attributes.length % 2 != 0) {
            throw new IllegalArgumentException("attributes come in name, value pairs");
        }
        closePending();
        checkOpen();
        sb.append("<g class=\"");
        Xml.escapeTo(sb, cssClass);
        sb.append('"');
        for (int i = 0; i < attributes.length; i += 2) {
            sb.append(' ').append(attributes[i]).append("=\"");
            Xml.escapeTo(sb, attributes[i + 1]);
            sb.append('"');
        }
        sb.append('>');
        groupDepth++;
        return this;
    }

    /** Closes the innermost open group. */
    public Svg endGroup() {
        closePending();
        if (groupDepth == 0) {
            throw new IllegalStateException("endGroup() without an open group");
        }
        sb.append("</g>");
        groupDepth--;
        return this;
    }

    /**
     * @return the finished {@code <svg>…</svg>} markup
     * @throws IllegalStateException if a group or element is still open
     */
    public String finish() {
        closePending();
        if (groupDepth != 0) {
            throw new IllegalStateException(groupDepth + " group(s) still open");
        }
        if (!finished) {
            sb.append("</svg>");
            finished = true;
        }
        return sb.toString();
    }

    private void closePending() {
        if (openTag != null) {
            throw new IllegalStateException("element <" + openTag + "> was not ended (call end() or endWithTitle())");
        }
    }

    private void requireTag(String what) {
        if (openTag == null) {
            throw new IllegalStateException("'" + what + "' needs an element begun with start(tag)");
        }
    }

    private void checkOpen() {
        if (finished) {
            throw new IllegalStateException("the image is finished");
        }
    }
}
