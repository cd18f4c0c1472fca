package org.nntune.tune.space;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The set of values one parameter may take: a {@link FloatDistribution}, an
 * {@link IntDistribution} or a {@link CategoricalDistribution}.
 *
 * <p>Every distribution has two representations of a value:
 * <ul>
 *   <li>the <em>external</em> value the objective sees: a {@code Double} for floats, a {@code Long}
 *       for integers, the choice itself for categoricals (normalised as {@link Json#normalize} does:
 *       integral numbers as {@code Long}, floating point numbers as {@code Double});</li>
 *   <li>the <em>internal</em> {@code double} that samplers and storages work with: the number
 *       itself for floats and integers, the index of the choice for categoricals.</li>
 * </ul>
 * {@link #toInternal} and {@link #toExternal} convert between them; storages keep the internal
 * value and the distribution's {@link #toJson() JSON form}.
 */
public sealed interface Distribution permits FloatDistribution, IntDistribution, CategoricalDistribution {

    /** @return whether the external value lies in this distribution */
    boolean contains(Object externalValue);

    /** @return whether the internal value represents a value of this distribution */
    boolean containsInternal(double internalValue);

    /**
     * @return the internal representation of an external value
     * @throws IllegalArgumentException if the value is not in this distribution
     */
    double toInternal(Object externalValue);

    /**
     * @return the external value an internal value represents
     * @throws IllegalArgumentException if the internal value is not in this distribution
     */
    Object toExternal(double internalValue);

    /** @return whether the distribution has exactly one value */
    boolean isSingle();

    /** @return the name used in the JSON form, e.g. {@code FloatDistribution} */
    String typeName();

    /** @return the attributes of the JSON form, in a fixed order */
    Map<String, Object> attributes();

    /**
     * @return the JSON form {@code {"name": "...", "attributes": {...}}} (the layout Optuna uses),
     *     read back by {@link #fromJson}
     */
    default String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", typeName());
        m.put("attributes", attributes());
        return Json.encode(m);
    }

    /**
     * Reads the JSON form written by {@link #toJson()}, or Optuna's (a float distribution's {@code "step": null}
     * is no step; a {@code null} choice is {@link JsonNull#INSTANCE}).
     *
     * @throws IllegalArgumentException if the text is not a valid distribution, saying what is wrong
     */
    static Distribution fromJson(String json) {
        return fromDecoded(Json.decode(json), json);
    }

    /**
     * {@link #fromJson} of JSON already decoded ({@link Json#decode}), e.g. by a reader that looks at
     * its name first.
     *
     * @param json the text it was decoded from, for messages
     * @throws IllegalArgumentException if it is not a valid distribution, saying what is wrong
     */
    static Distribution fromDecoded(Object parsed, String json) {
        if (!(parsed instanceof Map<?, ?> m) || !(m.get("name") instanceof String name)
                || !(m.get("attributes") instanceof Map<?, ?> attrs)) {
            throw new IllegalArgumentException("not a distribution (expected {\"name\": ..., \"attributes\": {...}}): " + json);
        }
        try {
            return switch (name) {
                case "FloatDistribution" -> new FloatDistribution(num(attrs, "low"), num(attrs, "high"),
                        bool(attrs, "log"), attrs.get("step") == null || attrs.get("step") instanceof Boolean
                                || attrs.get("step") instanceof JsonNull // Optuna's "step": null
                                ? java.util.OptionalDouble.empty()
                                : java.util.OptionalDouble.of(num(attrs, "step")));
                case "IntDistribution" -> new IntDistribution(lng(attrs, "low"), lng(attrs, "high"),
                        bool(attrs, "log"), lng(attrs, "step"));
                case "CategoricalDistribution" -> {
                    if (!(attrs.get("choices") instanceof List<?> choices)) {
                        throw new IllegalArgumentException("attribute 'choices' must be a list");
                    }
                    yield new CategoricalDistribution(List.copyOf(choices));
                }
                default -> throw new IllegalArgumentException("unknown distribution '" + name
                        + "'; allowed: FloatDistribution, IntDistribution, CategoricalDistribution");
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad distribution " + json + ": " + e.getMessage(), e);
        }
    }

    private static double num(Map<?, ?> attrs, String key) {
        if (!(attrs.get(key) instanceof Number n)) {
            throw new IllegalArgumentException("attribute '" + key + "' must be a number");
        }
        return n.doubleValue();
    }

    private static long lng(Map<?, ?> attrs, String key) {
        if (!(attrs.get(key) instanceof Long n)) {
            throw new IllegalArgumentException("attribute '" + key + "' must be an integer");
        }
        return n;
    }

    private static boolean bool(Map<?, ?> attrs, String key) {
        Object v = attrs.get(key);
        if (v == null) {
            return false;
        }
        if (!(v instanceof Boolean b)) {
            throw new IllegalArgumentException("attribute '" + key + "' must be true or false");
        }
        return b;
    }
}
