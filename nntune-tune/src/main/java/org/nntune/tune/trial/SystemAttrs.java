package org.nntune.tune.trial;

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
    /** Study: the definition the study was started from (e.g. a study file), so that workers can join it. */
    public static final String STUDY_DEFINITION = "study_definition";
    /** Study: the fingerprint of the data the study was started with; workers with other data refuse. */
    public static final String DATA_FINGERPRINT = "data_fingerprint";
    /** Study, prefix: {@code grid:P} holds the number of the trial that claimed grid point P. */
    public static final String GRID_CLAIM_PREFIX = "grid:";
    /**
     * Study: the model file written for the best configuration, {@code {"trial": N, "path": P, "train_rows": R}}
     * and, when the data had a test part, {@code "test_metric"}, {@code "test_score"}, {@code "test_rows"}: the
     * refit of trial N's parameters on R rows that a run saved at P (only the best configuration is saved).
     */
    public static final String BEST_MODEL = "best_model";
    /**
     * Study: a forecasting study's naive baselines, scored in the study's metric on the same windows as the best
     * trial (its validation part) and the refitted model (the test part), which a forecaster must beat:
     * {@code {"metric": M, "persistence_validation": V, "persistence_test": T}} (the last value repeated for every
     * step), and with a season {@code "season": S, "seasonal_validation": V, "seasonal_test": T} (the value one
     * season back); a part's key is absent when the data had no such part.
     */
    public static final String NAIVE_BASELINE = "naive_baseline";
    /**
     * Study: present while the study is being copied into this storage ({@code nntune copy}, {@code StudyCopier}),
     * {@code {"trials": N, "started": ISO-8601}}: written with the study in one transaction and removed only
     * once every trial has arrived, so a copy that was interrupted (killed, a lost connection) leaves a study
     * that says so. Such a study is not resumed or read as if it were whole
     * ({@link org.nntune.tune.storage.IncompleteCopyException}); copying it again replaces it.
     */
    public static final String COPY_IN_PROGRESS = "copy_in_progress";
    /** Study, prefix: {@code cmaes:init:…} holds the initial state CMA-ES workers share. */
    public static final String CMAES_INIT_PREFIX = "cmaes:init:";

    // ---------------------------------------------------------------- trial attributes

    /**
     * Trial: the worker that ran it, {@code HOST:PID/THREAD}, stamped when the trial starts, so that
     * a trial's failure or stale heartbeat can be traced to a machine and process.
     */
    public static final String WORKER = "worker";

    /** The calling thread's {@link #WORKER} stamp: {@code HOST:PID/THREAD}. */
    public static String currentWorker() {
        return WorkerName.PROCESS + "/" + Thread.currentThread().getName();
    }

    /** @return whether {@code trial} was started by this process (its {@link #WORKER} stamp names this {@code HOST:PID}) */
    public static boolean startedInThisProcess(FrozenTrial trial) {
        return trial.systemAttrs().get(WORKER) instanceof String w && w.startsWith(WorkerName.PROCESS + "/");
    }

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
    /**
     * Trial: on a retry, the numbers of the earlier attempts that an interruption (Ctrl-C, SIGTERM, an interrupted
     * thread) ended, oldest first; absent when none did. Such an attempt is no fault of its trial, so it does not
     * use up the study's retry policy (the retries of trials whose worker died, {@link #RETRY_POLICY}).
     */
    public static final String INTERRUPTED_ATTEMPTS = "retry_interrupted";
    /** Trial: constraint values, one per constraint; feasible when all are {@code <= 0}. */
    public static final String CONSTRAINTS = "constraints";
    /** Trial: the grid point (its index in the grid) the trial runs. */
    public static final String GRID_ID = "grid_id";
    /** Trial: the NSGA-II generation the trial belongs to. */
    public static final String NSGA2_GENERATION = "nsga2:generation";
    /** Trial: CMA-ES bookkeeping: the search space's signature, restart, generation and the sampled point. */
    public static final String CMAES_SPACE = "cmaes:space";
    /** Trial: see {@link #CMAES_SPACE}. */
    public static final String CMAES_RESTART = "cmaes:restart";
    /** Trial: see {@link #CMAES_SPACE}. */
    public static final String CMAES_GENERATION = "cmaes:generation";
    /** Trial: see {@link #CMAES_SPACE}. */
    public static final String CMAES_X = "cmaes:x";
    /** Trial, prefix: {@code completed_rung_R} holds the value with which the trial completed ASHA rung R. */
    public static final String RUNG_PREFIX = "completed_rung_";
    /**
     * Trial: the hyperparameters a trial's training adapted itself (hypergradient learning rates,
     * implicit L2), name → list of values, one per epoch (the mean over the trial's splits), e.g.
     * {@code {"lr": [0.001, 0.0013, …], "l2_layer0": […]}}; the last value of each is its final one.
     */
    public static final String ADAPTED_HYPERPARAMETERS = "adapted_hyperparameters";
    /** Trial: the start time a copied trial had in the storage it was copied from. */
    public static final String COPIED_START = "copied_datetime_start";
    /** Trial: the completion time a copied trial had in the storage it was copied from. */
    public static final String COPIED_COMPLETE = "copied_datetime_complete";
}
