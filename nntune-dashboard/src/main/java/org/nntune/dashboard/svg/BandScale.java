package org.nntune.dashboard.svg;

import java.util.ArrayList;
import java.util.List;

/**
 * A categorical axis: category {@code i} of {@code n} sits at the centre of the {@code i}-th of
 * {@code n} equal bands between {@code start} and {@code end}. {@link #map} takes the index.
 *
 * @param categories the category labels, at least one
 * @param start pixel where the first band begins
 * @param end pixel where the last band ends
 */
public record BandScale(List<String> categories, double start, double end) implements Scale {

    /** Copies the labels and checks there is at least one. */
    public BandScale {
        categories = List.copyOf(categories);
        if (categories.isEmpty()) {
            throw new IllegalArgumentException("a categorical axis needs at least one category");
        }
    }

    @Override
    public double map(double index) {
        return start + (index + 0.5) / categories.size() * (end - start);
    }

    /** @return the width of one band in pixels (positive) */
    public double bandWidth() {
        return Math.abs(end - start) / categories.size();
    }

    /** Ticks at every category (every k-th when there are more than 24), labels cut to 16 characters. */
    @Override
    public List<Tick> ticks() {
        int every = (categories.size() + 23) / 24;
        List<Tick> out = new ArrayList<>();
        for (int i = 0; i < categories.size(); i += every) {
            out.add(new Tick(i, shorten(categories.get(i), 16)));
        }
        return out;
    }

    /** @return {@code s} cut to {@code max} characters with an ellipsis when longer */
    public static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
