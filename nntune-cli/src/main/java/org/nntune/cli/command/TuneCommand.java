package org.nntune.cli.command;

import org.nntune.cli.output.Progress;
import org.nntune.cli.run.StudyRun;
import org.nntune.cli.studyfile.Section;
import org.nntune.cli.studyfile.StudyFile;
import org.nntune.cli.studyfile.StudyFileReader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

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

    @Option(names = {"-s", "--storage"}, paramLabel = "URL", description = "Storage URL (default: the study file's storage, or STUDY.db beside it).")
    String storage;

    @Option(names = "--trials", paramLabel = "N", description = "The study's total number of finished trials, across all workers.")
    Integer trials;

    @Option(names = "--timeout", paramLabel = "D", description = "Stop starting trials after this long: seconds or 90s, 5m, 1h.")
    String timeout;

    @Option(names = "--jobs", paramLabel = "J", description = "Trials run in parallel in this process.")
    Integer jobs;

    @Option(names = "--seed", paramLabel = "S", description = "Study seed (samplers, weights, shuffles).")
    Long seed;

    @Option(names = "--study", paramLabel = "NAME", description = "Run the study under this name instead of the file's"
            + " (e.g. to start a new study after editing the search space, keeping the old one).")
    String studyName;

    @Option(names = "--progress", paramLabel = "MODE", defaultValue = "auto", description = "auto, bar, plain or none (default: ${DEFAULT-VALUE}: a live bar on a terminal, log lines otherwise).")
    ProgressOption progress;

    @Override
    public Integer call() {
        if (trials != null && trials < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--trials must be at least 1, got " + trials);
        }
        if (jobs != null && jobs < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--jobs must be at least 1, got " + jobs);
        }
        Optional<Duration> t = Optional.empty();
        if (timeout != null) {
            try {
                t = Optional.of(Section.parseDuration(timeout));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--timeout '" + timeout + "' is not a duration (seconds, or 90s, 5m, 1.5h)");
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
        return new StudyRun(sf, ov, spec.commandLine().getOut(), mode).run();
    }

    /** The study-file reader. */
    public static StudyFileReader reader() {
        return new StudyFileReader();
    }
}
