package org.nntune.tune.trial;

/**
 * The user's constraints on a finished trial, as Optuna's {@code constraints_func}: one value per
 * constraint, a constraint is satisfied when its value is {@code <= 0}. Given to a sampler that
 * supports constraints ({@code GPSampler}, {@code NSGAIISampler}), it is evaluated in
 * {@code Sampler.afterTrial} for COMPLETE trials (and PRUNED ones) and the values are stored in the
 * trial's system attribute {@value Constraints#ATTR}; see {@link Constraints}.
 */
@FunctionalInterface
public interface ConstraintsFunction {
    /**
     * @param trial the trial with its parameters, attributes, state and values as they will be stored
     * @return one value per constraint, each finite; {@code <= 0} means satisfied
     */
    double[] evaluate(FrozenTrial trial);
}
