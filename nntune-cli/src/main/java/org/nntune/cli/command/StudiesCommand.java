package org.nntune.cli.command;

import org.nntune.cli.exit.ExitCode;
import org.nntune.cli.output.TextTable;
import org.nntune.cli.run.CliStorage;
import org.nntune.storage.StorageException;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.StudySummary;
import org.nntune.tune.trial.SystemAttrs;
import org.nntune.tune.trial.TrialState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "studies", mixinStandardHelpOptions = true, description = {"List the studies of a storage.",
        "A study that cannot be read (a parameter whose distribution nntune does not know, say) is listed as unreadable, "
                + "with the reason on stderr; the others are listed, and the exit code is 4."})
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
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("study", "directions", "complete", "pruned", "failed", "running", "best"));
            PrintWriter err = spec.commandLine().getErr();
            int code = ExitCode.OK;
            for (StudySummary st : studies) {
                try {
                    rows.add(row(s, st));
                } catch (StorageException e) {
                    throw e; // the database, not this study: nothing further can be listed
                } catch (RuntimeException e) {
                    // one study nntune cannot read (an unknown distribution…) must not hide the others
                    rows.add(List.of(st.name(), "(cannot be read: the reason is on stderr)"));
                    err.println("nntune: cannot read study '" + st.name() + "': " + e.getMessage());
                    code = ExitCode.STORAGE;
                }
            }
            TextTable.print(rows, i -> i >= 2 && i <= 5, out); // the counts right-aligned
            out.flush();
            err.flush();
            return code;
        } catch (Exception e) {
            throw CommandErrors.rethrow(e);
        }
    }

    private static List<String> row(Storage s, StudySummary st) {
        if (st.directions().isEmpty()) {
            s.getStudyDirections(st.studyId()); // a study whose directions cannot be read: the storage's reason
            throw new IllegalStateException("the storage lists no direction for it");
        }
        int complete = s.countTrials(st.studyId(), EnumSet.of(TrialState.COMPLETE));
        int pruned = s.countTrials(st.studyId(), EnumSet.of(TrialState.PRUNED));
        int failed = s.countTrials(st.studyId(), EnumSet.of(TrialState.FAIL));
        int running = s.countTrials(st.studyId(), EnumSet.of(TrialState.RUNNING));
        String best = st.isIncompleteCopy() ? incomplete(st)
                : st.directions().size() == 1
                ? s.getBestTrial(st.studyId()).map(t -> String.format(Locale.ROOT, "%.6g (trial %d)", t.values().get(0), t.number())).orElse("–")
                : "(several objectives)";
        return List.of(st.name(), st.directions().toString().toLowerCase(Locale.ROOT), Integer.toString(complete),
                Integer.toString(pruned), Integer.toString(failed), Integer.toString(running), best);
    }

    /** Listed, not hidden: an interrupted copy, with what arrived of it and the two ways out. */
    private static String incomplete(StudySummary st) {
        Object expected = st.systemAttrs().get(SystemAttrs.COPY_IN_PROGRESS) instanceof Map<?, ?> m ? m.get("trials") : null;
        return "INCOMPLETE COPY (" + st.nTrials() + (expected != null ? " of " + expected : "")
                + " trials arrived): copy it again, or delete it";
    }
}
