package org.nntune.cli.command;

import org.nntune.cli.exit.CliException;
import org.nntune.cli.exit.ExitCode;
import org.nntune.cli.run.CliStorage;
import org.nntune.cli.run.StudyRun;
import org.nntune.tune.storage.Storage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "delete", mixinStandardHelpOptions = true, description = {"Delete a study and all its trials.",
        "Asks for confirmation on a terminal; elsewhere (scripts, pipes) it needs --yes."})
public final class DeleteCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StorageOption storage;

    @Mixin
    StudyNameOption studyName;

    @Parameters(index = "0", paramLabel = "STUDY", description = "Study name, or its study file (.yaml).")
    String study;

    @Option(names = {"-y", "--yes"}, description = "Delete without asking.")
    boolean yes;

    @Option(names = "--force", description = "Delete even while workers are running the study (trials with a live heartbeat);"
            + " they then stop with an error.")
    boolean force;

    @Override
    public Integer call() {
        StudyRef ref = StudyRef.of(study, storage, studyName);
        try (Storage s = CliStorage.openExisting(ref.url())) {
            // an incomplete copy (an interrupted copy) is deleted as any study is
            long id = CliStorage.anyStudyId(s, ref.name(), ref.url());
            if (!force) {
                // a worker whose study is deleted under it dies mid-trial: say so instead, before asking
                java.util.List<Integer> live = s.liveTrialNumbers(id, StudyRun.heartbeatGrace());
                if (!live.isEmpty()) {
                    throw new CliException(ExitCode.STORAGE, "study '" + ref.name() + "' in " + CliStorage.shown(ref.url())
                            + " has " + (live.size() == 1 ? "a running trial" : live.size() + " running trials")
                            + " with a live heartbeat (trial" + (live.size() == 1 ? " " : "s ")
                            + String.join(", ", live.stream().limit(10).map(String::valueOf).toList())
                            + (live.size() > 10 ? ", …" : "") + "): workers are running it; stop them first, or pass"
                            + " --force to delete it under them");
                }
            }
            int n = s.getAllTrials(id).size();
            String what = s.getStudy(id).isIncompleteCopy() ? "incomplete copy of study '" : "study '";
            if (!yes && !confirmed("delete " + what + ref.name() + "' and its " + n + " trials from "
                    + CliStorage.shown(ref.url()) + "? [y/N] ")) {
                spec.commandLine().getOut().println("nothing deleted");
                return ExitCode.OK;
            }
            s.deleteStudy(id);
            spec.commandLine().getOut().println("deleted " + what + ref.name() + "' (" + n + " trials) from " + CliStorage.shown(ref.url()));
        } catch (Exception e) {
            throw CommandErrors.rethrow(e);
        }
        return ExitCode.OK;
    }

    /** Asks on the terminal; without one there is nobody to ask, so the command needs --yes. */
    private static boolean confirmed(String question) {
        java.io.Console console = System.console();
        if (console == null || org.nntune.cli.output.Progress.detect() != org.nntune.cli.output.Progress.Mode.BAR) {
            throw new CliException(ExitCode.USAGE, "delete removes the study and all its trials: pass --yes to confirm"
                    + " (no terminal to ask on)");
        }
        String answer = console.readLine("%s", question);
        return answer != null && (answer.trim().equalsIgnoreCase("y") || answer.trim().equalsIgnoreCase("yes"));
    }
}
