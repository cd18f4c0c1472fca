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

    /**
     * Random candidates of {@code space} (a network space) for as long as {@code budget} allows, in
     * its time-budget mode ({@link TimeBudget}): Hyperband brackets over epochs, then the refit of
     * the best candidate inside the budget. ({@link CrossValidatedSearch#builder} with
     * {@code timeBudget} and no sampler draws the candidates with TPE instead.)
     */
    public static CrossValidatedSearch.Builder within(SearchSpace space, TimeBudget budget) {
        return CrossValidatedSearch.builder(space).sampler(new RandomSampler(0)).timeBudget(budget);
    }
}
