package org.nntune.tune.trial;

/**
 * The life of a trial: {@code WAITING} (enqueued, not started) → {@code RUNNING} → one of the
 * finished states {@code COMPLETE}, {@code PRUNED} or {@code FAIL}. A finished trial never changes.
 */
public enum TrialState {
    /** Being evaluated by exactly one worker. */
    RUNNING,
    /** Finished with its objective value(s). */
    COMPLETE,
    /** Stopped early by a pruner; its values (if any) are its last intermediate value. */
    PRUNED,
    /** The objective threw, returned NaN/infinity, or the worker died or was interrupted. */
    FAIL,
    /** Queued (e.g. by {@code enqueueTrial}) and waiting for a worker to claim it. */
    WAITING;

    /** @return whether this is COMPLETE, PRUNED or FAIL */
    public boolean isFinished() {
        return this == COMPLETE || this == PRUNED || this == FAIL;
    }
}
