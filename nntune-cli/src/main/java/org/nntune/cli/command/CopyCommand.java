package org.nntune.cli.command;

import org.nntune.cli.exit.ExitCode;
import org.nntune.cli.run.CliStorage;
import org.nntune.storage.StudyCopier;
import org.nntune.tune.storage.Storage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "copy", mixinStandardHelpOptions = true,
        description = "Copy a study with all its trials from one storage to another (e.g. a laptop's SQLite file to PostgreSQL).")
public final class CopyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "STUDY", description = "Study name.")
    String study;

    @Option(names = "--from", required = true, paramLabel = "URL", description = "Storage URL to copy from.")
    String from;

    @Option(names = "--to", required = true, paramLabel = "URL", description = "Storage URL to copy to.")
    String to;

    @Override
    public Integer call() {
        try (Storage src = CliStorage.openExisting(from)) {
            // the source's study first: a copy of nothing creates no destination database
            CliStorage.studyId(src, study, from);
            copy(src);
        } catch (Exception e) {
            throw CommandErrors.rethrow(e);
        }
        return ExitCode.OK;
    }

    private void copy(Storage src) throws Exception {
        try (Storage dst = CliStorage.open(to)) {
            java.util.OptionalLong there = dst.findStudyId(study);
            org.nntune.tune.trial.StudySummary earlier = there.isPresent() ? dst.getStudy(there.getAsLong()) : null;
            if (earlier != null && earlier.isIncompleteCopy()) {
                // what an interrupted copy left: StudyCopier replaces it, unless that copy is still running
                StudyCopier.refuseIfRunning(earlier, CliStorage.shown(to), java.time.Instant.now());
                spec.commandLine().getErr().println("replacing the incomplete copy of study '" + study + "' in "
                        + CliStorage.shown(to) + " (" + earlier.nTrials()
                        + " trials had arrived when the copy was interrupted)");
            } else if (earlier != null) {
                throw new org.nntune.cli.exit.CliException(ExitCode.STORAGE, "study '" + study + "' already exists in " + CliStorage.shown(to)
                        + "; delete it there first (nntune delete " + org.nntune.cli.run.ShellWords.word(study) + " --storage "
                        + org.nntune.cli.run.ShellWords.word(CliStorage.shown(to)) + ")");
            }
            long id = StudyCopier.copy(study, src, dst);
            int n = dst.getAllTrials(id).size();
            spec.commandLine().getOut().println("copied study '" + study + "' (" + n + " trials) from " + CliStorage.shown(from)
                    + " to " + CliStorage.shown(to));
        }
    }
}
