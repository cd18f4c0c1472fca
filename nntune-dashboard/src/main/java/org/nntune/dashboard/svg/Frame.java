package org.nntune.dashboard.svg;

/**
 * An image of {@code width × height} pixels with margins around the plotting area.
 *
 * @param width image width
 * @param height image height
 * @param left left margin (room for the y axis)
 * @param top top margin
 * @param right right margin
 * @param bottom bottom margin (room for the x axis)
 */
public record Frame(double width, double height, double left, double top, double right, double bottom) {

    /** Checks that the plotting area is not empty. */
    public Frame {
        if (left + right >= width || top + bottom >= height) {
            throw new IllegalArgumentException("margins leave no room to plot in " + width + " × " + height);
        }
    }

    /** @return the left edge of the plotting area */
    public double plotLeft() {
        return left;
    }

    /** @return the right edge of the plotting area */
    public double plotRight() {
        return width - right;
    }

    /** @return the top edge of the plotting area */
    public double plotTop() {
        return top;
    }

    /** @return the bottom edge of the plotting area */
    public double plotBottom() {
        return height - bottom;
    }
}
