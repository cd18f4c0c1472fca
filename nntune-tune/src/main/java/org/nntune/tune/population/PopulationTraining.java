package org.nntune.tune.population;

import org.nntune.tune.run.InFlightTrials;
import org.nntune.tune.run.Runner;
import org.nntune.tune.run.ShutdownGuard;
import org.nntune.tune.run.Step;
import org.nntune.tune.run.TrialLoop;
import org.nntune.tune.space.Distribution;
import org.nntune.tune.space.Json;
import org.nntune.tune.storage.ArtifactStore;
import org.nntune.tune.storage.ArtifactStoreException;
import org.nntune.tune.storage.IncompleteCopyException;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.storage.StudyAlreadyExistsException;
import org.nntune.tune.storage.TrialStart;
import org.nntune.tune.trial.FailureReason;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.SystemAttrs;
import org.nntune.tune.trial.TrialState;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Population-based training (Jaderberg et al. 2017) as a study in a {@link Storage}: a population of
 * members trains in rounds of {@code interval} epochs; after each round the members are ranked by the
 * metric, each member of the bottom quantile copies the checkpoint of a random member of the top
 * quantile (exploit) and changes the copied hyperparameters (explore: see {@link Explorer}).
 *
 * <pre>{@code
 * PopulationTraining pbt = PopulationTraining.createOrLoad(storage, "mlp-pbt", StudyDirection.MAXIMIZE,
 *         Map.of("lr", FloatDistribution.logUniform(1e-4, 1e-1)), PbtOptions.defaults(8, 2, 20));
 * PopulationHistory h = pbt.run(objective);   // any number of workers, threads and processes
 * }</pre>
 *
 * <h2>Through the storage</h2>
 * Each (round, member) pair is a <em>unit</em> of work and becomes one trial (its parameters are the
 * member's hyperparameters, its intermediate values the epochs' metrics, its value the metric at the
 * end of the round). A worker takes a unit with the storage's compare-and-set on the study system
 * attribute {@code pbt.unit.<round>.<member>}, which holds the decision (hyperparameters, donor,
 * source checkpoint) and the attempt number: of many workers in many processes exactly one takes a
 * unit. A unit whose trial failed, or whose worker went silent (no heartbeat for
 * {@link PbtOptions#staleAfter()}; the trial is then failed by {@link Storage#failStaleTrials}) is
 * taken again, as a new attempt, from the same source checkpoint: a killed worker's member resumes
 * from its last checkpoint. Checkpoints live in {@link Storage#artifacts()} under
 * {@code pbt/r<round>/m<member>/a<attempt>}; a checkpoint that no member can need any more (not a
 * member's latest, not the source of a unit still to finish) is deleted.
 *
 * <p>Synchronous rounds (the default) make round {@code r + 1} available once every member has
 * finished round {@code r}; the decisions are then a function of the seed and the results, so a
 * study repeats exactly. Asynchronous rounds let a member go on as soon as its own round is done,
 * ranked against the latest round of every member.
 */
public final class PopulationTraining {
    /** study system attribute holding the settings and space, written once */
    public static final String CONFIG_ATTR = "pbt.config";
    static final String UNIT_PREFIX = "pbt.unit.";
    private static final String CHECKPOINT_PREFIX = "pbt/";
    private static final java.util.regex.Pattern CHECKPOINT_KEY = java.util.regex.Pattern.compile("pbt/r(\\d+)/m(\\d+)/a(\\d+)");

    private final Storage storage;
    private final ArtifactStore artifacts;
    private final long studyId;
    private final String name;
    private final StudyDirection direction;
    private final Map<String, Distribution> space;
    private final PbtOptions options;
    private final List<PopulationListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final InFlightTrials beating = new InFlightTrials();
    private volatile boolean stop;
    private volatile java.util.function.Consumer<String> notices =
            m -> System.getLogger("org.nntune.tune").log(System.Logger.Level.INFO, m);

    private PopulationTraining(Storage storage, long studyId, String name, StudyDirection direction,
                               Map<String, Distribution> space, PbtOptions options) {
        this.storage = storage;
        this.artifacts = storage.artifacts();
        this.studyId = studyId;
        this.name = name;
        this.direction = direction;
        this.space = Collections.unmodifiableMap(new LinkedHashMap<>(space));
        this.options = options;
    }

    /**
     * Creates the study or joins it (safe when several processes start together).
     *
     * @param space the hyperparameters PBT explores, in a fixed order
     * @throws IllegalArgumentException if the space has nothing to explore, or the stored study has
     *     another direction or other PBT settings or space
     * @throws IllegalStateException if the storage keeps no artifacts
     */
    public static PopulationTraining createOrLoad(Storage storage, String name, StudyDirection direction,
                                                  Map<String, Distribution> space, PbtOptions options) {
        PbtOptions.check(space);
        storage.artifacts(); // fails early when the storage keeps no artifacts
        OptionalLong found = storage.findStudyId(name);
        long id;
        if (found.isPresent()) {
            id = found.getAsLong();
            IncompleteCopyException.check(storage, id, name);
        } else {
            try {
                id = storage.createStudy(name, List.of(direction));
            } catch (StudyAlreadyExistsException raced) {
                id = storage.getStudyId(name);
            }
        }
        List<StudyDirection> stored = storage.getStudyDirections(id);
        if (!stored.equals(List.of(direction))) {
            throw new IllegalArgumentException("study '" + name + "' is stored with directions " + stored + ", not ["
                    + direction + "]");
        }
        Object config = Json.normalize(configJson(space, options));
        if (!storage.getStudySystemAttrs(id).containsKey(CONFIG_ATTR) && !storage.getAllTrials(id).isEmpty()) {
            throw new IllegalArgumentException("study '" + name + "' holds trials of another kind (it was not started"
                    + " with population-based training), so a population cannot continue it; use another study name");
        }
        if (!storage.compareAndSetStudySystemAttr(id, CONFIG_ATTR, Optional.empty(), config)) {
            Object before = storage.getStudySystemAttrs(id).get(CONFIG_ATTR);
            if (!config.equals(before)) {
                throw new IllegalArgumentException("study '" + name + "' was started with the population-based training"
                        + " settings " + before + ", not " + config + "; use those, or another study name");
            }
        }
        return new PopulationTraining(storage, id, name, direction, space, options);
    }

    /**
     * Opens a population-based training study some process created, with the settings and space it
     * stored (e.g. to read its history, best member and schedule).
     *
     * @return empty if the storage has no such study, or the study is not population-based training
     */
    public static Optional<PopulationTraining> load(Storage storage, String name) {
        OptionalLong found = storage.findStudyId(name);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        long id = found.getAsLong();
        IncompleteCopyException.check(storage, id, name);
        if (!(storage.getStudySystemAttrs(id).get(CONFIG_ATTR) instanceof Map<?, ?> config)) {
            return Optional.empty();
        }
        if (!(config.get("space") instanceof Map<?, ?> stored)) {
            throw new IllegalArgumentException("study '" + name + "' has malformed population-based training settings "
                    + config + " (no space)");
        }
        Map<String, Distribution> space = new LinkedHashMap<>();
        stored.forEach((k, d) -> space.put(String.valueOf(k), Distribution.fromJson(Json.encode(d))));
        List<StudyDirection> directions = storage.getStudyDirections(id);
        if (directions.size() != 1) {
            throw new IllegalArgumentException("study '" + name + "' has " + directions.size() + " directions, not one");
        }
        return Optional.of(new PopulationTraining(storage, id, name, directions.get(0), space,
                PbtOptions.fromJson(config)));
    }

    /** @return whether a study's system attributes say it is population-based training */
    public static boolean isPopulation(Map<String, Object> studySystemAttrs) {
        return studySystemAttrs.containsKey(CONFIG_ATTR);
    }

    /** @return the direction the members are ranked in */
    public StudyDirection direction() {
        return direction;
    }

    private static Map<String, Object> configJson(Map<String, Distribution> space, PbtOptions options) {
        Map<String, Object> m = options.toJson();
        Map<String, Object> s = new LinkedHashMap<>();
        space.forEach((k, d) -> s.put(k, Json.decode(d.toJson())));
        m.put("space", s);
        return m;
    }

    /** @return the study's name */
    public String name() {
        return name;
    }

    /** @return the storage's id of the study */
    public long studyId() {
        return studyId;
    }

    /** @return the settings */
    public PbtOptions options() {
        return options;
    }

    /** @return the explored space */
    public Map<String, Distribution> space() {
        return space;
    }

    /** @return the storage */
    public Storage storage() {
        return storage;
    }

    /** Adds a listener told of every member round this object's workers finish (for progress). */
    public PopulationTraining addListener(PopulationListener listener) {
        listeners.add(listener);
        return this;
    }

    /**
     * Where this object's workers say what they wait for (another worker's round, and for how long
     * when that worker stopped); the default logs at INFO. The command line prints them.
     */
    public PopulationTraining onNotice(java.util.function.Consumer<String> notice) {
        this.notices = java.util.Objects.requireNonNull(notice, "notice");
        return this;
    }

    /** @return the study's history so far, read from the storage */
    public PopulationHistory history() {
        return PopulationHistory.of(storage.getAllTrials(studyId), direction);
    }

    /**
     * @return the bytes of a member round's checkpoint
     * @throws IllegalStateException if the checkpoint was cleaned up or never written
     */
    public byte[] checkpoint(MemberRound round) {
        return artifacts.get(studyId, round.checkpoint()).orElseThrow(() -> new IllegalStateException("study '" + name
                + "': the checkpoint '" + round.checkpoint() + "' of member " + round.member() + ", round "
                + round.round() + " is not in the artifact store " + artifacts + " (cleaned up or lost)"));
    }

    /** Runs one worker in this thread until every member has trained every round. */
    public PopulationHistory run(PopulationObjective objective) {
        return run(objective, 1);
    }

    /**
     * Runs {@code threads} workers in this process until every member has trained every round; other
     * processes may run workers on the same study at the same time.
     *
     * @return the finished study's history
     * @throws IllegalArgumentException if the objective fixes its members' epochs ({@link PopulationObjective#epochs()})
     *     and the options' {@link PbtOptions#epochs()} differ
     * @throws PopulationTrainingException if a member's round failed {@link PbtOptions#maxAttempts()}
     *     times or the artifact store is full or gone (everything finished so far is kept)
     * @throws IllegalStateException if the study was deleted from the storage while this ran ({@code nntune delete
     *     --force}): the next heartbeat finds it gone and the rounds in flight end then, not when they would have
     */
    public PopulationHistory run(PopulationObjective objective, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads " + threads + " must be >= 1");
        }
        java.util.OptionalInt own = objective.epochs();
        if (own.isPresent() && own.getAsInt() != options.epochs()) {
            throw new IllegalArgumentException("study '" + name + "': the objective fixes " + own.getAsInt() + " epochs per"
                    + " member (e.g. its network space's epochs), but the population-based training options say "
                    + options.epochs() + " (PbtOptions.epochs), which members would train instead; make the two agree,"
                    + " e.g. PbtOptions.defaults(" + options.population() + ", " + Math.min(options.interval(), own.getAsInt())
                    + ", " + own.getAsInt() + ")");
        }
        stop = false;
        beating.resetRun();
        Loop loop = new Loop(objective);
        // Ctrl-C or SIGTERM: the rounds in flight are failed at once, so another worker (or this study
        // run again) takes them over from their members' last checkpoints without waiting for them to go stale
        try (ShutdownGuard guard = ShutdownGuard.install("nntune-pbt-" + name + "-shutdown",
                () -> loop.interrupt("interrupted: the JVM is shutting down (Ctrl-C or SIGTERM)"))) {
            Runner.standard("pbt-" + name).run(loop, threads, FOREVER, options.heartbeat());
        } catch (RuntimeException e) {
            Optional<RuntimeException> gone = beating.abandonment();
            if (gone.isPresent() && e.getCause() == gone.get()) {
                throw e; // a round's own account of it (throwIfAbandoned)
            }
            if (gone.isPresent() || storage.studyDeleted(name, studyId)) {
                // whatever a worker met first (a refused write, a vanished row), the deletion is the cause
                throw deleted("while this worker ran it", gone.orElse(e));
            }
            if (!loop.interrupted()) {
                throw e;
            }
            // an objective that ended with the interruption: the interruption is what to report
        }
        Optional<RuntimeException> gone = beating.abandonment();
        if (gone.isPresent()) {
            throw deleted("while this worker ran it; a heartbeat found it gone", gone.get());
        }
        if (loop.interrupted()) {
            Thread.currentThread().interrupt();
            throw new PopulationTrainingException("study '" + name + "' was interrupted (" + loop.interruption
                    + "); the rounds in flight were recorded as failed and resume from their members' last checkpoints"
                    + " when the study runs again", null);
        }
        return history();
    }

    /** The study was deleted under this run ({@code nntune delete --force}, another program): nothing left to record. */
    private IllegalStateException deleted(String when, RuntimeException why) {
        return new IllegalStateException("study '" + name + "' was deleted from its storage " + when + " (" + why.getMessage()
                + ")", why);
    }

    /**
     * Ends the round of {@code u} when a heartbeat found the study deleted ({@link InFlightTrials#abandon}), whatever
     * stopped its training (the heartbeat's interrupt, a refused write): there is no trial left to fail.
     */
    private void throwIfAbandoned(Unit u) {
        Optional<RuntimeException> gone = beating.abandonment();
        if (gone.isPresent()) {
            stop = true;
            throw deleted("while round " + u.round() + " of member " + u.member() + " ran; a heartbeat found it gone",
                    gone.get());
        }
    }

    /** How long an interruption waits for the rounds whose trials are being created (as a study's trials). */
    private static final java.time.Duration START_PATIENCE = java.time.Duration.ofSeconds(5);

    /** No deadline: a population ends when every member has trained every round. */
    private static final java.time.Duration FOREVER = java.time.Duration.ofNanos(Long.MAX_VALUE);

    /**
     * The population as the {@link Runner} drives it: each step takes a unit that may run now (see
     * {@link #take}) or waits a poll, failing stale rounds of other workers meanwhile; the runner
     * owns the threads and the heartbeats of the rounds in flight.
     */
    private final class Loop implements TrialLoop {
        private final PopulationObjective objective;
        private volatile String interruption;
        /** the trial ids of other workers' rounds this loop last said it waits for */
        private List<Long> awaited = List.of();

        Loop(PopulationObjective objective) {
            this.objective = objective;
        }

        @Override
        public Step next() {
            if (stop) {
                return Step.STOP;
            }
            Snapshot snap = new Snapshot();
            if (snap.finished()) {
                return Step.STOP;
            }
            // workers look at members from a random one on, so that they rarely race for the same unit
            Optional<Unit> unit = take(snap, java.util.concurrent.ThreadLocalRandom.current().nextInt(options.population()));
            if (unit.isPresent()) {
                Unit u = unit.get();
                return new Step.Run(() -> train(u, objective, this));
            }
            storage.failStaleTrials(studyId, options.staleAfter());
            sayWhatItWaitsFor(snap);
            return new Step.Wait(options.poll());
        }

        /**
         * Says, once for each new set of them, which rounds of other workers this worker waits for: a
         * round whose worker process is gone (on this machine: its process id is no longer alive, e.g.
         * after kill -9) is taken over once its heartbeat is {@link PbtOptions#staleAfter()} old, so
         * the wait is said with its length rather than left silent.
         */
        private void sayWhatItWaitsFor(Snapshot snap) {
            // a round stamped by this process is one of its own threads' (of this object or another): never another
            // worker's to wait for. Looking it up in the rounds in flight is not enough: the snapshot is older than that
            // set, so a round another thread of this process has started (its trial created, not yet in the set) or
            // just finished (out of the set, RUNNING in the snapshot) would be said to be another worker's
            String self = thisProcess();
            List<FrozenTrial> others = snap.trials.values().stream()
                    .filter(t -> t.state() == TrialState.RUNNING && !beating.contains(t.trialId())
                            && !self.equals(processOf(String.valueOf(t.systemAttrs().get(SystemAttrs.WORKER)))))
                    .sorted(java.util.Comparator.comparingInt(FrozenTrial::number)).toList();
            List<Long> ids = others.stream().map(FrozenTrial::trialId).toList();
            synchronized (this) {
                if (ids.equals(awaited)) {
                    return;
                }
                awaited = ids;
            }
            String grace = seconds(options.staleAfter());
            for (FrozenTrial t : others) {
                int member = num(t.systemAttrs(), PopulationHistory.MEMBER);
                int round = num(t.systemAttrs(), PopulationHistory.ROUND);
                String worker = String.valueOf(t.systemAttrs().getOrDefault(SystemAttrs.WORKER, "?"));
                String unit = String.format(java.util.Locale.ROOT, "member %d's round %d (trial %d)", member, round + 1,
                        t.number());
                notices.accept(workerGone(worker)
                        ? "waiting up to " + grace + " for " + unit + ", whose worker stopped (process " + worker.split("/")[0]
                                + " is gone, so its heartbeat is stale); the round is then trained again from the member's"
                                + " last checkpoint"
                        : "waiting for " + unit + ", which worker " + worker.split("/")[0] + " is training; if that worker"
                                + " has stopped, the round is trained again here once its heartbeat is " + grace + " old");
            }
        }

        @Override
        public boolean stopped() {
            return stop;
        }

        @Override
        public void stop() {
            stop = true;
        }

        @Override
        public void interrupt(String reason) {
            synchronized (this) {
                if (interruption == null) {
                    interruption = reason;
                }
            }
            stop = true;
            // a round whose trial is being created now is waited for, so that it is failed here with the others
            // (on Ctrl-C the JVM halts once this has run), and no round starts after this
            beating.closeStarts(START_PATIENCE);
            for (Map.Entry<Long, Thread> e : beating.entries()) {
                fail(e.getKey(), reason);
                e.getValue().interrupt();
            }
        }

        @Override
        public boolean interrupted() {
            return interruption != null;
        }

        @Override
        public InFlightTrials inFlight() {
            return beating;
        }

        @Override
        public void beat(long trialId) {
            try {
                storage.recordHeartbeat(trialId);
            } catch (RuntimeException refused) {
                // a round finished meanwhile or taken over, a lost connection: the round goes on. The study deleted
                // under the run (nntune delete --force): its rounds end now, not when their epochs would have
                if (storage.studyDeleted(name, studyId)) {
                    stop = true;
                    beating.abandon(refused);
                }
                throw refused;
            }
        }
    }

    // ---------------------------------------------------------------- the worker loop

    /** What the storage says about the units right now. */
    private final class Snapshot {
        final Map<String, Object> attrs;
        /** "round.member" → the claim written by the worker that took it */
        final Map<String, Map<String, Object>> claims = new HashMap<>();
        /** "round.member.attempt" → its trial */
        final Map<String, FrozenTrial> trials = new HashMap<>();
        final PopulationHistory history;

        Snapshot() {
            List<FrozenTrial> all = storage.getAllTrials(studyId);
            attrs = storage.getStudySystemAttrs(studyId);
            for (Map.Entry<String, Object> e : attrs.entrySet()) {
                if (e.getKey().startsWith(UNIT_PREFIX) && e.getValue() instanceof Map<?, ?> m) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> claim = (Map<String, Object>) m;
                    claims.put(e.getKey().substring(UNIT_PREFIX.length()), claim);
                }
            }
            for (FrozenTrial t : all) {
                // a trial whose worker is still writing its attributes (one write each) counts once it has them all
                if (PopulationHistory.isMemberRound(t) && t.systemAttrs().get(PopulationHistory.ATTEMPT) instanceof Number) {
                    trials.put(num(t.systemAttrs(), PopulationHistory.ROUND) + "." + num(t.systemAttrs(),
                            PopulationHistory.MEMBER) + "." + num(t.systemAttrs(), PopulationHistory.ATTEMPT), t);
                }
            }
            history = PopulationHistory.of(all, direction);
        }

        Optional<Map<String, Object>> claim(int round, int member) {
            return Optional.ofNullable(claims.get(round + "." + member));
        }

        boolean done(int round, int member) {
            return history.rounds().getOrDefault(round, Map.of()).containsKey(member);
        }

        boolean roundDone(int round) {
            return history.rounds().getOrDefault(round, Map.of()).size() == options.population();
        }

        boolean finished() {
            return roundDone(options.rounds() - 1);
        }

        /** @return whether the unit may be decided now */
        boolean ready(int round, int member) {
            return round == 0 || (options.synchronous() ? roundDone(round - 1) : done(round - 1, member));
        }
    }

    /** @return this process as a {@link SystemAttrs#WORKER} stamp names it: {@code HOST:PID} */
    static String thisProcess() {
        return processOf(SystemAttrs.currentWorker());
    }

    /** @return the {@code HOST:PID} of a {@link SystemAttrs#WORKER} stamp {@code HOST:PID/THREAD} */
    static String processOf(String worker) {
        int slash = worker.indexOf('/');
        return slash < 0 ? worker : worker.substring(0, slash);
    }

    /** @return whether a {@link SystemAttrs#WORKER} stamp names a process on this machine that is no longer alive */
    static boolean workerGone(String worker) {
        String here = SystemAttrs.currentWorker();
        String host = here.substring(0, here.lastIndexOf(':', here.indexOf('/')));
        int colon = worker.indexOf(':');
        int slash = worker.indexOf('/');
        if (colon < 0 || slash < colon || !worker.substring(0, colon).equals(host)) {
            return false; // another machine's: its process cannot be looked at from here
        }
        try {
            long pid = Long.parseLong(worker.substring(colon + 1, slash));
            return pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** "30 s", "1.5 s" */
    private static String seconds(java.time.Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    private static int num(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).intValue();
    }

    /** A unit this worker took: the decision it wrote. */
    private record Unit(int round, int member, int attempt, Map<String, Double> params, int donor, String source,
                        Map<String, List<Object>> changes) {
        String checkpoint() {
            return CHECKPOINT_PREFIX + "r" + round + "/m" + member + "/a" + attempt;
        }
    }

    /** Tries to take one unit that may run now, looking at members from {@code offset} on. */
    private Optional<Unit> take(Snapshot snap, int offset) {
        int n = options.population();
        for (int round = 0; round < options.rounds(); round++) {
            for (int i = 0; i < n; i++) {
                int member = (offset + i) % n;
                if (snap.done(round, member) || !snap.ready(round, member)) {
                    continue;
                }
                Optional<Map<String, Object>> claim = snap.claim(round, member);
                int attempt = 0;
                if (claim.isPresent()) {
                    int previous = num(claim.get(), "attempt");
                    if (!abandoned(snap, round, member, previous, claim.get())) {
                        continue;
                    }
                    attempt = previous + 1;
                    // an interruption (Ctrl-C, SIGTERM) is no fault of the round: its attempts do not count
                    if (attempt - interruptedAttempts(snap, round, member, previous) >= options.maxAttempts()) {
                        FrozenTrial last = snap.trials.get(round + "." + member + "." + previous);
                        stop = true;
                        throw new PopulationTrainingException("study '" + name + "': round " + round + " of member "
                                + member + " failed " + attempt + " times (the most allowed); last reason: "
                                + (last == null ? "its worker died before it started the trial"
                                : last.failureReason().orElse("unknown")), null);
                    }
                }
                Unit u = decide(snap, round, member, attempt);
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("attempt", (long) attempt);
                json.put("at", System.currentTimeMillis());
                json.put("params", u.params());
                json.put("donor", (long) u.donor());
                json.put("source", u.source());
                if (storage.compareAndSetStudySystemAttr(studyId, UNIT_PREFIX + round + "." + member,
                        claim.map(c -> (Object) c), json)) {
                    return Optional.of(u);
                }
            }
        }
        return Optional.empty();
    }

    /** @return how many of a unit's attempts 0..{@code last} an interruption ended */
    private static int interruptedAttempts(Snapshot snap, int round, int member, int last) {
        int n = 0;
        for (int a = 0; a <= last; a++) {
            FrozenTrial t = snap.trials.get(round + "." + member + "." + a);
            if (t != null && t.state() == TrialState.FAIL && t.failureReason().orElse("").startsWith("interrupted")) {
                n++;
            }
        }
        return n;
    }

    /** @return whether a taken unit's attempt is over without a result (failed, or its worker died before its trial) */
    private boolean abandoned(Snapshot snap, int round, int member, int attempt, Map<String, Object> claim) {
        FrozenTrial t = snap.trials.get(round + "." + member + "." + attempt);
        if (t != null) {
            return t.state() == TrialState.FAIL;
        }
        long at = ((Number) claim.get("at")).longValue();
        return System.currentTimeMillis() - at > options.staleAfter().toMillis();
    }

    /** The exploit/explore decision for a unit (a function of the seed, the round, the member and the results). */
    private Unit decide(Snapshot snap, int round, int member, int attempt) {
        SplittableRandom random = new SplittableRandom(mix(options.seed(), round, member));
        if (round == 0) {
            Map<String, Double> params = new LinkedHashMap<>();
            space.forEach((k, d) -> params.put(k, Explorer.sample(d, random)));
            return new Unit(0, member, attempt, params, member, "", Map.of());
        }
        List<MemberRound> ranked = new ArrayList<>(options.synchronous()
                ? snap.history.rounds().get(round - 1).values() : snap.history.latest().values());
        ranked.sort(snap.history.ranking());
        int g = options.groupSize(ranked.size());
        MemberRound own = options.synchronous() ? snap.history.rounds().get(round - 1).get(member)
                : snap.history.latest().get(member);
        int position = ranked.indexOf(own);
        if (position < ranked.size() - g) {
            return new Unit(round, member, attempt, internal(own.params()), member, own.checkpoint(), Map.of());
        }
        MemberRound donor = ranked.get(random.nextInt(g));
        Map<String, Double> from = internal(donor.params());
        Map<String, Double> to = Explorer.explore(space, from, random, options);
        Map<String, List<Object>> changes = new LinkedHashMap<>();
        for (String k : space.keySet()) {
            Distribution d = space.get(k);
            changes.put(k, List.of(d.toExternal(from.get(k)), d.toExternal(to.get(k))));
        }
        return new Unit(round, member, attempt, to, donor.member(), donor.checkpoint(), changes);
    }

    private Map<String, Double> internal(Map<String, Object> external) {
        Map<String, Double> out = new LinkedHashMap<>();
        space.forEach((k, d) -> out.put(k, d.toInternal(external.get(k))));
        return out;
    }

    /** @return a seed for (study seed, round, member): distinct streams for every pair */
    static long mix(long seed, int round, int member) {
        long h = seed * 0x9E3779B97F4A7C15L + round * 0xBF58476D1CE4E5B9L + member * 0x94D049BB133111EBL;
        return new SplittableRandom(h).nextLong();
    }

    /** @return member's seed (its initial weights and data order), fixed by the study seed */
    public static long memberSeed(long seed, int member) {
        return mix(seed, -1, member);
    }

    private Map<String, Object> external(Map<String, Double> internal) {
        Map<String, Object> out = new LinkedHashMap<>();
        space.forEach((k, d) -> out.put(k, d.toExternal(internal.get(k))));
        return out;
    }

    /** Trains a unit taken by this worker: one trial, the round's epochs, a checkpoint. */
    private void train(Unit u, PopulationObjective objective, Loop loop) {
        // the first heartbeat (a worker that dies now is found stale), the worker's name and the unit's place in
        // the population are written with the trial's creation: one write, and no reader sees the trial without them
        TrialStart start = TrialStart.beat(true)
                .withSystemAttr(SystemAttrs.WORKER, SystemAttrs.currentWorker())
                .withSystemAttr(PopulationHistory.ROUND, (long) u.round())
                .withSystemAttr(PopulationHistory.MEMBER, (long) u.member())
                .withSystemAttr(PopulationHistory.ATTEMPT, (long) u.attempt())
                .withSystemAttr(PopulationHistory.DONOR, (long) u.donor())
                .withSystemAttr(PopulationHistory.CHECKPOINT, u.checkpoint());
        if (!u.changes().isEmpty()) {
            start = start.withSystemAttr(PopulationHistory.CHANGES, u.changes());
        }
        if (!beating.beginStart()) {
            return; // interrupted: no round starts any more
        }
        long id;
        try {
            id = storage.createTrial(studyId, start).trialId();
            beating.put(id, Thread.currentThread());
        } finally {
            beating.endStart();
        }
        throwIfAbandoned(u); // a heartbeat found the study gone before this round was in flight
        String interruption = loop.interruption;
        if (interruption != null) {
            // Ctrl-C or SIGTERM while this unit was being taken, and the interruption gave up waiting for its trial
            // (START_PATIENCE): it failed the rounds in flight before this one was among them, and a round left
            // RUNNING would wait for the stale grace; it is failed here like the others
            fail(id, interruption);
            beating.remove(id);
            return;
        }
        try {
            for (Map.Entry<String, Distribution> e : space.entrySet()) {
                storage.setTrialParam(id, e.getKey(), u.params().get(e.getKey()), e.getValue());
            }
            OptionalDouble value = trainEpochs(u, objective, id);
            throwIfAbandoned(u); // an objective that trained on through the heartbeat's interrupt
            if (value.isEmpty()) {
                return;
            }
            if (!finish(id, TrialState.COMPLETE, List.of(value.getAsDouble()), Optional.empty())) {
                artifacts.delete(studyId, u.checkpoint()); // taken over meanwhile: this attempt's result is void
                return;
            }
        } catch (ArtifactStoreException e) {
            throwIfAbandoned(u);
            fail(id, "the artifact store failed: " + e.getMessage());
            stop = true;
            throw new PopulationTrainingException("study '" + name + "' stopped: " + e.getMessage()
                    + " (round " + u.round() + " of member " + u.member() + "; every finished round is kept)", e);
        } catch (PopulationTrainingException e) {
            throwIfAbandoned(u);
            stop = true;
            throw e;
        } catch (RuntimeException | Error e) {
            throwIfAbandoned(u);
            fail(id, FailureReason.of(e));
            stop = true;
            throw e;
        } finally {
            beating.remove(id);
        }
        Snapshot after = new Snapshot();
        MemberRound done = after.history.rounds().getOrDefault(u.round(), Map.of()).get(u.member());
        if (done != null) {
            for (PopulationListener l : listeners) {
                l.memberRoundDone(this, done, after.history);
            }
        }
        try {
            cleanUp(after);
        } catch (ArtifactStoreException e) {
            stop = true;
            throw new PopulationTrainingException("study '" + name + "' stopped: " + e.getMessage()
                    + " (while cleaning up after round " + u.round() + " of member " + u.member()
                    + "; every finished round is kept)", e);
        }
    }

    /** @return the metric at the end of the round, or empty if the round must be taken again */
    private OptionalDouble trainEpochs(Unit u, PopulationObjective objective, long trialId) {
        Optional<byte[]> checkpoint = Optional.empty();
        if (!u.source().isEmpty()) {
            checkpoint = artifacts.get(studyId, u.source());
            if (checkpoint.isEmpty()) {
                // an asynchronous donor's checkpoint cleaned up between the decision and now: decide again
                fail(trialId, "the checkpoint '" + u.source() + "' to start from is gone from " + artifacts
                        + "; the round is taken again");
                return OptionalDouble.empty();
            }
        }
        String where = "round " + u.round() + " of member " + u.member() + " (trial id " + trialId + ")";
        try (PopulationObjective.Member m = objective.member(external(u.params()), checkpoint,
                memberSeed(options.seed(), u.member()))) {
            double value = Double.NaN;
            int first = options.firstEpoch(u.round());
            // what the member's training adapted itself, per epoch of the round (as an ordinary trial records it)
            Map<String, List<Double>> adapted = new LinkedHashMap<>();
            for (int e = first; e < first + options.epochsOf(u.round()); e++) {
                value = m.trainEpoch(e);
                m.adapted().forEach((k, v) -> adapted.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
                if (!Double.isFinite(value)) {
                    throw new PopulationTrainingException("study '" + name + "': " + where + " reached a metric of "
                            + value + " at epoch " + e + "; the training diverged (try a smaller learning-rate range)",
                            null);
                }
                if (!report(trialId, e, value)) {
                    return OptionalDouble.empty(); // taken over by another worker: this attempt's work is void
                }
            }
            if (!adapted.isEmpty() && !setSystemAttr(trialId, SystemAttrs.ADAPTED_HYPERPARAMETERS, adapted)) {
                return OptionalDouble.empty(); // taken over by another worker
            }
            artifacts.put(studyId, u.checkpoint(), m.save());
            return OptionalDouble.of(value);
        } catch (ArtifactStoreException | PopulationTrainingException e) {
            throwIfAbandoned(u);
            fail(trialId, e.getMessage());
            throw e;
        } catch (Exception e) {
            throwIfAbandoned(u);
            if (e instanceof InterruptedException || Thread.currentThread().isInterrupted()) {
                // an objective that stops on an interrupt its own way (a network ends after its batch with a
                // CancellationException) was interrupted all the same
                Thread.currentThread().interrupt();
                fail(trialId, "interrupted: the thread training it was interrupted");
                throw new PopulationTrainingException("study '" + name + "': " + where + " was interrupted; it resumes from"
                        + " the member's last checkpoint when the study runs again", e);
            }
            String reason = FailureReason.of(e);
            fail(trialId, reason);
            throw new PopulationTrainingException("study '" + name + "': " + where + ": " + reason, e);
        }
    }

    /** @return false if the trial was finished meanwhile (failed as stale and taken over) */
    private boolean report(long trialId, int epoch, double value) {
        return writeUnlessFinished(trialId, () -> storage.setTrialIntermediateValue(trialId, epoch, value));
    }

    /** @return false if the trial was finished meanwhile (failed as stale and taken over) */
    private boolean setSystemAttr(long trialId, String key, Object value) {
        return writeUnlessFinished(trialId, () -> storage.setTrialSystemAttr(trialId, key, value));
    }

    /**
     * Runs a write to a running trial; the storage refuses writes to a finished one.
     *
     * @return false if the trial was finished meanwhile (failed as stale and taken over), so the write was refused
     */
    private boolean writeUnlessFinished(long trialId, Runnable write) {
        try {
            write.run();
            return true;
        } catch (IllegalStateException e) {
            if (storage.getTrial(trialId).state().isFinished()) {
                return false;
            }
            throw e;
        }
    }

    private void fail(long trialId, String reason) {
        finish(trialId, TrialState.FAIL, List.of(), Optional.of(reason));
    }

    /** @return whether this call finished the trial (false if it was finished already, e.g. failed as stale) */
    private boolean finish(long trialId, TrialState state, List<Double> values, Optional<String> reason) {
        try {
            if (storage.getTrial(trialId).state().isFinished()) {
                return false;
            }
            storage.finishTrial(trialId, state, values, reason);
            return true;
        } catch (IllegalStateException finishedMeanwhile) {
            return false;
        }
    }

    /** Deletes the checkpoints no member can need: neither a member's latest nor the source of a unit yet to finish. */
    private void cleanUp(Snapshot snap) {
        Set<String> needed = new java.util.HashSet<>();
        for (MemberRound mr : snap.history.latest().values()) {
            needed.add(mr.checkpoint());
        }
        // the donors of the first unfinished round: units of it not taken yet will copy one of them
        int open = 0;
        while (open < options.rounds() && snap.roundDone(open)) {
            open++;
        }
        if (open > 0 && open < options.rounds()) {
            snap.history.rounds().get(open - 1).values().forEach(mr -> needed.add(mr.checkpoint()));
        }
        snap.claims.forEach((unit, claim) -> {
            String[] rm = unit.split("\\.");
            if (!snap.done(Integer.parseInt(rm[0]), Integer.parseInt(rm[1]))) {
                needed.add(String.valueOf(claim.get("source")));
                // the checkpoint a running attempt will write
                needed.add(CHECKPOINT_PREFIX + "r" + rm[0] + "/m" + rm[1] + "/a" + claim.get("attempt"));
            }
        });
        Map<Integer, MemberRound> latest = snap.history.latest();
        for (String key : artifacts.list(studyId).keySet()) {
            java.util.regex.Matcher m = CHECKPOINT_KEY.matcher(key);
            if (!m.matches() || needed.contains(key)) {
                continue;
            }
            // the listing is newer than the snapshot: only a round the snapshot shows its member past is deleted
            // (a checkpoint written since belongs to a round the snapshot does not show finished)
            int round = Integer.parseInt(m.group(1));
            MemberRound at = latest.get(Integer.parseInt(m.group(2)));
            boolean voidAttempt = at != null && at.round() == round; // the round is done by another attempt
            if (at != null && at.round() > round || voidAttempt) {
                artifacts.delete(studyId, key);
            }
        }
    }
}
