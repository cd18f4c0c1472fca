package org.nntune.cli.command;

import org.nntune.cli.exit.ExitCode;
import org.nntune.cli.output.TextTable;
import org.nntune.cli.output.TrialsFormat;
import org.nntune.cli.run.CliStorage;
import org.nntune.storage.StorageException;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudySummary;
import org.nntune.tune.trial.TrialState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
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

    /** Output formats. */
    public enum Format { table, csv, json }

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table", description = "table, csv or json (default: ${DEFAULT-VALUE}).")
    Format format;

    /**
     * One study as listed: its counts and best trial, or why it cannot be read.
     *
     * @param best     the best trial's number and value (a study of one objective with a complete trial)
     * @param copy     whether it is an incomplete copy: its {@code trials} are those that arrived, of {@code expected} if known
     * @param error    why it cannot be read; then only the name is known
     */
    private record Listed(String name, List<String> directions, int trials, Map<TrialState, Integer> counts,
                          Optional<FrozenTrial> best, boolean copy, java.util.OptionalInt expected,
                          Optional<String> error) {
        static Listed unreadable(String name, String why) {
            return new Listed(name, List.of(), 0, Map.of(), Optional.empty(), false, java.util.OptionalInt.empty(),
                    Optional.of(why));
        }
    }

    private static final List<TrialState> COUNTED = List.of(TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL,
            TrialState.RUNNING, TrialState.WAITING);

    @Override
    public Integer call() {
        String url = storage.resolve(Optional.empty());
        PrintWriter out = spec.commandLine().getOut();
        try (Storage s = CliStorage.openExisting(url)) {
            List<StudySummary> studies = s.getAllStudies();
            if (studies.isEmpty() && format == Format.table) {
                out.println("no studies in " + CliStorage.shown(url));
                return ExitCode.OK;
            }
            PrintWriter err = spec.commandLine().getErr();
            int code = ExitCode.OK;
            List<Listed> listed = new ArrayList<>();
            for (StudySummary st : studies) {
                try {
                    listed.add(listed(s, st));
                } catch (StorageException e) {
                    throw e; // the database, not this study: nothing further can be listed
                } catch (RuntimeException e) {
                    // one study nntune cannot read (an unknown distribution…) must not hide the others
                    listed.add(Listed.unreadable(st.name(), e.getMessage()));
                    err.println("nntune: cannot read study '" + st.name() + "': " + e.getMessage());
                    code = ExitCode.STORAGE;
                }
            }
            switch (format) {
                case table -> table(listed, out);
                case csv -> csv(listed, out);
                case json -> json(listed, out);
            }
            out.flush();
            err.flush();
            return code;
        } catch (Exception e) {
            throw CommandErrors.rethrow(e);
        }
    }

    private static Listed listed(Storage s, StudySummary st) {
        if (st.directions().isEmpty()) {
            s.getStudyDirections(st.studyId()); // a study whose directions cannot be read: the storage's reason
            throw new IllegalStateException("the storage lists no direction for it");
        }
        Map<TrialState, Integer> counts = new java.util.EnumMap<>(TrialState.class);
        for (TrialState state : COUNTED) {
            counts.put(state, s.countTrials(st.studyId(), EnumSet.of(state)));
        }
        Optional<FrozenTrial> best = !st.isIncompleteCopy() && st.directions().size() == 1
                ? s.getBestTrial(st.studyId()) : Optional.empty();
        List<String> directions = st.directions().stream().map(d -> d.name().toLowerCase(Locale.ROOT)).toList();
        return new Listed(st.name(), directions, st.nTrials(), counts, best, st.isIncompleteCopy(), st.copyExpectedTrials(),
                Optional.empty());
    }

    private static void table(List<Listed> listed, PrintWriter out) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("study", "directions", "complete", "pruned", "failed", "running", "best"));
        for (Listed l : listed) {
            if (l.error().isPresent()) {
                rows.add(List.of(l.name(), "(cannot be read: the reason is on stderr)"));
                continue;
            }
            rows.add(List.of(l.name(), l.directions().toString(), count(l, TrialState.COMPLETE), count(l, TrialState.PRUNED),
                    count(l, TrialState.FAIL), count(l, TrialState.RUNNING), best(l)));
        }
        TextTable.print(rows, i -> i >= 2 && i <= 5, out); // the counts right-aligned
    }

    private static String count(Listed l, TrialState state) {
        return Integer.toString(l.counts().get(state));
    }

    /** The table's last column: the best value and its trial, or what stands in for it. */
    private static String best(Listed l) {
        if (l.copy()) {
            return incomplete(l);
        }
        if (l.directions().size() > 1) {
            return "(several objectives)";
        }
        return l.best().map(t -> String.format(Locale.ROOT, "%.6g (trial %d)", t.values().get(0), t.number())).orElse("–");
    }

    /** Listed, not hidden: an interrupted copy, with what arrived of it and the two ways out. */
    private static String incomplete(Listed l) {
        return "INCOMPLETE COPY (" + l.trials() + (l.expected().isPresent() ? " of " + l.expected().getAsInt() : "")
                + " trials arrived): copy it again, or delete it";
    }

    private static void csv(List<Listed> listed, PrintWriter out) {
        out.print(TrialsFormat.csvLine(List.of("study", "directions", "trials", "complete", "pruned", "failed", "running",
                "waiting", "best_trial", "best_value", "note")));
        for (Listed l : listed) {
            List<String> r = new ArrayList<>(List.of(l.name(), String.join(" ", l.directions()),
                    l.error().isPresent() ? "" : Integer.toString(l.trials())));
            for (TrialState state : COUNTED) {
                r.add(l.error().isPresent() ? "" : count(l, state));
            }
            r.add(l.best().map(t -> Integer.toString(t.number())).orElse(""));
            r.add(l.best().map(t -> TrialsFormat.number(t.values().get(0))).orElse(""));
            r.add(l.error().map(e -> "cannot be read: " + e).orElse(l.copy() ? incomplete(l) : ""));
            out.print(TrialsFormat.csvLine(r));
        }
    }

    private static void json(List<Listed> listed, PrintWriter out) throws java.io.IOException {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Listed l : listed) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("study", l.name());
            if (l.error().isPresent()) {
                m.put("error", l.error().get()); // cannot be read: only its name is known
                list.add(m);
                continue;
            }
            m.put("directions", l.directions());
            m.put("trials", l.trials());
            for (TrialState state : COUNTED) {
                m.put(state.name().toLowerCase(Locale.ROOT), l.counts().get(state));
            }
            m.put("best", l.best().map(t -> {
                Map<String, Object> b = new LinkedHashMap<>();
                b.put("trial", t.number());
                b.put("value", t.values().get(0));
                return (Object) b;
            }).orElse(null));
            if (l.copy()) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("arrived", l.trials());
                c.put("expected", l.expected().isPresent() ? l.expected().getAsInt() : null);
                m.put("incomplete_copy", c);
            }
            list.add(m);
        }
        out.println(TrialsFormat.jsonText(list));
    }
}
