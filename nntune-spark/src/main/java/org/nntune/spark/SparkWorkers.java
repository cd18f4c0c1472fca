package org.nntune.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.nntune.cli.exit.CliException;
import org.nntune.cli.exit.ExitCode;
import org.nntune.cli.run.ClusterWorkers;
import org.nntune.storage.StorageUrl;

import java.io.PrintWriter;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;

/**
 * The Spark implementation of {@link ClusterWorkers} (found by {@code nntune tune --spark} through
 * {@link java.util.ServiceLoader}): one Spark job of N tasks, each task a study worker
 * ({@link WorkerTask}). This JVM is the driver: it creates the Spark context for the master URL given
 * (under {@code spark-submit}, with everything spark-submit configured) and stops it at the end.
 *
 * <p>What a driver passes to its executors: nntune's classes (the jar this class came from, as
 * {@code spark.jars}, when it is one), and the heartbeat interval when it was changed with
 * {@code -Dnntune.heartbeatMillis} (so that a lost executor's trials go stale as fast as the driver
 * expects). Workers use the cores Spark reserves for a task ({@code spark.task.cpus}); with
 * {@code --jobs J} the driver reserves J cores a task, so that a worker never runs more trials at
 * once than it has cores.
 */
public final class SparkWorkers implements ClusterWorkers {
    /** What wraps each task: nothing in use; a test makes one fail on its first attempt. */
    private final TaskDecorator decorator;

    /** Wraps the task of each worker (a serializable function, shipped with the task). */
    public interface TaskDecorator extends Serializable {
        Function<Integer, WorkerReport> wrap(WorkerTask task);
    }

    /** The implementation {@link java.util.ServiceLoader} finds. */
    public SparkWorkers() {
        this(task -> task);
    }

    /** The same with every task wrapped, e.g. to inject failures in tests. */
    public SparkWorkers(TaskDecorator decorator) {
        this.decorator = decorator;
    }

    @Override
    public String kind() {
        return "spark";
    }

    @Override
    public List<WorkerReport> run(Job job, PrintWriter log) {
        quietSparkLog(verbose());
        SparkContext sc = start(job);
        TaskStarts starts = new TaskStarts();
        Thread watch = null;
        try {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
            int n = job.workers().orElse(jsc.defaultParallelism());
            log.printf(Locale.ROOT, "Spark: %d workers on %s (application %s), each a study worker on %s%n", n, sc.master(),
                    sc.applicationId(), StorageUrl.mask(job.storageUrl()));
            log.flush();
            Function<Integer, WorkerReport> task = decorator.wrap(new WorkerTask(job));
            jsc.setJobDescription("nntune study " + job.studyName() + ": " + n + " workers");
            sc.addSparkListener(starts);
            watch = starts.watch(sc, n, job.timeout(), log);
            return jsc.parallelize(IntStream.range(0, n).boxed().toList(), n).map(task).collect();
        } catch (Exception e) { // SparkException (checked, undeclared) when the job fails
            if (Thread.currentThread().isInterrupted() || shuttingDown()) {
                // Ctrl-C, SIGTERM: Spark's own shutdown hook stopped the context under the job
                throw new java.util.concurrent.CancellationException("interrupted while the Spark job ran: " + rootMessage(e));
            }
            if (starts.gaveUp != null) {
                throw new CliException(ExitCode.OTHER, starts.gaveUp);
            }
            throw new CliException(ExitCode.OTHER, "the Spark job failed: " + StorageUrl.mask(rootMessage(e))
                    + " (the study is consistent: run the same command again to resume)", e);
        } finally {
            if (watch != null) {
                watch.interrupt();
            }
            sc.stop(); // the driver's work on the cluster is done: give its executors back
        }
    }

    /**
     * The Spark context of {@code job}, or the one-line reason there is none. Spark's failures to start
     * are a checked SparkException (which Java cannot name here) or, when a Spark class's static
     * set-up fails (this machine's own name does not resolve), an Error.
     */
    private static SparkContext start(Job job) {
        unreachableMaster(job.master()).ifPresent(why -> {
            throw new CliException(ExitCode.OTHER, why);
        });
        SparkContext sc;
        try {
            sc = SparkContext.getOrCreate(conf(job));
        } catch (Exception | LinkageError e) {
            throw cannotStart(job.master(), e);
        }
        if (sc.isStopped()) {
            // a standalone master that went away: Spark gave up registering the application and stopped the context
            throw new CliException(ExitCode.OTHER, "no Spark master answered at " + job.master() + ": Spark gave up registering"
                    + " the application; check the URL and that the master runs (its web UI lists it)");
        }
        return sc;
    }

    /**
     * The Spark configuration of {@code job}: Spark's own ({@code spark.*} system properties,
     * spark-submit's settings) and what nntune adds where it is unset. {@code --workers N} asks for
     * what N tasks use, {@code spark.cores.max} = N × {@code spark.task.cpus}: without it a standalone
     * master gives the application every free core of the cluster, which then holds cores it never
     * uses while other applications (another study's driver) wait. Not with speculation on, whose
     * copies of the tasks need cores of their own.
     */
    static SparkConf conf(Job job) {
        SparkConf conf = new SparkConf().setMaster(job.master());
        if (!conf.contains("spark.app.name")) {
            conf.setAppName("nntune " + job.studyName());
        }
        ownJar().filter(jar -> !conf.contains("spark.jars")).ifPresent(jar -> conf.setJars(new String[] {jar.toString()}));
        job.jobs().ifPresent(j -> conf.set("spark.task.cpus", Integer.toString(j)));
        job.workers().filter(n -> !conf.contains("spark.cores.max") && !conf.getBoolean("spark.speculation", false))
                .ifPresent(n -> conf.set("spark.cores.max", Integer.toString(n * conf.getInt("spark.task.cpus", 1))));
        String heartbeat = System.getProperty("nntune.heartbeatMillis");
        if (heartbeat != null) {
            String extra = conf.get("spark.executor.extraJavaOptions", "");
            conf.set("spark.executor.extraJavaOptions", (extra + " -Dnntune.heartbeatMillis=" + heartbeat).strip());
        }
        return conf;
    }

    /**
     * Why a standalone master URL ({@code spark://host:port}, several for a master with standbys) cannot
     * be used, when none of its masters accepts a connection: said at once, where Spark would retry for
     * a minute and then fail the job with "SparkContext has been shutdown". Empty for any other URL,
     * and when one of the masters answers (or the URL is one Spark itself will refuse, in its words).
     */
    static java.util.Optional<String> unreachableMaster(String master) {
        if (!master.startsWith("spark://")) {
            return java.util.Optional.empty();
        }
        List<String> refused = new java.util.ArrayList<>();
        for (String hostPort : master.substring("spark://".length()).split(",")) {
            int colon = hostPort.lastIndexOf(':');
            int port;
            try {
                port = Integer.parseInt(hostPort.substring(colon + 1));
            } catch (NumberFormatException | IndexOutOfBoundsException e) {
                return java.util.Optional.empty();
            }
            String host = hostPort.substring(0, Math.max(colon, 0)).replace("[", "").replace("]", "");
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(new java.net.InetSocketAddress(host, port), 10_000);
                return java.util.Optional.empty();
            } catch (java.io.IOException | IllegalArgumentException e) {
                String why = e instanceof java.net.UnknownHostException ? "unknown host"
                        : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                refused.add(hostPort + ": " + why);
            }
        }
        return java.util.Optional.of("no Spark master answered at " + master + " (" + String.join("; ", refused) + "); check the URL"
                + " and that the master runs (its web UI, port 8080 by default, lists it)");
    }

    /** Why Spark could not start with {@code master}, in one line with the way out where nntune knows it. */
    static CliException cannotStart(String master, Throwable e) {
        String start = "cannot start Spark with master " + master + ": ";
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof java.net.UnknownHostException) {
                return new CliException(ExitCode.OTHER, start + "this machine's own name does not resolve to an address ("
                        + rootMessage(c) + "), and Spark needs the driver's address for its executors to connect back; set"
                        + " SPARK_LOCAL_IP to an address of this machine that the cluster reaches (SPARK_LOCAL_IP=10.0.0.5"
                        + " bin/nntune tune …), or give the name an address in /etc/hosts", e);
            }
        }
        return new CliException(ExitCode.OTHER, start + rootMessage(e), e);
    }

    /** Whether this JVM is stopping (Ctrl-C, SIGTERM: its shutdown hooks run). */
    static boolean shuttingDown() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException stopping) {
            return true;
        }
    }

    /** How often the driver says how many of its tasks the cluster has started, while some have not. */
    static volatile Duration waitNotice = Duration.ofSeconds(30);

    /**
     * Counts the job's task starts, and while the cluster has not started them all says so now and then
     * (Spark's own word is "Initial job has not accepted any resources", the same line every 15 s).
     * With {@code --timeout}, a job of which no task started by then is cancelled: no trial may start
     * after the timeout, and a cluster with no free cores would otherwise keep the driver waiting.
     */
    static final class TaskStarts extends org.apache.spark.scheduler.SparkListener {
        private final java.util.concurrent.atomic.AtomicInteger started = new java.util.concurrent.atomic.AtomicInteger();
        /** Why the job was cancelled, if this cancelled it. */
        volatile String gaveUp;

        @Override
        public void onTaskStart(org.apache.spark.scheduler.SparkListenerTaskStart taskStart) {
            started.incrementAndGet();
        }

        Thread watch(SparkContext sc, int tasks, java.util.Optional<Duration> timeout, PrintWriter log) {
            long t0 = System.nanoTime();
            Thread t = new Thread(() -> {
                try {
                    long nextNotice = waitNotice.toMillis();
                    while (started.get() < tasks) {
                        Thread.sleep(200);
                        long waited = (System.nanoTime() - t0) / 1_000_000;
                        int now = started.get();
                        if (now == 0 && timeout.isPresent() && waited >= timeout.get().toMillis()) {
                            gaveUp = noTaskWithin(timeout.get(), sc.master());
                            sc.cancelAllJobs();
                            return;
                        }
                        if (waited >= nextNotice && now < tasks) {
                            log.println(waiting(now, tasks, Duration.ofMillis(waited)));
                            log.flush();
                            nextNotice += waitNotice.toMillis();
                        }
                    }
                } catch (InterruptedException ended) {
                    // the job ended
                }
            }, "nntune-spark-task-starts");
            t.setDaemon(true);
            t.start();
            return t;
        }
    }

    /** The driver's line while the cluster has started {@code started} of the job's {@code tasks} tasks. */
    static String waiting(int started, int tasks, Duration waited) {
        return String.format(Locale.ROOT, "waiting for the cluster to start the job's tasks: %d of %d started, %s", started, tasks,
                elapsed(waited));
    }

    /** Why a job none of whose tasks started within the timeout was cancelled (exit code 1). */
    static String noTaskWithin(Duration timeout, String master) {
        return "no Spark executor took a task within " + org.nntune.cli.run.ShellWords.duration(timeout) + " (--timeout): the cluster at "
                + master + " has no free cores for this application (its workers are busy with other applications, or none"
                + " is registered; see the master's web UI); no trial ran, and the same command resumes when it has cores";
    }

    /** 1m30s, 45s, 2h5m. */
    static String elapsed(Duration d) {
        long s = d.toSeconds();
        String text = (s >= 3600 ? s / 3600 + "h" : "") + (s >= 60 && s % 3600 / 60 > 0 ? s % 3600 / 60 + "m" : "")
                + (s % 60 > 0 || s == 0 ? s % 60 + "s" : "");
        return text;
    }

    /**
     * Spark's own log as nntune shows the libraries' logging: only with {@code --verbose} (then its
     * warnings and errors, stack traces included). Without it, the terminal shows nntune's own lines
     * (its one-line error says why Spark could not start or the job failed), nntune's own warnings
     * (which Spark's JUL bridge routes through log4j2), and the two lines of Spark's that say what
     * nntune cannot see and a user must know: a job that waits because the cluster gives it no
     * resources, and an application the standalone master killed, with the reason (a master that stops
     * answering during the run: the job then fails with "SparkContext has been shutdown"; one that does
     * not answer at the start is {@link #unreachableMaster}).
     *
     * <p>Applied only while nobody configured log4j2 (spark-submit's conf/log4j2.properties, a
     * {@code -Dlog4j2.configurationFile}): a configuration of the user's is left as it is. Without one,
     * log4j2's bare default (root at ERROR) is what Spark replaces with its own INFO defaults, which
     * would print a few hundred lines around nntune's progress; Spark keeps its defaults out once the
     * root level is no longer ERROR, and every level here is set on that default configuration, so
     * each run (and each run of a test JVM) sets them afresh.
     *
     * @param verbose whether the user asked for Spark's own log ({@link #verbose()})
     */
    static void quietSparkLog(boolean verbose) {
        // log4j2 keeps a context per class loader: under spark-submit this class (and the storage's pool) comes from the
        // application jar's loader, Spark from the installation's, so both contexts are quieted
        java.util.Set<org.apache.logging.log4j.spi.LoggerContext> contexts = new java.util.LinkedHashSet<>();
        contexts.add(org.apache.logging.log4j.LogManager.getContext(false));
        contexts.add(org.apache.logging.log4j.LogManager.getContext(SparkConf.class.getClassLoader(), false));
        quietVerbose = verbose;
        for (org.apache.logging.log4j.spi.LoggerContext any : contexts) {
            quiet(any, verbose);
            // Spark loads its default profile again when it starts a SparkContext (under spark-submit, which loaded it
            // first, whatever the levels are by then): quieted again each time a configuration replaces the one here
            if (any instanceof org.apache.logging.log4j.core.LoggerContext context && WATCHED.add(context)) {
                context.addPropertyChangeListener(event -> {
                    // a new configuration (updateLoggers fires this event too, with the same one: not again)
                    if (org.apache.logging.log4j.core.LoggerContext.PROPERTY_CONFIG.equals(event.getPropertyName())
                            && event.getNewValue() != event.getOldValue() && !REQUIETING.get()) {
                        REQUIETING.set(true);
                        try {
                            quiet(context, quietVerbose);
                        } finally {
                            REQUIETING.set(false);
                        }
                    }
                });
            }
        }
    }

    /** The contexts whose configuration changes are watched ({@link #quietSparkLog}), each once. */
    private static final java.util.Set<org.apache.logging.log4j.core.LoggerContext> WATCHED =
            java.util.Collections.synchronizedSet(java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>()));
    private static volatile boolean quietVerbose;
    private static final ThreadLocal<Boolean> REQUIETING = ThreadLocal.withInitial(() -> false);

    private static void quiet(org.apache.logging.log4j.spi.LoggerContext any, boolean verbose) {
        if (any instanceof org.apache.logging.log4j.core.LoggerContext context
                && (context.getConfiguration() instanceof org.apache.logging.log4j.core.config.DefaultConfiguration
                || sparksDefaultProfile(context.getConfiguration()))) {
            org.apache.logging.log4j.Level warn = org.apache.logging.log4j.Level.WARN;
            Map<String, org.apache.logging.log4j.Level> levels = new LinkedHashMap<>();
            levels.put(org.apache.logging.log4j.LogManager.ROOT_LOGGER_NAME, verbose ? warn : org.apache.logging.log4j.Level.OFF);
            levels.put("org.nntune", verbose ? org.apache.logging.log4j.Level.INFO : warn);
            // "Initial job has not accepted any resources; check your cluster UI …" (a job that waits, silently otherwise)
            levels.put("org.apache.spark.scheduler.TaskSchedulerImpl", warn);
            // "Application has been killed. Reason: All masters are unresponsive! Giving up."
            levels.put("org.apache.spark.scheduler.cluster.StandaloneSchedulerBackend",
                    verbose ? warn : org.apache.logging.log4j.Level.ERROR);
            // as Configurator.setLevel(Map) does for the caller's context, on this context
            org.apache.logging.log4j.core.config.Configuration config = context.getConfiguration();
            toStandardError(config);
            levels.forEach((name, level) -> {
                org.apache.logging.log4j.core.config.LoggerConfig at = config.getLoggerConfig(name);
                if (at.getName().equals(name)) {
                    at.setLevel(level);
                } else {
                    config.addLogger(name, new org.apache.logging.log4j.core.config.LoggerConfig(name, level, true));
                }
            });
            context.updateLoggers();
        }
    }

    /**
     * Moves the root logger's console output from standard output to standard error: log4j2's bare
     * default writes to standard output, where Spark's warnings would mix with nntune's results (a
     * {@code > results.txt} or a CI step reading them); nntune's own messages go to standard error.
     * Spark's default profile writes to standard error already.
     */
    static void toStandardError(org.apache.logging.log4j.core.config.Configuration config) {
        org.apache.logging.log4j.core.config.LoggerConfig root = config.getRootLogger();
        for (org.apache.logging.log4j.core.Appender a : List.copyOf(root.getAppenders().values())) {
            if (a instanceof org.apache.logging.log4j.core.appender.ConsoleAppender console
                    && console.getTarget() == org.apache.logging.log4j.core.appender.ConsoleAppender.Target.SYSTEM_OUT) {
                org.apache.logging.log4j.core.appender.ConsoleAppender err = org.apache.logging.log4j.core.appender.ConsoleAppender
                        .newBuilder().setName(console.getName() + "-stderr").setConfiguration(config).setLayout(console.getLayout())
                        .setTarget(org.apache.logging.log4j.core.appender.ConsoleAppender.Target.SYSTEM_ERR).build();
                err.start();
                config.addAppender(err);
                root.removeAppender(console.getName());
                root.addAppender(err, null, null);
            }
        }
    }

    /** Spark's own default log profile, which Spark loaded itself (spark-submit does, before its application's main). */
    static final String SPARK_DEFAULT_PROFILE = "org/apache/spark/log4j2-defaults.properties";

    /**
     * Whether a log4j2 configuration is Spark's default profile ({@link #SPARK_DEFAULT_PROFILE}, root
     * at INFO: "Using Spark's default log4j profile"), which spark-submit sets up before it calls
     * {@link SparkMain}: no configuration of the user's, so quieted as log4j2's bare default is.
     */
    static boolean sparksDefaultProfile(org.apache.logging.log4j.core.config.Configuration c) {
        org.apache.logging.log4j.core.config.ConfigurationSource source = c.getConfigurationSource();
        String location = source == null ? null : source.getLocation();
        return location != null && location.replace('\\', '/').endsWith(SPARK_DEFAULT_PROFILE)
                || c.getName() != null && c.getName().replace('\\', '/').endsWith(SPARK_DEFAULT_PROFILE);
    }

    /**
     * Whether this run is verbose: nntune's own informational log is on. {@code nntune --verbose}
     * turns it on and a run without it off ({@link org.nntune.cli.Main}); a program that runs
     * {@link SparkWorkers} itself and leaves java.util.logging's defaults (INFO) sees Spark's
     * warnings, as before.
     */
    static boolean verbose() {
        return java.util.logging.Logger.getLogger("org.nntune").isLoggable(java.util.logging.Level.INFO);
    }

    private static String rootMessage(Throwable e) {
        while (e.getMessage() == null && e.getCause() != null) { // an ExceptionInInitializerError says nothing itself
            e = e.getCause();
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getName() : m.lines().findFirst().orElse(m);
    }

    /**
     * The jar holding nntune's classes on this driver (nntune-spark.jar), to ship to the executors;
     * empty when the classes come from folders (the tests, which give the executors their class path).
     */
    static java.util.Optional<Path> ownJar() {
        try {
            Path p = Path.of(SparkWorkers.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(p) && p.toString().endsWith(".jar") ? java.util.Optional.of(p) : java.util.Optional.empty();
        } catch (Exception e) {
            return java.util.Optional.empty();
        }
    }
}

