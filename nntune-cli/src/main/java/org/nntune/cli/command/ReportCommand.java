package org.nntune.cli.command;

import org.nntune.cli.exit.CliException;
import org.nntune.cli.exit.ExitCode;
import org.nntune.cli.run.CliStorage;
import org.nntune.dashboard.HtmlReport;
import org.nntune.tune.storage.Storage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write a self-contained HTML report of a study (plots drawn as SVG; opens with no network).")
public final class ReportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StorageOption storage;

    @Mixin
    StudyNameOption studyName;

    @Parameters(index = "0", paramLabel = "STUDY", description = "Study name, or its study file (.yaml).")
    String study;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "The HTML file to write.")
    Path output;

    @Override
    public Integer call() {
        StudyRef ref = StudyRef.of(study, storage, studyName);
        try (Storage s = CliStorage.openExisting(ref.url())) {
            CliStorage.studyId(s, ref.name(), ref.url());
            write(s, ref.name(), output);
            spec.commandLine().getOut().println("wrote " + output);
        } catch (Exception e) {
            throw CommandErrors.rethrow(e);
        }
        return ExitCode.OK;
    }

    /** Writes the report of a study; a file that cannot be written is exit code 1 with its path. */
    static void write(Storage storage, String studyName, Path output) {
        try {
            Path parent = output.toAbsolutePath().getParent();
            if (parent != null) {
                java.nio.file.Files.createDirectories(parent);
            }
            HtmlReport.fromStorage(storage, studyName).write(output);
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            throw new CliException(ExitCode.OTHER, "cannot write the report " + output + ": " + CliException.ioReason(e), e);
        }
    }
}
