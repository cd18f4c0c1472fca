package org.nntune.cli.command;

import org.nntune.cli.exit.CliException;
import org.nntune.cli.exit.ExitCode;
import org.nntune.cli.run.CliStorage;
import org.nntune.storage.Storages;
import org.nntune.storage.StudyCopier;
import org.nntune.tune.storage.Storage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Optional;
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
        boolean same;
        try {
            same = Storages.sameStorage(from, to);
        } catch (IllegalArgumentException badUrl) {
            same = false; // opening it says what is wrong
        }
        if (same) {
            // "already exists there; delete it there first" would have the user delete the only copy
            throw new CliException(ExitCode.USAGE, "source and target are the same storage (" + CliStorage.shown(from)
                    + (from.strip().equals(to.strip()) ? "" : " and " + CliStorage.shown(to) + " name one database")
                    + "): copy to another database, or between nntune's tables and Optuna's (optuna+) in one");
        }
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
        // a copy refused before it wrote anything leaves no new SQLite file behind
        Optional<Path> newFile = CliStorage.newSqliteFile(to);
        boolean leftEmpty = false;
        try (Storage dst = CliStorage.open(to)) {
            try {
                copy(src, dst);
            } catch (RuntimeException e) {
                leftEmpty = newFile.isPresent() && holdsNoStudy(dst);
                throw e;
            }
        } finally {
            if (leftEmpty) {
                CliStorage.deleteNewSqliteFile(newFile.get());
            }
        }
    }

    private static boolean holdsNoStudy(Storage s) {
        try {
            return s.getAllStudies().isEmpty();
        } catch (RuntimeException e) {
            return false; // cannot tell: leave it
        }
    }

    private void copy(Storage src, Storage dst) {
        java.util.OptionalLong there = dst.findStudyId(study);
        org.nntune.tune.trial.StudySummary earlier = there.isPresent() ? dst.getStudy(there.getAsLong()) : null;
        if (earlier != null && earlier.isIncompleteCopy()) {
            // what an interrupted copy left: StudyCopier replaces it, unless that copy is still running
            StudyCopier.refuseIfRunning(earlier, CliStorage.shown(to), java.time.Instant.now());
            spec.commandLine().getErr().println("replacing the incomplete copy of study '" + study + "' in "
                    + CliStorage.shown(to) + " (" + earlier.nTrials()
                    + " trials had arrived when the copy was interrupted)");
        } else if (earlier != null) {
            throw new CliException(ExitCode.STORAGE, "study '" + study + "' already exists in " + CliStorage.shown(to)
                    + "; delete it there first (nntune delete " + org.nntune.cli.run.ShellWords.word(study) + " --storage "
                    + org.nntune.cli.run.ShellWords.word(CliStorage.shown(to)) + ")");
        }
        long id;
        try {
            id = StudyCopier.copy(study, src, dst);
        } catch (IllegalArgumentException e) {
            // a trial the target cannot take (named by its number in the source): nothing was written
            throw new CliException(ExitCode.STORAGE, "cannot copy study '" + study + "' to " + CliStorage.shown(to)
                    + ": " + e.getMessage(), e);
        }
        int n = dst.getAllTrials(id).size();
        spec.commandLine().getOut().println("copied study '" + study + "' (" + n + " trials) from " + CliStorage.shown(from)
                + " to " + CliStorage.shown(to));
    }
}
