package org.nntune.search;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * scikit-learn's {@code GridSearchCV} on the tuner: every point of a declarative grid
 * ({@code Map<String, List<?>>}: parameter → values) is enqueued as a trial of a
 * {@link CrossValidatedSearch}, whose trial budget is the grid's size. The grid's parameters take
 * {@link NetworkSpace}'s names or scikit-learn's aliases; for an MLP grid, the other parameters
 * are fixed ({@link MlpSpace.Builder#fixedDefaults()}, or MLPClassifier's defaults with
 * {@link #sklearn}). Points are visited with the last parameter varying fastest.
 *
 * <pre>{@code
 * SearchResult r = GridSearchCV.sklearn(Map.of(
 *         "hidden_layer_sizes", List.of(List.of(50), List.of(100), List.of(150)),
 *         "activation", List.of("tanh", "relu"))).cv(CvStrategy.stratifiedKFold(5)).build().fit(train);
 * }</pre>
 */
public final class GridSearchCV {
    private GridSearchCV() {}

    /** A grid over MLPs whose other parameters are nntune's fixed defaults. */
    public static CrossValidatedSearch.Builder of(Map<String, ? extends List<?>> grid) {
        return asGiven(NetworkSpace.grid(grid, false), grid);
    }

    /** A grid over MLPs with scikit-learn's MLPClassifier defaults and semantics for the rest. */
    public static CrossValidatedSearch.Builder sklearn(Map<String, ? extends List<?>> grid) {
        return asGiven(NetworkSpace.grid(grid, true), grid);
    }

    /** {@link #over} a space made from {@code grid}, its values given back as in the grid. */
    private static CrossValidatedSearch.Builder asGiven(NetworkSpace space, Map<String, ? extends List<?>> grid) {
        return asGiven(over(space), space.gridAxes(), grid);
    }

    /**
     * Lets the search give the grid's values back as given ({@link SearchResult#bestParams()}): the
     * space holds some in another form ({@code List.of(32, 8)} as {@code "32,8"}), axis by axis in
     * the grid's order. An axis whose length differs (repeated values) keeps the space's form.
     */
    private static CrossValidatedSearch.Builder asGiven(CrossValidatedSearch.Builder b, Map<String, List<Object>> axes,
                                                        Map<String, ? extends List<?>> grid) {
        grid.forEach((name, given) -> {
            List<Object> stored = axes.get(name);
            if (stored != null && stored.size() == given.size()) {
                for (int i = 0; i < given.size(); i++) {
                    b.passedAs(name, stored.get(i), given.get(i));
                }
            }
        });
        return b;
    }

    /** Every combination of the network space's lists of choices. */
    public static CrossValidatedSearch.Builder over(NetworkSpace space) {
        return of((SearchSpace) space, space.gridAxes());
    }

    /**
     * A grid over a network space: the grid's parameters become lists of choices in a copy of
     * {@code space} (its other parameters stay as they are: fix them for a pure grid).
     */
    public static CrossValidatedSearch.Builder of(NetworkSpace space, Map<String, ? extends List<?>> grid) {
        Map<String, Object> choices = new LinkedHashMap<>();
        grid.forEach((name, values) -> {
            if (values.isEmpty()) {
                throw new IllegalArgumentException("grid parameter '" + name + "' has no values");
            }
            choices.put(name, new ArrayList<Object>(values));
        });
        NetworkSpace gridded = space.with(choices);
        Map<String, List<Object>> axes = new LinkedHashMap<>();
        for (String name : grid.keySet()) {
            axes.put(name, gridded.gridAxes().get(name));
        }
        return asGiven(of((SearchSpace) gridded, axes), axes, grid);
    }

    /**
     * A grid over any search space: {@code grid} names the parameters the space asks for
     * (each point's values are handed to the space when it asks).
     */
    public static CrossValidatedSearch.Builder of(SearchSpace space, Map<String, ? extends List<?>> grid) {
        List<Map<String, Object>> points = points(grid);
        CrossValidatedSearch.Builder b = CrossValidatedSearch.builder(space).nTrials(points.size());
        for (Map<String, Object> p : points) {
            b.enqueue(p);
        }
        return b;
    }

    /** The grid's points, last parameter varying fastest. */
    static List<Map<String, Object>> points(Map<String, ? extends List<?>> grid) {
        if (grid.isEmpty()) {
            throw new IllegalArgumentException("a grid needs at least one parameter with values");
        }
        List<Map<String, Object>> points = new ArrayList<>();
        points.add(new LinkedHashMap<>());
        for (Map.Entry<String, ? extends List<?>> e : grid.entrySet()) {
            if (e.getValue().isEmpty()) {
                throw new IllegalArgumentException("grid parameter '" + e.getKey() + "' has no values");
            }
            List<Map<String, Object>> next = new ArrayList<>();
            for (Map<String, Object> p : points) {
                for (Object v : e.getValue()) {
                    Map<String, Object> q = new LinkedHashMap<>(p);
                    q.put(e.getKey(), v);
                    next.add(q);
                }
            }
            points = next;
        }
        return points;
    }
}
