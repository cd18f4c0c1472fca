package org.nntune.tune.pruner;

import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyView;

/**
 * Decides whether a RUNNING trial should stop early, from the intermediate values it and the
 * other trials reported ({@code trial.report(step, value)}). Asked by {@code trial.shouldPrune()}.
 * A pruner keeps no state the storage cannot rebuild and is safe to call from several threads.
 */
@FunctionalInterface
public interface Pruner {

    /**
     * @param trial the RUNNING trial as it is now, with its intermediate values
     * @return whether it should be pruned
     */
    boolean prune(StudyView study, FrozenTrial trial);

    /** The pruner that never prunes. */
    static Pruner none() {
        return (study, trial) -> false;
    }
}
