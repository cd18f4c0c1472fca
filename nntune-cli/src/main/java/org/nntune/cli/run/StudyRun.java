package org.nntune.cli.run;

import org.nntune.cli.CliException;
import org.nntune.cli.ExitCode;
import org.nntune.cli.command.StorageOption;
import org.nntune.cli.output.Progress;
import org.nntune.cli.output.TrialsFormat;
import org.nntune.cli.studyfile.StudyFile;
import org.nntune.dashboard.HtmlReport;
import org.nntune.nn.data.InputEncoder;
import org.nntune.search.CrossValidatedSearch;
import org.nntune.search.CvStrategy;
import org.nntune.search.NetworkEstimator;
import org.nntune.search.NetworkSpace;
import org.nntune.search.ParamSource;
import org.nntune.search.Scorer;
import org.nntune.storage.RetryPolicy;
import org.nntune.storage.StudyProvenance;
import org.nntune.storage.StudyWorker;
import org.nntune.tune.pruner.Pruner;
import org.nntune.tune.sampler.Sampler;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.study.FrozenTrial;
import org.nntune.tune.analysis.ParetoFront;
import org.nntune.tune.study.MultiObjective;
import org.nntune.tune.study.Objective;
import org.nntune.tune.study.OptimizeOptions;
import org.nntune.tune.study.Study;
import org.nntune.tune.study.SystemAttrs;
import org.nntune.tune.study.StudyDirection;
import org.nntune.tune.study.TrialState;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a study file's study: loads the data, opens (or resumes) the study in its storage, runs
 * trials until the study holds {@code budget.trials} finished ones (across all workers), then
 * refits the best configuration on all training data, scores it on the test part and writes the
 * results: best model, best params as JSON, trials as CSV, the HTML report.
 */
public final class StudyRun {
    /** Study system attribute holding the seed the study was created with. */
    static final String FORMAT = "nntune-study-file/1";
    /**
     * How often running trials stamp their heartbeat; other workers fail them after twice this (and
     * run them again). 10 s; the system property {@code nntune.heartbeatMillis} changes it (the
     * dead-worker tests use a short one).
     */
    static final Duration HEARTBEAT = Duration.ofMillis(Long.getLong("nntune.heartbeatMillis", 10_000L));
    /** The metric that counts a network's trainable parameters (a second objective). */
    static final String PARAMETER_COUNT = "parameter_count";

    /** What the command line changes of a study file. */
    public record Overrides(Optional<String> storage, Optional<Integer> trials, Optional<Duration> timeout,
                            Optional<Integer> jobs, Optional<Long> seed) {}

    /** Files written at the end. */
    public record Outputs(Path model, Path params, Path trials, Path report, Optional<Path> encoder) {}

    private final StudyFile sf;
    private final Overrides ov;
    private final PrintWriter out;
    private final Progress.Mode progressMode;

    public StudyRun(StudyFile sf, Overrides ov, PrintWriter out, Progress.Mode progressMode) {
        this.sf = sf;
        this.ov = ov;
        this.out = out;
        this.progressMode = progressMode;
    }

    /** The storage URL: the command line's, the study file's, or the SQLite file beside the study file. */
    public static String storageUrl(StudyFile sf, Overrides ov) {
        return ov.storage().or(sf::storage).orElseGet(() -> StorageOption.defaultFor(sf.file()));
    }

    /** Runs the study and returns the exit code. */
    public int run() {
        return run(false);
    }

    /**
     * Joins an existing study as one more worker: runs trials until the study's budget is spent,
     * then prints a summary (the refit and the result files are the job of {@code nntune tune} or
     * {@code nntune best}).
     */
    public int runAsWorker() {
        return run(true);
    }

    private int run(boolean worker) {
        NetworkSpace space = SpaceFromFile.build(sf);
        StudyData data = StudyData.load(sf, sf.model().family().equals("cnn"));
        try {
            // the validation must fit the data before a study exists: too many folds for the rows is a data error
            cv(sf).splits(data.train(), 0);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.DATA, sf.file() + ": validation (" + cv(sf).describe() + ") does not fit the "
                    + data.train().size() + " training rows: " + e.getMessage(), e);
        }
        warnIfFewRowsPerClass(data);
        String url = storageUrl(sf, ov);
        int budget = ov.trials().orElse(sf.budget().trials());
        int jobs = ov.jobs().orElse(sf.budget().jobs());
        Optional<Duration> timeout = ov.timeout().or(() -> sf.budget().timeout());
        List<StudyFile.Objective> objectives = sf.objectives();
        StudyFile.Objective scored = objectives.stream().filter(o -> !o.metric().equals(PARAMETER_COUNT)).findFirst()
                .orElseThrow(() -> new CliException(ExitCode.USAGE, sf.file() + ": metric: give one cross-validated metric"
                        + " (accuracy, mse, …); parameter_count can only be a second objective"));
        if (objectives.stream().filter(o -> !o.metric().equals(PARAMETER_COUNT)).count() > 1) {
            throw new CliException(ExitCode.USAGE, sf.file() + ": metric: at most one cross-validated metric per study,"
                    + " optionally with parameter_count as a second objective; got " + objectives);
        }
        boolean multi = objectives.size() > 1;
        if (multi && !sf.pruner().type().equals("none")) {
            throw new CliException(ExitCode.USAGE, sf.file() + ", line " + sf.pruner().line()
                    + ": pruning needs a single objective; remove the pruner or the second metric");
        }
        Scorer scorer = Scorer.byName(scored.metric());
        StudyDirection[] directions = objectives.stream()
                .map(o -> StudyDirection.valueOf(o.direction().toUpperCase(Locale.ROOT))).toArray(StudyDirection[]::new);
        StudyDirection direction = directions[objectives.indexOf(scored)];

        out.printf(Locale.ROOT, "study %s: %s, %d training rows%s; %s %s; storage %s%n", sf.name(), data.description(),
                data.train().size(), data.test().map(t -> ", " + t.size() + " test rows").orElse(""),
                direction.name().toLowerCase(Locale.ROOT), scorer.name()
                        + (multi ? " and " + (directions[objectives.size() - 1 - objectives.indexOf(scored)]).name().toLowerCase(Locale.ROOT)
                        + " parameter_count" : ""), StorageOption.shown(url));

        // a run refused before its first trial leaves no empty study, nor an SQLite file it created
        Optional<Path> newFile = newSqliteFile(url);
        boolean refusedNew = false;
        Storage storage = StorageOption.open(url);
        boolean studyWasThere = true;
        try {
            boolean existed = storage.findStudyId(sf.name()).isPresent();
            studyWasThere = existed;
            if (worker && !existed) {
                throw new CliException(ExitCode.STORAGE, "no study named '" + sf.name() + "' in " + StorageOption.shown(url));
            }
            if (existed) {
                List<StudyDirection> stored = storage.getStudyDirections(storage.findStudyId(sf.name()).orElseThrow());
                if (!stored.equals(List.of(directions))) {
                    throw new CliException(ExitCode.USAGE, sf.file() + ": study '" + sf.name() + "' in " + StorageOption.shown(url) + " was started with direction(s) "
                            + stored.toString().toLowerCase(Locale.ROOT) + ", but this study file's metric asks for "
                            + List.of(directions).toString().toLowerCase(Locale.ROOT) + " ("
                            + String.join(", ", objectives.stream().map(o -> o.direction() + " " + o.metric()).toList())
                            + "); give the study another name (study: …) or delete the stored one (nntune delete " + sf.name()
                            + " --storage " + StorageOption.shown(url) + ")");
                }
            }
            long seed = ov.seed().or(sf::seed).orElseGet(() -> existed ? storedSeed(storage) : System.nanoTime() & 0xffff_ffffL);
            Sampler sampler = Strategies.sampler(sf, seed, space.choiceParams());
            Pruner pruner = Strategies.pruner(sf);
            Study study = Study.builder(sf.name()).storage(storage).directions(directions).sampler(sampler).pruner(pruner)
                    .seed(seed).createOrLoad();
            if (existed) {
                try {
                    StudyProvenance.checkDataFingerprint(storage, study.studyId(), data.train().fingerprint());
                } catch (IllegalStateException | IllegalArgumentException e) {
                    throw new CliException(ExitCode.DATA, e.getMessage(), e);
                }
            } else {
                StudyProvenance.recordDefinition(storage, study.studyId(), definition());
                StudyProvenance.recordDataFingerprint(storage, study.studyId(), data.train().fingerprint());
                // a trial whose worker died (no heartbeat for twice the interval) is failed and run once more
                new RetryPolicy(1).storeIn(storage, study.studyId());
            }
            int before = study.trials(EnumSet.of(TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL)).size();
            if (existed) {
                out.printf(Locale.ROOT, "resuming: the study already has %d finished trials of %d%n", before, budget);
            }
            String resume = worker ? "nntune worker " + sf.name() + " --storage " + StorageOption.shown(url)
                    : "nntune tune " + sf.file() + (ov.storage().isPresent() ? " --storage " + StorageOption.shown(url) : "");
            boolean interrupted = optimize(study, space, scorer, data, seed, budget, jobs, timeout, multi ? objectives : null, resume);
            if (interrupted) {
                out.println("interrupted: running trials were recorded as failed; the study is consistent.");
                out.println("resume with: " + resume);
                return ExitCode.INTERRUPTED;
            }
            if (worker) {
                List<FrozenTrial> all = study.trials();
                out.printf(Locale.ROOT, "worker done: the study has %d trials (%d complete, %d pruned, %d failed)%n", all.size(),
                        count(all, TrialState.COMPLETE), count(all, TrialState.PRUNED), count(all, TrialState.FAIL));
                return ExitCode.OK;
            }
            return multi ? finishFront(study) : finish(study, space, scorer, data, seed);
        } catch (RuntimeException e) {
            refusedNew = !studyWasThere && deleteIfEmpty(storage, sf.name());
            throw e;
        } finally {
            try {
                storage.close();
            } catch (Exception e) {
                // closing a pool after the work is done: nothing left to lose
            }
            if (refusedNew && newFile.isPresent()) {
                for (String suffix : List.of("", "-wal", "-shm", "-journal")) {
                    try {
                        Files.deleteIfExists(Path.of(newFile.get() + suffix));
                    } catch (IOException ignored) {
                        // the refusal is what the user needs to see; a stray file is no data lost
                    }
                }
            }
        }
    }

    /** The SQLite file of {@code url} if it does not exist yet (opening the storage will create it). */
    private static Optional<Path> newSqliteFile(String url) {
        try {
            return org.nntune.storage.Storages.sqliteFile(url).filter(f -> !Files.exists(f));
        } catch (IllegalArgumentException badUrl) {
            return Optional.empty(); // opening it says what is wrong
        }
    }

    /** Deletes a study this run created if it holds no trial yet; @return whether the storage holds no study now. */
    private static boolean deleteIfEmpty(Storage storage, String name) {
        try {
            java.util.OptionalLong id = storage.findStudyId(name);
            if (id.isPresent() && storage.getAllTrials(id.getAsLong()).isEmpty()) {
                storage.deleteStudy(id.getAsLong());
            }
            return storage.getAllStudies().isEmpty();
        } catch (RuntimeException cleanupFailed) {
            return false; // e.g. the storage itself failed: leave it as it is
        }
    }

    /** Fewer than this many training rows per class on average cannot teach a classifier its classes. */
    static final int MIN_ROWS_PER_CLASS = 5;

    private void warnIfFewRowsPerClass(StudyData data) {
        if (data.train().task() != org.nntune.nn.data.Task.CLASSIFICATION) {
            return;
        }
        int classes = data.train().classCount();
        int rows = data.train().size();
        if (rows < MIN_ROWS_PER_CLASS * classes) {
            out.printf(Locale.ROOT, "warning: %d classes in %d training rows (%.1f rows per class): too few to learn each"
                    + " class, expect a poor score; check that the label names the right column, or use a regression task%n",
                    classes, rows, rows / (double) classes);
        }
    }

    private long storedSeed(Storage storage) {
        long id = storage.findStudyId(sf.name()).orElseThrow();
        Object s = storage.getStudySystemAttrs(id).get(SystemAttrs.SEED);
        return s instanceof Number n ? n.longValue() : 0L;
    }

    private Map<String, Object> definition() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("format", FORMAT);
        d.put("file", sf.file().toAbsolutePath().toString());
        try {
            d.put("text", Files.readString(sf.file()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return d;
    }


    /** The cross-validation a study file asks for. */
    static CvStrategy cv(StudyFile sf) {
        StudyFile.Validation v = sf.validation();
        return switch (v.method()) {
            case "kfold" -> new CvStrategy.KFold(v.folds());
            case "stratified_kfold" -> new CvStrategy.StratifiedKFold(v.folds());
            default -> new CvStrategy.Holdout(v.fraction());
        };
    }

    /**
     * The objective: the mean cross-validated score of a configuration, pruned epoch by epoch;
     * with {@code jobs} trials running at once, each trial's kernels get its share of the cores.
     */
    static Objective objective(StudyFile sf, NetworkSpace space, Scorer scorer, StudyData data, long seed,
                               Optional<Pruner> pruner, int jobs) {
        CrossValidatedSearch.Builder b = CrossValidatedSearch.builder(space).scoring(scorer).cv(cv(sf)).seed(seed).nJobs(jobs);
        // with a pruner, each epoch's validation score is reported to the trial (learning curves, pruning)
        pruner.ifPresent(b::pruner);
        return b.build().objective(data.train());
    }

    /**
     * The objectives of a study with a cross-validated metric and parameter_count: the metric as
     * {@link #objective} computes it and the trainable parameters of the trial's network.
     */
    static MultiObjective multiObjective(Objective scored, List<StudyFile.Objective> objectives, NetworkSpace space,
                                         StudyData data) {
        int outputs = data.train().task() == org.nntune.nn.data.Task.CLASSIFICATION ? data.train().classCount() : data.train().targetDim();
        int[] shape = data.train().featureShape();
        return trial -> {
            double score = scored.evaluate(trial);
            // the same names asked again return the values this trial already holds
            long params = space.config(ParamSource.of(trial)).parameterCount(shape, outputs);
            double[] values = new double[objectives.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = objectives.get(i).metric().equals(PARAMETER_COUNT) ? params : score;
            }
            return values;
        };
    }

    private boolean optimize(Study study, NetworkSpace space, Scorer scorer, StudyData data, long seed, int budget,
                             int jobs, Optional<Duration> timeout, List<StudyFile.Objective> multi, String resumeCommand) {
        // several objectives: no intermediate values (the tuner's report() is single-objective)
        Objective objective = objective(sf, space, scorer, data, seed,
                multi != null ? Optional.empty() : Optional.of(study.pruner()), jobs);
        List<FrozenTrial> finished = study.trials(EnumSet.of(TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL));
        AtomicInteger done = new AtomicInteger(finished.size());
        AtomicInteger pruned = new AtomicInteger((int) finished.stream().filter(t -> t.state() == TrialState.PRUNED).count());
        AtomicInteger failed = new AtomicInteger((int) finished.stream().filter(t -> t.state() == TrialState.FAIL).count());
        Progress progress = new Progress(out, progressMode);
        long t0 = System.nanoTime();
        OptimizeOptions options = OptimizeOptions.trials(budget).withJobs(jobs).withHeartbeat(HEARTBEAT).withCallback((s, t) -> {
            int d = done.incrementAndGet();
            if (t.state() == TrialState.PRUNED) pruned.incrementAndGet();
            if (t.state() == TrialState.FAIL) failed.incrementAndGet();
            OptionalDouble best = multi != null ? OptionalDouble.empty()
                    : s.findBestTrial().map(b -> OptionalDouble.of(b.values().get(0))).orElse(OptionalDouble.empty());
            progress.update(d, budget, pruned.get(), failed.get(), best, Duration.ofNanos(System.nanoTime() - t0),
                    t.number(), t.state().name(), t.values().isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(t.values().get(0)));
            if (t.state() == TrialState.FAIL) {
                progress.finish();
                out.println("  trial " + t.number() + " failed: " + t.failureReason().orElse("(no reason recorded)"));
            }
        });
        if (timeout.isPresent()) {
            options = options.withTimeout(timeout.get());
        }
        boolean interrupted = false;
        String resume = "nntune: interrupted; running trials were recorded as failed and the study is consistent."
                + " Resume with: " + resumeCommand;
        Thread sayHowToResume = new Thread(() -> System.err.println(resume), "nntune-resume-hint");
        Runtime.getRuntime().addShutdownHook(sayHowToResume);
        try {
            if (multi != null) {
                StudyWorker.run(study, multiObjective(objective, multi, space, data), options);
            } else {
                StudyWorker.run(study, objective, options);
            }
        } catch (java.util.concurrent.CancellationException e) {
            // the thread was interrupted (or the JVM is shutting down): running trials are recorded as FAIL
            interrupted = true;
        } catch (Exception e) {
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new CliException(ExitCode.OTHER, e.getMessage(), e);
        } finally {
            progress.finish();
            try {
                Runtime.getRuntime().removeShutdownHook(sayHowToResume);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it says how to resume
            }
        }
        return interrupted || Thread.currentThread().isInterrupted();
    }

    /**
     * Fits the configuration of {@code params} on all training data of the study file (as the study
     * would) and saves it to {@code model}; for CSV data the CSV encoder goes beside it
     * ({@link #encoderFile}), so that {@code nntune predict} reads raw CSV rows.
     *
     * @return the encoder file written, if any
     */
    public static Optional<Path> refitAndSave(StudyFile sf, Map<String, Object> params, long seed, Path model) throws IOException {
        NetworkSpace space = SpaceFromFile.build(sf);
        StudyData data = StudyData.load(sf, sf.model().family().equals("cnn"));
        space.suggest(ParamSource.fixed(params), seed).fit(data.train()).save(model);
        Path enc = encoderFile(model);
        if (data.encoder().isEmpty()) {
            Files.deleteIfExists(enc); // a stale encoder would be applied to this model's input
            return Optional.empty();
        }
        writeEncoder(data.encoder().get(), enc);
        return Optional.of(enc);
    }

    /** Where the CSV encoder of a model file goes: {@code MODEL.csv-encoder} beside it. */
    public static Path encoderFile(Path model) {
        return model.resolveSibling(model.getFileName() + ".csv-encoder");
    }

    private static void writeEncoder(InputEncoder encoder, Path file) throws IOException {
        org.nntune.tune.storage.AtomicFile.write(file, out -> {
            DataOutputStream eo = new DataOutputStream(out);
            encoder.write(eo);
            eo.flush();
        });
    }

    private int finish(Study study, NetworkSpace space, Scorer scorer, StudyData data, long seed) {
        List<FrozenTrial> all = study.trials();
        Optional<FrozenTrial> best = study.findBestTrial();
        out.println();
        out.printf(Locale.ROOT, "%d trials: %d complete, %d pruned, %d failed%n", all.size(),
                count(all, TrialState.COMPLETE), count(all, TrialState.PRUNED), count(all, TrialState.FAIL));
        if (best.isEmpty()) {
            out.println("no trial completed, so there is no best configuration; see the failures above ("
                    + "nntune trials " + sf.file() + ")");
            return ExitCode.OTHER;
        }
        boolean maximize = study.direction() == StudyDirection.MAXIMIZE;
        List<FrozenTrial> top = new ArrayList<>(all.stream().filter(t -> t.state() == TrialState.COMPLETE).toList());
        Comparator<FrozenTrial> byValue = Comparator.comparingDouble(t -> t.values().get(0));
        top.sort(maximize ? byValue.reversed() : byValue);
        out.println("top trials:");
        TrialsFormat.table(top.subList(0, Math.min(5, top.size())), out);
        FrozenTrial b = best.get();
        out.printf(Locale.ROOT, "best trial %d: cross-validated %s %.6g%n", b.number(), scorer.name(), b.values().get(0));
        out.println("best params: " + b.params());
        out.println(TrialsFormat.importanceLine(all, study.direction()));

        NetworkEstimator refit = space.suggest(ParamSource.fixed(b.params()), seed).fit(data.train());
        if (data.test().isPresent()) {
            double testScore = scorer.score(refit, data.test().get());
            out.printf(Locale.ROOT, "refitted on all %d training rows; test %s: %.6g (%d test rows)%n", data.train().size(),
                    scorer.name(), testScore, data.test().get().size());
        } else {
            out.printf(Locale.ROOT, "refitted on all %d training rows (no test part)%n", data.train().size());
        }
        Outputs files = write(study, b, refit, data.encoder());
        out.println("wrote:");
        out.println("  best model   " + files.model());
        files.encoder().ifPresent(e -> out.println("  CSV encoder  " + e));
        out.println("  best params  " + files.params());
        out.println("  trials       " + files.trials());
        out.println("  report       " + files.report());
        out.flush();
        return ExitCode.OK;
    }

    private int finishFront(Study study) {
        List<FrozenTrial> all = study.trials();
        List<FrozenTrial> front = new ArrayList<>(ParetoFront.of(all, study.directions()));
        front.sort(Comparator.comparingDouble(t -> t.values().get(0)));
        out.println();
        out.printf(Locale.ROOT, "%d trials: %d complete, %d failed; Pareto front of %d trials (%s):%n", all.size(),
                count(all, TrialState.COMPLETE), count(all, TrialState.FAIL), front.size(),
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
            HtmlReport.fromStorage(study.storage(), sf.name()).write(report);
        } catch (IOException | UncheckedIOException e) {
            throw new CliException(ExitCode.OTHER, "cannot write results to " + dir + ": " + e.getMessage(), e);
        }
        out.println("several objectives have no single best model: each front trial is a best trade-off (parameters in "
                + frontFile.getFileName() + ")");
        out.println("wrote:");
        out.println("  Pareto front " + frontFile);
        out.println("  trials       " + trials);
        out.println("  report       " + report);
        return ExitCode.OK;
    }

    private static long count(List<FrozenTrial> trials, TrialState s) {
        return trials.stream().filter(t -> t.state() == s).count();
    }

    private Outputs write(Study study, FrozenTrial best, NetworkEstimator model, Optional<InputEncoder> encoder) {
        Path dir = sf.outputDir();
        Outputs o = new Outputs(dir.resolve("best.model"), dir.resolve("best-params.json"), dir.resolve("trials.csv"),
                dir.resolve("report.html"), encoder.map(e -> encoderFile(dir.resolve("best.model"))));
        try {
            Files.createDirectories(dir);
            model.save(o.model());
            if (encoder.isPresent()) {
                writeEncoder(encoder.get(), o.encoder().get());
            }
            TrialsFormat.bestParamsJson(sf.name(), best, o.params());
            TrialsFormat.csv(study.trials(), o.trials());
            HtmlReport.fromStorage(study.storage(), sf.name()).write(o.report());
        } catch (IOException | UncheckedIOException e) {
            throw new CliException(ExitCode.OTHER, "cannot write results to " + dir + ": " + e.getMessage(), e);
        }
        return o;
    }
}
