package org.nntune.tune.study;

import org.nntune.tune.pruner.Pruner;
import org.nntune.tune.run.Runner;
import org.nntune.tune.run.ShutdownGuard;
import org.nntune.tune.sampler.Sampler;
import org.nntune.tune.space.CategoricalDistribution;
import org.nntune.tune.space.Distribution;
import org.nntune.tune.space.Json;
import org.nntune.tune.storage.IncompleteCopyException;
import org.nntune.tune.storage.InMemoryStorage;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.storage.StudyAlreadyExistsException;
import org.nntune.tune.trial.Constraints;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.ParetoFront;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.StudyView;
import org.nntune.tune.trial.SystemAttrs;
import org.nntune.tune.trial.TrialChanges;
import org.nntune.tune.trial.TrialState;

import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CancellationException;

/**
 * A named optimisation task kept in a {@link Storage}: its definition (directions, sampler, pruner,
 * seed) and its trials, and the facade users drive it through ({@code optimize}, {@code ask}/{@code tell},
 * {@code bestTrial}). The loop itself, its threads, clock and heartbeats belong to a
 * {@link Runner}; starting and finishing trials to the study's trial lifecycle. Create or load one
 * with {@link #builder(String)}.
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
 * <p>Failures: an exception from the objective (of a type in the catch list: by default every
 * {@link Exception}, so that one diverging trial does not end a study), or a NaN or infinite value,
 * makes that trial FAIL with the reason stored, and the study goes on. Each such failure is logged
 * as a WARNING on the logger {@value #FAILED_TRIALS_LOGGER} ({@link System.Logger}, which goes to
 * {@code java.util.logging} unless the application routes it): the trial, its parameters and the
 * reason, with the exception's stack trace the first time each exception class and message occurs
 * in an {@code optimize} call (at most {@value StudyLoop#MAX_TRACES} stack traces per call), so a
 * bug that fails every trial prints its trace once, not once per trial. Other exceptions (and
 * errors) fail the trial and then end {@code optimize} by propagating: pass
 * {@code OptimizeOptions.withCatchList(List.of())} to stop at the first exception, as Optuna does.
 * {@link #bestTrial()} on a study without a COMPLETE trial says how many trials failed and why the
 * first did. Interruption (of the thread running
 * {@code optimize}, or a JVM shutdown with {@link #failRunningTrialsOnShutdown()} installed) records
 * every running trial as FAIL with the reason and ends {@code optimize} with a
 * {@link CancellationException}.
 *
 * <p>All methods are thread-safe.
 */
public final class Study {
    /** What a user should know (INFO and up); a field so that this package's tests can read it. */
    static volatile System.Logger log = System.getLogger("org.nntune.tune");
    /**
     * The WARNING per failed trial of {@code optimize} (see the class comment), on a logger of its own,
     * {@value #FAILED_TRIALS_LOGGER}, so that an application reporting failures itself (the CLI) can silence it.
     */
    static volatile System.Logger failedTrialsLog = System.getLogger(Study.FAILED_TRIALS_LOGGER);

    /** The name of the logger that {@code optimize} reports each failed trial on (WARNING, with the stack trace). */
    public static final String FAILED_TRIALS_LOGGER = "org.nntune.tune.failures";

    private final Storage storage;
    private final long studyId;
    private final String name;
    private final List<StudyDirection> directions;
    private final Sampler sampler;
    private final Pruner pruner;
    private final OptionalLong seed;
    private final Runner runner;
    private final TrialCache cache;
    private final StudyView view = new ReadOnlyView();
    private final ParamKinds kinds;
    private final TrialLifecycle lifecycle;

    Study(Storage storage, long studyId, String name, List<StudyDirection> directions, Sampler sampler, Pruner pruner,
          OptionalLong seed, Runner runner) {
        this.storage = storage;
        this.studyId = studyId;
        this.name = name;
        this.directions = List.copyOf(directions);
        this.sampler = sampler;
        this.pruner = pruner;
        this.seed = seed;
        this.runner = runner;
        this.cache = new TrialCache(storage, studyId);
        this.kinds = new ParamKinds(name, () -> cache.trials(EnumSet.allOf(TrialState.class)));
        this.lifecycle = new TrialLifecycle(this, view);
    }

    /** @return a builder for the study of that name */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * Creates or loads a {@link Study}. Defaults: in-memory storage, MINIMIZE, {@link Sampler#standard()}
     * (TPE), no pruner, {@link Runner#standard(String)}.
     */
    public static final class Builder {
        private final String name;
        private Storage storage;
        private List<StudyDirection> directions;
        private Sampler sampler;
        private Pruner pruner = Pruner.none();
        private OptionalLong seed = OptionalLong.empty();
        private Runner runner;

        private Builder(String name) {
            java.util.Objects.requireNonNull(name, "a study needs a name: Study.builder(name) was given null");
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

        /** The sampler (default: {@link Sampler#standard()}, nntune's TPE). */
        public Builder sampler(Sampler s) {
            this.sampler = s;
            return this;
        }

        /** The pruner (default: never prune). */
        public Builder pruner(Pruner p) {
            this.pruner = p;
            return this;
        }

        /**
         * What runs {@code optimize}: its worker threads and its clock (default
         * {@link Runner#standard(String)}: daemon threads and the JVM's clock). Tests inject their own.
         */
        public Builder runner(Runner r) {
            this.runner = r;
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
                st.setStudySystemAttr(id, SystemAttrs.SEED, seed.getAsLong());
            }
            return build(st, id, ds);
        }

        /**
         * Loads an existing study; its directions come from the storage.
         *
         * @throws IllegalArgumentException if there is no such study, or directions were given and differ
         * @throws IncompleteCopyException if the study is a copy whose trials have not all arrived
         */
        public Study load() {
            if (storage == null) {
                throw new IllegalStateException("study '" + name + "': load() needs the storage that holds it");
            }
            long id = storage.getStudyId(name);
            IncompleteCopyException.check(storage, id, name);
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
            Sampler s = sampler != null ? sampler : Sampler.standard();
            if (seed.isPresent()) {
                s.reseed(seed.getAsLong());
            }
            return new Study(st, id, name, ds, s, pruner, seed, runner != null ? runner : Runner.standard(name));
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
        return view.direction();
    }

    /** @return the sampler */
    public Sampler sampler() {
        return sampler;
    }

    /** @return the pruner */
    public Pruner pruner() {
        return pruner;
    }

    /** @return what runs {@code optimize} */
    public Runner runner() {
        return runner;
    }

    /** @return the read-only view of this study that samplers, pruners and analyses get */
    public StudyView view() {
        return view;
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
        return view.trials(states);
    }

    /** @return all trials, by number */
    public List<FrozenTrial> trials() {
        return view.trials();
    }

    /**
     * @return the best COMPLETE trial of a single-objective study, if there is one; with constraints
     *     (see {@link Constraints}) the best feasible one
     */
    public Optional<FrozenTrial> findBestTrial() {
        if (directions.size() != 1) {
            throw new IllegalStateException("study '" + name + "' has " + directions.size() + " objectives, so there is"
                    + " no single best trial; use bestTrials() (the Pareto front)");
        }
        Optional<FrozenTrial> best = storage.getBestTrial(studyId);
        if (best.isPresent() && !Constraints.isFeasible(best.get())) {
            return Constraints.bestTrial(trials(EnumSet.of(TrialState.COMPLETE)), direction());
        }
        return best;
    }

    /**
     * @return the best COMPLETE trial (FAIL and PRUNED trials never count)
     * @throws IllegalStateException if no trial is COMPLETE yet, or the study has several objectives
     */
    public FrozenTrial bestTrial() {
        return findBestTrial().orElseThrow(() -> new IllegalStateException(noBestTrial()));
    }

    /**
     * Why there is no best trial, with what the study holds: "study 'x' has no COMPLETE trial, so no best
     * trial: 20 trials, all FAIL; the first failure, trial 0: NullPointerException: …".
     */
    private String noBestTrial() {
        List<FrozenTrial> all = trials();
        String head = "study '" + name + "' has no COMPLETE trial";
        if (all.isEmpty()) {
            return head + " yet, so no best trial: it has no trial at all; run optimize (or ask and tell) first";
        }
        Map<TrialState, Integer> counts = new java.util.EnumMap<>(TrialState.class);
        for (FrozenTrial t : all) {
            counts.merge(t.state(), 1, Integer::sum);
        }
        if (counts.containsKey(TrialState.COMPLETE)) {
            return "study '" + name + "' has no feasible COMPLETE trial, so no best trial: all "
                    + counts.get(TrialState.COMPLETE) + " COMPLETE trials break their constraints";
        }
        StringBuilder sb = new StringBuilder(head).append(", so no best trial: ").append(all.size())
                .append(all.size() == 1 ? " trial, " : " trials, ");
        if (counts.size() == 1) {
            sb.append(all.size() == 1 ? "" : "all ").append(counts.keySet().iterator().next());
        } else {
            StringBuilder states = new StringBuilder();
            counts.forEach((state, n) -> states.append(states.length() == 0 ? "" : ", ").append(n).append(' ').append(state));
            sb.append(states);
        }
        for (FrozenTrial t : all) {
            if (t.state() == TrialState.FAIL) {
                sb.append("; the first failure, trial ").append(t.number()).append(": ")
                        .append(t.failureReason().orElse("(no reason stored)"));
                break;
            }
        }
        return sb.toString();
    }

    /** @return the Pareto front of the COMPLETE trials (for several objectives; with one, the trials sharing the best value) */
    public List<FrozenTrial> bestTrials() {
        return ParetoFront.of(trials(EnumSet.of(TrialState.COMPLETE)), directions);
    }

    /**
     * The parameters of the best trial, as stored: ints as {@code Long}, floats as {@code Double},
     * categorical choices as given when they are strings or booleans, numbers as {@code Long}/{@code Double}
     * (a choice given as an {@code Integer} is a {@code Long} here, one given as a {@code Float} a
     * {@code Double}), whatever the Java type the objective used. So
     * {@code ((Number) bestParams().get("n")).intValue()}, not {@code (Integer) bestParams().get("n")};
     * or {@code bestTrial().intParam("n")} and {@code doubleParam}, which convert and say what is wrong.
     *
     * @return parameter name → value, in the order the trial asked for them
     * @throws IllegalStateException if no trial is COMPLETE yet, or the study has several objectives
     */
    public Map<String, Object> bestParams() {
        return bestTrial().params();
    }

    /**
     * @return the value of the best trial
     * @throws IllegalStateException if no trial is COMPLETE yet, or the study has several objectives
     */
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
                Map.of(SystemAttrs.FIXED_PARAMS, new LinkedHashMap<>(params)), new java.util.TreeMap<>(), Optional.empty(),
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
        synchronized (lifecycle.startLock) {
            Sampler.Readiness r = sampler.readiness(view);
            if (r != Sampler.Readiness.READY) {
                throw new IllegalStateException("study '" + name + "': the sampler "
                        + (r == Sampler.Readiness.EXHAUSTED ? "has nothing left to sample (e.g. the grid is exhausted)"
                        : "has no free candidate until running trials are told") + "; no trial started");
            }
            return lifecycle.start(Integer.MAX_VALUE, false, false).orElseThrow();
        }
    }

    /**
     * Finishes a trial from {@link #ask()} with its value(s); NaN or infinite values make it FAIL
     * with the reason stored. The trial must be this study's: asked of this object, or of another
     * object of the same study in the same storage (or in another storage object on the same database,
     * {@link Storage#sameStorageAs}).
     *
     * @return the trial as stored
     * @throws IllegalArgumentException if the trial belongs to another study (nothing is written), or
     *     the number of values does not match the directions
     * @throws IllegalStateException if the trial is finished already
     */
    public FrozenTrial tell(Trial trial, double... values) {
        checkOwn(trial);
        if (values.length != directions.size()) {
            throw new IllegalArgumentException("trial " + trial.number() + ": " + values.length + " value(s) for a study with "
                    + directions.size() + " objective(s)");
        }
        return told(trial, Outcome.of(values));
    }

    /**
     * Finishes a trial from {@link #ask()} as PRUNED (with its last intermediate value).
     *
     * @throws IllegalArgumentException if the trial belongs to another study (nothing is written)
     */
    public FrozenTrial tellPruned(Trial trial) {
        checkOwn(trial);
        return told(trial, Outcome.pruned(trial));
    }

    /**
     * Finishes a trial from {@link #ask()} as FAIL with the reason.
     *
     * @throws IllegalArgumentException if the trial belongs to another study, or the reason is null or
     *     blank (nothing is written: the trial stays RUNNING and may be told again)
     */
    public FrozenTrial tellFailed(Trial trial, String reason) {
        checkOwn(trial);
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("trial " + trial.number() + " of study '" + name + "': tellFailed needs a"
                    + " reason (what went wrong, e.g. the exception's message), got " + (reason == null ? "null" : "'"
                    + reason + "'") + "; the trial is still RUNNING, tell it again");
        }
        return told(trial, Outcome.failure(reason));
    }

    /**
     * Refuses a trial of another study. Told here, it would finish the trial with its id in this
     * study's storage: another study's trial (one storage) or one of this study's own (ids of
     * another storage mean nothing here), while the asked trial stayed RUNNING for ever.
     */
    private void checkOwn(Trial trial) {
        Study owner = trial.study();
        // two Storage objects on one database (two opened on one SQLite file in this JVM) are one storage
        if (owner == this || owner.studyId == studyId && owner.storage.sameStorageAs(storage)) {
            return;
        }
        throw new IllegalArgumentException("trial " + trial.number() + " belongs to study '" + owner.name + "'"
                + (owner.name.equals(name) ? " of another storage, not to this study '" + name + "'" : ", not '" + name + "'")
                + "; tell it to the study that asked for it");
    }

    /**
     * The trial as stored after it was told (FAIL if an interruption failed it first). A trial asked
     * of another object of this study is finished by that object, which holds it in flight.
     */
    private FrozenTrial told(Trial trial, Outcome outcome) {
        if (trial.study() != this) {
            return trial.study().told(trial, outcome);
        }
        return lifecycle.finish(trial, outcome).orElseGet(() -> storage.getTrial(trial.trialId()));
    }

    /**
     * Fails a RUNNING trial that no one will finish: its process died while it ran the trial without
     * heartbeats ({@code withHeartbeat(Duration.ZERO)}, an in-memory study's, or a version of nntune that
     * kept none by default), or it asked the trial and died before telling it. Such a trial is never failed
     * as stale, and it counts in the study's budget for ever. Call it only for a trial whose process is
     * gone: a live worker's outcome is refused once the trial is failed. The trial is not queued again.
     *
     * @param number the trial's number
     * @param reason what happened, stored as the failure reason after "abandoned: "
     * @return the trial as stored
     * @throws IllegalArgumentException if the study has no trial of that number, or the reason is blank
     * @throws IllegalStateException if the trial is not RUNNING, or this object runs it ({@code tell} it)
     */
    public FrozenTrial failAbandonedTrial(int number, String reason) {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("study '" + name + "': failAbandonedTrial(" + number + ", reason) needs a"
                    + " reason (e.g. \"its process was killed\"), got " + (reason == null ? "null" : "'" + reason + "'"));
        }
        FrozenTrial trial = trials().stream().filter(t -> t.number() == number).findFirst().orElseThrow(() ->
                new IllegalArgumentException("study '" + name + "' has no trial " + number));
        if (trial.state() != TrialState.RUNNING) {
            throw new IllegalStateException("trial " + number + " of study '" + name + "' is " + trial.state()
                    + ", not RUNNING; only a running trial can be abandoned");
        }
        if (lifecycle.inFlight().contains(trial.trialId())) {
            throw new IllegalStateException("trial " + number + " of study '" + name + "' runs in this Study object; it"
                    + " is not abandoned: tell it (tellFailed) or stop the run");
        }
        try {
            storage.finishTrial(trial.trialId(), TrialState.FAIL, List.of(), Optional.of("abandoned: " + reason));
        } catch (IllegalStateException finishedMeanwhile) {
            throw new IllegalStateException("trial " + number + " of study '" + name + "' finished meanwhile, so it"
                    + " was not abandoned: " + finishedMeanwhile.getMessage(), finishedMeanwhile);
        }
        return storage.getTrial(trial.trialId());
    }

    /** Stops {@code optimize}: running trials finish, no new one starts. Callable from callbacks. */
    public void stop() {
        lifecycle.stop();
    }

    // ---------------------------------------------------------------- optimize

    /**
     * Runs trials one at a time until the study holds {@code nTrials} trials in all, counting the
     * trials it held before this call: {@code nTrials} is the study's budget (see
     * {@link OptimizeOptions#nTrials()}), not a number of trials to add. A program run again on a
     * stored study that has its {@code nTrials} runs nothing (and says so in an INFO log line); unlike
     * Optuna's {@code n_trials}, to run 10 more trials of a study holding 50, ask for 60, or
     * {@code optimize(objective, OptimizeOptions.moreTrials(10))}.
     *
     * <p>On a storage that outlives the process (a database: {@link Storage#outlivesProcess()}) the
     * running trials keep heartbeats (every 10 s, {@link OptimizeOptions#HEARTBEAT_IF_SHARED}): the
     * trial of a process killed mid-trial is failed as stale by the next run on the study (once it has
     * missed its heartbeat for 20 s), and the budget is met by trials that ran. An exception from the
     * objective fails its trial, is logged as a WARNING and the study goes on (see the class comment).
     *
     * @throws NullPointerException if {@code objective} is null
     * @throws IllegalStateException if the study has several objectives (use {@link #optimizeMulti})
     */
    public void optimize(Objective objective, int nTrials) {
        optimize(objective, OptimizeOptions.trials(nTrials));
    }

    /**
     * Runs trials until the study holds {@code nTrials} finished trials in all, counting those it
     * held before this call (the study's budget, see {@link #optimize(Objective, int)} and
     * {@link OptimizeOptions#nTrials()}), the timeout passes, the sampler is exhausted or
     * {@link #stop()} is called.
     *
     * @throws IllegalStateException if the study has several objectives (use {@link #optimizeMulti})
     */
    public void optimize(Objective objective, int nTrials, Duration timeout, int nJobs, List<StudyCallback> callbacks) {
        optimize(objective, new OptimizeOptions(nTrials, timeout, nJobs, callbacks, List.of(Exception.class),
                OptimizeOptions.HEARTBEAT_IF_SHARED, false));
    }

    /**
     * Runs a single-objective study with the given options; {@link OptimizeOptions#nTrials()} is the
     * study's budget, counting the trials it held before this call (see {@link #optimize(Objective, int)}).
     *
     * @throws IllegalStateException if the study has several objectives (use {@link #optimizeMulti})
     */
    public void optimize(Objective objective, OptimizeOptions options) {
        if (directions.size() != 1) {
            throw new IllegalStateException("study '" + name + "' has " + directions.size() + " objectives; optimize("
                    + "objective, …) is for one: use optimizeMulti(objective, options), whose objective returns "
                    + directions.size() + " values");
        }
        java.util.Objects.requireNonNull(objective, () -> "study '" + name + "': optimize needs an objective, got null");
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
     * Runs a study with one or several objectives, with the given options; {@link OptimizeOptions#nTrials()}
     * is the study's budget, counting the trials it held before this call (see {@link #optimize(Objective, int)}).
     *
     * @throws NullPointerException if {@code objective} or {@code options} is null
     * @throws CancellationException if the thread was interrupted or the JVM is shutting down
     *     (running trials are recorded as FAIL first)
     * @throws RuntimeException the objective's exception, if its type is not in the catch list
     *     (checked exceptions wrapped), after the trial is recorded as FAIL
     */
    public void optimizeMulti(MultiObjective objective, OptimizeOptions options) {
        java.util.Objects.requireNonNull(objective, () -> "study '" + name + "': optimizeMulti needs an objective, got null");
        java.util.Objects.requireNonNull(options, () -> "study '" + name + "': optimize needs options, got null");
        lifecycle.resetRun();
        OptimizeOptions run = options.resolvedFor(storage, options.addTrials() ? lifecycle.spent() : 0);
        sayWhenTheBudgetIsSpent(run.nTrials());
        try {
            runner.run(new StudyLoop(this, lifecycle, objective, run), run.nJobs(), run.timeout(), run.heartbeat());
        } catch (RuntimeException | Error e) {
            if (lifecycle.interruption().isEmpty()) {
                throw e;
            }
            // what the interruption cut short (a storage call whose wait for a connection it interrupted): the run
            // ended by the interruption, which the caller is told of, once it is recorded
            CancellationException cancelled = interrupted(lifecycle.interruption().get());
            cancelled.initCause(e);
            throw cancelled;
        }
        Optional<String> interruption = lifecycle.interruption();
        if (interruption.isPresent()) {
            throw interrupted(interruption.get());
        }
    }

    /**
     * The exception an interrupted {@code optimize} ends with, once the interruption's recording is done: the shutdown
     * hook may still be recording (a FAIL, then its retry) when the run's thread sees the stop, and the caller closes
     * the storage next, which would cut the retry's write short.
     */
    private CancellationException interrupted(String reason) {
        InterruptionOutcome recorded = lifecycle.awaitRecorded(RECORDING_PATIENCE);
        return new CancellationException("study '" + name + "': " + reason + (recorded.complete()
                ? "; running trials were recorded as FAIL"
                : "; not everything was recorded: " + (recorded.finished() ? String.join("; ", recorded.problems())
                        : "still recording after " + RECORDING_PATIENCE.toSeconds() + " s")));
    }

    /**
     * How long {@code optimize}, interrupted, waits for the interruption's recording on another thread (the shutdown
     * hook's) before it returns: a database that does not answer makes each write wait for the driver's network timeout
     * and the pool's wait for a new connection; the JVM does not end before its hooks anyway.
     */
    static final Duration RECORDING_PATIENCE = Duration.ofMinutes(10);

    /**
     * Logs (INFO) that nothing will run when the study already holds its {@code nTrials} finished
     * trials: a program run again on a stored study would otherwise end at once in silence (Optuna's
     * {@code n_trials} counts the trials of one call, nntune's the study's). Not when trials of other
     * workers still run: the loop then waits for them and says so.
     */
    private void sayWhenTheBudgetIsSpent(int nTrials) {
        if (nTrials == Integer.MAX_VALUE) {
            return;
        }
        int counted = lifecycle.counted();
        if (counted < lifecycle.budget(nTrials, counted)) {
            return;
        }
        int finished = storage.countTrials(studyId, FINISHED);
        if (finished < counted) {
            return;
        }
        log.log(System.Logger.Level.INFO, "study '" + name + "' already has " + finished + " finished trials of the "
                + nTrials + " asked for; nothing to run — the number is the study's total: ask for more, e.g."
                + " optimize(objective, " + (Math.max(nTrials, finished) + 10) + "), or add some with"
                + " optimize(objective, OptimizeOptions.moreTrials(10))");
    }

    private static final Set<TrialState> FINISHED = EnumSet.of(TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL);

    // ---------------------------------------------------------------- interruption

    /**
     * Records every trial this study object is running as FAIL with {@code reason}, stops
     * {@code optimize} and interrupts the threads running those trials. Used on thread interruption
     * and by the shutdown hook.
     */
    public void interrupt(String reason) {
        lifecycle.interrupt(reason);
    }

    /**
     * Waits until the recording of an interruption of this study's run is done, on whichever thread it runs (the
     * shutdown hook's, {@link #failRunningTrialsOnShutdown}), up to {@code patience}; at once if none is in progress.
     * For what a program says when Ctrl-C or SIGTERM stops it: say only what was recorded, after it was.
     *
     * @return whether the recording ended in time, and what it could not record (a trial left RUNNING, a retry not
     *     queued)
     */
    public InterruptionOutcome awaitInterruptionRecorded(Duration patience) {
        return lifecycle.awaitRecorded(patience);
    }

    /** The failure reason of the trials a JVM shutdown stopped ({@link #failRunningTrialsOnShutdown}). */
    public static final String SHUTDOWN_REASON = "interrupted: the JVM is shutting down (Ctrl-C or SIGTERM)";

    /**
     * Installs a JVM shutdown hook (Ctrl-C, SIGTERM) that records this study's running trials as
     * FAIL ("interrupted: the JVM is shutting down") so the study stays consistent; close the
     * returned handle to remove it.
     */
    public ShutdownGuard failRunningTrialsOnShutdown() {
        return ShutdownGuard.install("nntune-" + name + "-shutdown", () -> interrupt(SHUTDOWN_REASON));
    }

    // ---------------------------------------------------------------- distribution kinds

    /** @see ParamKinds#categorical */
    CategoricalDistribution categorical(String param, List<?> choices) {
        return kinds.categorical(param, choices);
    }

    /**
     * The kind of distribution this study's trials ask {@code param} with: the distribution of the
     * first trial that asked for it (a name keeps its kind, and a categorical its choices, for the
     * whole study; ranges may differ), or empty if no trial has. A caller that can ask a value in
     * two ways (e.g. a stepped range that older versions stored as a categorical of its points) asks
     * it the way the study already has it.
     */
    public java.util.Optional<Distribution> distributionKind(String param) {
        return kinds.known(param);
    }

    /** @see ParamKinds#checkCompatible */
    void checkCompatible(String param, Distribution d) {
        kinds.checkCompatible(param, d);
    }

    /** The study as samplers, pruners and analyses see it: reads, and the strategies' own bookkeeping. */
    private final class ReadOnlyView implements StudyView {
        @Override
        public String name() {
            return name;
        }

        @Override
        public long studyId() {
            return studyId;
        }

        @Override
        public List<StudyDirection> directions() {
            return directions;
        }

        @Override
        public List<FrozenTrial> trials(Set<TrialState> states) {
            return cache.trials(states);
        }

        @Override
        public FrozenTrial trial(long trialId) {
            return storage.getTrial(trialId);
        }

        @Override
        public TrialChanges trialsChangedSince(long cursor) {
            return storage.getTrialsChangedSince(studyId, cursor);
        }

        @Override
        public Map<String, Object> systemAttrs() {
            return storage.getStudySystemAttrs(studyId);
        }

        @Override
        public void setTrialSystemAttr(long trialId, String key, Object value) {
            storage.setTrialSystemAttr(trialId, key, value);
        }

        @Override
        public boolean compareAndSetSystemAttr(String key, Optional<Object> expected, Object value) {
            return storage.compareAndSetStudySystemAttr(studyId, key, expected, value);
        }

        @Override
        public String toString() {
            return "view of study '" + name + "'";
        }
    }
}
