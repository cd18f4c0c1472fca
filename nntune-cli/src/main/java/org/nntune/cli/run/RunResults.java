package org.nntune.cli.run;

import org.nntune.cli.exit.CliException;
import org.nntune.cli.exit.ExitCode;
import org.nntune.cli.output.Progress;
import org.nntune.cli.output.TrialsFormat;
import org.nntune.cli.studyfile.StudyFile;
import org.nntune.cli.studyfile.StudyFileException;
import org.nntune.dashboard.HtmlReport;
import org.nntune.dashboard.NaiveBaseline;
import org.nntune.nn.model.DivergenceException;
import org.nntune.nn.model.HyperStepDivergenceException;
import org.nntune.search.BudgetClock;
import org.nntune.search.CrossValidatedSearch;
import org.nntune.search.NetworkConfig;
import org.nntune.search.NetworkEstimator;
import org.nntune.search.NetworkSpace;
import org.nntune.search.ParamSource;
import org.nntune.search.Scorer;
import org.nntune.tune.study.Study;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.ParetoFront;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.SystemAttrs;
import org.nntune.tune.trial.TrialState;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The end of a {@code tune} run once its budget is spent: the summary of the trials, the refit of
 * the best configuration on all training rows (the next best when it diverges; within the time
 * budget in that mode), its test score, and the result files (best model and its sidecar, best
 * parameters, trials, report); for several objectives the Pareto front instead of a best model.
 */
final class RunResults {
    private final StudyFile sf;
    private final StudyRun.Overrides ov;
    private final PrintWriter out;
    /** The time-budget mode's clock, search and progress display (null for a number of trials): its refit needs them. */
    private final BudgetClock clock;
    private final CrossValidatedSearch timedSearch;
    private final Progress progress;

    RunResults(StudyFile sf, StudyRun.Overrides ov, PrintWriter out, BudgetClock clock, CrossValidatedSearch timedSearch,
               Progress progress) {
        this.sf = sf;
        this.ov = ov;
        this.out = out;
        this.clock = clock;
        this.timedSearch = timedSearch;
        this.progress = progress;
    }

    /** Files written at the end (no model when the time-budget mode's refit is off). */
    record Outputs(Optional<Path> model, Path params, Path trials, Path report, Optional<ModelFiles.Sidecar> sidecar) {}

    int finish(Study study, NetworkSpace space, Scorer scorer, StudyData data, long seed) {
        List<FrozenTrial> all = study.trials();
        Optional<FrozenTrial> best = study.findBestTrial();
        if (clock != null) {
            checkTimeWasEnough(best);
        }
        out.println();
        out.printf(Locale.ROOT, "%d trials: %d complete, %d pruned, %d failed%s%n", all.size(),
                count(all, TrialState.COMPLETE), count(all, TrialState.PRUNED), count(all, TrialState.FAIL), stillRunning(all, true));
        if (best.isEmpty()) {
            out.println("no trial completed, so there is no best configuration; see the failures above ("
                    + "nntune trials " + ShellWords.word(sf.file().toString())
                    + ov.studyName().map(n -> " --study " + ShellWords.word(n)).orElse("")
                    + ov.storage().map(u -> " --storage " + ShellWords.word(u)).orElse("") + ")");
            return ExitCode.OTHER;
        }
        boolean maximize = study.direction() == StudyDirection.MAXIMIZE;
        List<FrozenTrial> top = new ArrayList<>(all.stream().filter(t -> t.state() == TrialState.COMPLETE).toList());
        Comparator<FrozenTrial> byValue = Comparator.comparingDouble(t -> t.values().get(0));
        top.sort(maximize ? byValue.reversed() : byValue);
        out.println("top trials:");
        TrialsFormat.table(top.subList(0, Math.min(5, top.size())), out);
        FrozenTrial b = best.get();
        out.printf(Locale.ROOT, "best trial %d: %s %s %.6g%n", b.number(), validationWords(), scorer.name(), b.values().get(0));
        // a forecaster's naive baselines on the best trial's validation windows (and, below, the test windows), recorded
        // in the study so that the report and 'best' show them too
        Optional<NaiveBaseline> naive = NaiveForecasts.score(sf, scorer, data);
        naive.flatMap(n -> NaiveForecasts.line("validation", n.metric(), n.validation(), n.season(), n.seasonalValidation()))
                .ifPresent(out::println);
        naive.ifPresent(n -> study.storage().setStudySystemAttr(study.studyId(), SystemAttrs.NAIVE_BASELINE, n.toSystemAttr()));
        out.println("best params: " + b.params());
        Map<String, Double> adapted = TrialsFormat.adaptedFinal(b);
        if (!adapted.isEmpty()) {
            out.println("adapted during training (final values): " + adapted);
        }
        // the importance line comes after the refit: its fANOVA takes a tenth of a second or more, the
        // time-budget mode's refit reserve may be little more than that
        Runnable importance = () -> out.println(TrialsFormat.importanceLine(all, study.direction()));

        Optional<Refit> refit;
        List<String> notRebuilt = new ArrayList<>(); // "trial N: why" of each best trial the file's space cannot rebuild
        List<FrozenTrial> ranked = new ArrayList<>(List.of(b));
        top.stream().filter(t -> t.number() != b.number()).forEach(ranked::add);
        if (clock == null) {
            refit = refitRanked(ranked, data.train().size(),
                    t -> space.suggest(ParamSource.fixed(t.params()), seed).fit(data.train()), new StudyFileAdvice(sf)::words, out,
                    notRebuilt);
        } else if (!clock.budget().refit()) {
            out.printf(Locale.ROOT, "no refit (budget.refit: false): the search had the whole budget; %s of %s used%n",
                    Progress.clock(clock.elapsed()), Progress.clock(clock.total()));
            importance.run();
            return written(write(study, b, Optional.empty(), data));
        } else {
            refit = refitWithinBudget(b, data);
        }
        if (refit.isEmpty()) {
            importance.run();
            written(write(study, b, Optional.empty(), data));
            if (!notRebuilt.isEmpty() && notRebuilt.size() == Math.min(REFIT_CANDIDATES, ranked.size())) {
                // no refit trained at all: the learning rate or the scaling is not the matter
                throw new CliException(ExitCode.OTHER, "no best model was written: the best trials cannot be rebuilt from this"
                        + " study file's space (" + String.join("; ", notRebuilt) + "); were they run by another program, or"
                        + " with another space? The trials, the report and the best parameters are written. Give the file's space"
                        + " ranges and choices that hold their parameters, or run this file as a new study (--study NEW-NAME)");
            }
            throw new CliException(ExitCode.OTHER, "no best model was written: the refit on all " + data.train().size()
                    + " training rows failed for the best trials (see above), though their fits on the trials' parts did not. The trials, the"
                    + " report and the best parameters are written. Lower the learning rate (lr, or its range) and run it as a"
                    + " new study (--study NEW-NAME), or scale the inputs (data.preprocessing: standard)");
        }
        FrozenTrial modelled = refit.get().trial();
        String refitted = refittedOn(refit.get().model(), data.train().size());
        OptionalDouble testScores = OptionalDouble.empty();
        // recorded before the files are written, so that the report among them shows the model and its test score
        Map<String, Object> finalModel = new java.util.LinkedHashMap<>();
        finalModel.put("trial", modelled.number());
        finalModel.put("path", sf.outputDir().resolve("best.model").toAbsolutePath().toString());
        finalModel.put("train_rows", data.train().size() - refit.get().model().heldOutRows());
        if (data.test().isPresent()) {
            double testScore = scorer.score(refit.get().model(), data.test().get());
            out.printf(Locale.ROOT, "%s; test %s: %.6g (%d test rows)%n", refitted, scorer.name(), testScore, data.test().get().size());
            if (Double.isFinite(testScore)) {
                finalModel.put("test_metric", scorer.name());
                finalModel.put("test_score", testScore);
                finalModel.put("test_rows", data.test().get().size());
            }
            naive.flatMap(n -> NaiveForecasts.line("test", n.metric(), n.test(), n.season(), n.seasonalTest())).ifPresent(out::println);
            testScores = Double.isFinite(testScore) ? OptionalDouble.of(testScore) : OptionalDouble.empty();
        } else {
            out.printf(Locale.ROOT, "%s (no test part)%n", refitted);
        }
        study.storage().setStudySystemAttr(study.studyId(), SystemAttrs.BEST_MODEL, finalModel);
        OptionalDouble testScore = testScores;
        naive.flatMap(n -> NaiveForecasts.worseWarning(n, scorer.greaterIsBetter(),
                modelled.number() == b.number() ? OptionalDouble.of(b.values().get(0)) : OptionalDouble.empty(), testScore,
                sf.data().series().get().change()))
                .ifPresent(out::println);
        importance.run();
        return written(write(study, modelled, Optional.of(refit.get().model()), data));
    }

    /**
     * "refitted on all N training rows", or, when the refit held some out as its validation split
     * (as Keras' validation_split does), how many it trained on, what for, and the epochs it ran.
     */
    static String refittedOn(NetworkEstimator model, int rows) {
        int heldOut = model.heldOutRows();
        if (heldOut == 0) {
            return String.format(Locale.ROOT, "refitted on all %d training rows", rows);
        }
        NetworkConfig c = model.config();
        String why = c.earlyStopping() > 0 && c.l2Adapt().on() ? "early stopping and the implicit L2's steps"
                : c.earlyStopping() > 0 ? "early stopping" : "the implicit L2's steps";
        int epochs = model.epochsTrained();
        return String.format(Locale.ROOT, "refitted on %d of the %d training rows (%d held out for %s); %s", rows - heldOut, rows,
                heldOut, why, epochs < c.epochs() ? "stopped after " + epochs + " of " + c.epochs() + " epochs"
                        : "trained all " + epochs + " epochs");
    }

    /** A refitted network and the trial whose configuration it has. */
    record Refit(FrozenTrial trial, NetworkEstimator model) {}

    /** The most trials whose refit is tried, best first, while a refit on all training rows fails. */
    static final int REFIT_CANDIDATES = 3;

    /**
     * Refits ({@code fit}) the best configuration on all {@code rows} training rows; when that
     * refit diverges (a rate that held on the trials' parts of the rows but not on all of them), or
     * the trial cannot be rebuilt from the study file (another program's, without the file's
     * parameters), the next best, up to {@value #REFIT_CANDIDATES} trials of {@code ranked} (best
     * first). Empty when none of them could be refitted.
     */
    static Optional<Refit> refitRanked(List<FrozenTrial> ranked, int rows, java.util.function.Function<FrozenTrial, NetworkEstimator> fit,
                                       java.util.function.Function<DivergenceException, String> words, PrintWriter out) {
        return refitRanked(ranked, rows, fit, words, out, new ArrayList<>());
    }

    /** As above; {@code notRebuilt} gets "trial N (why)" for each tried trial the study file cannot rebuild. */
    static Optional<Refit> refitRanked(List<FrozenTrial> ranked, int rows, java.util.function.Function<FrozenTrial, NetworkEstimator> fit,
                                       java.util.function.Function<DivergenceException, String> words, PrintWriter out,
                                       List<String> notRebuilt) {
        for (int i = 0; i < Math.min(REFIT_CANDIDATES, ranked.size()); i++) {
            FrozenTrial t = ranked.get(i);
            if (i == 0) {
                out.printf(Locale.ROOT, "refitting the best configuration on the %d training rows…%n", rows);
            } else {
                out.printf(Locale.ROOT, "refitting trial %d's configuration (the next best, %s) on the %d training rows…%n",
                        t.number(), t.params(), rows);
            }
            out.flush();
            try {
                return Optional.of(new Refit(t, fit.apply(t)));
            } catch (DivergenceException | HyperStepDivergenceException e) {
                out.println(refitDiverged(t, e, words));
            } catch (IllegalArgumentException e) {
                // a trial another program ran on the study (Optuna from Python) may lack the file's parameters
                out.printf(Locale.ROOT, "trial %d cannot be refitted from this study file (%s); was it run by another"
                        + " program?%n", t.number(), e.getMessage());
                notRebuilt.add("trial " + t.number() + ": " + e.getMessage());
            }
        }
        return Optional.empty();
    }

    /** The line that says a refit diverged: a training's divergence in the study file's words, a hyper-step's as it is. */
    private static String refitDiverged(FrozenTrial t, RuntimeException e, java.util.function.Function<DivergenceException, String> words) {
        return String.format(Locale.ROOT, "the refit of trial %d diverged: %s", t.number(),
                e instanceof DivergenceException d ? words.apply(d) : e.getMessage());
    }

    /** The time-budget mode's refit: the best trial's best epoch count, stopped before the budget's end; progress as phase "refit". */
    private Optional<Refit> refitWithinBudget(FrozenTrial b, StudyData data) {
        int epochs = clock.refitEpochs(b);
        out.printf(Locale.ROOT, "refitting the best configuration on the %d training rows for %d epochs (where its validation score"
                + " peaked), %s of the %s budget used…%n", data.train().size(), epochs, Progress.clock(clock.elapsed()),
                Progress.clock(clock.total()));
        out.flush();
        OptionalDouble value = OptionalDouble.of(b.values().get(0));
        progress.phase("refit", clock.elapsed(), clock.total(), "epoch 0/" + epochs, value);
        NetworkEstimator refit;
        try {
            refit = (NetworkEstimator) timedSearch.refitWithin(data.train(), b, clock, epoch -> {
                progress.phase("refit", clock.elapsed(), clock.total(), "epoch " + epoch + "/" + epochs, value);
                return true;
            });
        } catch (DivergenceException | HyperStepDivergenceException e) {
            // the budget has no room for another trial's refit
            progress.finish();
            out.println(refitDiverged(b, e, new StudyFileAdvice(sf)::words));
            return Optional.empty();
        }
        progress.finish();
        out.printf(Locale.ROOT, "refit trained %d of %d epochs; search and refit took %s of the %s budget%n", refit.epochsTrained(),
                epochs, Progress.clock(clock.elapsed()), Progress.clock(clock.total()));
        return Optional.of(new Refit(b, refit));
    }

    /**
     * In the time-budget mode, a budget that ends before the search has a trial to refit, or with
     * no time for the refit, is too short for the data and the network: a usage error that says how
     * long an epoch took and names the timeout (its line, or --timeout). The epoch is a warm one
     * ({@link BudgetClock#refitEpochSeconds}): the first epochs of a process, while Java compiles the
     * code, took 1.9 s where later ones took milliseconds, and the advice asked for 38 s where 4 s did.
     * When only such cold epochs finished, the message says so and asks for more time, not 20 of them.
     */
    private void checkTimeWasEnough(Optional<FrozenTrial> best) {
        double epoch = best.map(clock::refitEpochSeconds).orElse(0.0);
        double timeout = clock.total().toMillis() / 1000.0;
        boolean noRefitRoom = clock.budget().refit() && clock.secondsLeft() < epoch;
        if (!(best.isEmpty() || noRefitRoom) || (epoch > 0 && timeout >= 20 * epoch)) {
            return;
        }
        boolean cold = epoch > 0 && !clock.warm();
        String took = epoch == 0 ? "no epoch finished within it"
                : cold ? String.format(Locale.ROOT, "an epoch on all training rows took about %.2f s here, but only the run's first"
                        + " epochs finished, which run while Java is still compiling the code and are often ten times slower than"
                        + " later ones", epoch)
                : String.format(Locale.ROOT, "an epoch on all training rows takes about %.2f s here", epoch);
        String problem = String.format(Locale.ROOT, "%s s is too short for the time-budget mode: %s, and it needs time for many epochs"
                        + " (the search) and for the refit", seconds(timeout), took);
        String allowed = cold
                ? String.format(Locale.ROOT, "give more time, say %d s, or budget.trials for a number of trials",
                        (long) Math.max(10, Math.ceil(2 * timeout)))
                : String.format(Locale.ROOT, "give at least %d s, or budget.trials for a number of trials",
                        (long) Math.max(10, Math.ceil(20 * Math.max(epoch, 0.5))));
        if (ov.timeout().isPresent()) {
            throw new CliException(ExitCode.USAGE, "--timeout " + problem + " (" + allowed + ")");
        }
        throw new StudyFileException(sf.budget().where("timeout"), "budget.timeout", problem, allowed);
    }

    /** Seconds to 3 significant digits, without trailing zeros (4, 0.5, 12.3). */
    static String seconds(double s) {
        return new java.math.BigDecimal(s).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
    }

    private int written(Outputs files) {
        Map<String, Path> list = new LinkedHashMap<>();
        files.model().ifPresent(m -> list.put("best model", m));
        files.sidecar().ifPresent(f -> list.put(f.what(), f.file()));
        list.put("best params", files.params());
        list.put("trials", files.trials());
        list.put("report", files.report());
        ModelFiles.printWritten(list, out);
        return ExitCode.OK;
    }

    int finishFront(Study study) {
        List<FrozenTrial> all = study.trials();
        List<FrozenTrial> front = new ArrayList<>(ParetoFront.of(all, study.directions()));
        front.sort(Comparator.comparingDouble(t -> t.values().get(0)));
        out.println();
        out.printf(Locale.ROOT, "%d trials: %d complete, %d failed%s; Pareto front of %d trials (%s):%n", all.size(),
                count(all, TrialState.COMPLETE), count(all, TrialState.FAIL), stillRunning(all, true), front.size(),
                sf.objectives().stream().map(o -> o.direction() + " " + o.metric()).toList());
        TrialsFormat.table(front, out);
        Path dir = sf.outputDir();
        Path trials = dir.resolve("trials.csv");
        Path frontFile = dir.resolve("pareto-front.csv");
        Path report = dir.resolve("report.html");
        try {
            Files.createDirectories(dir);
            TrialsFormat.csv(all, trials);
            TrialsFormat.csv(front, frontFile);
            HtmlReport.fromStorage(study.storage(), study.name()).write(report);
        } catch (IOException | UncheckedIOException e) {
            throw new CliException(ExitCode.OTHER, "cannot write results to " + dir + ": " + CliException.ioReason(e), e);
        }
        out.println("several objectives have no single best model: each front trial is a best trade-off (parameters in "
                + frontFile.getFileName() + ")");
        Map<String, Path> list = new LinkedHashMap<>();
        list.put("Pareto front", frontFile);
        list.put("trials", trials);
        list.put("report", report);
        ModelFiles.printWritten(list, out);
        return ExitCode.OK;
    }

    /** How the trials' scores were validated, in the words of the result line. */
    private String validationWords() {
        StudyFile.Validation v = sf.validation();
        return v.method().equals("holdout")
                ? String.format(Locale.ROOT, "validation (holdout %.0f%%%s)", 100 * v.fraction(),
                        sf.data().series().isPresent() ? ", time order" : "")
                : v.folds() + "-fold cross-validated";
    }

    /**
     * The study's trials still RUNNING when a run ends, to follow its count ({@code ", 1 still running in another
     * worker"}): other workers' (a run's own have ended by then), or a dead worker's not yet found stale; empty when
     * there are none. {@code inResults}: the run writes results, which such trials are not in.
     */
    static String stillRunning(List<FrozenTrial> trials, boolean inResults) {
        long n = count(trials, TrialState.RUNNING);
        if (n == 0) {
            return "";
        }
        return String.format(Locale.ROOT, ", %d still running in %s%s", n, n == 1 ? "another worker" : "other workers",
                inResults ? " (not in these results)" : "");
    }

    static long count(List<FrozenTrial> trials, TrialState s) {
        return trials.stream().filter(t -> t.state() == s).count();
    }

    private Outputs write(Study study, FrozenTrial best, Optional<NetworkEstimator> model, StudyData data) {
        Path dir = sf.outputDir();
        Path modelFile = dir.resolve("best.model");
        try {
            Files.createDirectories(dir);
            Optional<ModelFiles.Sidecar> sidecar = Optional.empty();
            if (model.isPresent()) {
                model.get().save(modelFile);
                sidecar = ModelFiles.writeSidecars(modelFile, data);
            }
            Outputs o = new Outputs(model.map(m -> modelFile), dir.resolve("best-params.json"), dir.resolve("trials.csv"),
                    dir.resolve("report.html"), sidecar);
            TrialsFormat.bestParamsJson(study.name(), best, ModelFiles.fixedValues(data.space(sf), TimeBudgetRecord.refitEpochs(study.storage(), study.studyId(), best)),
                    o.params());
            TrialsFormat.csv(study.trials(), o.trials());
            HtmlReport.fromStorage(study.storage(), study.name()).write(o.report());
            return o;
        } catch (IOException | UncheckedIOException e) {
            throw new CliException(ExitCode.OTHER, "cannot write results to " + dir + ": " + CliException.ioReason(e), e);
        }
    }
}
