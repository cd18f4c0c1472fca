package org.nntune.cli.command;

import org.nntune.cli.ExitCode;
import org.nntune.tune.storage.Storage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a study and all its trials.")
public final class DeleteCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StorageOption storage;

    @Parameters(index = "0", paramLabel = "STUDY", description = "Study name, or its study file (.yaml).")
    String study;

    @Override
    public Integer call() {
        StudyRef ref = StudyRef.of(study, storage);
        try (Storage s = StorageOption.openExisting(ref.url())) {
            long id = StorageOption.studyId(s, ref.name(), ref.url());
            int n = s.getAllTrials(id).size();
            s.deleteStudy(id);
            spec.commandLine().getOut().println("deleted study '" + ref.name() + "' (" + n + " trials) from " + StorageOption.shown(ref.url()));
        } catch (Exception e) {
            throw CommandErrors.rethrow(e);
        }
        return ExitCode.OK;
    }
}
