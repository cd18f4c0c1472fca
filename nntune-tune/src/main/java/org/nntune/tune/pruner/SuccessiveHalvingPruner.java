package org.nntune.tune.pruner;

import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.StudyView;
import org.nntune.tune.trial.SystemAttrs;
import org.nntune.tune.trial.TrialState;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Asynchronous successive halving (ASHA, Li et al. 2018; Optuna's {@code SuccessiveHalvingPruner}).
 * Rung {@code r} is reached at step {@code minResource × reductionFactor^(minEarlyStoppingRate + r)};
 * a trial reaching a rung is kept only if its value there is among the top {@code 1/reductionFactor}
 * of the values recorded at that rung so far (by any trial), else pruned. Rung values are stored
 * in the trial's system attributes {@code completed_rung_r}, so the state lives in the storage.
 * Nothing is pruned before the first rung's step (its warm-up).
 */
public class SuccessiveHalvingPruner implements Pruner {
    private static final String RUNG_PREFIX = SystemAttrs.RUNG_PREFIX;
    private final int minResourceSetting; // 0: auto
    private final int reductionFactor;
    private final int minEarlyStoppingRate;
    private final int bootstrapCount;
    private volatile int minResource;

    /** Optuna's default {@code minResource}: 0, "auto" (1% of the longest COMPLETE trial's steps, at least 1). */
    public static final int DEFAULT_MIN_RESOURCE = 0;
    /** Optuna's default {@code reductionFactor}: a quarter of a rung's trials go on to the next. */
    public static final int DEFAULT_REDUCTION_FACTOR = 4;
    /** Optuna's default {@code minEarlyStoppingRate}: the first rung is at {@code minResource} steps. */
    public static final int DEFAULT_MIN_EARLY_STOPPING_RATE = 0;

    /**
     * A successive-halving pruner with every setting given.
     *
     * @param minResource {@code >= 1}: the steps before the first rung, or 0 for "auto": 1% of the
     *     longest COMPLETE trial's steps, at least 1, known once a trial is COMPLETE (default
     *     {@value #DEFAULT_MIN_RESOURCE}, auto, as Optuna)
     * @param reductionFactor {@code >= 2}: the top 1/reductionFactor of a rung's values are promoted,
     *     and each rung is reductionFactor times further than the one before (default
     *     {@value #DEFAULT_REDUCTION_FACTOR})
     * @param minEarlyStoppingRate {@code >= 0}: moves the first rung to
     *     {@code minResource × reductionFactor^minEarlyStoppingRate} steps (default
     *     {@value #DEFAULT_MIN_EARLY_STOPPING_RATE})
     * @param bootstrapCount {@code >= 0}: values a rung must hold before it promotes anybody; needs an
     *     explicit {@code minResource} (default 0)
     * @throws IllegalArgumentException if a setting is out of its range
     */
    public SuccessiveHalvingPruner(int minResource, int reductionFactor, int minEarlyStoppingRate, int bootstrapCount) {
        if (minResource < 0) {
            throw new IllegalArgumentException("minResource must be >= 1, or 0 for auto, got " + minResource);
        }
        if (reductionFactor < 2) {
            throw new IllegalArgumentException("reductionFactor must be >= 2, got " + reductionFactor);
        }
        if (minEarlyStoppingRate < 0 || bootstrapCount < 0) {
            throw new IllegalArgumentException("minEarlyStoppingRate and bootstrapCount must be >= 0, got "
                    + minEarlyStoppingRate + " and " + bootstrapCount);
        }
        if (bootstrapCount > 0 && minResource == 0) {
            throw new IllegalArgumentException("bootstrapCount > 0 needs an explicit minResource (not auto)");
        }
        this.minResourceSetting = minResource;
        this.minResource = minResource;
        this.reductionFactor = reductionFactor;
        this.minEarlyStoppingRate = minEarlyStoppingRate;
        this.bootstrapCount = bootstrapCount;
    }

    /** A successive-halving pruner with Optuna's defaults: auto min resource, reduction factor 4, rate 0, no bootstrap. */
    public SuccessiveHalvingPruner() {
        this(DEFAULT_MIN_RESOURCE, DEFAULT_REDUCTION_FACTOR, DEFAULT_MIN_EARLY_STOPPING_RATE, 0);
    }

    @Override
    public boolean prune(StudyView study, FrozenTrial trial) {
        return prune(study, trial, study.trials());
    }

    /** ASHA over the given competing trials (Hyperband passes one bracket's trials). */
    boolean prune(StudyView study, FrozenTrial trial, List<FrozenTrial> trials) {
        if (trial.lastStep().isEmpty()) {
            return false;
        }
        int step = trial.lastStep().getAsInt();
        double value = trial.intermediateValues().get(step);
        FrozenTrial fresh = study.trial(trial.trialId()); // rungs written by earlier calls
        int rung = 0;
        while (fresh.systemAttrs().containsKey(RUNG_PREFIX + rung)) {
            rung++;
        }
        while (true) {
            int min = minResource;
            if (min == 0) {
                min = estimateMinResource(trials);
                if (min == 0) {
                    return false;
                }
                minResource = min;
            }
            double promotionStep = min * Math.pow(reductionFactor, minEarlyStoppingRate + rung);
            if (step < promotionStep) {
                return false;
            }
            if (Double.isNaN(value)) {
                return true;
            }
            String key = RUNG_PREFIX + rung;
            study.setTrialSystemAttr(trial.trialId(), key, value);
            List<Double> competing = new ArrayList<>();
            for (FrozenTrial t : trials) {
                if (t.trialId() != trial.trialId() && t.systemAttrs().get(key) instanceof Number n) {
                    competing.add(n.doubleValue());
                }
            }
            competing.add(value);
            if (competing.size() <= bootstrapCount) {
                return true;
            }
            if (!promotable(value, competing, study.direction())) {
                return true;
            }
            rung++;
        }
    }

    private boolean promotable(double value, List<Double> competing, StudyDirection direction) {
        int idx = competing.size() / reductionFactor - 1;
        if (idx == -1) {
            idx = 0;
        }
        Collections.sort(competing);
        if (direction == StudyDirection.MAXIMIZE) {
            return value >= competing.get(competing.size() - 1 - idx);
        }
        return value <= competing.get(idx);
    }

    private static int estimateMinResource(List<FrozenTrial> trials) {
        int last = -1;
        for (FrozenTrial t : trials) {
            if (t.state() == TrialState.COMPLETE && t.lastStep().isPresent()) {
                last = Math.max(last, t.lastStep().getAsInt());
            }
        }
        return last < 0 ? 0 : Math.max(last / 100, 1);
    }

    /** @return the configured min resource (0: auto) */
    int minResourceSetting() {
        return minResourceSetting;
    }
}
