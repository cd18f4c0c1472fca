package org.nntune.cli.command;

import org.nntune.cli.exit.ExitCode;
import org.nntune.cli.run.CliStorage;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.StudySummary;
import org.nntune.tune.trial.SystemAttrs;
import org.nntune.tune.trial.TrialState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "studies", mixinStandardHelpOptions = true, description = "List the studies of a storage.")
public final class StudiesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StorageOption storage;

    @Override
    public Integer call() {
        String url = storage.resolve(Optional.empty());
        PrintWriter out = spec.commandLine().getOut();
        try (Storage s = CliStorage.openExisting(url)) {
            List<StudySummary> studies = s.getAllStudies();
            if (studies.isEmpty()) {
                out.println("no studies in " + CliStorage.shown(url));
                return ExitCode.OK;
            }
            out.printf(Locale.ROOT, "%-30s %-22s %8s %8s %8s %8s  %s%n", "study", "directions", "complete", "pruned", "failed", "running", "best");
            for (StudySummary st : studies) {
                int complete = s.countTrials(st.studyId(), EnumSet.of(TrialState.COMPLETE));
                int pruned = s.countTrials(st.studyId(), EnumSet.of(TrialState.PRUNED));
                int failed = s.countTrials(st.studyId(), EnumSet.of(TrialState.FAIL));
                int running = s.countTrials(st.studyId(), EnumSet.of(TrialState.RUNNING));
                String best = st.isIncompleteCopy() ? incomplete(st)
                        : st.directions().size() == 1
                        ? s.getBestTrial(st.studyId()).map(t -> String.format(Locale.ROOT, "%.6g (trial %d)", t.values().get(0), t.number())).orElse("–")
                        : "(several objectives)";
                out.printf(Locale.ROOT, "%-30s %-22s %8d %8d %8d %8d  %s%n", st.name(),
                        st.directions().toString().toLowerCase(Locale.ROOT), complete, pruned, failed, running, best);
            }
        } catch (Exception e) {
            throw CommandErrors.rethrow(e);
        }
        return ExitCode.OK;
    }

    /** Listed, not hidden: an interrupted copy, with what arrived of it and the two ways out. */
    private static String incomplete(StudySummary st) {
        Object expected = st.systemAttrs().get(SystemAttrs.COPY_IN_PROGRESS) instanceof Map<?, ?> m ? m.get("trials") : null;
        return "INCOMPLETE COPY (" + st.nTrials() + (expected != null ? " of " + expected : "")
                + " trials arrived): copy it again, or delete it";
    }
}
