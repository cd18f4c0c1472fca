package org.nntune.cli.command;

import org.nntune.cli.exit.CliException;
import org.nntune.cli.exit.ExitCode;
import org.nntune.cli.output.TrialsFormat;
import org.nntune.cli.run.CliStorage;
import org.nntune.cli.run.PopulationRun;
import org.nntune.cli.run.ShellWords;
import org.nntune.cli.run.ModelFiles;
import org.nntune.cli.run.TimeBudgetRecord;
import org.nntune.cli.studyfile.StudyFile;
import org.nntune.storage.StudyProvenance;
import org.nntune.tune.population.PopulationTraining;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.SystemAttrs;
import org.nntune.tune.trial.TrialState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "best", mixinStandardHelpOptions = true,
        description = {"Show the best trial of a study; export its parameters as JSON, or refit and save its model.",
                "For a population-based training study: the best member and its hyperparameter schedule (--export writes the"
                        + " schedule; --model saves the member's network as trained, without a refit)."})
public final class BestCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StorageOption storage;

    @Mixin
    StudyNameOption studyName;

    @Parameters(index = "0", paramLabel = "STUDY", description = "Study name, or its study file (.yaml).")
    String study;

    @Option(names = "--export", paramLabel = "FILE", description = "Write the best parameters as JSON.")
    Path export;

    @Option(names = "--model", paramLabel = "FILE", description = "Refit the best configuration on the study's training data and save the model.")
    Path model;

    @Option(names = "--trial", paramLabel = "N", description = "Take trial N (a complete one) instead of the best: e.g. a trial of"
            + " a study of several objectives, picked from its Pareto front (pareto-front.csv, the report).")
    Integer trial;

    @Override
    public Integer call() {
        StudyRef ref = StudyRef.of(study, storage, studyName);
        PrintWriter out = spec.commandLine().getOut();
        try (Storage s = CliStorage.openExisting(ref.url())) {
            long id = CliStorage.studyId(s, ref.name(), ref.url());
            boolean multi = s.getStudy(id).directions().size() != 1;
            if (multi && trial == null) {
                throw new CliException(ExitCode.USAGE, "study '" + ref.name() + "' has several objectives: it has a Pareto front, "
                        + "not one best trial; see nntune report " + ShellWords.word(study) + " -o report.html (or pareto-front.csv beside the"
                        + " results), then take one of its trials: nntune best " + ShellWords.word(study) + " --trial N --export FILE --model FILE");
            }
            Optional<StudyFile> stored = StudyProvenance.definition(s, id)
                    .map(def -> TuneCommand.reader().read(Path.of((String) def.get("file")), (String) def.get("text")));
            Optional<PopulationTraining> population = PopulationTraining.load(s, ref.name());
            if (population.isPresent() && trial != null) {
                throw new CliException(ExitCode.USAGE, "study '" + ref.name() + "' is a population-based training study: its best"
                        + " member is a network trained through a schedule, not one trial's configuration, so --trial does not apply");
            }
            if (population.isPresent()) {
                // the best member's network as it is (its checkpoint), and its schedule instead of one set of params
                PopulationRun.best(population.get(), stored, Optional.ofNullable(export), Optional.ofNullable(model), out);
                return ExitCode.OK;
            }
            Optional<FrozenTrial> found = trial != null ? Optional.of(chosen(s, id, ref.name(), trial)) : s.getBestTrial(id);
            if (found.isEmpty()) {
                // the whole story is this line: no "--verbose for details", which would show nothing more
                PrintWriter err = spec.commandLine().getErr();
                err.println("nntune: error: " + noBestTrial(ref.name(), s.getAllTrials(id), trialsCommand()));
                err.flush();
                return ExitCode.OTHER;
            }
            FrozenTrial best = found.get();
            out.println((trial != null ? "trial " : "best trial ") + best.number() + ": "
                    + (multi ? "values " + best.values() : "value " + best.values().get(0)));
            out.println("params: " + best.params());
            Map<String, Double> adapted = TrialsFormat.adaptedFinal(best);
            if (!adapted.isEmpty()) {
                out.println("adapted during training (final values): " + adapted);
            }
            if (!multi) {
                out.println(TrialsFormat.importanceLine(s.getAllTrials(id), s.getStudy(id).directions().get(0)));
            }
            // a forecaster's naive baselines, as tune scored them: the value above means little without them
            org.nntune.dashboard.NaiveBaseline.of(s.getStudySystemAttrs(id)).ifPresent(n -> out.println("naive forecasts: " + n.describe()));
            // a study searched on a time budget: its configuration's epochs are the trial's, not the file's
            Optional<Integer> epochs = multi ? Optional.empty() : TimeBudgetRecord.refitEpochs(s, id, best);
            if (export != null) {
                TrialsFormat.bestParamsJson(ref.name(), best, stored.map(f -> ModelFiles.fixedValues(f, epochs)).orElse(Map.of()), export);
                out.println("wrote " + export);
            }
            if (model != null) {
                StudyFile sf = stored.orElseThrow(() -> new CliException(ExitCode.STORAGE,
                        "study '" + ref.name() + "' has no stored study definition, so its model cannot be refitted here"));
                Object seed = s.getStudySystemAttrs(id).get(SystemAttrs.SEED);
                Optional<ModelFiles.Sidecar> sidecar = ModelFiles.refitAndSave(sf, best.params(),
                        seed instanceof Number n ? n.longValue() : 0L, model, epochs);
                out.println("refitted trial " + best.number() + "'s configuration on all training data"
                        + epochs.map(e -> " for " + e + " epochs (where its validation score peaked in the time-budget search)").orElse("")
                        + "; wrote " + model + ModelFiles.Sidecar.andIts(sidecar));
            }
        } catch (IOException e) {
            throw new CliException(ExitCode.OTHER, "cannot write: " + e.getMessage(), e);
        } catch (Exception e) {
            throw CommandErrors.rethrow(e);
        }
        return ExitCode.OK;
    }

    /** The command that lists this study's trials, as this command named the study. */
    private String trialsCommand() {
        return "nntune trials " + ShellWords.word(study)
                + (studyName != null && studyName.name != null ? " --study " + ShellWords.word(studyName.name) : "")
                + (storage.url != null ? " --storage " + ShellWords.word(storage.url) : "");
    }

    /**
     * Why a study has no best trial, as tune says it: no trial yet, or none complete with how the
     * others ended (the first failure's reason), and where to see them. (It said "has no complete trial
     * yet (run with --verbose for details)", and --verbose showed only a stack trace.)
     */
    static String noBestTrial(String name, java.util.List<FrozenTrial> all, String trialsCommand) {
        if (all.isEmpty()) {
            return "study '" + name + "' has no trial yet, so no best one; run nntune tune (or a worker) on it first";
        }
        java.util.List<String> parts = new java.util.ArrayList<>();
        java.util.List<FrozenTrial> failed = all.stream().filter(t -> t.state() == TrialState.FAIL).toList();
        if (!failed.isEmpty()) {
            FrozenTrial first = failed.stream().filter(t -> t.failureReason().isPresent()).findFirst().orElse(failed.get(0));
            parts.add(failed.size() + " failed, e.g. trial " + first.number() + ": " + first.failureReason().orElse("(no reason recorded)"));
        }
        for (TrialState st : java.util.List.of(TrialState.PRUNED, TrialState.RUNNING, TrialState.WAITING)) {
            long n = all.stream().filter(t -> t.state() == st).count();
            if (n > 0) {
                parts.add(n + " " + st.name().toLowerCase(java.util.Locale.ROOT));
            }
        }
        return "study '" + name + "' has no best trial: no trial completed (" + all.size() + " trial" + (all.size() == 1 ? "" : "s")
                + ": " + String.join(", ", parts) + "); see " + trialsCommand;
    }

    /** Trial {@code number} of the study, which must be COMPLETE (a pruned or failed trial has no configuration to keep). */
    private static FrozenTrial chosen(Storage s, long id, String study, int number) {
        FrozenTrial t = s.getAllTrials(id).stream().filter(x -> x.number() == number).findFirst().orElseThrow(() -> new CliException(
                ExitCode.USAGE, "study '" + study + "' has no trial " + number));
        if (t.state() != org.nntune.tune.trial.TrialState.COMPLETE) {
            throw new CliException(ExitCode.USAGE, "trial " + number + " of study '" + study + "' is " + t.state()
                    + "; --trial takes a complete trial (see nntune trials " + ShellWords.word(study) + ")");
        }
        return t;
    }
}
