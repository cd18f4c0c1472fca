package org.nntune.cli.command;

import org.nntune.cli.exit.CliException;
import org.nntune.cli.exit.ExitCode;
import org.nntune.cli.output.Progress;
import org.nntune.cli.run.CliStorage;
import org.nntune.cli.run.StudyRun;
import org.nntune.cli.studyfile.StudyFile;
import org.nntune.storage.StudyProvenance;
import org.nntune.tune.storage.Storage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Join a study as one more worker: run trials of its stored definition until the study's budget is spent.",
                "Start as many as you like, on as many machines as you like, against one shared storage (PostgreSQL).",
                "On a time-budget study it searches until the deadline of the study's last 'nntune tune' run (which refits).",
                "When that run had a number of trials and a timeout, it starts no trial after that run's deadline either.",
                "The worker refuses to run when its data differ from the data the study was started with."})
public final class WorkerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "STUDY", description = "Study name.")
    String study;

    @Option(names = {"-s", "--storage"}, required = true, paramLabel = "URL", description = "The study's storage URL;"
            + " on PostgreSQL, ?synchronous_commit=on makes this worker's commits wait for the disk (off by default: a crash of"
            + " the database server may lose its last fraction of a second of commits).")
    String storage;

    @Option(names = "--jobs", paramLabel = "J", description = "Trials run in parallel in this worker, 1 to 1024.")
    Integer jobs;

    @Option(names = "--trials", paramLabel = "N", description = "Run until the study holds N finished trials"
            + " (default: the number the last 'nntune tune' asked for; refused on a time-budget study).")
    Integer trials;

    @Option(names = "--progress", paramLabel = "MODE", defaultValue = "plain", description = "bar, plain or none (default: ${DEFAULT-VALUE}).")
    Progress.Mode progress;

    @Override
    public Integer call() {
        if (trials != null && trials < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--trials must be at least 1, got " + trials);
        }
        if (jobs != null) {
            StudyFile.Budget.jobsOptionProblem(jobs).ifPresent(m -> {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), m);
            });
        }
        StudyFile sf;
        try (Storage s = CliStorage.openExisting(storage)) {
            long id = CliStorage.studyId(s, study, storage);
            Map<String, Object> def = StudyProvenance.definition(s, id).orElseThrow(() -> new CliException(ExitCode.STORAGE,
                    "study '" + study + "' in " + CliStorage.shown(storage) + " has no stored study definition (it was not started from a study file);"
                            + " workers can only join studies started with 'nntune tune'"));
            Object file = def.get("file");
            Object text = def.get("text");
            if (!(file instanceof String f) || !(text instanceof String t)) {
                throw new CliException(ExitCode.STORAGE, "study '" + study + "' has a malformed stored definition (no file or text)");
            }
            sf = TuneCommand.reader().read(Path.of(f), t);
        } catch (CliException e) {
            throw e;
        } catch (Exception e) {
            throw CommandErrors.rethrow(e);
        }
        StudyRun.Overrides ov = new StudyRun.Overrides(Optional.of(storage), Optional.ofNullable(trials), Optional.empty(),
                Optional.ofNullable(jobs), Optional.empty(), Optional.of(study));
        return new StudyRun(sf, ov, spec.commandLine().getOut(), progress).runAsWorker();
    }
}
