package org.nntune.search;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Weights given per class, as Keras' {@code fit(class_weight={0: 1., 1: 50.})} and scikit-learn's
 * {@code class_weight={'spam': 5}} take them: each class's term of the cross-entropy multiplied by its
 * weight, the loss their weighted mean (PyTorch's {@code CrossEntropyLoss(weight=…)}); a class not named
 * weighs 1 (scikit-learn's rule). Classes are named as the data's classes are spelt (integer labels by
 * their digits).
 *
 * <p>A trial stores the weights as one categorical value, their {@link #text() text}
 * {@code ham=1,spam=5} (classes sorted: one text per map, in whatever order it was given), which {@link #parse}
 * reads back: so a choice of
 * {@code class_weight} may be {@code none}, {@code balanced} or a map, and a sampler searches among them.
 *
 * @param weights each named class's weight (finite, &gt; 0), ordered by class: integer labels by value, then names
 *                alphabetically
 */
public record ClassWeights(Map<String, Double> weights) {

    /**
     * @throws IllegalArgumentException if no class is named, a weight is not finite and &gt; 0, or a class name is
     *     empty or holds a ',' or '=' (which the stored text uses)
     */
    public ClassWeights {
        if (weights.isEmpty()) {
            throw new IllegalArgumentException("class_weight names no class: give a weight per class, e.g. {spam: 5},"
                    + " or none");
        }
        // one text per map, whatever order it was given in (a Map.of iterates in another order in every JVM)
        Map<String, Double> sorted = new java.util.TreeMap<>(ClassWeights::compareNames);
        sorted.putAll(weights);
        weights = Collections.unmodifiableMap(new LinkedHashMap<>(sorted));
        weights.forEach((name, w) -> {
            if (name.isBlank() || name.contains(",") || name.contains("=")) {
                throw new IllegalArgumentException("class_weight: class name '" + name + "' cannot be weighted: a name must"
                        + " be non-empty and hold no ',' or '='");
            }
            if (w == null || !(w > 0) || w.isInfinite()) {
                throw new IllegalArgumentException("class_weight: the weight of class '" + name + "' must be a finite"
                        + " number > 0, got " + w);
            }
        });
    }

    /** Whether {@code value} of {@code class_weight} is a map's text ({@code spam=5}) rather than a word (none, balanced). */
    public static boolean isMapText(String value) {
        return value.contains("=");
    }

    /**
     * The weights of a declarative map ({@code {spam: 5, ham: 1}} or {@code {0: 1, 1: 50}}): keys are class names or
     * integer labels, values numbers.
     *
     * @throws IllegalArgumentException naming the class whose weight is not a number &gt; 0
     */
    public static ClassWeights of(Map<?, ?> map) {
        Map<String, Double> w = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            String name = className(k);
            if (!(v instanceof Number n)) {
                throw new IllegalArgumentException("class_weight: the weight of class '" + name + "' must be a number > 0,"
                        + " got '" + v + "'");
            }
            w.put(name, n.doubleValue());
        });
        return new ClassWeights(w);
    }

    /**
     * The weights of their {@link #text() text} {@code spam=5,ham=1}.
     *
     * @throws IllegalArgumentException if the text is not of that form or a weight is not a number &gt; 0
     */
    public static ClassWeights parse(String text) {
        Map<String, Double> w = new LinkedHashMap<>();
        for (String part : text.split(",", -1)) {
            int eq = part.indexOf('=');
            if (eq < 0 || part.indexOf('=', eq + 1) >= 0) {
                throw new IllegalArgumentException("class_weight '" + text + "' is not none, balanced or weights per class"
                        + " written class=weight, e.g. spam=5,ham=1");
            }
            String name = part.substring(0, eq).strip();
            String value = part.substring(eq + 1).strip();
            double weight;
            try {
                weight = Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("class_weight: the weight of class '" + name + "' must be a number > 0,"
                        + " got '" + value + "'", e);
            }
            if (w.put(name, weight) != null) {
                throw new IllegalArgumentException("class_weight '" + text + "' names class '" + name + "' twice");
            }
        }
        return new ClassWeights(w);
    }

    /** The stored form: {@code class=weight} pairs in the classes' order, joined by ',' ({@code ham=1,spam=5}). */
    public String text() {
        List<String> parts = new ArrayList<>();
        weights.forEach((name, w) -> parts.add(name + "=" + number(w)));
        return String.join(",", parts);
    }

    /**
     * One weight per class of {@code classNames} (in their order): the named weight, 1 for a class not named.
     *
     * @param data the data's name, for the message
     * @throws IllegalArgumentException if a named class is not one of {@code classNames}
     */
    public float[] forClasses(List<String> classNames, String data) {
        List<String> unknown = unknownClasses(classNames);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("class_weight names " + (unknown.size() == 1 ? "class '" + unknown.get(0) + "'"
                    : "classes '" + String.join("', '", unknown) + "'") + ", which " + data + " has not; its classes: "
                    + String.join(", ", classNames));
        }
        float[] w = new float[classNames.size()];
        for (int c = 0; c < w.length; c++) {
            w[c] = weights.getOrDefault(classNames.get(c), 1.0).floatValue();
        }
        return w;
    }

    /** The named classes that are not among {@code classNames}, in the classes' order. */
    public List<String> unknownClasses(List<String> classNames) {
        return weights.keySet().stream().filter(name -> !classNames.contains(name)).toList();
    }

    /** Class names in order: integer labels by their value, then other names alphabetically. */
    private static int compareNames(String a, String b) {
        boolean na = a.matches("-?[0-9]{1,18}");
        boolean nb = b.matches("-?[0-9]{1,18}");
        if (na && nb) {
            int byValue = Long.compare(Long.parseLong(a), Long.parseLong(b));
            return byValue != 0 ? byValue : a.compareTo(b);
        }
        return na ? -1 : nb ? 1 : a.compareTo(b);
    }

    private static String className(Object key) {
        if (key instanceof Double d && d == Math.rint(d) && !d.isInfinite()) {
            return Long.toString(d.longValue());
        }
        return String.valueOf(key).strip();
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
