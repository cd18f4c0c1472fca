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
    private final Map<String, Map<Object, Object>> passed;
    private final Estimator refitted;
    private final double refitSeconds;
    private final Estimator bestTrialEstimator;
    private final double searchSeconds;

    SearchResult(Study study, CvResults results, Scorer scorer, CvResults.Row best, Map<String, Map<Object, Object>> passed,
                 Estimator refitted, double refitSeconds, Estimator bestTrialEstimator, double searchSeconds) {
        this.study = study;
        this.results = results;
        this.scorer = scorer;
        this.best = best;
        this.passed = passed;
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

    /** @return the scorer the candidates were ranked by: its name and direction */
    public Scorer scorer() {
        return scorer;
    }

    /** The rank-1 candidate's row. */
    public CvResults.Row bestRow() {
        return best;
    }

    /**
     * The best candidate's searched parameters (scikit-learn's best_params_), each value as it was
     * given: a {@link GridSearchCV} grid's {@code hidden_layer_sizes} of {@code List.of(32, 8)} comes
     * back as that list, where the trial ({@link #study()}) and {@link #bestRow()} hold its text
     * {@code "32,8"}, the form the network space reads.
     */
    public Map<String, Object> bestParams() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        best.params().forEach((name, value) -> m.put(name, passed.getOrDefault(name, Map.of()).getOrDefault(sameKey(value), value)));
        return java.util.Collections.unmodifiableMap(m);
    }

    /** A parameter value as a key that a storage's round trip keeps: whole numbers as Long, others as Double. */
    static Object sameKey(Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        return value instanceof Float f ? Double.valueOf(f) : value;
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

    /**
     * A summary: the best candidate (its mean score ± deviation over the splits and its
     * parameters), the candidates by state, whether the best was refitted, and the time spent,
     * e.g. {@code SearchResult[study 'search': best candidate 3, accuracy 0.9667 ± 0.0211 over 5 splits,
     * {lr=0.01}; 10 candidates: 9 COMPLETE, 1 PRUNED; refitted in 0.4 s; search 12.3 s]}.
     */
    @Override
    public String toString() {
        Map<org.nntune.tune.trial.TrialState, Long> states = new java.util.TreeMap<>();
        for (CvResults.Row r : results.rows()) {
            states.merge(r.state(), 1L, Long::sum);
        }
        StringBuilder byState = new StringBuilder();
        states.forEach((state, n) -> byState.append(byState.length() == 0 ? "" : ", ").append(n).append(' ').append(state));
        return String.format(java.util.Locale.ROOT, "SearchResult[study '%s': best candidate %d, %s %.4f ± %.4f over %d splits, %s;"
                        + " %d candidates: %s; %s; search %.1f s]", study.name(), best.candidate(), scorer.name(), best.meanScore(),
                best.stdScore(), results.splits(), best.params(), results.rows().size(), byState,
                refitted == null ? "not refitted" : String.format(java.util.Locale.ROOT, "refitted in %.1f s", refitSeconds), searchSeconds);
    }
}
