package org.nntune.storage;

import org.nntune.tune.pruner.Pruner;
import org.nntune.tune.sampler.RandomSampler;
import org.nntune.tune.sampler.Sampler;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.run.ShutdownGuard;
import org.nntune.tune.study.MultiObjective;
import org.nntune.tune.study.Objective;
import org.nntune.tune.study.OptimizeOptions;
import org.nntune.tune.study.Study;
import org.nntune.tune.study.StudyCallback;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A worker that joins an existing study by storage URL and study name and runs trials until the
 * study holds {@link Builder#nTrials nTrials} trials (no limit unless set), the sampler is exhausted
 * (a grid), the {@link Builder#timeout timeout} passes or it is stopped (Ctrl-C, SIGTERM). Start as
 * many as you like, in as many processes and on as many machines as you like: they coordinate only
 * through the storage (trial numbers, queued and retried trials, grid points, the shared budget).
 *
 * <p>A study keeps no budget of its own: {@code Study.optimize(objective, n)} counts {@code n} per call,
 * and a study made through the Java API stores neither {@code n} nor its sampler. So give every
 * worker the budget ({@link Builder#nTrials}) or a timeout: without either, a worker runs until it
 * is stopped (it logs a WARNING when it starts so). (The CLI's {@code nntune worker} reads both from
 * the study file the study stores.)
 *
 * <p>The objective, the sampler and the pruner are the {@link ObjectiveFactory}'s, built from the
 * study definition stored in the study ({@link StudyProvenance#DEFINITION}; empty for a study made
 * through the Java API), so a worker needs nothing but the URL and the name. The sampler is the
 * factory's, not whatever sampler the process that created the study used: a factory that does not
 * override {@link ObjectiveFactory#sampler} samples at random ({@link RandomSampler}), and a worker
 * joining a study that has no stored definition then logs a WARNING saying so.
 *
 * <p>If the worker is given the fingerprint of the data it loaded, it refuses to run when the study
 * recorded another one (and records it if the study has none yet).
 *
 * <p>While trials run the worker stamps heartbeats (every {@link Builder#heartbeat interval}); trials of
 * workers that died are failed by the next worker that starts a trial (and queued again when the
 * study's {@link RetryPolicy} says so). A JVM shutdown (Ctrl-C, SIGTERM) records the running trials as
 * FAIL.
 *
 * <pre>{@code
 * int ran = StudyWorker.builder("postgresql://tuner@db/studies", "mnist-mlp")
 *         .objectiveFactory(definition -> myObjective(definition))
 *         .dataFingerprint(dataset.fingerprint())
 *         .build().run();
 * }</pre>
 *
 * Every worker runs through {@link #run(Study, MultiObjective, OptimizeOptions)}: this class's
 * URL-based entry point and the CLI's {@code tune} and {@code worker} commands alike.
 *
 * <p>From the command line (used by the multi-process storage tests; users run {@code nntune worker}):
 * {@code java -cp … org.nntune.storage.StudyWorker URL STUDY FACTORY_CLASS [--trials N] [--jobs N]
 * [--heartbeat-ms N] [--timeout-s N] [--fingerprint F]}; exit codes: 0 done, 2 bad arguments or
 * unknown study, 3 refused (e.g. other data), 1 any other failure.
 */
public final class StudyWorker {
    /** What a user should know when a worker starts; a field so that this package's tests can read it. */
    static volatile System.Logger log = System.getLogger("org.nntune.storage");

    /**
     * Builds what a worker runs from the study's stored definition (empty if the study has none).
     * Implementations used from the command line need a public no-argument constructor.
     */
    public interface ObjectiveFactory {
        /** @return the objective to run */
        Objective objective(Map<String, Object> definition) throws Exception;

        /**
         * @return the sampler (default: {@link RandomSampler}, whatever the study's other workers use: override it
         *     to sample as they do, e.g. with TPE)
         */
        default Sampler sampler(Map<String, Object> definition) {
            return new RandomSampler();
        }

        /** @return the pruner (default: none) */
        default Pruner pruner(Map<String, Object> definition) {
            return Pruner.none();
        }
    }

    private final String url;
    private final String studyName;
    private final ObjectiveFactory factory;
    private final Optional<String> fingerprint;
    private final int nTrials;
    private final int nJobs;
    private final Duration heartbeat;
    private final Duration timeout;

    private StudyWorker(Builder b) {
        this.url = b.url;
        this.studyName = b.studyName;
        this.factory = b.factory;
        this.fingerprint = b.fingerprint;
        this.nTrials = b.nTrials;
        this.nJobs = b.nJobs;
        this.heartbeat = b.heartbeat;
        this.timeout = b.timeout;
    }

    /** @return a builder for a worker on study {@code studyName} in the storage at {@code storageUrl} */
    public static Builder builder(String storageUrl, String studyName) {
        return new Builder(storageUrl, studyName);
    }

    /** Configures a {@link StudyWorker}. */
    public static final class Builder {
        private final String url;
        private final String studyName;
        private ObjectiveFactory factory;
        private Optional<String> fingerprint = Optional.empty();
        private int nTrials = Integer.MAX_VALUE;
        private int nJobs = 1;
        private Duration heartbeat = Duration.ofSeconds(30);
        private Duration timeout = OptimizeOptions.NO_TIMEOUT;

        private Builder(String url, String studyName) {
            if (studyName.isBlank()) {
                throw new IllegalArgumentException("the study name must not be blank");
            }
            this.url = url;
            this.studyName = studyName;
        }

        /** What to run (required). */
        public Builder objectiveFactory(ObjectiveFactory f) {
            this.factory = f;
            return this;
        }

        /** The fingerprint of the data this worker loaded; checked against the study's. */
        public Builder dataFingerprint(String f) {
            if (f.isBlank()) {
                throw new IllegalArgumentException("a data fingerprint must not be blank");
            }
            this.fingerprint = Optional.of(f);
            return this;
        }

        /**
         * The study's trial budget, shared by all workers: the total the study holds once it is done, counting
         * the trials it had before (default: no limit, so the worker runs until stopped or timed out; a grid
         * ends by itself).
         */
        public Builder nTrials(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("nTrials must be >= 1, got " + n);
            }
            this.nTrials = n;
            return this;
        }

        /** Trials run in parallel by this worker (default 1). */
        public Builder nJobs(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("nJobs must be >= 1, got " + n);
            }
            this.nJobs = n;
            return this;
        }

        /** Interval of the heartbeat of running trials (default 30 s). */
        public Builder heartbeat(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("heartbeat interval must be positive, got " + interval);
            }
            this.heartbeat = interval;
            return this;
        }

        /** No new trial starts after this much time (default: no limit). */
        public Builder timeout(Duration t) {
            this.timeout = t;
            return this;
        }

        /** @return the worker */
        public StudyWorker build() {
            if (factory == null) {
                throw new IllegalStateException("a StudyWorker needs an objectiveFactory");
            }
            return new StudyWorker(this);
        }
    }

    /**
     * Joins the study and runs trials.
     *
     * @return how many trials this worker finished
     * @throws IllegalArgumentException if the URL is bad or the storage has no such study
     * @throws IllegalStateException if the worker's data fingerprint differs from the study's
     */
    public int run() throws Exception {
        try (Storage storage = Storages.open(url)) {
            if (storage.findStudyId(studyName).isEmpty()) {
                throw new IllegalArgumentException("the storage '" + StorageUrl.mask(url) + "' has no study named '"
                        + studyName + "'; create it first, then start workers on it");
            }
            long id = storage.getStudyId(studyName);
            if (fingerprint.isPresent()) {
                StudyProvenance.checkDataFingerprint(storage, id, fingerprint.get());
                StudyProvenance.recordDataFingerprint(storage, id, fingerprint.get());
            }
            Optional<Map<String, Object>> stored = StudyProvenance.definition(storage, id);
            Map<String, Object> definition = stored.orElse(Map.of());
            warnOfWhatItCannotKnow(stored.isPresent());
            Objective objective = factory.objective(definition);
            Study study = Study.builder(studyName).storage(storage).sampler(factory.sampler(definition))
                    .pruner(factory.pruner(definition)).load();
            OptimizeOptions options = OptimizeOptions.trials(nTrials).withJobs(nJobs).withTimeout(timeout)
                    .withHeartbeat(heartbeat);
            return run(study, objective, options);
        }
    }

    /**
     * Says (WARNING) what a worker does that its user may not expect: run without end (no budget, no timeout), or
     * sample at random on a study that stores no definition to build the study's sampler from.
     */
    private void warnOfWhatItCannotKnow(boolean hasDefinition) {
        if (nTrials == Integer.MAX_VALUE && timeout.equals(OptimizeOptions.NO_TIMEOUT)) {
            log.log(System.Logger.Level.WARNING, "worker on study ''{0}'': no budget and no timeout, so it runs trials"
                    + " until it is stopped (or a grid sampler is exhausted); a study keeps no budget of its own: give"
                    + " the worker StudyWorker.builder(…).nTrials(n) (the study''s total) or .timeout(…)", studyName);
        }
        if (!hasDefinition && !overridesSampler(factory)) {
            log.log(System.Logger.Level.WARNING, "worker on study ''{0}'': the study stores no definition (it was made"
                    + " through the Java API) and the objective factory does not choose a sampler, so this worker samples"
                    + " at random (RandomSampler), whatever sampler the study''s other workers use; override"
                    + " ObjectiveFactory.sampler(definition) to sample as they do (e.g. new TpeSampler())", studyName);
        }
    }

    /** @return whether the factory's class overrides {@link ObjectiveFactory#sampler} (a lambda does not) */
    static boolean overridesSampler(ObjectiveFactory f) {
        try {
            Method m = f.getClass().getMethod("sampler", Map.class);
            return m.getDeclaringClass() != ObjectiveFactory.class;
        } catch (NoSuchMethodException impossible) {
            throw new AssertionError(impossible);
        }
    }

    /**
     * Runs trials of a study as one of its workers, the way every nntune worker does (the CLI's
     * {@code tune} and {@code worker}, and {@link #run()}): with heartbeats, so that other workers
     * find this one's trials if it dies and it finds theirs, and with a JVM shutdown hook that records
     * the running trials as FAIL on Ctrl-C or SIGTERM.
     *
     * @param options the run's options; their heartbeat interval must be positive
     * @return how many trials this worker finished
     * @throws java.util.concurrent.CancellationException if the run was interrupted (running trials
     *     are recorded as FAIL first)
     */
    public static int run(Study study, MultiObjective objective, OptimizeOptions options) {
        if (options.heartbeatOn(study.storage()).isZero()) {
            throw new IllegalArgumentException("study '" + study.name() + "': a worker needs heartbeats"
                    + " (OptimizeOptions.withHeartbeat), or a dead worker's trials would never be found");
        }
        AtomicInteger finished = new AtomicInteger();
        StudyCallback count = (s, t) -> finished.incrementAndGet();
        try (ShutdownGuard hook = study.failRunningTrialsOnShutdown()) {
            study.optimizeMulti(objective, options.withCallback(count));
        }
        return finished.get();
    }

    /** {@link #run(Study, MultiObjective, OptimizeOptions)} for a single-objective study. */
    public static int run(Study study, Objective objective, OptimizeOptions options) {
        study.direction();
        MultiObjective one = trial -> new double[] {objective.evaluate(trial)};
        return run(study, one, options);
    }

    /** The command-line entry point; see the class comment. */
    public static void main(String[] args) {
        System.exit(runMain(args));
    }

    /** {@link #main} without exiting; @return the exit code */
    static int runMain(String[] args) {
        try {
            if (args.length < 3) {
                throw new IllegalArgumentException("usage: StudyWorker STORAGE_URL STUDY FACTORY_CLASS [--trials N]"
                        + " [--jobs N] [--heartbeat-ms N] [--timeout-s N] [--fingerprint F]");
            }
            Builder b = builder(args[0], args[1]).objectiveFactory(instantiate(args[2]));
            for (int i = 3; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + args[i] + " needs a value");
                }
                String v = args[i + 1];
                switch (args[i]) {
                    case "--trials" -> b.nTrials(number(args[i], v));
                    case "--jobs" -> b.nJobs(number(args[i], v));
                    case "--heartbeat-ms" -> b.heartbeat(Duration.ofMillis(number(args[i], v)));
                    case "--timeout-s" -> b.timeout(Duration.ofSeconds(number(args[i], v)));
                    case "--fingerprint" -> b.dataFingerprint(v);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + "; allowed: --trials, --jobs, --heartbeat-ms, --timeout-s, --fingerprint");
                }
            }
            int n = b.build().run();
            System.out.println("worker finished " + n + " trial(s) of study '" + args[1] + "'");
            return 0;
        } catch (IllegalArgumentException e) {
            System.err.println("nntune worker: " + e.getMessage());
            return 2;
        } catch (IllegalStateException e) {
            System.err.println("nntune worker refused: " + e.getMessage());
            return 3;
        } catch (Exception e) {
            System.err.println("nntune worker failed: " + e);
            return 1;
        }
    }

    private static int number(String option, String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs an integer, got '" + v + "'");
        }
    }

    private static ObjectiveFactory instantiate(String className) {
        try {
            Class<?> c = Class.forName(className);
            if (!ObjectiveFactory.class.isAssignableFrom(c)) {
                throw new IllegalArgumentException("class " + className + " does not implement "
                        + ObjectiveFactory.class.getName());
            }
            return (ObjectiveFactory) c.getDeclaredConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("objective factory class " + className + " is not on the class path");
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("cannot create objective factory " + className
                    + " (it needs a public no-argument constructor): " + e);
        }
    }
}
