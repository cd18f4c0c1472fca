package org.nntune.tune.study;

import org.nntune.tune.pruner.Pruner;
import org.nntune.tune.sampler.NoCandidateException;
import org.nntune.tune.sampler.Sampler;
import org.nntune.tune.sampler.TpeSampler;
import org.nntune.tune.space.CategoricalDistribution;
import org.nntune.tune.space.Distribution;
import org.nntune.tune.space.Json;
import org.nntune.tune.storage.InMemoryStorage;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.storage.StudyAlreadyExistsException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A named optimisation task kept in a {@link Storage}: its directions, its trials, and the loop that
 * runs them. Create or load one with {@link #builder(String)}.
 *
 * <pre>{@code
 * Study study = Study.builder("mnist-mlp").direction(StudyDirection.MAXIMIZE)
 *         .sampler(new TpeSampler()).seed(42).createOrLoad();
 * study.optimize(trial -> {
 *     double lr = trial.suggestFloat("lr", 1e-5, 1e-1, Log.YES);
 *     ...
 *     return accuracy;
 * }, 100);
 * FrozenTrial best = study.bestTrial();
 * }</pre>
 *
 * <p>The storage is the source of truth: every trial's start, parameters, intermediate values and
 * end are written as they happen, so several threads ({@code nJobs}) and several processes sharing
 * a database storage can work on one study, and a study can be resumed after a crash.
 *
 * <p>Failures: an exception from the objective (of a type in the catch list), or a NaN or infinite
 * value, makes that trial FAIL with the reason stored and the study goes on. Other exceptions fail
 * the trial and then end {@code optimize} by propagating. Interruption (of the thread running
 * {@code optimize}, or a JVM shutdown with {@link #failRunningTrialsOnShutdown()} installed) records
 * every running trial as FAIL with the reason and ends {@code optimize} with a
 * {@link CancellationException}.
 *
 * <p>All methods are thread-safe.
 */
public final class Study {
    private static final System.Logger LOG = System.getLogger("org.nntune.tune");
    /** system attribute of an enqueued trial holding its fixed parameters */
    public static final String FIXED_PARAMS_ATTR = SystemAttrs.FIXED_PARAMS;
    /** study system attribute holding the seed */
    public static final String SEED_ATTR = SystemAttrs.SEED;
    private static final Set<TrialState> BUDGET_STATES =
            EnumSet.of(TrialState.RUNNING, TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL);
    private static final Set<TrialState> RUNNING = EnumSet.of(TrialState.RUNNING);

    private final Storage storage;
    private final long studyId;
    private final String name;
    private final List<StudyDirection> directions;
    private final Sampler sampler;
    private final Pruner pruner;
    private final OptionalLong seed;
    private final TrialCache cache;
    private final Object startLock = new Object();
    private final Map<String, Distribution> kinds = new ConcurrentHashMap<>();
    /** trials started by this Study object and not finished yet → the thread running each */
    private final InFlight inFlight = new InFlight();
    private volatile boolean stopRequested;
    private volatile String interruption;
    /** the other workers' trials this object last said it waits for (logged once per change) */
    private volatile List<Integer> lastAwaited = List.of();

    Study(Storage storage, long studyId, String name, List<StudyDirection> directions, Sampler sampler, Pruner pruner,
          OptionalLong seed) {
        this.storage = storage;
        this.studyId = studyId;
        this.name = name;
        this.directions = List.copyOf(directions);
        this.sampler = sampler;
        this.pruner = pruner;
        this.seed = seed;
        this.cache = new TrialCache(storage, studyId);
    }

    /** @return a builder for the study of that name */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Creates or loads a {@link Study}. Defaults: in-memory storage, MINIMIZE, {@link TpeSampler}, no pruner. */
    public static final class Builder {
        private final String name;
        private Storage storage;
        private List<StudyDirection> directions;
        private Sampler sampler;
        private Pruner pruner = Pruner.none();
        private OptionalLong seed = OptionalLong.empty();

        private Builder(String name) {
            if (name.isBlank()) {
                throw new IllegalArgumentException("a study name must not be blank");
            }
            this.name = name;
        }

        /** The storage (default: a new {@link InMemoryStorage}). */
        public Builder storage(Storage s) {
            this.storage = s;
            return this;
        }

        /** One objective in this direction (default MINIMIZE). */
        public Builder direction(StudyDirection d) {
            this.directions = List.of(d);
            return this;
        }

        /** Several objectives. */
        public Builder directions(StudyDirection... ds) {
            if (ds.length == 0) {
                throw new IllegalArgumentException("study '" + name + "': at least one direction is needed");
            }
            this.directions = List.of(ds);
            return this;
        }

        /** The sampler (default: {@link TpeSampler} with its defaults: Optuna 3.1's, with a Sobol start-up). */
        public Builder sampler(Sampler s) {
            this.sampler = s;
            return this;
        }

        /** The pruner (default: never prune). */
        public Builder pruner(Pruner p) {
            this.pruner = p;
            return this;
        }

        /** The study seed: the sampler is reseeded with it, so that (with nJobs = 1) a study repeats exactly. */
        public Builder seed(long s) {
            this.seed = OptionalLong.of(s);
            return this;
        }

        /**
         * Creates a new study.
         *
         * @throws StudyAlreadyExistsException if the storage has a study of that name
         */
        public Study create() {
            Storage st = storage != null ? storage : new InMemoryStorage();
            List<StudyDirection> ds = directions != null ? directions : List.of(StudyDirection.MINIMIZE);
            long id = st.createStudy(name, ds);
            if (seed.isPresent()) {
                st.setStudySystemAttr(id, SEED_ATTR, seed.getAsLong());
            }
            return build(st, id, ds);
        }

        /**
         * Loads an existing study; its directions come from the storage.
         *
         * @throws IllegalArgumentException if there is no such study, or directions were given and differ
         */
        public Study load() {
            if (storage == null) {
                throw new IllegalStateException("study '" + name + "': load() needs the storage that holds it");
            }
            long id = storage.getStudyId(name);
            List<StudyDirection> stored = storage.getStudyDirections(id);
            if (directions != null && !directions.equals(stored)) {
                throw new IllegalArgumentException("study '" + name + "' is stored with directions " + stored
                        + ", not " + directions);
            }
            return build(storage, id, stored);
        }

        /** Loads the study if the storage has it, else creates it (safe when processes race to create it). */
        public Study createOrLoad() {
            if (storage != null && storage.findStudyId(name).isPresent()) {
                return load();
            }
            try {
                return create();
            } catch (StudyAlreadyExistsException raced) {
                return load();
            }
        }

        private Study build(Storage st, long id, List<StudyDirection> ds) {
            Sampler s = sampler != null ? sampler : new TpeSampler();
            if (seed.isPresent()) {
                s.reseed(seed.getAsLong());
            }
            return new Study(st, id, name, ds, s, pruner, seed);
        }
    }

    // ---------------------------------------------------------------- accessors

    /** @return the study's unique name */
    public String name() {
        return name;
    }

    /** @return the storage's id of the study */
    public long studyId() {
        return studyId;
    }

    /** @return the storage holding the study */
    public Storage storage() {
        return storage;
    }

    /** @return one direction per objective */
    public List<StudyDirection> directions() {
        return directions;
    }

    /**
     * @return the direction of a single-objective study
     * @throws IllegalStateException if the study has several objectives
     */
    public StudyDirection direction() {
        if (directions.size() != 1) {
            throw new IllegalStateException("study '" + name + "' has " + directions.size()
                    + " objectives; use directions()");
        }
        return directions.get(0);
    }

    /** @return the sampler */
    public Sampler sampler() {
        return sampler;
    }

    /** @return the pruner */
    public Pruner pruner() {
        return pruner;
    }

    /** @return the study seed, if one was given */
    public OptionalLong seed() {
        return seed;
    }

    /**
     * The study's trials in the given states, by number, fresh from the storage. Cheap to call per
     * trial: only what changed since the last call is read.
     */
    public List<FrozenTrial> trials(Set<TrialState> states) {
        return cache.trials(states);
    }

    /** @return all trials, by number */
    public List<FrozenTrial> trials() {
        return cache.trials(EnumSet.allOf(TrialState.class));
    }

    /**
     * @return the best COMPLETE trial of a single-objective study, if there is one; with constraints
     *     (see {@link org.nntune.tune.sampler.Constraints}) the best feasible one
     */
    public Optional<FrozenTrial> findBestTrial() {
        Optional<FrozenTrial> best = storage.getBestTrial(studyId);
        if (best.isPresent() && !org.nntune.tune.sampler.Constraints.isFeasible(best.get())) {
            return org.nntune.tune.sampler.Constraints.bestTrial(trials(EnumSet.of(TrialState.COMPLETE)), direction());
        }
        return best;
    }

    /**
     * @return the best COMPLETE trial (FAIL and PRUNED trials never count)
     * @throws IllegalStateException if no trial is COMPLETE yet, or the study has several objectives
     */
    public FrozenTrial bestTrial() {
        return findBestTrial().orElseThrow(() -> new IllegalStateException("study '" + name
                + "' has no COMPLETE trial yet, so no best trial"));
    }

    /** @return the Pareto front of the COMPLETE trials (for several objectives; with one, the trials sharing the best value) */
    public List<FrozenTrial> bestTrials() {
        return org.nntune.tune.analysis.ParetoFront.of(trials(EnumSet.of(TrialState.COMPLETE)), directions);
    }

    /** @return the parameters of the best trial */
    public Map<String, Object> bestParams() {
        return bestTrial().params();
    }

    /** @return the value of the best trial */
    public double bestValue() {
        return bestTrial().value();
    }

    /** Sets (or replaces) a user attribute of the study. */
    public void setUserAttr(String key, Object value) {
        storage.setStudyUserAttr(studyId, key, value);
    }

    /** @return the study's user attributes */
    public Map<String, Object> userAttrs() {
        return storage.getStudyUserAttrs(studyId);
    }

    /** @return the study's system attributes */
    public Map<String, Object> systemAttrs() {
        return storage.getStudySystemAttrs(studyId);
    }

    // ---------------------------------------------------------------- enqueue, ask, tell

    /**
     * Queues a trial with fixed parameter values (a warm start): the next trial started takes it and
     * uses these values when the objective asks for these names; other names are sampled.
     *
     * @param params name → value (a number, string or boolean)
     * @return the WAITING trial
     */
    public FrozenTrial enqueueTrial(Map<String, Object> params) {
        for (Map.Entry<String, Object> e : params.entrySet()) {
            if (!Json.isValue(e.getValue()) || e.getValue() instanceof List || e.getValue() instanceof Map) {
                throw new IllegalArgumentException("enqueueTrial: the value of '" + e.getKey() + "' must be a number, "
                        + "string or boolean, got " + e.getValue());
            }
        }
        FrozenTrial template = new FrozenTrial(-1, -1, TrialState.WAITING, List.of(), Map.of(), Map.of(), Map.of(),
                Map.of(FIXED_PARAMS_ATTR, new LinkedHashMap<>(params)), new java.util.TreeMap<>(), Optional.empty(),
                Optional.empty(), Optional.empty());
        return storage.createTrial(studyId, template);
    }

    /**
     * Starts a trial for a loop the caller drives; finish it with {@link #tell}.
     *
     * @throws IllegalStateException if the sampler has nothing left (grid exhausted) or every
     *     remaining candidate is held by a running trial (tell those first)
     */
    public Trial ask() {
        synchronized (startLock) {
            Sampler.Readiness r = sampler.readiness(this);
            if (r != Sampler.Readiness.READY) {
                throw new IllegalStateException("study '" + name + "': the sampler "
                        + (r == Sampler.Readiness.EXHAUSTED ? "has nothing left to sample (e.g. the grid is exhausted)"
                        : "has no free candidate until running trials are told") + "; no trial started");
            }
            return startTrial(Integer.MAX_VALUE, false);
        }
    }

    /**
     * Finishes a trial from {@link #ask()} with its value(s); NaN or infinite values make it FAIL
     * with the reason stored.
     *
     * @return the trial as stored
     * @throws IllegalArgumentException if the number of values does not match the directions
     * @throws IllegalStateException if the trial is finished already
     */
    public FrozenTrial tell(Trial trial, double... values) {
        if (values.length != directions.size()) {
            throw new IllegalArgumentException("trial " + trial.number() + ": " + values.length + " value(s) for a study with "
                    + directions.size() + " objective(s)");
        }
        return finish(trial, outcomeOf(values));
    }

    /** Finishes a trial from {@link #ask()} as PRUNED (with its last intermediate value). */
    public FrozenTrial tellPruned(Trial trial) {
        return finish(trial, pruned(trial));
    }

    /** Finishes a trial from {@link #ask()} as FAIL with the reason. */
    public FrozenTrial tellFailed(Trial trial, String reason) {
        return finish(trial, new Outcome(TrialState.FAIL, List.of(), Optional.of(reason)));
    }

    /** Stops {@code optimize}: running trials finish, no new one starts. Callable from callbacks. */
    public void stop() {
        stopRequested = true;
    }

    // ---------------------------------------------------------------- optimize

    /** Runs {@code nTrials} trials (the study's budget, see {@link OptimizeOptions#nTrials()}) one at a time. */
    public void optimize(Objective objective, int nTrials) {
        optimize(objective, OptimizeOptions.trials(nTrials));
    }

    /**
     * Runs trials until the study holds {@code nTrials} finished or running trials, the timeout
     * passes, the sampler is exhausted or {@link #stop()} is called.
     */
    public void optimize(Objective objective, int nTrials, Duration timeout, int nJobs, List<StudyCallback> callbacks) {
        optimize(objective, new OptimizeOptions(nTrials, timeout, nJobs, callbacks, List.of(Exception.class),
                Duration.ZERO));
    }

    /** Runs a single-objective study. */
    public void optimize(Objective objective, OptimizeOptions options) {
        direction();
        optimizeMulti(new SingleObjective(objective), options);
    }

    /** A single objective seen as a multi-objective one. */
    private record SingleObjective(Objective objective) implements MultiObjective {
        @Override
        public double[] evaluate(Trial trial) throws Exception {
            return new double[] {objective.evaluate(trial)};
        }
    }

    /**
     * Runs a study with one or several objectives, with the given options.
     *
     * @throws CancellationException if the thread was interrupted or the JVM is shutting down
     *     (running trials are recorded as FAIL first)
     * @throws RuntimeException the objective's exception, if its type is not in the catch list
     *     (checked exceptions wrapped), after the trial is recorded as FAIL
     */
    public void optimizeMulti(MultiObjective objective, OptimizeOptions options) {
        stopRequested = false;
        interruption = null;
        long deadline = deadline(options.timeout());
        ScheduledExecutorService beats = startHeartbeats(options.heartbeat());
        try {
            if (options.nJobs() == 1) {
                work(objective, options, deadline);
            } else {
                runWorkers(objective, options, deadline);
            }
        } finally {
            if (beats != null) {
                beats.shutdownNow();
            }
        }
        if (interruption != null) {
            throw new CancellationException("study '" + name + "': " + interruption
                    + "; running trials were recorded as FAIL");
        }
    }

    private static long deadline(Duration timeout) {
        long now = System.nanoTime();
        long nanos;
        try {
            nanos = timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            nanos = Long.MAX_VALUE / 2;
        }
        return now + Math.min(nanos, Long.MAX_VALUE / 2);
    }

    private void runWorkers(MultiObjective objective, OptimizeOptions options, long deadline) {
        AtomicInteger threadNo = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(options.nJobs(), r -> {
            Thread t = new Thread(r, "nntune-" + name + "-worker-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < options.nJobs(); i++) {
            futures.add(pool.submit(() -> {
                work(objective, options, deadline);
                return null;
            }));
        }
        pool.shutdown();
        Throwable first = null;
        for (Future<?> f : futures) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (InterruptedException e) {
                    interrupt("interrupted: the thread running optimize() was interrupted");
                } catch (ExecutionException e) {
                    stop();
                    if (first == null) {
                        first = e.getCause();
                    }
                    break;
                }
            }
        }
        if (interruption != null) {
            Thread.currentThread().interrupt();
        }
        if (first instanceof RuntimeException re) {
            throw re;
        }
        if (first instanceof Error err) {
            throw err;
        }
        if (first != null) {
            throw new IllegalStateException(first);
        }
    }

    /** One worker: start trials and run them until there is no reason to go on. */
    private void work(MultiObjective objective, OptimizeOptions options, long deadline) {
        boolean beating = options.heartbeat().compareTo(Duration.ZERO) > 0;
        while (true) {
            Trial trial = null;
            boolean wait = false;
            synchronized (startLock) {
                if (stopRequested || interruption != null || System.nanoTime() - deadline >= 0) {
                    return;
                }
                if (Thread.currentThread().isInterrupted()) {
                    interrupt("interrupted: the thread running optimize() was interrupted");
                    return;
                }
                if (beating) {
                    storage.failStaleTrials(studyId, options.heartbeat().multipliedBy(2));
                }
                int counted = options.nTrials() == Integer.MAX_VALUE ? 0 : storage.countTrials(studyId, BUDGET_STATES);
                int budget = budget(options.nTrials(), counted);
                if (counted >= budget) {
                    if (heldByOtherWorkers(beating)) {
                        wait = true;
                    } else {
                        return;
                    }
                }
                Sampler.Readiness r = wait ? Sampler.Readiness.WAIT : sampler.readiness(this);
                if (r == Sampler.Readiness.EXHAUSTED) {
                    stop();
                    return;
                }
                try {
                    if (r == Sampler.Readiness.READY) {
                        trial = startTrial(budget, beating);
                        if (trial == null) {
                            continue; // another worker took the budget's last trial since the count above
                        }
                    }
                } catch (NoCandidateException lostRace) {
                    continue; // the trial is recorded as FAIL; ask the sampler again
                }
            }
            if (trial == null) {
                // every candidate is held by a running trial, or the budget is held by other workers'
                // running trials: wait for one to finish (or, for a dead worker's, to be failed as stale)
                try {
                    Thread.sleep(wait ? Math.max(20, Math.min(1000, options.heartbeat().toMillis() / 2)) : 20);
                } catch (InterruptedException e) {
                    interrupt("interrupted: the thread running optimize() was interrupted");
                    return;
                }
                continue;
            }
            run(trial, objective, options);
        }
    }

    /**
     * The budget to keep: {@code nTrials} trials that count (running and finished ones), where a
     * queued retry of a dead worker's trial stands in for the failed attempt before it, so each
     * retry raises the limit on counted trials by one. The retries are looked at only once
     * {@code counted} has reached {@code nTrials} (the end of a study), so the common case costs
     * nothing more; a limit computed before another worker queued a retry is lower than the true
     * one, never higher, so the budget is never overrun.
     */
    private int budget(int nTrials, int counted) {
        if (nTrials == Integer.MAX_VALUE || counted < nTrials) {
            return nTrials;
        }
        return nTrials + retries();
    }

    /** The study's trials that are retries of a failed attempt, in any state. */
    private int retries() {
        int n = 0;
        for (FrozenTrial t : cache.trials(EnumSet.allOf(TrialState.class))) {
            if (t.systemAttrs().containsKey(SystemAttrs.FAILED_TRIAL)) {
                n++;
            }
        }
        return n;
    }

    /**
     * Whether trials this Study object did not start are still RUNNING, so the budget may yet free up:
     * with heartbeats they finish, or their dead worker's trial is failed as stale and its retry
     * queued. Without heartbeats a dead worker cannot be told from a slow one, so this worker says
     * what is left and stops.
     */
    private boolean heldByOtherWorkers(boolean beating) {
        long[] mine = inFlight.ids();
        List<Integer> others = new ArrayList<>();
        for (FrozenTrial t : storage.getAllTrials(studyId, RUNNING)) {
            if (Arrays.stream(mine).noneMatch(id -> id == t.trialId())) {
                others.add(t.number());
            }
        }
        if (others.isEmpty()) {
            return false;
        }
        if (!beating) {
            LOG.log(System.Logger.Level.INFO, "study ''{0}'': the budget is reached counting trial(s) {1} still running"
                    + " in other workers; without heartbeats this worker cannot tell whether they are alive, so it stops"
                    + " (their workers finish them)", name, others);
            return false;
        }
        if (!others.equals(lastAwaited)) {
            lastAwaited = others;
            LOG.log(System.Logger.Level.INFO, "study ''{0}'': waiting for trial(s) {1} of other workers to finish, or to"
                    + " miss their heartbeat and be retried, before the budget is met", name, others);
        }
        return true;
    }

    /**
     * Starts a trial: claims the first WAITING one or creates one, only while the study holds fewer
     * than {@code limit} budget trials (checked atomically with the claim or creation by the storage).
     *
     * @return the trial, or null if the budget is spent
     */
    private Trial startTrial(int limit, boolean beat) {
        // with heartbeats, the first beat is part of the start: a worker that dies at any moment after
        // it (even before its heartbeat thread ticks) leaves a trial that other workers find stale
        Optional<FrozenTrial> claimed = storage.startTrialWithin(studyId, BUDGET_STATES, limit, beat);
        if (claimed.isEmpty()) {
            return null;
        }
        FrozenTrial started = claimed.get();
        inFlight.put(started.trialId(), Thread.currentThread());
        try {
            sampler.beforeTrial(this, started);
            started = storage.getTrial(started.trialId()); // with what beforeTrial wrote
            Map<String, Distribution> space = sampler.inferRelativeSearchSpace(this, started);
            Map<String, Double> relative = space.isEmpty() ? Map.of() : sampler.sampleRelative(this, started, space);
            Map<String, Object> fixed = Map.of();
            if (started.systemAttrs().get(FIXED_PARAMS_ATTR) instanceof Map<?, ?> m) {
                Map<String, Object> f = new LinkedHashMap<>();
                m.forEach((k, v) -> f.put((String) k, v));
                fixed = f;
            }
            return new Trial(this, started, space, relative, fixed);
        } catch (RuntimeException | Error e) {
            finishQuietly(started.trialId(), new Outcome(TrialState.FAIL, List.of(),
                    Optional.of("the sampler failed before the objective ran: " + describe(e))));
            throw e;
        }
    }

    private void run(Trial trial, MultiObjective objective, OptimizeOptions options) {
        Outcome outcome;
        Throwable escaping = null;
        try {
            double[] values = objective.evaluate(trial);
            if (values.length != directions.size()) {
                outcome = failure("the objective returned " + values.length + " value(s) for "
                        + directions.size() + " objective(s)");
            } else {
                outcome = outcomeOf(values);
            }
        } catch (TrialPrunedException e) {
            outcome = pruned(trial);
        } catch (InterruptedException e) {
            interrupt("interrupted: the objective of trial " + trial.number() + " was interrupted");
            outcome = failure(interruption);
        } catch (Throwable e) {
            if (interruption != null) {
                outcome = failure(interruption);
            } else {
                outcome = failure("the objective threw " + describe(e));
                if (!options.catches(e)) {
                    escaping = e;
                }
            }
        }
        FrozenTrial stored = finish(trial, outcome);
        if (stored != null) {
            for (StudyCallback cb : options.callbacks()) {
                cb.afterTrial(this, stored);
            }
        }
        if (escaping != null) {
            stop();
            if (escaping instanceof RuntimeException re) {
                throw re;
            }
            if (escaping instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("study '" + name + "' stopped: trial " + trial.number() + " threw "
                    + describe(escaping), escaping);
        }
    }

    private static String describe(Throwable e) {
        return e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    private record Outcome(TrialState state, List<Double> values, Optional<String> reason) {}

    private static Outcome failure(String reason) {
        return new Outcome(TrialState.FAIL, List.of(), Optional.of(reason));
    }

    private static Outcome outcomeOf(double[] values) {
        if (values.length == 1 && Double.isFinite(values[0])) {
            return new Outcome(TrialState.COMPLETE, List.of(values[0]), Optional.empty());
        }
        List<Double> list = new ArrayList<>(values.length);
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                return failure("the objective returned " + values[i]
                        + (values.length > 1 ? " for objective " + i : "") + "; values must be finite");
            }
            list.add(values[i]);
        }
        return new Outcome(TrialState.COMPLETE, list, Optional.empty());
    }

    private static Outcome pruned(Trial trial) {
        var iv = trial.intermediateValues();
        List<Double> values = iv.isEmpty() || !Double.isFinite(iv.lastEntry().getValue())
                ? List.of() : List.of(iv.lastEntry().getValue());
        return new Outcome(TrialState.PRUNED, values, Optional.empty());
    }

    /** Stores the outcome; null if the trial had been finished already (e.g. failed by an interruption). */
    private FrozenTrial finish(Trial trial, Outcome outcome) {
        FrozenTrial before = trial.snapshot();
        sampler.afterTrial(this, before, outcome.state(), outcome.values());
        FrozenTrial done = finishOnce(trial.trialId(), outcome);
        if (done == null) {
            if (interruption != null) {
                return null; // failed by interrupt() while the objective ran
            }
            FrozenTrial now = storage.getTrial(trial.trialId());
            throw new IllegalStateException("trial " + trial.number() + " of study '" + name + "' is " + now.state()
                    + " already; it cannot be told again");
        }
        return done != FINISHED_UNREAD ? done : storage.getTrial(trial.trialId());
    }

    /** What {@link #finishOnce} returns when the storage finished the trial without handing it back. */
    private static final FrozenTrial FINISHED_UNREAD = FrozenTrial.template(TrialState.FAIL, List.of(), Map.of(), Map.of());

    /** @return whether this call finished the trial (false if it was finished already) */
    private boolean finishQuietly(long trialId, Outcome outcome) {
        return finishOnce(trialId, outcome) != null;
    }

    /**
     * @return the trial as the storage handed it back after this call finished it, {@link #FINISHED_UNREAD}
     *     if the storage does not hand it back, or null if the trial was finished already
     */
    private FrozenTrial finishOnce(long trialId, Outcome outcome) {
        try {
            if (storage.getTrial(trialId).state().isFinished()) {
                return null;
            }
            FrozenTrial done = storage.finishTrialAndGet(trialId, outcome.state(), outcome.values(), outcome.reason());
            return done != null ? done : FINISHED_UNREAD;
        } catch (IllegalStateException finishedMeanwhile) {
            return null;
        } finally {
            inFlight.remove(trialId);
        }
    }

    // ---------------------------------------------------------------- interruption and heartbeats

    /**
     * Records every trial this study object is running as FAIL with {@code reason}, stops
     * {@code optimize} and interrupts the threads running those trials. Used on thread interruption
     * and by the shutdown hook.
     */
    public void interrupt(String reason) {
        synchronized (this) {
            if (interruption == null) {
                interruption = reason;
            }
        }
        stopRequested = true;
        for (Map.Entry<Long, Thread> e : inFlight.entries()) {
            finishQuietly(e.getKey(), failure(reason));
            if (e.getValue() != Thread.currentThread()) {
                e.getValue().interrupt();
            }
        }
    }

    /**
     * Installs a JVM shutdown hook (Ctrl-C, SIGTERM) that records this study's running trials as
     * FAIL ("interrupted: the JVM is shutting down") so the study stays consistent; close the
     * returned handle to remove it.
     */
    public AutoCloseable failRunningTrialsOnShutdown() {
        Thread hook = new Thread(() -> interrupt("interrupted: the JVM is shutting down (Ctrl-C or SIGTERM)"),
                "nntune-" + name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        return () -> {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run
            }
        };
    }

    private ScheduledExecutorService startHeartbeats(Duration interval) {
        if (interval.isZero()) {
            return null;
        }
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "nntune-" + name + "-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(1, interval.toMillis());
        s.scheduleAtFixedRate(() -> {
            for (long id : inFlight.ids()) {
                try {
                    storage.recordHeartbeat(id);
                } catch (RuntimeException finished) {
                    LOG.log(System.Logger.Level.DEBUG, "heartbeat skipped for trial id {0}: {1}", id, finished);
                }
            }
        }, 0, ms, TimeUnit.MILLISECONDS);
        return s;
    }

    // ---------------------------------------------------------------- distribution kinds

    /**
     * The categorical distribution over {@code choices} for {@code param}: the one this study saw
     * first for that name when the choices are the same (the common case, which then skips
     * validating and normalising the choices again), else a new one.
     */
    CategoricalDistribution categorical(String param, List<?> choices) {
        if (kinds.get(param) instanceof CategoricalDistribution known && sameChoices(known.choices(), choices)) {
            return known; // equal to the normalised list, so the choices were normal already
        }
        return new CategoricalDistribution(new ArrayList<>(choices));
    }

    /** {@code known.equals(asked)} for short lists, by index: no iterators per suggestion. */
    private static boolean sameChoices(List<?> known, List<?> asked) {
        int n = known.size();
        if (asked.size() != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (!known.get(i).equals(asked.get(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Checks that a parameter keeps its kind of distribution across the study (float, int,
     * categorical with the same choices); ranges may differ from trial to trial.
     */
    void checkCompatible(String param, Distribution d) {
        Distribution first = kinds.get(param);
        if (first == null) {
            for (FrozenTrial t : cache.trials(EnumSet.allOf(TrialState.class))) {
                Distribution seen = t.distributions().get(param);
                if (seen != null) {
                    first = seen;
                    break;
                }
            }
            if (first == null) {
                first = d;
            }
            kinds.putIfAbsent(param, first);
        }
        boolean ok = first == d || first.getClass() == d.getClass()
                && (!(d instanceof CategoricalDistribution c) || c.equals(first));
        if (!ok) {
            throw new IllegalArgumentException("study '" + name + "': parameter '" + param + "' was " + first
                    + " in earlier trials and is now asked as " + d
                    + "; a name keeps its kind of distribution (and a categorical its choices) within a study");
        }
    }
    /**
     * The trials this Study object is running, each with the thread running it: a few entries (one
     * per worker), kept in two arrays, so starting and finishing a trial box and hash nothing.
     */
    private static final class InFlight {
        private long[] ids = new long[2];
        private Thread[] threads = new Thread[2];
        private int size;

        synchronized void put(long id, Thread thread) {
            if (size == ids.length) {
                ids = Arrays.copyOf(ids, size * 2);
                threads = Arrays.copyOf(threads, size * 2);
            }
            ids[size] = id;
            threads[size] = thread;
            size++;
        }

        synchronized void remove(long id) {
            for (int i = 0; i < size; i++) {
                if (ids[i] == id) {
                    size--;
                    ids[i] = ids[size];
                    threads[i] = threads[size];
                    threads[size] = null;
                    return;
                }
            }
        }

        synchronized long[] ids() {
            return Arrays.copyOf(ids, size);
        }

        /** @return a copy of the entries (trial id, thread) */
        synchronized List<Map.Entry<Long, Thread>> entries() {
            List<Map.Entry<Long, Thread>> out = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                out.add(Map.entry(ids[i], threads[i]));
            }
            return out;
        }
    }
}
