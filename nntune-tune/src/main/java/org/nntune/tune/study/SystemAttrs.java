package org.nntune.tune.study;

/**
 * The keys of the system attributes nntune itself writes on studies and trials, in one place so
 * that every module (tuner, storages, CLI, dashboard) reads and writes the same names. User code
 * keeps to user attributes; these are the tuner's own bookkeeping, stored with the study so that
 * any worker in any process sees it.
 */
public final class SystemAttrs {
    private SystemAttrs() {}

    // ---------------------------------------------------------------- study attributes

    /** Study: the seed the study was created with. */
    public static final String SEED = "seed";
    /** Study: the retry policy for trials whose worker died, {@code {"max_retries": N}}. */
    public static final String RETRY_POLICY = "retry_failed_trials";

    // ---------------------------------------------------------------- trial attributes

    /** Trial: the parameters fixed for an enqueued trial (a warm start or a retry), name → value. */
    public static final String FIXED_PARAMS = "fixed_params";
    /**
     * Trial: on a retry of a trial whose worker died, the number of the first attempt of the chain.
     * A retry stands in for the failed attempt before it: that attempt no longer counts in the
     * study's budget.
     */
    public static final String FAILED_TRIAL = "failed_trial";
    /** Trial: on a retry, the numbers of the earlier attempts, oldest first. */
    public static final String RETRY_HISTORY = "retry_history";
}
