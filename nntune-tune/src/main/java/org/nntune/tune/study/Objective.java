package org.nntune.tune.study;

/**
 * A single-objective function to optimise: it asks the {@link Trial} for parameter values
 * (define-by-run), may report intermediate values and stop early by throwing
 * {@link TrialPrunedException}, and returns the value. Throwing any other exception, or returning
 * NaN or an infinity, makes the trial FAIL with the reason recorded.
 */
@FunctionalInterface
public interface Objective {
    /** @return the objective value of the parameters the trial suggested */
    double evaluate(Trial trial) throws Exception;
}
