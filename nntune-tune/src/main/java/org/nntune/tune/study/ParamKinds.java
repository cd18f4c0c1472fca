package org.nntune.tune.study;

import org.nntune.tune.space.CategoricalDistribution;
import org.nntune.tune.space.Distribution;
import org.nntune.tune.trial.FrozenTrial;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The kind of distribution each parameter name has in a study (float, int, categorical with its
 * choices), learned from the first trial that asked for it; a name keeps its kind across the study,
 * while ranges may differ from trial to trial. Thread-safe.
 */
final class ParamKinds {
    private final String studyName;
    private final Supplier<List<FrozenTrial>> trials;
    private final Map<String, Distribution> kinds = new ConcurrentHashMap<>();

    ParamKinds(String studyName, Supplier<List<FrozenTrial>> trials) {
        this.studyName = studyName;
        this.trials = trials;
    }

    /**
     * The categorical distribution over {@code choices} for {@code param}: the one this study saw
     * first for that name when the choices are the same (the common case, which then skips
     * validating and normalising the choices again), else a new one.
     */
    CategoricalDistribution categorical(String param, List<?> choices) {
        if (kinds.get(param) instanceof CategoricalDistribution known && sameChoices(known.choices(), choices)) {
            return known; // equal to the normalised list, so the choices were normal already
        }
        return new CategoricalDistribution(new ArrayList<>(choices));
    }

    /** {@code known.equals(asked)} for short lists, by index: no iterators per suggestion. */
    private static boolean sameChoices(List<?> known, List<?> asked) {
        int n = known.size();
        if (asked.size() != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (!known.get(i).equals(asked.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** The distribution the first trial that asked for {@code param} asked it with, if a trial did. */
    java.util.Optional<Distribution> known(String param) {
        Distribution first = kinds.get(param);
        if (first == null) {
            for (FrozenTrial t : trials.get()) {
                Distribution seen = t.distributions().get(param);
                if (seen != null) {
                    kinds.putIfAbsent(param, seen);
                    return java.util.Optional.of(kinds.get(param));
                }
            }
        }
        return java.util.Optional.ofNullable(first);
    }

    /**
     * Checks that a parameter keeps its kind of distribution across the study (float, int,
     * categorical with the same choices); ranges may differ from trial to trial.
     *
     * @throws IncompatibleParameterException when {@code d} is of another kind
     */
    void checkCompatible(String param, Distribution d) {
        Distribution first = known(param).orElse(d);
        kinds.putIfAbsent(param, first);
        boolean ok = first == d || first.getClass() == d.getClass()
                && (!(d instanceof CategoricalDistribution c) || c.equals(first));
        if (!ok) {
            throw new IncompatibleParameterException(studyName, param, first, d);
        }
    }
}
