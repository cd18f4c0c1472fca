/**
 * A small SVG plotting kit: {@link org.nntune.dashboard.svg.Svg} (a streaming writer that escapes
 * all text), scales ({@link org.nntune.dashboard.svg.LinearScale}, {@link org.nntune.dashboard.svg.LogScale},
 * {@link org.nntune.dashboard.svg.BandScale}) with nice ticks, {@link org.nntune.dashboard.svg.Axes},
 * a colour scale with legend, and locale-independent number formatting, so that output is the
 * same on every machine.
 */
package org.nntune.dashboard.svg;
