package org.nntune.spark;

import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;
import org.nntune.cli.run.ClusterWorkers;

import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * One Spark task: one study worker ({@link ClusterWorkers#runWorker}, the CLI's own worker path) on the
 * executor that runs it, with as many trials in parallel as the cores Spark reserved for the task
 * ({@code spark.task.cpus}) unless the job fixes it. The task carries the job as plain serializable
 * values (the study file's path and text, the study, the storage URL).
 *
 * <p>Spark may run a task more than once (a retry after a failure or a lost executor, a speculative
 * copy): each attempt is one more worker of the same study, and the storage hands out trials only
 * within the study's budget ({@code Storage.startTrialWithin}), so no attempt makes the study exceed
 * it or runs a grid point twice; an attempt that starts after the budget is met ends at once.
 */
public final class WorkerTask implements Function<Integer, ClusterWorkers.WorkerReport>, Serializable {
    private static final long serialVersionUID = 1L;

    private final String master;
    private final String studyFile;
    private final String text;
    private final String studyName;
    private final String storageUrl;
    /** 0: the cores of the task. */
    private final int jobs;
    /** -1: none. */
    private final long timeoutMillis;
    /** 0: the study's stored budget. */
    private final int trials;

    /** The task of a job. */
    public WorkerTask(ClusterWorkers.Job job) {
        this.master = job.master();
        this.studyFile = job.studyFile().toString();
        this.text = job.text();
        this.studyName = job.studyName();
        this.storageUrl = job.storageUrl();
        this.jobs = job.jobs().orElse(0);
        this.timeoutMillis = job.timeout().map(Duration::toMillis).orElse(-1L);
        this.trials = job.trials().orElse(0);
    }

    /** The job this task runs. */
    public ClusterWorkers.Job job() {
        return new ClusterWorkers.Job(master, Optional.empty(), Path.of(studyFile), text, studyName, storageUrl,
                jobs > 0 ? Optional.of(jobs) : Optional.empty(),
                timeoutMillis >= 0 ? Optional.of(Duration.ofMillis(timeoutMillis)) : Optional.empty(),
                trials > 0 ? Optional.of(trials) : Optional.empty());
    }

    @Override
    public ClusterWorkers.WorkerReport call(Integer worker) {
        TaskContext task = TaskContext.get();
        int cores = task == null ? 1 : Math.max(1, task.cpus());
        int attempt = task == null ? 0 : task.attemptNumber();
        return ClusterWorkers.runWorker(job(), worker, attempt, cores, where());
    }

    /** This executor and host, as the driver's report shows them. */
    static String where() {
        SparkEnv env = SparkEnv.get();
        String executor = env == null ? "?" : env.executorId();
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "unknown host";
        }
        return "executor " + executor + " on " + host;
    }
}
