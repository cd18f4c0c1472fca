package org.nntune.cli.run;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Runs a study's workers on a cluster instead of in this JVM, for {@code nntune tune --spark}. The
 * CLI does not depend on any implementation: they are found with {@link ServiceLoader} when their
 * module is on the class path ({@code nntune-spark} provides the one for Apache Spark, with Spark
 * itself). The driver (this JVM) creates or loads the study and writes the results; each remote
 * worker is an ordinary study worker ({@link StudyRun#runAsWorker}) that joins the study through its
 * shared storage, so the storage keeps the budget however many workers start, fail or are retried.
 */
public interface ClusterWorkers {

    /** @return the cluster kind this implementation runs on, as the command line names it ({@code spark}) */
    String kind();

    /**
     * Starts {@code job.workers()} workers on the cluster and returns when all of them have ended.
     *
     * @param log where to say what the cluster does (which master, how many workers, where each ran)
     * @return what each worker reported, in worker order
     * @throws org.nntune.cli.exit.CliException when the cluster cannot be reached or a worker fails for good
     * @throws java.util.concurrent.CancellationException when this JVM was interrupted or is stopping (Ctrl-C, SIGTERM)
     */
    List<WorkerReport> run(Job job, PrintWriter log);

    /**
     * What the workers need: the study file as read by the driver (its path, so that relative data
     * paths resolve the same way, and its text, so that every worker checks the same file), the
     * study, the storage, and the run's limits.
     *
     * @param master      the cluster's master URL ({@code spark://host:7077}, {@code local[2]}, …)
     * @param workers     how many workers to run; empty: as many as the cluster has cores
     * @param studyFile   the study file's absolute path (data paths in it resolve beside it)
     * @param text        the study file's text
     * @param studyName   the study (the file's or {@code --study}'s name)
     * @param storageUrl  the shared storage (never SQLite nor in-memory)
     * @param jobs        trials each worker runs in parallel; empty: the cores the cluster gives a task
     * @param timeout     no trial starts after this
     * @param trials      a worker's own budget (as {@code nntune worker --trials}); empty: the study's stored one
     */
    record Job(String master, Optional<Integer> workers, Path studyFile, String text, String studyName, String storageUrl,
               Optional<Integer> jobs, Optional<Duration> timeout, Optional<Integer> trials) {
        /** The same job with a worker budget of {@code n} finished trials. */
        public Job withTrials(int n) {
            return new Job(master, workers, studyFile, text, studyName, storageUrl, jobs, timeout, Optional.of(n));
        }
    }

    /**
     * One worker's end.
     *
     * @param worker   its index, from 0
     * @param attempt  the cluster's attempt number of the task that ran it (0 unless the cluster retried it)
     * @param where    where it ran (executor and host)
     * @param exitCode the worker's exit code ({@link org.nntune.cli.exit.ExitCode})
     * @param message  its last words: the summary line, or why it stopped
     */
    record WorkerReport(int worker, int attempt, String where, int exitCode, String message) implements java.io.Serializable {}

    /**
     * Runs one worker of {@code job} here (on a cluster's executor), as {@code nntune worker} would: it
     * reads the job's study file text, loads the data from the paths it names (they must be the same
     * on every machine: a shared file system, or bundled sets), refuses to run when the data's
     * fingerprint differs from the one the study recorded, and runs trials until the study's budget
     * is met, stamping heartbeats so that its trials are failed and retried if this machine dies.
     * A worker that joins a study whose budget is met (e.g. a retried task) ends at once.
     *
     * @param jobs  trials in parallel when the job does not fix it (the cores the cluster gave the task)
     * @param where where this runs, for the report
     * @return the report; an exit code other than 0 is the worker's own verdict (bad file, other data, the
     *     same failure repeated), which retrying would not change
     * @throws RuntimeException on any other failure (a lost database connection…): the cluster may retry it
     */
    static WorkerReport runWorker(Job job, int worker, int attempt, int jobs, String where) {
        java.io.StringWriter text = new java.io.StringWriter();
        PrintWriter out = new PrintWriter(text);
        StudyRun.Overrides ov = new StudyRun.Overrides(Optional.of(job.storageUrl()), job.trials(), job.timeout(),
                Optional.of(job.jobs().orElse(jobs)), Optional.empty(), Optional.of(job.studyName()));
        int code;
        String message;
        try {
            org.nntune.cli.studyfile.StudyFile sf = new org.nntune.cli.studyfile.StudyFileReader().read(job.studyFile(), job.text());
            code = new StudyRun(sf, ov, out, org.nntune.cli.output.Progress.Mode.NONE).runAsWorker();
            out.flush();
            List<String> lines = text.toString().lines().filter(l -> !l.isBlank()).toList();
            // a worker that did its share says so in its last line; one that stopped says why in its last three
            List<String> last = lines.subList(Math.max(0, lines.size() - (code == org.nntune.cli.exit.ExitCode.OK ? 1 : 3)), lines.size());
            message = String.join(" | ", last.stream().map(String::strip).toList());
        } catch (org.nntune.cli.exit.CliException e) {
            code = e.exitCode();
            message = e.getMessage();
        } catch (org.nntune.cli.studyfile.StudyFileException e) {
            code = org.nntune.cli.exit.ExitCode.USAGE;
            message = e.getMessage();
        }
        return new WorkerReport(worker, attempt, where, code, message);
    }

    /** @return the implementation for {@code kind} on the class path, if any */
    static Optional<ClusterWorkers> find(String kind) {
        for (ClusterWorkers w : ServiceLoader.load(ClusterWorkers.class)) {
            if (w.kind().equals(kind)) {
                return Optional.of(w);
            }
        }
        return Optional.empty();
    }
}
