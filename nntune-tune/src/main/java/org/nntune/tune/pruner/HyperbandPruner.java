package org.nntune.tune.pruner;

import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyView;
import org.nntune.tune.trial.TrialState;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Hyperband (Li et al. 2017) on top of ASHA, as Optuna's {@code HyperbandPruner}: the trials are
 * spread over {@code floor(log_rf(maxResource / minResource)) + 1} brackets, bracket {@code s}
 * running {@link SuccessiveHalvingPruner} with early-stopping rate {@code s}, and each bracket's
 * trials compete only with each other. A trial's bracket is a hash of the study name and trial
 * number (CRC-32, as Optuna), weighted by the brackets' budgets, so every worker agrees on it.
 */
public final class HyperbandPruner implements Pruner {
    private final int minResource;
    private final int maxResourceSetting; // 0: auto
    private final int reductionFactor;
    private final int bootstrapCount;
    private volatile Brackets brackets;

    private record Brackets(List<SuccessiveHalvingPruner> pruners, int[] budgets, int total) {}

    /** Optuna's default {@code minResource}: the most aggressive bracket's first rung is at step 1. */
    public static final int DEFAULT_MIN_RESOURCE = 1;
    /** Optuna's default {@code maxResource}: 0, "auto" (the longest COMPLETE trial's last step + 1). */
    public static final int DEFAULT_MAX_RESOURCE = 0;
    /** Optuna's default {@code reductionFactor}: a third of a rung's trials go on to the next. */
    public static final int DEFAULT_REDUCTION_FACTOR = 3;

    /**
     * A Hyperband pruner with every setting given.
     *
     * @param minResource {@code >= 1}: steps before the first rung of the most aggressive bracket
     *     (default {@value #DEFAULT_MIN_RESOURCE}, as Optuna)
     * @param maxResource the steps of a full trial ({@code >= minResource}), or 0 for "auto": the
     *     longest COMPLETE trial's last step + 1, known once a trial is COMPLETE (default
     *     {@value #DEFAULT_MAX_RESOURCE}, auto)
     * @param reductionFactor {@code >= 2}: each rung keeps the top 1/reductionFactor of its trials, and
     *     the number of brackets is {@code floor(log_reductionFactor(maxResource / minResource)) + 1}
     *     (default {@value #DEFAULT_REDUCTION_FACTOR})
     * @param bootstrapCount values a rung must hold before it promotes anybody, in every bracket (see
     *     {@link SuccessiveHalvingPruner}; default 0)
     * @throws IllegalArgumentException if a setting is out of its range
     */
    public HyperbandPruner(int minResource, int maxResource, int reductionFactor, int bootstrapCount) {
        if (minResource < 1) {
            throw new IllegalArgumentException("minResource must be >= 1, got " + minResource);
        }
        if (maxResource != 0 && maxResource < minResource) {
            throw new IllegalArgumentException("maxResource " + maxResource + " must be >= minResource " + minResource
                    + " (or 0 for auto)");
        }
        if (reductionFactor < 2) {
            throw new IllegalArgumentException("reductionFactor must be >= 2, got " + reductionFactor);
        }
        this.minResource = minResource;
        this.maxResourceSetting = maxResource;
        this.reductionFactor = reductionFactor;
        this.bootstrapCount = bootstrapCount;
    }

    /** A Hyperband pruner with Optuna's defaults: min resource 1, auto max resource, reduction factor 3, no bootstrap. */
    public HyperbandPruner() {
        this(DEFAULT_MIN_RESOURCE, DEFAULT_MAX_RESOURCE, DEFAULT_REDUCTION_FACTOR, 0);
    }

    private Brackets brackets(StudyView study) {
        Brackets b = brackets;
        if (b != null) {
            return b;
        }
        int max = maxResourceSetting;
        if (max == 0) {
            int last = -1;
            for (FrozenTrial t : study.trials(EnumSet.of(TrialState.COMPLETE))) {
                if (t.lastStep().isPresent()) {
                    last = Math.max(last, t.lastStep().getAsInt());
                }
            }
            if (last < 0) {
                return null;
            }
            max = last + 1;
        }
        int n = (int) Math.floor(Math.log((double) max / minResource) / Math.log(reductionFactor) + 1e-12) + 1;
        List<SuccessiveHalvingPruner> pruners = new ArrayList<>();
        int[] budgets = new int[n];
        int total = 0;
        for (int id = 0; id < n; id++) {
            int s = n - 1 - id;
            budgets[id] = (int) Math.ceil(n * Math.pow(reductionFactor, s) / (s + 1));
            total += budgets[id];
            pruners.add(new SuccessiveHalvingPruner(minResource, reductionFactor, id, bootstrapCount));
        }
        b = new Brackets(List.copyOf(pruners), budgets, total);
        brackets = b;
        return b;
    }

    /** @return the number of brackets, once known (0 before) */
    public int bracketCount(StudyView study) {
        Brackets b = brackets(study);
        return b == null ? 0 : b.pruners.size();
    }

    /** @return the bracket of a trial (0 while the brackets are not known yet) */
    public int bracketOf(StudyView study, int trialNumber) {
        Brackets b = brackets(study);
        if (b == null) {
            return 0;
        }
        CRC32 crc = new CRC32();
        crc.update((study.name() + "_" + trialNumber).getBytes(StandardCharsets.UTF_8));
        long n = crc.getValue() % b.total;
        for (int id = 0; id < b.budgets.length; id++) {
            n -= b.budgets[id];
            if (n < 0) {
                return id;
            }
        }
        throw new AssertionError("bracket budgets do not add up");
    }

    @Override
    public boolean prune(StudyView study, FrozenTrial trial) {
        Brackets b = brackets(study);
        if (b == null) {
            return false;
        }
        int bracket = bracketOf(study, trial.number());
        List<FrozenTrial> same = new ArrayList<>();
        for (FrozenTrial t : study.trials()) {
            if (bracketOf(study, t.number()) == bracket) {
                same.add(t);
            }
        }
        return b.pruners.get(bracket).prune(study, trial, same);
    }
}
