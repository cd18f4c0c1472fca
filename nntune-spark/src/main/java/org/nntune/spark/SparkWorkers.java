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
import java.util.List;
import java.util.Locale;
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
        quietSparkLog();
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
     * Spark's own log at warnings and errors, unless someone configured log4j2 (spark-submit's
     * conf/log4j2.properties, a -Dlog4j2.configurationFile): Spark would otherwise load its INFO
     * defaults over log4j2's bare default and print a few hundred lines around nntune's progress.
     * (Spark keeps its defaults out only when the root level is no longer the bare default's ERROR.)
     */
    static void quietSparkLog() {
        org.apache.logging.log4j.spi.LoggerContext any = org.apache.logging.log4j.LogManager.getContext(false);
        if (any instanceof org.apache.logging.log4j.core.LoggerContext context
                && context.getConfiguration() instanceof org.apache.logging.log4j.core.config.DefaultConfiguration) {
            org.apache.logging.log4j.core.config.Configurator.setRootLevel(org.apache.logging.log4j.Level.WARN);
        }
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

