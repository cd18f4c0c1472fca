package org.nntune.search;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A choice between network families, searched as one space: each trial first draws
 * {@value #FAMILY} (one of the families' names), then that family's parameters, each under the
 * family's name as a prefix ({@code cnn.lr}, {@code mlp.units_1}), so that every family keeps its
 * own ranges and the sampler models each family's parameters apart. The refit rebuilds the best
 * trial's family from its parameters, as for any space.
 *
 * <pre>{@code
 * FamilySpace space = FamilySpace.of(Map.of("mlp", MlpSpace.defaults(), "cnn", CnnSpace.defaults()));
 * CrossValidatedSearch.builder(space).timeBudget(Duration.ofMinutes(1)).build().fit(images);
 * }</pre>
 *
 * The data must suit every family: an MLP reads any input (flattened), a CNN needs images
 * {@code [channels, height, width]}, so a choice between the two is searched on image-shaped rows.
 * Settings given to the whole space ({@link #with}, e.g. the time-budget mode's epochs) apply to
 * every family.
 */
public final class FamilySpace extends NetworkSpace {
    /** The name of the parameter that chooses the family. */
    public static final String FAMILY = "family";

    private final Map<String, NetworkSpace> families;

    private FamilySpace(Map<String, NetworkSpace> families) {
        super(Map.of(FAMILY, new Entry(FAMILY, ParamSpec.choice(families.keySet().toArray()))), false);
        this.families = Collections.unmodifiableMap(families);
    }

    /**
     * A choice between {@code families}, by name, in the map's order (the order of the choices).
     *
     * @throws IllegalArgumentException with fewer than two families, a blank name, a name with a
     *                                  {@code .} (the prefix separator), or a family that is itself a choice
     */
    public static FamilySpace of(Map<String, ? extends NetworkSpace> families) {
        Objects.requireNonNull(families, "families");
        if (families.size() < 2) {
            throw new IllegalArgumentException("a choice of families needs at least two, got " + families.keySet());
        }
        Map<String, NetworkSpace> copy = new LinkedHashMap<>();
        families.forEach((name, space) -> {
            if (name == null || name.isBlank() || name.contains(".")) {
                throw new IllegalArgumentException("a family's name must be a non-blank word without '.', got '" + name + "'");
            }
            if (space instanceof FamilySpace) {
                throw new IllegalArgumentException("family '" + name + "' is itself a choice of families; list its members instead");
            }
            copy.put(name, Objects.requireNonNull(space, "family " + name));
        });
        return new FamilySpace(copy);
    }

    /** The families by name, in the order of the choices. */
    public Map<String, NetworkSpace> families() {
        return families;
    }

    /** The trial's name of family {@code family}'s parameter {@code name}: {@code family.name}. */
    public static String parameterName(String family, String name) {
        return family + "." + name;
    }

    @Override
    public NetworkConfig config(ParamSource source) {
        String family = source.suggestCategorical(FAMILY, List.copyOf(families.keySet()));
        return families.get(family).config(prefixed(source, family + "."));
    }

    /** The same settings given to every family (each in a declarative form of {@link ParamSpec#parse}). */
    @Override
    public FamilySpace with(Map<String, ?> params) {
        Map<String, NetworkSpace> changed = new LinkedHashMap<>();
        families.forEach((name, space) -> changed.put(name, space.with(params)));
        return new FamilySpace(changed);
    }

    @Override
    public FamilySpace withSteppedRangesAsChoices() {
        Map<String, NetworkSpace> changed = new LinkedHashMap<>();
        families.forEach((name, space) -> changed.put(name, space.withSteppedRangesAsChoices()));
        return new FamilySpace(changed);
    }

    /** {@value #FAMILY}, then every family's parameters under their prefixed names ({@code cnn.lr}). */
    @Override
    public Map<String, ParamSpec> params() {
        Map<String, ParamSpec> m = new LinkedHashMap<>(super.params());
        families.forEach((name, space) -> space.params().forEach((p, spec) -> m.put(parameterName(name, p), spec)));
        return Collections.unmodifiableMap(m);
    }

    @Override
    public String toString() {
        return "FamilySpace" + families;
    }

    /** {@code source} with every name asked under {@code prefix}. */
    private static ParamSource prefixed(ParamSource source, String prefix) {
        return new ParamSource() {
            @Override
            public double suggestFloat(String name, double low, double high, boolean log) {
                return source.suggestFloat(prefix + name, low, high, log);
            }

            @Override
            public int suggestInt(String name, int low, int high, boolean log) {
                return source.suggestInt(prefix + name, low, high, log);
            }

            @Override
            public double suggestFloat(String name, double low, double high, double step) {
                return source.suggestFloat(prefix + name, low, high, step);
            }

            @Override
            public int suggestInt(String name, int low, int high, int step) {
                return source.suggestInt(prefix + name, low, high, step);
            }

            @Override
            public <T> T suggestCategorical(String name, List<T> choices) {
                return source.suggestCategorical(prefix + name, choices);
            }

            @Override
            public Map<String, Object> params() {
                return source.params();
            }
        };
    }
}
