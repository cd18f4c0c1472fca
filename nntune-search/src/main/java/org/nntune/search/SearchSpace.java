package org.nntune.search;

/**
 * A family of estimators: it asks its {@link ParamSource} for values (define-by-run, so
 * conditional parameters are plain {@code if}s) and returns the unfitted estimator they describe.
 * Network spaces ({@link MlpSpace}, {@link CnnSpace}) are the built-in ones; a lambda over any
 * {@link Estimator} is one too:
 *
 * <pre>{@code
 * SearchSpace space = (p, seed) -> new MyEstimator(p.suggestFloat("c", 1e-3, 1e3, true));
 * }</pre>
 *
 * The same space serves the tuner's trials ({@link ParamSource#of}) and the refit of the best
 * parameters ({@link ParamSource#fixed}).
 */
@FunctionalInterface
public interface SearchSpace {

    /**
     * @param params where the values come from
     * @param seed   the seed the estimator uses for its random draws (weights, shuffles)
     * @return a new, unfitted estimator
     */
    Estimator suggest(ParamSource params, long seed);
}
