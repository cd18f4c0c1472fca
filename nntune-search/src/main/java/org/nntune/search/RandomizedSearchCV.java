package org.nntune.search;

import org.nntune.tune.sampler.RandomSampler;

/**
 * scikit-learn's {@code RandomizedSearchCV} on the tuner: {@code nIter} candidates drawn at random
 * (the tuner's random sampler, seeded by the search seed) from a search space's ranges and
 * choices, each cross-validated by a {@link CrossValidatedSearch}.
 */
public final class RandomizedSearchCV {
    private RandomizedSearchCV() {}

    /** {@code nIter} random candidates of {@code space}. */
    public static CrossValidatedSearch.Builder of(SearchSpace space, int nIter) {
        return CrossValidatedSearch.builder(space).nTrials(nIter).sampler(new RandomSampler(0));
    }
}
