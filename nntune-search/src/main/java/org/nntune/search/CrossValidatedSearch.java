package org.nntune.search;

import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.Split;
import org.nntune.nn.tensor.Parallelism;
import org.nntune.tune.pruner.Pruner;
import org.nntune.tune.sampler.RandomSampler;
import org.nntune.tune.sampler.RungSampler;
import org.nntune.tune.sampler.Sampler;
import org.nntune.tune.sampler.TpeSampler;
import org.nntune.tune.storage.InMemoryStorage;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.study.Objective;
import org.nntune.tune.study.OptimizeOptions;
import org.nntune.tune.study.Study;
import org.nntune.tune.study.StudyCallback;
import org.nntune.tune.study.TrialPrunedException;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.TrialState;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cross-validated search over a {@link SearchSpace}, driven by the tuner: every candidate is a
 * trial of a {@link Study} whose sampler chooses the parameters (grid points are enqueued, see
 * {@link GridSearchCV}; {@link RandomizedSearchCV} samples at random; any sampler of the tuner —
 * TPE, Sobol… — may be given), and whose value is the candidate's mean held-out score over the
 * splits of the {@link CvStrategy}. The estimator of each split is fitted on that split's training
 * rows only (its preprocessing included), so no held-out row leaks into its model.
 *
 * <ul>
 *   <li><b>Pruning</b>: with a pruner, the splits of a candidate train in lock-step and the running
 *       mean over splits of the held-out score is reported after every epoch (rule in
 *       {@link FoldRunner}); a pruned candidate is a PRUNED trial.</li>
 *   <li><b>Failures</b>: a candidate whose training diverges (the engine's divergence error, a NaN
 *       loss), whose parameters are invalid, or whose score is NaN is a FAIL trial with its reason
 *       in the results; the search goes on.</li>
 *   <li><b>Memory</b>: each split's network is released once scored, so memory does not grow with
 *       the number of trials (beyond the storage's small trial records).</li>
 *   <li><b>Parallelism</b>: {@code nJobs} trials run at once, each on its own thread, each
 *       trial's kernel calls limited to {@code Parallelism.threadsPerJob(nJobs)} threads (one each
 *       with nJobs = cores, as scikit-learn's {@code n_jobs=-1}); the refit uses them all.</li>
 * </ul>
 *
 * <pre>{@code
 * SearchResult r = CrossValidatedSearch.builder(MlpSpace.defaults())
 *         .cv(CvStrategy.stratifiedKFold(5)).scoring("accuracy")
 *         .sampler(new TpeSampler()).pruner(new MedianPruner()).nTrials(50).seed(42)
 *         .build().fit(train);
 * r.bestParams(); r.bestScore(); r.bestEstimator().predict(test);
 * }</pre>
 */
public final class CrossValidatedSearch {
    private final SearchSpace space;
    private final Scorer scorer;
    private final CvStrategy cv;
    private final int nTrials;
    private final int nJobs;
    private final Sampler sampler;
    private final Pruner pruner;
    private final boolean learningCurves;
    private final long seed;
    private final boolean refit;
    private final boolean keepBestTrialModel;
    private final Storage storage;
    private final String studyName;
    private final boolean loadIfExists;
    private final Duration timeout;
    private final List<Map<String, Object>> enqueued;
    /** per parameter, a grid value as the trial holds it → as the grid gave it (see {@link SearchResult#bestParams()}) */
    private final Map<String, Map<Object, Object>> passed;
    private final List<StudyCallback> callbacks;
    private final TimeBudget timeBudget;
    private final boolean trialsGiven;

    private CrossValidatedSearch(Builder b) {
        this.timeBudget = b.timeBudget;
        this.trialsGiven = b.trialsGiven;
        if (timeBudget != null) {
            if (!(b.space instanceof NetworkSpace)) {
                throw new IllegalStateException("a time budget needs a network space (its epochs are what the brackets"
                        + " stop early), not " + b.space);
            }
            if (!b.enqueued.isEmpty()) {
                throw new IllegalStateException("a grid keeps its exact grid: a time budget searches spaces with ranges;"
                        + " give the grid a trial budget and, if need be, a timeout instead");
            }
        }
        this.space = b.space;
        this.scorer = b.scorer;
        this.cv = b.cv;
        this.nTrials = b.nTrials;
        this.nJobs = b.nJobs;
        this.sampler = b.sampler;
        this.pruner = b.pruner;
        this.learningCurves = b.learningCurves;
        this.seed = b.seed;
        this.refit = b.refit;
        this.keepBestTrialModel = b.keepBestTrialModel;
        this.storage = b.storage;
        this.studyName = b.studyName;
        this.loadIfExists = b.loadIfExists;
        this.timeout = b.timeout;
        this.enqueued = List.copyOf(b.enqueued);
        this.passed = Map.copyOf(b.passed);
        this.callbacks = List.copyOf(b.callbacks);
    }

    /** A search over {@code space}; see {@link Builder} for the defaults. */
    public static Builder builder(SearchSpace space) {
        return new Builder(space);
    }

    /**
     * Runs the search on {@code train} (the rows the search may see; keep the test rows apart) and,
     * with refit, fits the best configuration on all of them.
     *
     * @throws IllegalArgumentException before any candidate trains if a built-in scorer does not fit
     *                                  {@code train}'s task (r2 on a classification set), or the
     *                                  splitting does not (stratified k-fold on a regression set)
     * @throws IllegalStateException if no candidate completed
     */
    public SearchResult fit(Dataset train) {
        // before any candidate trains: else every one fails on the scorer and the search ends with "no candidate completed"
        scorer.checkTask(train);
        CvStrategy cv = cv(train);
        List<Split> splits = cv.splits(train, seed);
        List<Dataset[]> folds = new ArrayList<>(splits.size());
        for (Split s : splits) {
            folds.add(new Dataset[] {s.train(train), s.test(train)});
        }
        if (keepBestTrialModel && folds.size() != 1) {
            throw new IllegalStateException("keepBestTrialModel needs a single split (a hold-out or one predefined split); "
                    + cv.describe() + " gives " + folds.size());
        }
        BudgetClock clock = timeBudget == null ? null : BudgetClock.start(timeBudget, train.size(), scorer.greaterIsBetter());
        FoldRunner runner = new FoldRunner(searchedSpace(), scorer, seed, folds, enqueued, Parallelism.threadsPerJob(nJobs), false, clock);
        Pruner trialPruner = effectivePruner();
        Study.Builder definition = Study.builder(studyName).storage(storage != null ? storage : new InMemoryStorage())
                .direction(FoldRunner.direction(scorer)).sampler(effectiveSampler())
                .pruner(trialPruner != null ? trialPruner : Pruner.none()).seed(seed);
        Study study = loadIfExists ? definition.createOrLoad() : definition.create();
        List<CvResults.Row> earlier = earlierRows(study, folds.size(), cv.describe());
        for (Map<String, Object> params : enqueued) {
            if (!(loadIfExists && alreadyQueued(study, params))) {
                study.enqueueTrial(params);
            }
        }
        Map<Integer, CvResults.Row> rows = new ConcurrentHashMap<>();
        BestKeeper keeper = new BestKeeper(scorer.greaterIsBetter());
        int k = folds.size();
        Objective objective = trial -> {
            FoldRunner.Outcome o;
            try {
                startOrStop(trial, clock);
                o = runner.run(ParamSource.of(trial), trialPruner != null ? trial : null, keepBestTrialModel);
            } catch (Exception e) {
                rows.put(trial.number(), keep(trial, failed(trial.number(), trial.params(), k, reason(e))));
                throw e;
            }
            recordTrajectory(trial, o);
            CvResults.Row row = row(trial.number(), o.pruned() ? TrialState.PRUNED : TrialState.COMPLETE, trial.params(), o, "");
            if (o.pruned()) {
                rows.put(trial.number(), keep(trial, row));
                throw new TrialPrunedException("pruned after epoch " + o.prunedAtStep());
            }
            double mean = row.meanScore();
            if (!Double.isFinite(mean)) {
                String why = "the mean " + scorer.name() + " is " + mean;
                rows.put(trial.number(), keep(trial, row(trial.number(), TrialState.FAIL, trial.params(), o, why)));
                for (FoldRunner.SplitOutcome split : o.splits()) {
                    if (split.estimator != null) {
                        split.estimator.release();
                    }
                }
                throw new IllegalStateException(why);
            }
            rows.put(trial.number(), keep(trial, row));
            if (keepBestTrialModel) {
                keeper.offer(mean, o.splits().get(0).estimator);
            }
            return mean;
        };
        OptimizeOptions options = OptimizeOptions.trials(clock == null || trialsGiven ? nTrials : Integer.MAX_VALUE).withJobs(nJobs);
        if (timeout != null) {
            options = options.withTimeout(timeout);
        }
        if (clock != null) {
            options = options.withTimeout(timeout != null && timeout.compareTo(timeBudget.timeout()) < 0 ? timeout : timeBudget.timeout())
                    .withCallback(clock.stopWhenSpent());
        }
        for (StudyCallback c : callbacks) {
            options = options.withCallback(c);
        }
        long t0 = System.nanoTime();
        study.optimize(objective, options);
        double searchSeconds = (System.nanoTime() - t0) / 1e9;
        List<CvResults.Row> all = new ArrayList<>(rows.values());
        for (CvResults.Row r : earlier) {
            if (!rows.containsKey(r.candidate())) {
                all.add(r);
            }
        }
        CvResults results = new CvResults(scorer.name(), scorer.greaterIsBetter(), k, all);
        CvResults.Row best = results.best().orElseThrow(() -> new IllegalStateException("no candidate completed: "
                + summary(results)));
        Estimator refitted = null;
        double refitSeconds = 0;
        if (refit && (clock == null || timeBudget.refit())) {
            FrozenTrial bestTrial = study.trials().stream().filter(t -> t.number() == best.candidate()).findFirst()
                    .orElseThrow(() -> new IllegalStateException("trial " + best.candidate() + " is missing from the study"));
            long r0 = System.nanoTime();
            refitted = clock == null ? space.suggest(ParamSource.fixed(bestTrial.params()), seed).fit(train)
                    : refitWithin(train, bestTrial, clock, EpochHook.NONE);
            refitSeconds = (System.nanoTime() - r0) / 1e9;
        }
        return new SearchResult(study, results, scorer, best, passed, refitted, refitSeconds, keeper.best, searchSeconds);
    }

    /**
     * Two objectives for callers that trade the score against the network's size: each trial's
     * mean score as {@link #objective} computes it, and the trial's network's trainable parameters.
     *
     * @param parameterCountFirst whether the parameter count is the first value (else the second)
     */
    public org.nntune.tune.study.MultiObjective objectiveWithParameterCount(Dataset train, boolean parameterCountFirst) {
        if (!(space instanceof NetworkSpace network)) {
            throw new IllegalStateException("a parameter count needs a network space, not " + space);
        }
        Objective scored = objective(train);
        int outputs = train.task() == org.nntune.nn.data.Task.CLASSIFICATION ? train.classCount() : train.targetDim();
        int[] shape = train.featureShape();
        return trial -> {
            double score = scored.evaluate(trial);
            // the same names asked again return the values this trial already holds
            double params = network.config(ParamSource.of(trial)).parameterCount(shape, outputs);
            return parameterCountFirst ? new double[] {params, score} : new double[] {score, params};
        };
    }

    /**
     * The objective this search optimises, for callers that drive a {@link Study} themselves (the
     * CLI, which resumes stored studies and shares their budget between workers): a trial's value
     * is the mean score over {@code train}'s splits, pruned epoch by epoch when a pruner is set
     * ({@link TrialPrunedException}); a non-finite mean fails the trial with the reason.
     */
    public Objective objective(Dataset train) {
        if (timeBudget != null) {
            throw new IllegalStateException("a search with a time budget runs on a clock: call objective(train, clock)");
        }
        return objective(train, null);
    }

    /**
     * The objective of a search with a time budget ({@link Builder#timeBudget}), for callers that
     * drive the {@link Study} themselves: trials train up to the budget's max epochs, report every
     * epoch, and stop when {@code clock} says the next epoch would overrun the search's share (the
     * trial keeps its last value); a trial that starts when no epoch fits stops the study and is
     * pruned. Give the study {@link #effectiveSampler()}, {@link #effectivePruner()} and the
     * callback {@link BudgetClock#stopWhenSpent()}; refit with {@link #refitWithin}.
     */
    public Objective objective(Dataset train, BudgetClock clock) {
        if (clock != null && timeBudget == null) {
            throw new IllegalStateException("a clock needs a search built with a time budget");
        }
        scorer.checkTask(train);
        List<Dataset[]> folds = new ArrayList<>();
        for (Split s : cv(train).splits(train, seed)) {
            folds.add(new Dataset[] {s.train(train), s.test(train)});
        }
        FoldRunner runner = new FoldRunner(searchedSpace(), scorer, seed, folds, List.of(), Parallelism.threadsPerJob(nJobs),
                learningCurves, clock);
        Pruner trialPruner = clock == null ? pruner : effectivePruner();
        return trial -> {
            startOrStop(trial, clock);
            FoldRunner.Outcome o = learningCurves && trialPruner == null ? runner.runReporting(ParamSource.of(trial), trial)
                    : runner.run(ParamSource.of(trial), trialPruner != null ? trial : null, false);
            recordTrajectory(trial, o);
            if (o.pruned()) {
                throw new TrialPrunedException("pruned after epoch " + o.prunedAtStep());
            }
            double sum = 0;
            for (FoldRunner.SplitOutcome split : o.splits()) {
                sum += split.score;
            }
            double mean = sum / o.splits().size();
            if (!Double.isFinite(mean)) {
                throw new IllegalStateException("the mean " + scorer.name() + " over the splits is " + mean);
            }
            return mean;
        };
    }

    /**
     * The splitting of {@code train}: the one given, else scikit-learn's {@code cv=5}: stratified
     * 5-fold for a classification set, 5-fold for a regression set.
     */
    private CvStrategy cv(Dataset train) {
        if (cv != null) {
            return cv;
        }
        return train.task() == org.nntune.nn.data.Task.CLASSIFICATION ? CvStrategy.stratifiedKFold(5) : CvStrategy.kFold(5);
    }

    /** The time budget, if the search has one. */
    public java.util.Optional<TimeBudget> timeBudget() {
        return java.util.Optional.ofNullable(timeBudget);
    }

    /** The space trials are drawn from: with a time budget, its epochs are the budget's max epochs. */
    private SearchSpace searchedSpace() {
        return timeBudget == null ? space : ((NetworkSpace) space).with(Map.of("epochs", timeBudget.maxEpochs()));
    }

    /**
     * The sampler the study runs with: the one given (else random; with a time budget TPE), with a
     * time budget fitted on the highest rung with enough observations ({@link RungSampler}).
     */
    public Sampler effectiveSampler() {
        if (timeBudget == null) {
            return sampler != null ? sampler : new RandomSampler(seed);
        }
        return new RungSampler(sampler != null ? sampler : new TpeSampler());
    }

    /**
     * The pruner trials report to (null: none): the one given; with a time budget, its brackets
     * ({@link TimeBudget#pruner()}, which replaces any pruner given).
     */
    public Pruner effectivePruner() {
        return timeBudget == null ? pruner : timeBudget.pruner();
    }

    /** With a clock: a trial that starts when no epoch fits stops the study and is pruned untrained. */
    private static void startOrStop(org.nntune.tune.study.Trial trial, BudgetClock clock) {
        if (clock != null && !clock.allowsNewTrial()) {
            trial.study().stop();
            throw new TrialPrunedException("the time budget is spent");
        }
    }

    /**
     * Refits {@code best}'s configuration on all of {@code train} for the epochs at which its
     * validation score peaked ({@link BudgetClock#refitEpochs}), stopping before an epoch that
     * would end after the budget; {@code progress} hears of every epoch.
     */
    public Estimator refitWithin(Dataset train, FrozenTrial best, BudgetClock clock, EpochHook progress) {
        int epochs = clock.refitEpochs(best);
        EpochHook stop = clock.refitHook(epoch -> progress.afterEpoch(epoch));
        return ((NetworkSpace) space).with(Map.of("epochs", epochs)).suggest(ParamSource.fixed(best.params()), seed)
                .fit(train, stop);
    }

    /** Stores what the candidate's training adapted itself, per epoch, on the trial (pruned ones too). */
    private static void recordTrajectory(org.nntune.tune.study.Trial trial, FoldRunner.Outcome o) {
        Map<String, List<Double>> t = FoldRunner.meanTrajectory(o.splits());
        if (!t.isEmpty()) {
            trial.setSystemAttr(org.nntune.tune.trial.SystemAttrs.ADAPTED_HYPERPARAMETERS, t);
        }
    }

    /** The trial's system attribute holding its results row (split scores, times, epochs, failure), so that a resumed search can show it. */
    static final String CV_ROW = "cv_row";

    /** Stores {@code row} on {@code trial} for a later {@link Builder#loadIfExists resumed} search, and returns it. */
    private static CvResults.Row keep(org.nntune.tune.study.Trial trial, CvResults.Row row) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("split_scores", json(row.splitScores()));
        m.put("fit_times", json(row.fitTimes()));
        m.put("score_times", json(row.scoreTimes()));
        m.put("epochs", java.util.Arrays.stream(row.epochs()).boxed().toList());
        m.put("failure", row.failure());
        try {
            trial.setSystemAttr(CV_ROW, m);
        } catch (RuntimeException e) {
            // the row is still in this run's results; only a later resume would miss its details
        }
        return row;
    }

    /** Doubles as JSON values: a NaN or infinity (no JSON number) as its string. */
    private static List<Object> json(double[] v) {
        List<Object> out = new ArrayList<>(v.length);
        for (double d : v) {
            out.add(Double.isFinite(d) ? (Object) d : Double.toString(d));
        }
        return out;
    }

    private static double[] doubles(Object list, int k) {
        double[] out = new double[k];
        java.util.Arrays.fill(out, Double.NaN);
        if (list instanceof List<?> l) {
            for (int i = 0; i < Math.min(k, l.size()); i++) {
                Object o = l.get(i);
                out[i] = o instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(o));
            }
        }
        return out;
    }

    /**
     * The rows of the trials a loaded study finished before this run (none for a new study). A
     * trial without a stored row (run by another driver of the study) shows its value on every split.
     *
     * @throws IllegalStateException if the study's rows were scored over another number of splits
     */
    private static List<CvResults.Row> earlierRows(Study study, int k, String cv) {
        List<CvResults.Row> out = new ArrayList<>();
        for (FrozenTrial t : study.trials()) {
            if (!t.state().isFinished()) {
                continue;
            }
            Map<String, Object> params = t.params();
            if (t.systemAttrs().get(CV_ROW) instanceof Map<?, ?> m) {
                int stored = m.get("split_scores") instanceof List<?> l ? l.size() : k;
                if (stored != k) {
                    throw new IllegalStateException("study '" + study.name() + "' holds trials scored on " + stored + " splits; this search"
                            + " has " + k + " (" + cv + "): resume it with the same cv, or give another studyName");
                }
                int[] epochs = new int[k];
                if (m.get("epochs") instanceof List<?> l) {
                    for (int i = 0; i < Math.min(k, l.size()); i++) {
                        epochs[i] = ((Number) l.get(i)).intValue();
                    }
                }
                out.add(new CvResults.Row(t.number(), t.state(), params, doubles(m.get("split_scores"), k),
                        doubles(m.get("fit_times"), k), doubles(m.get("score_times"), k), epochs, 0, String.valueOf(m.get("failure"))));
            } else {
                double[] scores = doubles(null, k);
                if (t.state() == TrialState.COMPLETE) {
                    java.util.Arrays.fill(scores, t.value());
                }
                out.add(new CvResults.Row(t.number(), t.state(), params, scores, new double[k], new double[k], new int[k], 0,
                        t.state() == TrialState.FAIL ? "failed before this run" : ""));
            }
        }
        return out;
    }

    /** Whether a trial of {@code study} was queued with exactly these values (a grid point of an earlier run). */
    private static boolean alreadyQueued(Study study, Map<String, Object> params) {
        Object wanted = org.nntune.tune.space.Json.normalize(params);
        for (FrozenTrial t : study.trials()) {
            if (t.fixedParams().equals(wanted)) {
                return true;
            }
        }
        return false;
    }

    private static String summary(CvResults results) {
        StringBuilder sb = new StringBuilder();
        for (CvResults.Row r : results.rows()) {
            sb.append("\n  trial ").append(r.candidate()).append(' ').append(r.state())
                    .append(r.failure().isEmpty() ? "" : ": " + r.failure());
        }
        return results.rows().isEmpty() ? "no trial ran" : sb.toString();
    }

    private static String reason(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    private static CvResults.Row failed(int number, Map<String, Object> params, int k, String reason) {
        double[] nan = new double[k];
        java.util.Arrays.fill(nan, Double.NaN);
        return new CvResults.Row(number, TrialState.FAIL, params, nan, new double[k], new double[k], new int[k], 0, reason);
    }

    private static CvResults.Row row(int number, TrialState state, Map<String, Object> params, FoldRunner.Outcome o,
                                     String failure) {
        int k = o.splits().size();
        double[] scores = new double[k];
        double[] fit = new double[k];
        double[] score = new double[k];
        int[] epochs = new int[k];
        for (int i = 0; i < k; i++) {
            FoldRunner.SplitOutcome s = o.splits().get(i);
            scores[i] = s.score;
            fit[i] = s.fitSeconds;
            score[i] = s.scoreSeconds;
            epochs[i] = s.epochs;
        }
        return new CvResults.Row(number, state, params, scores, fit, score, epochs, 0, failure);
    }

    /** Keeps the fitted model of the best complete trial so far, releasing the others. */
    private static final class BestKeeper {
        private final boolean greaterIsBetter;
        private double bestScore = Double.NaN;
        private Estimator best;

        BestKeeper(boolean greaterIsBetter) {
            this.greaterIsBetter = greaterIsBetter;
        }

        synchronized void offer(double score, Estimator e) {
            boolean better = best == null || (greaterIsBetter ? score > bestScore : score < bestScore);
            if (better) {
                if (best != null) {
                    best.release();
                }
                best = e;
                bestScore = score;
            } else {
                e.release();
            }
        }
    }

    /**
     * Builds a {@link CrossValidatedSearch}. Defaults: accuracy, stratified 5-fold (5-fold for a
     * regression set), 10 trials, one
     * job, the tuner's random sampler seeded with the seed, no pruning, seed 0, refit on, a fresh
     * in-memory storage, study name "search", no timeout.
     */
    public static final class Builder {
        private final SearchSpace space;
        private Scorer scorer = Scorer.accuracy();
        /** null: stratified 5-fold for a classification set, 5-fold for a regression set (scikit-learn's cv=5) */
        private CvStrategy cv;
        private int nTrials = 10;
        private int nJobs = 1;
        private Sampler sampler;
        private Pruner pruner;
        private boolean learningCurves;
        private long seed;
        private boolean refit = true;
        private boolean keepBestTrialModel;
        private Storage storage;
        private String studyName = "search";
        private boolean loadIfExists;
        private Duration timeout;
        private final List<Map<String, Object>> enqueued = new ArrayList<>();
        private final Map<String, Map<Object, Object>> passed = new LinkedHashMap<>();
        private final List<StudyCallback> callbacks = new ArrayList<>();
        private TimeBudget timeBudget;
        private boolean trialsGiven;

        private Builder(SearchSpace space) {
            this.space = Objects.requireNonNull(space, "space");
        }

        /**
         * How each candidate's held-out rows are scored ({@link Scorer}: a built-in or
         * {@link Scorer#of} your own); its direction sets the search's. Accuracy by default.
         */
        public Builder scoring(Scorer scorer) {
            this.scorer = Objects.requireNonNull(scorer, "scorer");
            return this;
        }

        /** A built-in scorer by name ({@link Scorer#NAMES}). */
        public Builder scoring(String name) {
            return scoring(Scorer.byName(name));
        }

        /**
         * How the rows are split into fit and held-out parts ({@link CvStrategy#holdout},
         * {@link CvStrategy#kFold}, {@link CvStrategy#stratifiedKFold}, {@link CvStrategy#predefined});
         * by default stratified 5-fold for a classification set and 5-fold for a regression set.
         */
        public Builder cv(CvStrategy cv) {
            this.cv = Objects.requireNonNull(cv, "cv");
            return this;
        }

        /** The trial budget (≥ 1). */
        public Builder nTrials(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("nTrials must be >= 1, got " + n);
            }
            this.nTrials = n;
            this.trialsGiven = true;
            return this;
        }

        /** Trials run at once (≥ 1). */
        public Builder nJobs(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("nJobs must be >= 1, got " + n);
            }
            this.nJobs = n;
            return this;
        }

        /** The tuner's sampler (it is reseeded with the search seed). */
        public Builder sampler(Sampler sampler) {
            this.sampler = Objects.requireNonNull(sampler, "sampler");
            return this;
        }

        /**
         * Without a pruner, {@link #objective}'s trials still report their learning curves (the mean
         * held-out score over the splits after each epoch, for plots), recorded while the splits
         * train one after the other and reported when they are done; with a pruner the curves are
         * reported as the splits train in lock-step, as ever. Off by default.
         */
        public Builder learningCurves(boolean on) {
            this.learningCurves = on;
            return this;
        }

        /** Turns on pruning during training with this pruner of the tuner. */
        public Builder pruner(Pruner pruner) {
            this.pruner = Objects.requireNonNull(pruner, "pruner");
            return this;
        }

        /** Seeds the splits, the sampler and every estimator (weights, shuffles). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Whether to fit the best configuration on all training rows at the end (default true). */
        public Builder refit(boolean refit) {
            this.refit = refit;
            return this;
        }

        /** Keeps the best trial's own fitted model (single split only), as Optuna users do by hand. */
        public Builder keepBestTrialModel(boolean keep) {
            this.keepBestTrialModel = keep;
            return this;
        }

        /** Where the study lives (default: a new in-memory storage). */
        public Builder storage(Storage storage) {
            this.storage = Objects.requireNonNull(storage, "storage");
            return this;
        }

        /**
         * The study's name in the storage: {@code "search"} by default. Two searches that share a
         * storage need two names, unless the second is to continue the first ({@link #loadIfExists}).
         */
        public Builder studyName(String name) {
            if (name.isBlank()) {
                throw new IllegalArgumentException("a study name must not be blank");
            }
            this.studyName = name;
            return this;
        }

        /**
         * Whether {@code fit} continues the study of {@link #studyName} when the {@link #storage}
         * already holds one (as {@code Study.Builder.createOrLoad}), instead of failing with
         * {@code StudyAlreadyExistsException} (false, the default: each fit makes a new study). On
         * resuming, the study's trials count against {@link #nTrials}, the study's budget counted in
         * the storage: the same nTrials finishes an interrupted search (a finished one runs nothing
         * more), a larger one extends it; grid points already queued are not queued again; the
         * results hold every trial of the study, earlier ones with their split scores, and the refit
         * takes the best of them all. Resume with the same scoring direction (else the study refuses
         * to load), the same cv and the same data; {@link #keepBestTrialModel} keeps this run's best only.
         */
        public Builder loadIfExists(boolean on) {
            this.loadIfExists = on;
            return this;
        }

        /** No new trial starts after this time. */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * The time-budget mode ({@link TimeBudget}): multi-fidelity search over epochs up to the
         * budget's max epochs (Hyperband brackets, the sampler — TPE unless given — fitted on the
         * highest rung with enough observations), then the refit of the best configuration for its
         * best epoch count, all inside {@code budget.timeout()}. Trials run until the time is spent
         * (or until {@link #nTrials}, if given). Needs a network space; replaces any pruner given;
         * refused for grids (a grid keeps its exact grid).
         */
        public Builder timeBudget(TimeBudget budget) {
            this.timeBudget = Objects.requireNonNull(budget, "budget");
            return this;
        }

        /** {@link #timeBudget(TimeBudget)} with its defaults. */
        public Builder timeBudget(Duration budget) {
            return timeBudget(TimeBudget.of(budget));
        }

        /** Queues a candidate with these parameter values before any sampled one. */
        public Builder enqueue(Map<String, Object> params) {
            enqueued.add(Map.copyOf(params));
            return this;
        }

        /**
         * Records that the trial's value {@code stored} of parameter {@code name} was given as
         * {@code given} (a grid's {@code List.of(32, 8)} that the trial holds as {@code "32,8"}, an
         * {@code Integer} the storage gives back as a {@code Long}), so that
         * {@link SearchResult#bestParams()} gives it back as given.
         */
        Builder passedAs(String name, Object stored, Object given) {
            passed.computeIfAbsent(name, k -> new java.util.HashMap<>()).put(SearchResult.sameKey(stored), given);
            return this;
        }

        /** Called after each finished trial (e.g. progress, or a memory probe). */
        public Builder callback(StudyCallback callback) {
            callbacks.add(Objects.requireNonNull(callback, "callback"));
            return this;
        }

        /**
         * @return the search as set; nothing runs until {@link CrossValidatedSearch#fit}
         * @throws IllegalStateException if a time budget is set with a space that is not a
         *     {@link NetworkSpace} or with enqueued candidates (a grid keeps its exact grid)
         */
        public CrossValidatedSearch build() {
            return new CrossValidatedSearch(this);
        }
    }
}
