package org.nntune.search;

import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.Task;

/**
 * A model with its preprocessing, in the manner of scikit-learn's estimators: {@link #fit} learns
 * everything — the preprocessing's parameters included — from the training set it is given and
 * nothing else, so inside cross-validation a fold's held-out rows never influence its model.
 * nntune's networks are the built-in one ({@link NetworkEstimator}); any other model can take part
 * in a search by implementing this interface.
 *
 * <p>One instance is one configuration: a search makes a new estimator for every trial and fold.
 * {@code fit} replaces any earlier fit. An estimator is used by one thread at a time.
 */
public interface Estimator {

    /** Fits on {@code train} (preprocessing included); returns this estimator. */
    default Estimator fit(Dataset train) {
        return fit(train, EpochHook.NONE);
    }

    /**
     * Fits on {@code train}, calling {@code hook} after every epoch of an iterative model (never for
     * a model fitted in one go); training stops early when the hook returns false.
     */
    Estimator fit(Dataset train, EpochHook hook);

    /** The predicted class of every row (classification). */
    int[] predict(Dataset data);

    /** Class probabilities, one row of {@code classCount} per example (classification). */
    float[][] predictProba(Dataset data);

    /** The predicted target values, one row per example (regression). */
    float[][] predictValues(Dataset data);

    /** The default score: accuracy for a classification set, R² for a regression set (higher is better). */
    default double score(Dataset data) {
        return (data.task() == Task.CLASSIFICATION ? Scorer.accuracy() : Scorer.r2()).score(this, data);
    }

    /** Epochs the last fit ran (1 for a model fitted in one go). */
    default int epochsTrained() {
        return 1;
    }

    /**
     * The hyperparameters the last fit adapted itself during training (a learning rate by
     * hypergradient descent, an L2 by implicit differentiation), by name, one value per epoch;
     * empty for an estimator that adapts nothing (the default).
     */
    default java.util.Map<String, java.util.List<Double>> adaptedTrajectory() {
        return java.util.Map.of();
    }

    /** The configuration as parameter name → value, for results and provenance. */
    java.util.Map<String, Object> describe();

    /**
     * A value equal for two estimators exactly when fitting them on the same rows gives the same
     * model (same effective configuration, same seed), or empty when unknown. A search fits such
     * twins once and reuses the scores.
     */
    default java.util.Optional<Object> fitKey() {
        return java.util.Optional.empty();
    }

    /**
     * Writes the fitted model to {@code file}. {@link NetworkEstimator} writes its network and
     * preprocessing in nntune's model file format ({@code Sequential.load} reads it back), so
     * {@code result.bestEstimator().save(path)} needs no cast; an estimator that cannot be saved
     * (the default) says so.
     *
     * @throws UnsupportedOperationException if this estimator has no file format
     * @throws IllegalStateException         if it has not been fitted
     */
    default void save(java.nio.file.Path file) throws java.io.IOException {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot save its model to " + file
                + "; only estimators with a file format (NetworkEstimator) can");
    }

    /** Drops the fitted model so that its memory can be reclaimed; the estimator must be fitted again to predict. */
    default void release() {}
}
