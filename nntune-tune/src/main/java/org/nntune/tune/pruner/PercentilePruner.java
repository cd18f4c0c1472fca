package org.nntune.tune.pruner;

import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.StudyView;
import org.nntune.tune.trial.TrialState;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;

/**
 * Prunes a trial whose best intermediate value so far is worse than the given percentile of the
 * COMPLETE trials' values at the same step (Optuna's {@code PercentilePruner}).
 *
 * <p>It never prunes: before {@code nStartupTrials} trials are COMPLETE; at steps below
 * {@code nWarmupSteps}; except at the first report in each window of {@code intervalSteps} steps
 * after the warm-up; or when fewer than {@code nMinTrials} COMPLETE trials reported the step. A
 * trial whose intermediate values are all NaN is pruned.
 */
public class PercentilePruner implements Pruner {
    private final double percentile;
    private final int nStartupTrials;
    private final int nWarmupSteps;
    private final int intervalSteps;
    private final int nMinTrials;

    /** Optuna's default {@code nStartupTrials}: nothing is pruned before 5 trials are COMPLETE. */
    public static final int DEFAULT_STARTUP_TRIALS = 5;
    /** Optuna's default {@code nWarmupSteps}: no warm-up, a trial may be pruned from its first report. */
    public static final int DEFAULT_WARMUP_STEPS = 0;
    /** Optuna's default {@code intervalSteps}: a pruning check at every step. */
    public static final int DEFAULT_INTERVAL_STEPS = 1;
    /** Optuna's default {@code nMinTrials}: one COMPLETE trial that reported the step is enough to compare with. */
    public static final int DEFAULT_MIN_TRIALS = 1;

    /**
     * A percentile pruner with every setting given.
     *
     * @param percentile in [0, 100]: a trial is pruned when its best value so far is worse than this
     *     percentile of the COMPLETE trials' values at its step (25 keeps the best quarter, 50 is the
     *     median: {@link MedianPruner}); no default
     * @param nStartupTrials {@code >= 0}: COMPLETE trials needed before anything is pruned (default
     *     {@value #DEFAULT_STARTUP_TRIALS}, as Optuna)
     * @param nWarmupSteps {@code >= 0}: steps of each trial that are never pruned (default
     *     {@value #DEFAULT_WARMUP_STEPS})
     * @param intervalSteps {@code >= 1}: steps between pruning checks after the warm-up (default
     *     {@value #DEFAULT_INTERVAL_STEPS}: every step)
     * @param nMinTrials {@code >= 1}: COMPLETE trials that must have reported a step before a trial
     *     can be pruned there (default {@value #DEFAULT_MIN_TRIALS})
     * @throws IllegalArgumentException if a setting is out of its range
     */
    public PercentilePruner(double percentile, int nStartupTrials, int nWarmupSteps, int intervalSteps, int nMinTrials) {
        if (!(percentile >= 0 && percentile <= 100)) {
            throw new IllegalArgumentException("percentile must be in [0, 100], got " + percentile);
        }
        if (nStartupTrials < 0 || nWarmupSteps < 0) {
            throw new IllegalArgumentException("nStartupTrials and nWarmupSteps must be >= 0, got "
                    + nStartupTrials + " and " + nWarmupSteps);
        }
        if (intervalSteps < 1 || nMinTrials < 1) {
            throw new IllegalArgumentException("intervalSteps and nMinTrials must be >= 1, got "
                    + intervalSteps + " and " + nMinTrials);
        }
        this.percentile = percentile;
        this.nStartupTrials = nStartupTrials;
        this.nWarmupSteps = nWarmupSteps;
        this.intervalSteps = intervalSteps;
        this.nMinTrials = nMinTrials;
    }

    /**
     * A percentile pruner with Optuna's defaults: 5 start-up trials, no warm-up, a check every step,
     * 1 trial minimum.
     *
     * @param percentile in [0, 100]: see {@link #PercentilePruner(double, int, int, int, int)}
     */
    public PercentilePruner(double percentile) {
        this(percentile, DEFAULT_STARTUP_TRIALS, DEFAULT_WARMUP_STEPS, DEFAULT_INTERVAL_STEPS, DEFAULT_MIN_TRIALS);
    }

    @Override
    public boolean prune(StudyView study, FrozenTrial trial) {
        if (trial.lastStep().isEmpty()) {
            return false;
        }
        int step = trial.lastStep().getAsInt();
        if (step < nWarmupSteps || !firstInInterval(step, trial)) {
            return false;
        }
        List<FrozenTrial> complete = study.trials(EnumSet.of(TrialState.COMPLETE));
        if (complete.isEmpty() || complete.size() < nStartupTrials) {
            return false;
        }
        StudyDirection direction = study.direction();
        double best = bestIntermediate(trial, direction);
        if (Double.isNaN(best)) {
            return true;
        }
        double[] atStep = complete.stream().map(t -> t.intermediateValues().get(step))
                .filter(v -> v != null && !Double.isNaN(v)).mapToDouble(Double::doubleValue).toArray();
        if (atStep.length < nMinTrials || atStep.length == 0) {
            return false;
        }
        double q = percentileOf(atStep, direction == StudyDirection.MAXIMIZE ? 100 - percentile : percentile);
        return direction == StudyDirection.MAXIMIZE ? best < q : best > q;
    }

    private boolean firstInInterval(int step, FrozenTrial trial) {
        int nearestLowerPruningStep = Math.floorDiv(step - nWarmupSteps, intervalSteps) * intervalSteps + nWarmupSteps;
        int secondLast = -1;
        for (int s : trial.intermediateValues().keySet()) {
            if (s > secondLast && s != step) {
                secondLast = s;
            }
        }
        return secondLast < nearestLowerPruningStep;
    }

    /** The best intermediate value of a trial, ignoring NaN; NaN if there is none. */
    static double bestIntermediate(FrozenTrial trial, StudyDirection direction) {
        double best = Double.NaN;
        for (double v : trial.intermediateValues().values()) {
            if (!Double.isNaN(v) && (Double.isNaN(best) || direction.isBetter(v, best))) {
                best = v;
            }
        }
        return best;
    }

    /** The q-th percentile with linear interpolation between order statistics (numpy's default). */
    static double percentileOf(double[] values, double q) {
        double[] s = values.clone();
        Arrays.sort(s);
        double pos = q / 100.0 * (s.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(s.length - 1, lo + 1);
        return s[lo] + (pos - lo) * (s[hi] - s[lo]);
    }
}
