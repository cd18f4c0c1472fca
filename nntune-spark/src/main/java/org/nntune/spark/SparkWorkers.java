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
        SparkConf conf = new SparkConf().setMaster(job.master());
        if (!conf.contains("spark.app.name")) {
            conf.setAppName("nntune " + job.studyName());
        }
        ownJar().filter(jar -> !conf.contains("spark.jars")).ifPresent(jar -> conf.setJars(new String[] {jar.toString()}));
        job.jobs().ifPresent(j -> conf.set("spark.task.cpus", Integer.toString(j)));
        String heartbeat = System.getProperty("nntune.heartbeatMillis");
        if (heartbeat != null) {
            String extra = conf.get("spark.executor.extraJavaOptions", "");
            conf.set("spark.executor.extraJavaOptions", (extra + " -Dnntune.heartbeatMillis=" + heartbeat).strip());
        }
        SparkContext sc;
        try {
            sc = SparkContext.getOrCreate(conf);
        } catch (Exception e) { // Scala code throws SparkException, a checked exception Java cannot name here
            throw new CliException(ExitCode.OTHER, "cannot start Spark with master " + job.master() + ": " + rootMessage(e), e);
        }
        try {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
            int n = job.workers().orElse(jsc.defaultParallelism());
            log.printf(Locale.ROOT, "Spark: %d workers on %s (application %s), each a study worker on %s%n", n, sc.master(),
                    sc.applicationId(), StorageUrl.mask(job.storageUrl()));
            log.flush();
            Function<Integer, WorkerReport> task = decorator.wrap(new WorkerTask(job));
            jsc.setJobDescription("nntune study " + job.studyName() + ": " + n + " workers");
            return jsc.parallelize(IntStream.range(0, n).boxed().toList(), n).map(task).collect();
        } catch (Exception e) { // SparkException (checked, undeclared) when the job fails
            if (Thread.currentThread().isInterrupted()) {
                throw new java.util.concurrent.CancellationException("interrupted while the Spark job ran: " + rootMessage(e));
            }
            throw new CliException(ExitCode.OTHER, "the Spark job failed: " + StorageUrl.mask(rootMessage(e))
                    + " (the study is consistent: run the same command again to resume)", e);
        } finally {
            sc.stop(); // the driver's work on the cluster is done: give its executors back
        }
    }

    /**
     * Spark's own log as nntune shows the libraries' logging: only with {@code --verbose} (then its
     * warnings and errors, stack traces included). Without it, the terminal shows nntune's own lines
     * (its one-line error says why Spark could not start or the job failed), nntune's own warnings
     * (which Spark's JUL bridge routes through log4j2), and the two lines of Spark's that say what
     * nntune cannot see and a user must know: a job that waits because the cluster gives it no
     * resources, and an application the standalone master killed, with the reason (for an unreachable
     * master, the only word of it: the job then fails with "SparkContext has been shutdown").
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

