package org.nntune.cli.command;

import org.nntune.cli.exit.CliException;
import org.nntune.cli.exit.ExitCode;
import org.nntune.cli.output.Progress;
import org.nntune.cli.run.ClusterWorkers;
import org.nntune.cli.run.StudyRun;
import org.nntune.cli.studyfile.Section;
import org.nntune.cli.studyfile.StudyFile;
import org.nntune.cli.studyfile.StudyFileReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "tune", mixinStandardHelpOptions = true,
        description = {"Run (or resume) the study a study file describes, then refit the best network and write the results.",
                "The default storage is an SQLite file beside the study file (iris.yaml -> iris.db): running the same command again resumes."})
public final class TuneCommand implements Callable<Integer> {
    /** How progress is shown. */
    public enum ProgressOption { auto, bar, plain, none }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "STUDY.yaml", description = "The study file.")
    Path file;

    @Option(names = {"-s", "--storage"}, paramLabel = "URL", description = "Storage URL (default: the study file's storage, or STUDY.db beside it);"
            + " on PostgreSQL, ?synchronous_commit=on makes commits wait for the disk (off by default: a crash of the database"
            + " server may lose its last fraction of a second of commits).")
    String storage;

    @Option(names = "--trials", paramLabel = "N", description = "The study's total number of finished trials, across all workers.")
    Integer trials;

    @Option(names = "--timeout", paramLabel = "D", description = "A time limit: seconds or 90s, 5m, 1h. With a number of trials (--trials or budget.trials),"
            + " no trial of the study starts after it, in this process or in its workers (nntune worker, Spark tasks), and"
            + " trials still running in workers are not in the results (the same command resumes);"
            + " on a file without budget.trials, the time-budget mode:"
            + " the search and the refit of the best model both end within it.")
    String timeout;

    @Option(names = "--jobs", paramLabel = "J", description = "Trials run in parallel in this process, 1 to 1024 (as budget.jobs).")
    Integer jobs;

    @Option(names = "--seed", paramLabel = "S", description = "Study seed (samplers, weights, shuffles).")
    Long seed;

    @Option(names = "--study", paramLabel = "NAME", description = "Run the study under this name instead of the file's"
            + " (e.g. to start a new study after editing the search space, keeping the old one).")
    String studyName;

    @Option(names = "--progress", paramLabel = "MODE", defaultValue = "auto", description = "auto, bar, plain or none (default: ${DEFAULT-VALUE}: a live bar on a terminal, log lines otherwise).")
    ProgressOption progress;

    @Option(names = "--spark", paramLabel = "MASTER_URL", description = "Run the trials on an Apache Spark cluster (spark://host:7077,"
            + " local[2], …): this process is the driver and shows the progress; each Spark task is a worker on the shared --storage"
            + " (a database server, never SQLite). Needs nntune-spark and Spark on the class path: bin/nntune adds them when SPARK_HOME is set.")
    String spark;

    @Option(names = "--workers", paramLabel = "N", description = "With --spark: how many workers (Spark tasks) to run (default: the cluster's cores).")
    Integer workers;

    @Option(names = "--dry-run", description = "Check the study file, its data, the validation on them and the sampler, pruner"
            + " or population settings, show the search space, and stop before the first trial: nothing is trained and the"
            + " storage is not opened (exit 0, or the error's code).")
    boolean dryRun;

    /** The exit code when --spark is given but nntune-spark or Spark is not on the class path (a usage error). */
    public static final int NO_CLUSTER_SUPPORT = ExitCode.USAGE;

    @Override
    public Integer call() {
        if (workers != null && spark == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--workers needs --spark MASTER_URL (the workers are Spark tasks);"
                    + " to run trials in parallel in this process use --jobs");
        }
        if (workers != null && workers < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--workers must be at least 1, got " + workers);
        }
        if (trials != null && trials < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--trials must be at least 1, got " + trials);
        }
        if (jobs != null) {
            StudyFile.Budget.jobsOptionProblem(jobs).ifPresent(m -> {
                throw new CommandLine.ParameterException(spec.commandLine(), m);
            });
        }
        if (studyName != null && studyName.isBlank()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--study must name a study, got '" + studyName + "'");
        }
        Optional<Duration> t = Optional.empty();
        if (timeout != null) {
            try {
                t = Optional.of(Section.parseDuration(timeout));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--timeout '" + timeout + "' is "
                        + (e.getMessage().startsWith(Section.TOO_LONG) ? e.getMessage() : "not a duration (seconds, or 90s, 5m, 1.5h)"));
            }
        }
        StudyFile sf = reader().read(file);
        StudyRun.Overrides ov = new StudyRun.Overrides(Optional.ofNullable(storage), Optional.ofNullable(trials), t,
                Optional.ofNullable(jobs), Optional.ofNullable(seed), Optional.ofNullable(studyName));
        Progress.Mode mode = switch (progress) {
            case auto -> Progress.detect();
            case bar -> Progress.Mode.BAR;
            case plain -> Progress.Mode.PLAIN;
            case none -> Progress.Mode.NONE;
        };
        StudyRun run = new StudyRun(sf, ov, spec.commandLine().getOut(), mode);
        if (spark == null) {
            return dryRun ? run.dryRun() : run.run();
        }
        // the storage first: no cluster could run this study on a file of one machine
        StudyRun.refuseLocalStorage(StudyRun.storageUrl(sf, ov), "Spark");
        ClusterWorkers cluster = ClusterWorkers.find("spark").orElseThrow(() -> new CliException(NO_CLUSTER_SUPPORT,
                "--spark needs nntune-spark and Apache Spark on the class path, and they are not: run bin/nntune with SPARK_HOME set"
                        + " (it then adds $SPARK_HOME/jars and nntune-spark/target/nntune-spark.jar), or submit the study with"
                        + " spark-submit --class org.nntune.spark.SparkMain nntune-spark.jar " + file + " --workers N --storage URL"));
        // a dry run refuses what the cluster run refuses before it starts the driver, and contacts no cluster
        return dryRun ? run.dryRunOn(cluster) : run.runOn(cluster, spark, Optional.ofNullable(workers));
    }

    /** The study-file reader. */
    public static StudyFileReader reader() {
        return new StudyFileReader();
    }
}
