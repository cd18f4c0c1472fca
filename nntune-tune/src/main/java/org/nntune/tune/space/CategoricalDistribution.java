package org.nntune.tune.space;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A finite list of choices: strings, numbers or booleans (mixed if wanted), and {@link JsonNull#INSTANCE}
 * (Python's {@code None}, which an Optuna categorical may offer), without duplicates.
 * Numbers are normalised ({@code Integer} → {@code Long}, {@code Float} → {@code Double}) so that a
 * distribution read back from storage equals the one written. The internal value of a choice is
 * its index; the external value is the choice itself.
 *
 * @param choices the choices, at least one
 */
public record CategoricalDistribution(List<Object> choices) implements Distribution {

    /** Validates and normalises the choices. */
    public CategoricalDistribution {
        if (choices.isEmpty()) {
            throw new IllegalArgumentException("categorical: at least one choice is needed");
        }
        List<Object> normal = new ArrayList<>(choices.size());
        Set<Object> seen = new HashSet<>();
        for (int i = 0; i < choices.size(); i++) {
            Object c = choices.get(i);
            if (!(c instanceof String || c instanceof Boolean || c instanceof Long || c instanceof Integer
                    || c instanceof Short || c instanceof Byte || c instanceof Double || c instanceof Float
                    || c instanceof JsonNull)) {
                throw new IllegalArgumentException("categorical choice #" + i + " " + (c == null ? "null"
                        : c + " (" + c.getClass().getSimpleName() + ")")
                        + " is not allowed; choices are strings, numbers or booleans (JsonNull.INSTANCE for JSON's null)");
            }
            Object n = Json.normalize(c);
            if (!seen.add(n)) {
                throw new IllegalArgumentException("categorical choice #" + i + " " + c + " appears twice in " + choices);
            }
            normal.add(n);
        }
        choices = List.copyOf(normal);
    }

    /** The distribution over the given choices. */
    public static CategoricalDistribution of(Object... choices) {
        return new CategoricalDistribution(List.of(choices));
    }

    /** @return the index of an external value, or -1 */
    public int indexOf(Object externalValue) {
        Object normal;
        if (externalValue instanceof String || externalValue instanceof Boolean || externalValue instanceof Long
                || externalValue instanceof Double || externalValue instanceof JsonNull) {
            normal = externalValue;
        } else if (externalValue instanceof Integer || externalValue instanceof Short || externalValue instanceof Byte) {
            normal = ((Number) externalValue).longValue();
        } else if (externalValue instanceof Float f) {
            normal = Json.normalize(f);
        } else {
            return -1;
        }
        for (int i = 0; i < choices.size(); i++) {
            if (choices.get(i).equals(normal)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean contains(Object externalValue) {
        return indexOf(externalValue) >= 0;
    }

    @Override
    public boolean containsInternal(double v) {
        return v == Math.rint(v) && v >= 0 && v < choices.size();
    }

    @Override
    public double toInternal(Object externalValue) {
        int i = indexOf(externalValue);
        if (i < 0) {
            throw new IllegalArgumentException("value " + externalValue + " is not one of the choices " + choices);
        }
        return i;
    }

    @Override
    public Object toExternal(double internalValue) {
        if (!containsInternal(internalValue)) {
            throw new IllegalArgumentException("internal value " + internalValue + " is not an index of " + choices);
        }
        return choices.get((int) internalValue);
    }

    @Override
    public boolean isSingle() {
        return choices.size() == 1;
    }

    @Override
    public String typeName() {
        return "CategoricalDistribution";
    }

    @Override
    public Map<String, Object> attributes() {
        return Map.of("choices", choices);
    }

    // equals and hashCode written out, as the record's generated ones (which bootstrap
    // java.lang.runtime.ObjectMethods on first use, ~30 ms inside the first trials of a process)
    @Override
    public boolean equals(Object o) {
        return o instanceof CategoricalDistribution c && choices.equals(c.choices);
    }

    @Override
    public int hashCode() {
        return choices.hashCode();
    }
}
