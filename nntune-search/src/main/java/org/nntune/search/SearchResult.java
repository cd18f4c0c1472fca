package org.nntune.search;

import org.nntune.nn.data.Dataset;
import org.nntune.tune.study.Study;

import java.util.Map;
import java.util.Optional;

/**
 * What a {@link CrossValidatedSearch} found: the results table, the best candidate (parameters,
 * mean cross-validated score, trial number), the best configuration refitted on all training rows
 * (when refit is on), the best trial's own fitted model (when asked for, with a single split),
 * and the tuner study that ran it.
 */
public final class SearchResult {
    private final Study study;
    private final CvResults results;
    private final Scorer scorer;
    private final CvResults.Row best;
    private final Estimator refitted;
    private final double refitSeconds;
    private final Estimator bestTrialEstimator;
    private final double searchSeconds;

    SearchResult(Study study, CvResults results, Scorer scorer, CvResults.Row best, Estimator refitted, double refitSeconds,
                 Estimator bestTrialEstimator, double searchSeconds) {
        this.study = study;
        this.results = results;
        this.scorer = scorer;
        this.best = best;
        this.refitted = refitted;
        this.refitSeconds = refitSeconds;
        this.bestTrialEstimator = bestTrialEstimator;
        this.searchSeconds = searchSeconds;
    }

    /** The tuner study (its storage holds every trial, its parameters and intermediate values). */
    public Study study() {
        return study;
    }

    /** One row per candidate, like scikit-learn's cv_results_. */
    public CvResults cvResults() {
        return results;
    }

    public Scorer scorer() {
        return scorer;
    }

    /** The rank-1 candidate's row. */
    public CvResults.Row bestRow() {
        return best;
    }

    /** The best candidate's searched parameters (scikit-learn's best_params_). */
    public Map<String, Object> bestParams() {
        return best.params();
    }

    /** The best candidate's mean held-out score (scikit-learn's best_score_). */
    public double bestScore() {
        return best.meanScore();
    }

    /** The best candidate's trial number (scikit-learn's best_index_ in trial order). */
    public int bestCandidate() {
        return best.candidate();
    }

    /**
     * The best configuration refitted on all training rows (scikit-learn's best_estimator_);
     * an error when the search ran without refit.
     */
    public Estimator bestEstimator() {
        if (refitted == null) {
            throw new IllegalStateException("the search ran with refit(false): there is no refitted best estimator");
        }
        return refitted;
    }

    /** Seconds the refit took (0 without refit). */
    public double refitSeconds() {
        return refitSeconds;
    }

    /** Wall seconds of the search, refit excluded. */
    public double searchSeconds() {
        return searchSeconds;
    }

    /**
     * The best trial's own fitted model (trained on the split's training part only), kept when the
     * search was built with {@code keepBestTrialModel(true)} and a single split.
     */
    public Optional<Estimator> bestTrialEstimator() {
        return Optional.ofNullable(bestTrialEstimator);
    }

    /** The refitted best estimator's score on {@code test} with the search's scorer. */
    public double score(Dataset test) {
        return scorer.score(bestEstimator(), test);
    }
}
