package org.nntune.search;

/**
 * Called by an iterative estimator after each training epoch, on the training thread, while the
 * estimator can already predict with its current weights. Cross-validation uses it to score the
 * fold's held-out part and report to the tuner's pruner.
 */
@FunctionalInterface
public interface EpochHook {

    /** Nothing to do after an epoch. */
    EpochHook NONE = epoch -> true;

    /**
     * @param epoch the epoch just finished, 1-based
     * @return whether training should go on; false stops it after this epoch
     */
    boolean afterEpoch(int epoch);

    /**
     * Training starts: the network is built and its first epoch begins (so that a hook timing
     * epochs does not count the building in the first).
     */
    default void started() {}
}
