package org.nntune.cli.command;

import org.nntune.cli.exit.ExitCode;
import org.nntune.cli.output.TrialsFormat;
import org.nntune.cli.run.CliStorage;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.FrozenTrial;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "trials", mixinStandardHelpOptions = true, description = "List the trials of a study.")
public final class TrialsCommand implements Callable<Integer> {
    /** Output formats. */
    public enum Format { table, csv, json }

    @Spec
    CommandSpec spec;

    @Mixin
    StorageOption storage;

    @Mixin
    StudyNameOption studyName;

    @Parameters(index = "0", paramLabel = "STUDY", description = "Study name, or its study file (.yaml).")
    String study;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table", description = "table, csv or json (default: ${DEFAULT-VALUE}).")
    Format format;

    @Override
    public Integer call() {
        StudyRef ref = StudyRef.of(study, storage, studyName);
        PrintWriter out = spec.commandLine().getOut();
        try (Storage s = CliStorage.openExisting(ref.url())) {
            long id = CliStorage.studyId(s, ref.name(), ref.url());
            List<FrozenTrial> trials = s.getAllTrials(id);
            switch (format) {
                case table -> TrialsFormat.table(trials, out);
                case csv -> TrialsFormat.csv(trials, out);
                case json -> TrialsFormat.json(trials, out);
            }
        } catch (Exception e) {
            throw CommandErrors.rethrow(e);
        }
        return ExitCode.OK;
    }
}
