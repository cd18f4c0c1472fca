package org.nntune.tune.study;

/**
 * An objective with several values, one per study direction; otherwise like {@link Objective}.
 */
@FunctionalInterface
public interface MultiObjective {
    /** @return one value per direction of the study */
    double[] evaluate(Trial trial) throws Exception;
}
