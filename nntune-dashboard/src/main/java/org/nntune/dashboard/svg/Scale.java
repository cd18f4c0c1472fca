package org.nntune.dashboard.svg;

import java.util.List;

/**
 * Maps data values to pixel positions along one axis, and says where the axis ticks go.
 * {@link LinearScale} and {@link LogScale} map numbers; {@link BandScale} maps category indices
 * ({@code 0, 1, …}) to the centres of equal bands.
 */
public sealed interface Scale permits LinearScale, LogScale, BandScale {

    /** @return the pixel position of a data value */
    double map(double value);

    /** @return the ticks to draw, in increasing data order */
    List<Tick> ticks();

    /** @return the pixel position where the axis starts (the image of the domain's low end) */
    double start();

    /** @return the pixel position where the axis ends */
    double end();

    /**
     * One tick mark.
     *
     * @param value the data value
     * @param label the text written at the tick
     */
    record Tick(double value, String label) {}

    /** @return a pixel clamped to the axis range (for points a little outside a rounded domain) */
    default double mapClamped(double value) {
        double p = map(value);
        double lo = Math.min(start(), end());
        double hi = Math.max(start(), end());
        return Math.max(lo, Math.min(hi, p));
    }
}
