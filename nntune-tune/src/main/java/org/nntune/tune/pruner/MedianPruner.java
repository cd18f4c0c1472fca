package org.nntune.tune.pruner;

/**
 * Prunes a trial whose best intermediate value so far is worse than the median of the COMPLETE
 * trials' values at the same step: {@link PercentilePruner} at 50.
 */
public final class MedianPruner extends PercentilePruner {
    /** @see PercentilePruner#PercentilePruner(double, int, int, int, int) */
    public MedianPruner(int nStartupTrials, int nWarmupSteps, int intervalSteps, int nMinTrials) {
        super(50, nStartupTrials, nWarmupSteps, intervalSteps, nMinTrials);
    }

    /** With Optuna's defaults: 5 start-up trials, no warm-up, interval 1, 1 trial minimum. */
    public MedianPruner() {
        this(DEFAULT_STARTUP_TRIALS, DEFAULT_WARMUP_STEPS, DEFAULT_INTERVAL_STEPS, DEFAULT_MIN_TRIALS);
    }
}
