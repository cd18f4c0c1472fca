package org.nntune.cli.run;

import org.nntune.cli.exit.CliException;
import org.nntune.cli.exit.ExitCode;
import org.nntune.cli.output.Progress;
import org.nntune.cli.studyfile.Families;
import org.nntune.cli.studyfile.Strategies;
import org.nntune.cli.studyfile.StudyFile;
import org.nntune.cli.studyfile.StudyFileReader;
import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.Split;
import org.nntune.search.BudgetClock;
import org.nntune.search.CrossValidatedSearch;
import org.nntune.search.CvStrategy;
import org.nntune.search.NetworkEstimator;
import org.nntune.search.NetworkSpace;
import org.nntune.search.ParamSource;
import org.nntune.search.Scorer;
import org.nntune.search.TimeBudget;
import org.nntune.storage.RetryPolicy;
import org.nntune.storage.StudyProvenance;
import org.nntune.storage.StudyWorker;
import org.nntune.tune.pruner.Pruner;
import org.nntune.tune.sampler.RandomSampler;
import org.nntune.tune.sampler.RungSampler;
import org.nntune.tune.sampler.Sampler;
import org.nntune.tune.storage.InMemoryStorage;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.study.MultiObjective;
import org.nntune.tune.study.Objective;
import org.nntune.tune.study.OptimizeOptions;
import org.nntune.tune.study.IncompatibleParameterException;
import org.nntune.tune.study.InterruptionOutcome;
import org.nntune.tune.study.Study;
import org.nntune.tune.study.Trial;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.SystemAttrs;
import org.nntune.tune.trial.TrialState;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Runs a study file's study: loads the data, opens (or resumes) the study in its storage, runs
 * trials until the study holds {@code budget.trials} finished ones (across all workers), then
 * refits the best configuration on all training data, scores it on the test part and writes the
 * results: best model, best params as JSON, trials as CSV, the HTML report. This class opens the
 * study and runs the search (here, as a worker, or on a cluster); the end of the run is
 * {@link RunResults}'s, the files of a model {@link ModelFiles}' and the budget mode kept with the
 * study {@link TimeBudgetRecord}'s.
 */
public final class StudyRun {
    static final String FORMAT = "nntune-study-file/1";
    /**
     * How often running trials stamp their heartbeat; other workers fail them after twice this (and
     * run them again). 10 s; the system property {@code nntune.heartbeatMillis} changes it (the
     * dead-worker tests use a short one).
     */
    static final Duration HEARTBEAT = org.nntune.tune.run.Heartbeats.configuredInterval();
    /**
     * How old a running trial's last heartbeat may be for its worker to count as alive ({@code delete} refuses a
     * study such a worker runs): the grace after which other workers fail the trial as stale.
     */
    public static Duration heartbeatGrace() {
        return org.nntune.tune.run.Heartbeats.grace(HEARTBEAT);
    }

    /** Study system attribute: the number of finished trials the last {@code tune} asked for (workers honour it). */
    static final String TRIALS_ATTR = "nntune:cli:trials";
    /** Study system attribute: the effective search space the study was started with. */
    static final String SPACE_ATTR = "nntune:cli:space";
    /**
     * Study system attribute: what a trial's value means, the metric(s) and the validation the
     * study was started with; a study resumes only with the same, so that no two trials' values
     * are scored differently.
     */
    static final String SCORING_ATTR = "nntune:cli:scoring";

    /**
     * What the command line changes of a study file.
     *
     * @param studyName another name for the study (e.g. to start anew after editing the space)
     */
    public record Overrides(Optional<String> storage, Optional<Integer> trials, Optional<Duration> timeout,
                            Optional<Integer> jobs, Optional<Long> seed, Optional<String> studyName) {
        public Overrides(Optional<String> storage, Optional<Integer> trials, Optional<Duration> timeout,
                         Optional<Integer> jobs, Optional<Long> seed) {
            this(storage, trials, timeout, jobs, seed, Optional.empty());
        }
    }

    /** What a run works with once the file, the command line and the data are put together. */
    private record Setup(String name, NetworkSpace space, StudyData data, String url, int jobs, Optional<Duration> timeout,
                         Scorer scorer, StudyDirection[] directions, boolean multi, Optional<TimeBudget> time) {
        Setup withTime(Optional<TimeBudget> t) {
            return new Setup(name, space, data, url, jobs, t.map(TimeBudget::timeout), scorer, directions, multi, t);
        }
    }

    private final StudyFile sf;
    private final Overrides ov;
    private final PrintWriter out;
    private final Progress.Mode progressMode;
    /** The time-budget mode's clock and search, once the search started (the refit needs both). */
    private BudgetClock clock;
    private CrossValidatedSearch timedSearch;
    private Progress progress;
    /** Where the trials run when not in this JVM ({@link #runOn}). */
    private Optional<Cluster> cluster = Optional.empty();

    /** A cluster run: the implementation, its master URL and the number of workers. */
    private record Cluster(ClusterWorkers workers, String master, Optional<Integer> count) {}

    public StudyRun(StudyFile sf, Overrides ov, PrintWriter out, Progress.Mode progressMode) {
        // another study than the file's writes its results to its own folder
        this.sf = ov.studyName().map(sf::forStudy).orElse(sf);
        this.ov = ov;
        this.out = out;
        this.progressMode = progressMode;
    }

    /** The storage URL: the command line's, the study file's, or the SQLite file beside the study file. */
    public static String storageUrl(StudyFile sf, Overrides ov) {
        return ov.storage().or(sf::storage).orElseGet(() -> CliStorage.defaultFor(sf.file()));
    }

    /** Runs (or resumes) the study, refits the best configuration and writes the results; returns the exit code. */
    public int run() {
        checkResultsFolder(sf);
        if (Strategies.isPopulation(sf.sampler())) {
            return new PopulationRun(sf, ov, out).run(false);
        }
        return runThen(false, (o, setup) -> {
            RunResults end = new RunResults(sf, ov, out, clock, timedSearch, progress);
            return setup.multi ? end.finishFront(o.study) : end.finish(o.study, setup.space, setup.scorer, setup.data, o.seed);
        });
    }

    /** The last line of a dry run: what it checked, and what only a run can. */
    public static final String DRY_RUN_DONE = "dry run: the study file, its data, the validation and the search settings check"
            + " out; nothing was trained and the storage was not opened, so a stored study's compatibility, and what only"
            + " training shows (a time budget too short for one epoch), are checked when tune runs";

    /**
     * {@code nntune tune --dry-run}: everything {@link #run} checks before it opens the storage — the
     * study file (read whole already), the data and the validation on them, the time-budget settings,
     * the sampler and pruner built for the space (or the population's settings) — with the same
     * messages and exit codes; prints the run's first lines (the data, the storage it would use, the
     * search space) and stops.
     *
     * @return {@link ExitCode#OK}; a problem is thrown as it would be by {@link #run}
     */
    public int dryRun() {
        checkResultsFolder(sf);
        CliStorage.checkForm(storageUrl(sf, ov));
        if (Strategies.isPopulation(sf.sampler())) {
            return new PopulationRun(sf, ov, out).dryRun();
        }
        Setup s = setup();
        printStart(s);
        strategies(s);
        out.println(DRY_RUN_DONE);
        return ExitCode.OK;
    }

    private record SamplerAndPruner(Sampler sampler, Pruner pruner) {}

    /**
     * The results folder ({@code output.dir}) can be made and written before any trial runs, so
     * that a path under a file or in a folder nobody may write in stops the run at once (exit code
     * 2) instead of after the search and the refit. Workers write no results and do not check it.
     */
    static void checkResultsFolder(StudyFile sf) {
        Path dir = sf.outputDir().toAbsolutePath().normalize();
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        String problem = null;
        if (existing == null) {
            return;
        } else if (!Files.isDirectory(existing)) {
            problem = existing.equals(dir) ? "it is a file, not a folder" : existing + " is a file, so no folder can be made in it";
        } else if (!Files.isWritable(existing)) {
            problem = (existing.equals(dir) ? "the folder" : "its parent folder " + existing) + " is not writable";
        }
        if (problem != null) {
            throw new CliException(ExitCode.USAGE, sf.file() + ": cannot write the results to " + dir + " (output.dir): "
                    + problem + "; set output.dir to a folder that can be written (nothing was run)");
        }
    }

    /** The sampler and pruner of the study file for the space (under the time budget: its rung sampler and brackets). */
    private SamplerAndPruner strategies(Setup s) {
        Strategies.Context ctx = new Strategies.Context(s.jobs, s.space::gridAxes);
        Sampler sampler = Strategies.sampler(sf.sampler(), ctx);
        Pruner pruner = Strategies.pruner(sf.pruner(), ctx);
        if (s.time.isPresent()) {
            // BOHB: the sampler is fitted on the highest rung with enough trials; the brackets stop trials early
            return new SamplerAndPruner(new RungSampler(sampler), s.time.get().pruner());
        }
        return new SamplerAndPruner(sampler, pruner);
    }

    /**
     * Runs (or resumes) the study as {@link #run} does, but with its trials run by {@code workers}
     * workers on a cluster ({@code nntune tune --spark}): this JVM is the driver, which checks the file
     * and the data, creates or loads the study, shows the progress it reads from the storage, then
     * refits the best configuration and writes the results. The storage must be a database server
     * that every machine reaches: SQLite and in-memory storages are refused.
     *
     * @param workers how many workers; empty: as many as the cluster has cores
     * @return the exit code
     */
    public int runOn(ClusterWorkers impl, String master, Optional<Integer> workers) {
        refuseOnCluster(impl);
        cluster = Optional.of(new Cluster(impl, master, workers));
        return run();
    }

    /** {@link #dryRun} of a study meant for a cluster: first what {@link #runOn} refuses; the cluster is not contacted. */
    public int dryRunOn(ClusterWorkers impl) {
        refuseOnCluster(impl);
        return dryRun();
    }

    private void refuseOnCluster(ClusterWorkers impl) {
        refuseLocalStorage(storageUrl(sf, ov), impl.kind());
        if (Strategies.isPopulation(sf.sampler())) {
            throw new CliException(ExitCode.USAGE, sf.file() + ": population-based training (sampler: pbt) does not run on a "
                    + impl.kind() + " cluster yet (its rounds are not study workers); run it with nntune tune, and more"
                    + " processes with nntune worker, on the shared --storage");
        }
    }

    /** SQLite files and in-memory storages live on one machine: a cluster's workers cannot share them. */
    public static void refuseLocalStorage(String url, String kind) {
        boolean memory = org.nntune.storage.Storages.isMemory(url);
        boolean sqlite;
        try {
            sqlite = org.nntune.storage.Storages.sqliteFile(url).isPresent();
        } catch (IllegalArgumentException bad) {
            throw new CliException(ExitCode.STORAGE, "cannot open storage " + CliStorage.shown(url) + ": " + bad.getMessage(), bad);
        }
        if (memory || sqlite) {
            throw new CliException(ExitCode.USAGE, "storage " + CliStorage.shown(url) + " is " + (memory ? "in this JVM's memory"
                    : "an SQLite file") + ", which workers on other machines of the " + kind + " cluster cannot share"
                    + " (each would tune a study of its own); pass --storage with a database server every machine reaches,"
                    + " e.g. --storage postgresql://user@dbhost:5432/studies");
        }
    }

    /**
     * Joins an existing study as one more worker: runs trials until the study's budget (the last
     * {@code tune --trials}, or this worker's {@code --trials}) is spent, then prints a summary (the
     * refit and the result files are the job of {@code nntune tune} or {@code nntune best}).
     */
    public int runAsWorker() {
        if (Strategies.isPopulation(sf.sampler())) {
            return new PopulationRun(sf, ov, out).run(true);
        }
        return runThen(true, (o, setup) -> {
            List<FrozenTrial> all = o.study.trials();
            out.printf(Locale.ROOT, "worker done: the study has %d trials (%d complete, %d pruned, %d failed%s)%n", all.size(),
                    RunResults.count(all, TrialState.COMPLETE), RunResults.count(all, TrialState.PRUNED), RunResults.count(all, TrialState.FAIL),
                    RunResults.stillRunning(all, false));
            return ExitCode.OK;
        });
    }

    /** Opens the study, runs trials until the budget is spent, then {@code after} (unless the run ended early). */
    private int runThen(boolean worker, java.util.function.ToIntBiFunction<Opened, Setup> after) {
        Setup fromFile = setup();
        printStart(fromFile);
        // a run refused before its first trial leaves no empty study, nor an SQLite file it created
        Optional<Path> newFile = CliStorage.newSqliteFile(fromFile.url);
        boolean refusedNew = false;
        Storage storage = CliStorage.open(fromFile.url);
        boolean studyWasThere = true;
        Opened opened = null;
        try {
            studyWasThere = storage.findStudyId(fromFile.name).isPresent();
            // a worker follows the budget mode the last tune stored, whatever the file says (tune --timeout)
            Setup setup = worker ? storedTimeMode(storage, fromFile) : fromFile;
            Opened o = open(storage, setup, worker);
            opened = o;
            // with the budget met there is no trial to hand out: no cluster application, the results are this JVM's
            Ended ended = cluster.isPresent() && !o.budgetMet ? optimizeOnCluster(o, setup, cluster.get())
                    : optimize(o, setup, worker);
            if (ended == Ended.BUDGET && !worker && o.timeStarted != null) {
                TimeBudgetRecord.markSearchEnded(storage, o.study.studyId());
            }
            if (ended != Ended.BUDGET) {
                return endedEarly(ended, o.study, o.resume);
            }
            if (worker) {
                return after.applyAsInt(o, setup);
            }
            // Ctrl-C in the refit or while the results are written: every trial is stored, and the same command refits
            Thread hint = resumeHint(System.lineSeparator() + "nntune: interrupted after the search, in the refit or while the"
                    + " results were written: every trial is stored and no result file is half-written. The same command"
                    + " refits and writes the results: " + o.resume);
            try {
                int code = after.applyAsInt(o, setup);
                if (workerStopped != null && code == ExitCode.OK) {
                    throw workerStopped;
                }
                return code;
            } finally {
                dropHint(hint);
            }
        } catch (org.nntune.storage.StorageException e) {
            // the database is out of reach: no clean-up (it would wait for the database again, a minute per
            // attempt); what finished is stored, and the same command resumes once the database answers
            if (opened == null) {
                throw e;
            }
            throw new CliException(ExitCode.STORAGE, e.getMessage() + ". Every trial that finished is stored; when the"
                    + " database answers again, the same command resumes: " + opened.resume, e);
        } catch (RuntimeException e) {
            if (opened != null && storage.studyDeleted(fromFile.name, opened.study.studyId())) {
                // 'nntune delete --force' (or another program) took the study: whatever failed, that is why
                throw deleted(fromFile.name, fromFile.url, e);
            }
            refusedNew = !studyWasThere && deleteIfEmpty(storage, fromFile.name);
            throw e;
        } finally {
            try {
                storage.close();
            } catch (Exception e) {
                // closing a pool after the work is done: nothing left to lose
            }
            if (refusedNew && newFile.isPresent()) {
                CliStorage.deleteNewSqliteFile(newFile.get());
            }
        }
    }

    /** Exit code 4: the study was deleted under this run ({@code nntune delete --force}, or another program). */
    static CliException deleted(String name, String url, Exception cause) {
        return new CliException(ExitCode.STORAGE, "study '" + name + "' was deleted from " + CliStorage.shown(url)
                + " while this worker ran it", cause);
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

    /**
     * Stratified folds need a row of each class in each fold: like scikit-learn's StratifiedKFold,
     * more folds than the smallest class's training rows are refused — at {@code validation.folds},
     * the study file's mistake (the data are known at {@code --dry-run} too).
     */
    static void checkFoldsFitClasses(StudyFile sf, org.nntune.nn.data.Dataset train) {
        StudyFile.Validation v = sf.validation();
        if (!v.method().equals("stratified_kfold") || train.task() != org.nntune.nn.data.Task.CLASSIFICATION) {
            return;
        }
        int[] counts = new int[train.classCount()];
        for (int label : train.labels()) {
            counts[label]++;
        }
        int smallest = 0;
        for (int c = 1; c < counts.length; c++) {
            if (counts[c] < counts[smallest]) {
                smallest = c;
            }
        }
        if (counts.length == 0 || v.folds() <= counts[smallest]) {
            return;
        }
        throw new org.nntune.cli.studyfile.StudyFileException(v.foldsAt() != null ? v.foldsAt()
                : new org.nntune.cli.studyfile.YNode.Where(sf.file().toString(), 1, 1), "validation.folds",
                v.folds() + " stratified folds need at least " + v.folds() + " training rows of each class, but class '"
                        + train.classNames().get(smallest) + "' has " + counts[smallest] + " (of " + train.size() + " training rows)",
                "folds: 2 to " + Math.max(2, counts[smallest]) + ", or method: holdout");
    }

    /** Fewer training windows than this leave a forecaster's scores, and its fit, to a handful of values. */
    static final int FEW_WINDOWS = 20;

    /**
     * A series of fewer than {@value #FEW_WINDOWS} training windows trains and scores on a handful of values: one line says
     * so, with the windows each trial fits, and what gives more.
     */
    static void warnIfFewWindows(StudyFile sf, int trainWindows, int fitted, int validated, PrintWriter out) {
        if (sf.data().series().isEmpty() || trainWindows >= FEW_WINDOWS) {
            return;
        }
        out.printf(Locale.ROOT, "warning: only %d training windows (each trial fits %d and validates %d): too few to learn or to score a"
                + " forecaster reliably; a longer series, or a shorter window or horizon, gives more%n", trainWindows, fitted, validated);
    }

    /**
     * {@code class_weight} against the data, before any trial (the data are known at {@code --dry-run} too): a
     * regression has no classes to weigh, and weights per class must name the data's classes as they are spelt.
     * Each mistake is the study file's, at class_weight's line, with the data's classes and a did-you-mean.
     */
    static void checkClassWeights(StudyFile sf, Dataset train) {
        List<org.nntune.cli.studyfile.StudyFileException> wrong = new java.util.ArrayList<>();
        boolean regression = train.task() != org.nntune.nn.data.Task.CLASSIFICATION;
        sf.model().space().forEach((name, spec) -> {
            if (!NetworkSpace.canonicalName(name.substring(name.lastIndexOf('.') + 1)).equals("class_weight")) {
                return;
            }
            org.nntune.cli.studyfile.YNode.Where at = sf.model().positions().getOrDefault(name,
                    new org.nntune.cli.studyfile.YNode.Where(sf.file().toString(), 1, 1));
            String key = "model.space." + name;
            List<Object> values = spec instanceof StudyFile.ParamSpec.Choice c ? c.values()
                    : spec instanceof StudyFile.ParamSpec.Fixed f ? List.of(f.value()) : List.of();
            for (Object v : values) {
                String weighting = String.valueOf(v);
                if (weighting.equals("none")) {
                    continue;
                }
                if (regression) {
                    wrong.add(new org.nntune.cli.studyfile.StudyFileException(at, key, "class_weight " + weighting
                            + " weights the classes of a classification, but " + train.name() + " is a regression (task: regression)",
                            "drop class_weight (or write none)"));
                    break;
                }
                if (!org.nntune.search.ClassWeights.isMapText(weighting)) {
                    continue;
                }
                for (String unknown : org.nntune.search.ClassWeights.parse(weighting).unknownClasses(train.classNames())) {
                    String hint = org.nntune.cli.studyfile.DidYouMean.suggest(unknown, train.classNames());
                    wrong.add(new org.nntune.cli.studyfile.StudyFileException(at, key, "class '" + unknown + "' is not a class of "
                            + train.name() + (hint.isEmpty() ? "" : "; " + hint), "the data's classes: "
                            + String.join(", ", train.classNames())));
                }
            }
        });
        if (!wrong.isEmpty()) {
            throw org.nntune.cli.studyfile.StudyFileException.of(wrong);
        }
    }

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

    /** Fewer words than this in a text vocabulary leave nearly every word unknown. */
    static final int FEW_WORDS = 10;

    /**
     * A warning when {@code data.min_count} lets only a handful of words into the vocabulary (none
     * is refused when the data are read): most texts then read as unknown tokens.
     */
    static void warnIfFewWords(StudyFile sf, StudyData data, PrintWriter out) {
        if (!(data.encoder().orElse(null) instanceof org.nntune.nn.data.TextEncoder text) || text.vocabulary().size() >= FEW_WORDS
                || text.vocabulary().size() == text.options().maxVocabulary() || text.options().minCount() == 1) {
            return; // enough words, as few as data.vocab_size asks for, or every word the texts have
        }
        StudyFile.TextSpec ts = ((StudyFile.DataSource.Csv) sf.data().source()).text().orElseThrow();
        List<String> words = text.vocabulary();
        String what = ts.tokens().equals("chars") ? "character" : "word";
        out.printf(Locale.ROOT, "warning: %s, line %d, key 'data.min_count': only %d %s%s of the training texts occur%s %,d times"
                        + " or more (%s); every other %s reads as unknown — lower data.min_count for a larger vocabulary%n",
                ts.minCountAt().file(), ts.minCountAt().line(), words.size(), what, words.size() == 1 ? "" : "s",
                words.size() == 1 ? "s" : "", ts.minCount(), String.join(", ", words), what);
    }

    private Setup setup() {
        StudyData data = StudyData.load(sf, Families.images(sf.model().family()));
        NetworkSpace space = data.space(sf);
        checkClassWeights(sf, data.train());
        checkFoldsFitClasses(sf, data.train());
        List<Split> splits;
        try {
            // the validation must fit the data before a study exists: too many folds for the rows is a data error
            splits = cv(sf).splits(data.train(), 0);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.DATA, sf.file() + ": validation (" + cv(sf).describe() + ") does not fit the "
                    + data.train().size() + " training rows: " + e.getMessage(), e);
        }
        warnIfFewRowsPerClass(data);
        warnIfFewWords(sf, data, out);
        warnIfFewWindows(sf, data.train().size(), splits.get(0).train().length, splits.get(0).test().length, out);
        // a trial fits its networks on the splits' training parts: the smallest is where a validation split runs out of rows
        Split smallest = splits.stream().min(java.util.Comparator.comparingInt(sp -> sp.train().length)).orElseThrow();
        checkSmallestNetwork(sf, space, data, smallest.train(data.train()), out);
        List<StudyFile.Objective> objectives = sf.objectives();
        StudyFile.Objective scored = scoredObjective();
        StudyDirection[] directions = objectives.stream()
                .map(o -> StudyDirection.valueOf(o.direction().toUpperCase(Locale.ROOT))).toArray(StudyDirection[]::new);
        Optional<Duration> timeout = ov.timeout().or(() -> sf.budget().timeout());
        return new Setup(ov.studyName().orElse(sf.name()), space, data, storageUrl(sf, ov), ov.jobs().orElse(sf.budget().jobs()),
                timeout, Scorer.byName(scored.metric()), directions, objectives.size() > 1, timeBudget(timeout));
    }

    /** Configurations drawn at random when the smallest cannot be built: does any other build? */
    static final int OTHER_CONFIGURATIONS = 32;

    /**
     * The smallest network of the space (every range at its low end, every choice its first) is
     * built for the data's inputs, and checked against {@code fitRows} (the fewest rows a trial fits
     * a network on), before any trial: a setting no network can have on these data (a kernel longer
     * than the windows, a validation split of no row) stops the study here, with the engine's
     * reason, instead of failing every trial (a family that cannot read the data at all, a CNN for a
     * table, is refused when the file is read). When the smallest cannot be built but one of
     * {@value #OTHER_CONFIGURATIONS} configurations drawn at random can, the study goes on with a
     * warning: only the trials that draw such configurations fail.
     */
    static void checkSmallestNetwork(StudyFile sf, NetworkSpace space, StudyData data, Dataset fitRows, PrintWriter out) {
        Dataset train = data.train();
        String why;
        try {
            new NetworkEstimator(space.config(ParamSource.lowest()), 0L).build(fitRows);
            return;
        } catch (IllegalArgumentException | IllegalStateException e) {
            why = e.getMessage();
        } catch (OutOfMemoryError e) {
            // a hostile size (units: 100000000) is refused here, before a study or a trial exists
            throw new CliException(ExitCode.USAGE, sf.file() + ": model: the space's smallest network does not fit in the JVM's"
                    + " heap (at most " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB) for " + data.description()
                    + "; make it smaller (units, layers, filters) or give the JVM more heap, e.g. NNTUNE_JAVA_OPTS=-Xmx8g bin/nntune …");
        }
        String smallest = "the space's smallest network cannot be built or trained for " + data.description() + " (inputs "
                + java.util.Arrays.toString(train.featureShape()) + ", " + fitRows.size() + " rows per fit): " + why;
        if (space.params().values().stream().allMatch(p -> p instanceof org.nntune.search.ParamSpec.Fixed)) {
            throw new CliException(ExitCode.USAGE, sf.file() + ": model: " + smallest.replace("the space's smallest network",
                    "the network") + "; every trial would fail so");
        }
        int built = 0;
        for (int i = 0; i < OTHER_CONFIGURATIONS; i++) {
            try {
                new NetworkEstimator(space.config(ParamSource.drawn(i)), 0L).build(fitRows);
                built++;
            } catch (IllegalArgumentException | IllegalStateException | OutOfMemoryError e) {
                // this one cannot be built either (a drawn network too large for the heap says nothing of the space)
            }
        }
        if (built == 0) {
            throw new CliException(ExitCode.USAGE, sf.file() + ": model: " + smallest + "; nor can any of "
                    + OTHER_CONFIGURATIONS + " configurations drawn at random from the space: every trial would fail so");
        }
        out.printf(Locale.ROOT, "warning: model: %s; %d of %d configurations drawn at random from the space can, so the"
                + " study goes on, but its trials that draw such settings will fail%n", smallest, built, OTHER_CONFIGURATIONS);
    }

    /** The time-budget settings when the file and the command line make this the time-budget mode. */
    private Optional<TimeBudget> timeBudget(Optional<Duration> timeout) {
        if (!sf.budget().timeMode(ov.timeout(), ov.trials(), sf.sampler().type())) {
            return Optional.empty();
        }
        // the command line's --timeout may make it the time-budget mode: what that mode needs of the file is checked now
        StudyFileReader.checkTimeMode(sf);
        return Optional.of(sf.budget().timeBudget(timeout.orElseThrow()));
    }

    private StudyFile.Objective scoredObjective() {
        return sf.objectives().stream().filter(o -> !o.metric().equals(StudyFileReader.PARAMETER_COUNT)).findFirst().orElseThrow();
    }

    private void printStart(Setup s) {
        printStart(sf, s.name, s.data, s.url, out);
    }

    /** The first lines of a run: the study, its data, objectives and storage, then the effective space. */
    static void printStart(StudyFile sf, String name, StudyData data, String url, PrintWriter out) {
        List<StudyFile.Objective> objectives = sf.objectives();
        out.printf(Locale.ROOT, "study %s: %s, %d training rows%s; %s; storage %s%n", name, data.description(),
                data.train().size(), data.test().map(t -> ", " + t.size() + " test rows").orElse(""),
                String.join(" and ", objectives.stream().map(o -> o.direction() + " " + o.metric()).toList()),
                CliStorage.shown(url));
        SpaceSummary.print(sf, data.space(sf), out);
    }

    /** An open study with what the run needs. */
    private static final class Opened {
        Study study;
        long seed;
        int budget;
        String resume;
        /** In the time-budget mode: when the budget's clock started (a worker: when the last tune's did); else null. */
        Instant timeStarted;
        /** The study already holds its budget of trials (or its whole grid): nothing for workers to run. */
        boolean budgetMet;
        /** A worker of a study counted in trials: the deadline of the last tune's timeout, after which no trial starts. */
        Optional<Instant> deadline = Optional.empty();
    }

    /**
     * A worker's budget mode: the one the last {@code tune} stored ({@link TimeBudgetRecord#ATTR}), so that a
     * study tuned on a time budget is searched by its workers up to the same deadline, whether
     * the budget came from the file or from {@code tune --timeout}; a study without it (started by
     * an older nntune) as the file says.
     */
    private Setup storedTimeMode(Storage storage, Setup s) {
        java.util.OptionalLong id = storage.findStudyId(s.name);
        if (id.isEmpty()) {
            return s; // open() says there is no such study
        }
        Object stored = storage.getStudySystemAttrs(id.getAsLong()).get(TimeBudgetRecord.ATTR);
        if (!(stored instanceof Map<?, ?> m) || m.get("mode") == null) {
            return s;
        }
        if (!"time".equals(m.get("mode"))) {
            return s.withTime(Optional.empty());
        }
        if (ov.trials().isPresent()) {
            throw new CliException(ExitCode.USAGE, "study '" + s.name + "' runs on a time budget (its last nntune tune searches until"
                    + " a deadline), so a worker searches until that deadline too: drop --trials");
        }
        TimeBudget t = new TimeBudget(Duration.ofMillis(((Number) m.get("timeout_ms")).longValue()),
                ((Number) m.get("max_epochs")).intValue(), ((Number) m.get("brackets")).intValue(), Boolean.TRUE.equals(m.get("refit")));
        return s.withTime(Optional.of(t));
    }

    private Opened open(Storage storage, Setup s, boolean worker) {
        Opened o = new Opened();
        java.util.OptionalLong found = CliStorage.findStudyId(storage, s.name, s.url);
        Optional<Long> existing = found.isPresent() ? Optional.of(found.getAsLong()) : Optional.empty();
        if (worker && existing.isEmpty()) {
            throw new CliException(ExitCode.STORAGE, "no study named '" + s.name + "' in " + CliStorage.shown(s.url));
        }
        // the file's space, not the one the data narrow (StudyData#space): that follows from the file and the data, which
        // are compared on their own (checkSameData), and it is the text every earlier nntune stored
        String spaceText = sf.model().family() + " " + sf.model().network();
        String scoringText = scoringText(sf);
        if (existing.isPresent()) {
            checkCompatible(storage, existing.get(), s, spaceText, scoringText);
        }
        o.seed = studySeed(existing.flatMap(id -> storedSeed(storage, id)), ov.seed().or(sf::seed), s.name, worker ? null : out);
        SamplerAndPruner strategies = strategies(s);
        Instant started = Instant.now();
        // the study seeds the sampler (and records the seed): applied once, here
        o.study = Study.builder(s.name).storage(storage).directions(s.directions).sampler(strategies.sampler())
                .pruner(strategies.pruner()).seed(o.seed).createOrLoad();
        long id = o.study.studyId();
        int before = budgetFinished(o.study.trials(EnumSet.of(TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL)));
        if (!worker) {
            if (existing.isPresent() && s.time.isPresent()) {
                TimeBudgetRecord.printResumed(out, storage, id, s.time.get(), before);
            }
            // before the definition: a worker that can join the study finds its budget mode too
            TimeBudgetRecord.store(storage, id, s.time, s.timeout, started);
            o.timeStarted = s.time.isPresent() ? started : null;
        } else if (s.time.isPresent()) {
            o.timeStarted = TimeBudgetRecord.stored(storage, id).map(m -> Instant.ofEpochMilli(((Number) m.get("started_ms")).longValue()))
                    .orElseGet(Instant::now);
        } else {
            o.deadline = TimeBudgetRecord.trialsDeadline(storage, id);
        }
        if (existing.isPresent()) {
            checkSameData(storage, id, sf, s.name, s.url, s.data, worker);
        } else {
            StudyProvenance.recordDefinition(storage, id, definition(sf));
            StudyProvenance.recordDataFingerprint(storage, id, s.data.train().fingerprint());
            // a trial whose worker died (no heartbeat for twice the interval) is failed and run once more
            new RetryPolicy(1).storeIn(storage, id);
        }
        if (storage.getStudySystemAttrs(id).get(SPACE_ATTR) == null) {
            storage.setStudySystemAttr(id, SPACE_ATTR, spaceText);
        }
        if (storage.getStudySystemAttrs(id).get(SCORING_ATTR) == null) {
            storage.setStudySystemAttr(id, SCORING_ATTR, scoringText);
        }
        o.budget = budget(storage, id, worker);
        Optional<GridState> grid = s.time.isEmpty() ? GridState.of(o.study) : Optional.empty();
        // trials an interruption (or a dead worker) stopped, queued to run again with their parameters: they use no budget
        int again = (int) o.study.trials(EnumSet.of(TrialState.WAITING)).stream().filter(FrozenTrial::isRetry).count();
        // (at the budget they still run: a retry takes its failed attempt's place; past it, as asked, nothing runs)
        if (existing.isPresent() && s.time.isEmpty() && again > 0 && before <= o.budget) {
            out.printf(Locale.ROOT, "resuming: the study already has %d finished trials of %d, of which %d stopped unfinished"
                    + " (interrupted, or %s worker died) and %s again first with %s parameters, in place of the failed attempt%n",
                    before, o.budget, again, again == 1 ? "its" : "their", again == 1 ? "runs" : "run", again == 1 ? "its" : "their");
        } else if (existing.isPresent() && s.time.isEmpty()) {
            String results = worker ? "" : "; the results below are of those " + before; // when no trial is run
            o.budgetMet = grid.isPresent() && grid.get().left() == 0 || before >= o.budget;
            if (grid.isPresent() && grid.get().left() == 0) {
                out.printf(Locale.ROOT, "resuming: the grid is complete, all its %d points done in %d finished trials, so no trial"
                        + " is run%s%n", grid.get().points(), before, results);
            } else if (before > o.budget) {
                // the budget is the study's total: a smaller one runs nothing (it does not run that many more)
                out.printf(Locale.ROOT, "resuming: the study already has %d finished trials, more than the %d asked, so no trial"
                        + " is run%s%n", before, o.budget, results);
            } else if (before == o.budget) {
                out.printf(Locale.ROOT, "resuming: the study already has %d finished trials of %d, so no trial is run%s%n", before,
                        o.budget, results);
            } else if (before > 0) {
                // (a study with no finished trial, e.g. created by Optuna, is not resumed: it starts)
                out.printf(Locale.ROOT, "resuming: the study already has %d finished trials of %d%n", before, o.budget);
            }
        }
        o.resume = resumeCommand(sf, ov, s.name, s.url, worker);
        return o;
    }

    /**
     * The command that resumes this run, as the user gave it: the file (or the worker's study), the
     * storage and study name given, and what changes the outcome ({@code --trials}, {@code --timeout},
     * {@code --jobs}); each word as a shell reads it back ({@link ShellWords}). Without {@code --trials}
     * a resume would run the file's budget instead of the one asked for.
     */
    static String resumeCommand(StudyFile sf, Overrides ov, String name, String url, boolean worker) {
        StringBuilder sb = new StringBuilder(worker ? "nntune worker " + ShellWords.word(name) + " --storage "
                + ShellWords.word(CliStorage.shown(url))
                : "nntune tune " + ShellWords.word(sf.file().toString())
                + (ov.storage().isPresent() ? " --storage " + ShellWords.word(CliStorage.shown(url)) : "")
                + (ov.studyName().isPresent() ? " --study " + ShellWords.word(name) : ""));
        ov.trials().ifPresent(n -> sb.append(" --trials ").append(n));
        if (!worker) {
            ov.timeout().ifPresent(t -> sb.append(" --timeout ").append(ShellWords.duration(t)));
        }
        ov.jobs().ifPresent(j -> sb.append(" --jobs ").append(j));
        return sb.toString();
    }

    /**
     * The study's budget: {@code tune} stores the one it runs with ({@code --trials} or the file's),
     * so that workers share it; a worker uses the stored one unless given its own {@code --trials}.
     */
    private int budget(Storage storage, long id, boolean worker) {
        Object stored = storage.getStudySystemAttrs(id).get(TRIALS_ATTR);
        if (worker) {
            return ov.trials().orElse(stored instanceof Number n ? n.intValue() : sf.budget().trials());
        }
        int budget = ov.trials().orElse(sf.budget().trials());
        storage.setStudySystemAttr(id, TRIALS_ATTR, budget);
        return budget;
    }

    /** What a trial's value means: the objectives' metrics and directions, and the validation that scores them. */
    static String scoringText(StudyFile sf) {
        return String.join(", ", sf.objectives().stream().map(o -> o.direction() + " " + o.metric()).toList())
                + " by " + cv(sf).describe() + " validation";
    }

    /** A stored study resumes only with the directions, the scoring and the search space it was started with. */
    private void checkCompatible(Storage storage, long id, Setup s, String spaceText, String scoringText) {
        String startAnew = startAnew(s.name, s.url, "with this file", ", or set 'study:' in the file");
        List<StudyDirection> stored = storage.getStudyDirections(id);
        if (!stored.equals(List.of(s.directions))) {
            throw new CliException(ExitCode.USAGE, sf.file() + ": study '" + s.name + "' in " + CliStorage.shown(s.url) + " was started with direction(s) "
                    + stored.toString().toLowerCase(Locale.ROOT) + ", but this study file's metric asks for "
                    + List.of(s.directions).toString().toLowerCase(Locale.ROOT) + "; " + startAnew);
        }
        if (org.nntune.tune.population.PopulationTraining.isPopulation(storage.getStudySystemAttrs(id))) {
            throw new CliException(ExitCode.USAGE, sf.file() + ": study '" + s.name + "' in " + CliStorage.shown(s.url)
                    + " was started with population-based training (sampler: pbt), so trials of the " + sf.sampler().type()
                    + " sampler cannot continue it; " + startAnew);
        }
        Object storedScoring = storage.getStudySystemAttrs(id).get(SCORING_ATTR);
        if (storedScoring instanceof String text && !text.equals(scoringText)) {
            throw new CliException(ExitCode.USAGE, sf.file() + ": study '" + s.name + "' in " + CliStorage.shown(s.url) + " was started"
                    + " with other scoring, so its trials' values cannot be compared with new ones (was: " + text + "; now: "
                    + scoringText + "); " + startAnew);
        }
        Object storedSpace = storage.getStudySystemAttrs(id).get(SPACE_ATTR);
        // a study stored before stepped ranges were stepped distributions holds them as lists of their points
        if (storedSpace instanceof String text && !text.equals(spaceText)
                && !text.equals(sf.model().family() + " " + sf.model().network().withSteppedRangesAsChoices())) {
            String what = SpaceChange.describe(text, spaceText).map(c -> "changed: " + c)
                    .orElse("was: " + text + "; now: " + spaceText);
            throw new CliException(ExitCode.USAGE, sf.file() + ": study '" + s.name + "' in " + CliStorage.shown(s.url) + " was started with another"
                    + " search space, so its trials cannot continue it (" + what + "); " + startAnew);
        }
        if (storedSpace == null) {
            // another program's study (Optuna from Python, the Java API): no space of a study file to compare, so its
            // trials' parameters are; else every new trial would fail at the first parameter of another kind
            incompatibleParameter(s.space, storage.getAllTrials(id, EnumSet.allOf(TrialState.class)), OTHER_CONFIGURATIONS)
                    .ifPresent(e -> {
                        throw new CliException(ExitCode.USAGE, sf.file() + ": study '" + s.name + "' in " + CliStorage.shown(s.url)
                                + " was not started from a study file, and its trials have parameter '" + e.param() + "' as "
                                + e.stored() + " where this file's space asks for " + e.asked() + ": every new trial would fail"
                                + " so (a study keeps each name's kind of distribution, and a categorical its choices); write the"
                                + " parameter in the file as the study has it, or " + startAnew);
                    });
        }
    }

    /**
     * The first parameter the space asks for with another kind of distribution than {@code stored}
     * trials had under its name, if any: the space's values are drawn {@code draws} times at random
     * (so that conditional parameters, {@code units_2} with two layers, are asked too) from a study in
     * memory that holds, for each name, the first stored trial that has it (the trial a study compares
     * a new one's distribution with).
     */
    static Optional<IncompatibleParameterException> incompatibleParameter(NetworkSpace space, List<FrozenTrial> stored, int draws) {
        InMemoryStorage memory = new InMemoryStorage();
        Study probe = Study.builder("probe").storage(memory).sampler(new RandomSampler(0)).create();
        Set<String> seen = new HashSet<>();
        stored.stream().sorted(Comparator.comparingInt(FrozenTrial::number)).forEach(t -> {
            if (!seen.containsAll(t.distributions().keySet())) {
                seen.addAll(t.distributions().keySet());
                memory.createTrial(probe.studyId(), new FrozenTrial(-1, -1, TrialState.FAIL, List.of(), t.params(), t.distributions(),
                        Map.of(), Map.of(), new TreeMap<>(), Optional.empty(), Optional.empty(), Optional.of("a stored trial")));
            }
        });
        if (seen.isEmpty()) {
            return Optional.empty();
        }
        for (int i = 0; i < draws; i++) {
            Trial t = probe.ask();
            try {
                space.config(ParamSource.of(t));
            } catch (IncompatibleParameterException e) {
                return Optional.of(e);
            } catch (RuntimeException e) {
                // a configuration the space refuses for its own reasons says nothing of the stored trials
            }
            probe.tellFailed(t, "probe");
        }
        return Optional.empty();
    }

    private static Optional<Long> storedSeed(Storage storage, long id) {
        Object s = storage.getStudySystemAttrs(id).get(SystemAttrs.SEED);
        return s instanceof Number n ? Optional.of(n.longValue()) : Optional.empty();
    }

    /**
     * The seed of a run: a stored study's own (its splits, draws and refits follow it, so a study run
     * under two seeds could be reproduced by neither), else the one asked for ({@code --seed} or the
     * file's {@code seed:}), else one drawn now. A seed asked for that differs from the stored one is
     * not used, and {@code out} (null: say nothing) says so with the way to a study of that seed.
     */
    static long studySeed(Optional<Long> stored, Optional<Long> asked, String study, PrintWriter out) {
        if (stored.isPresent()) {
            if (out != null && asked.isPresent() && !asked.get().equals(stored.get())) {
                out.printf(Locale.ROOT, "note: study '%s' was started with seed %d and keeps it (its splits and draws follow it);"
                        + " seed %d is not used; to start a study with seed %d, run with --study %s-2 (any new name)%n",
                        study, stored.get(), asked.get(), asked.get(), study);
            }
            return stored.get();
        }
        return asked.orElseGet(() -> System.nanoTime() & 0xffff_ffffL);
    }

    /** The study file as stored with the study, for workers and {@code nntune best}. */
    static Map<String, Object> definition(StudyFile sf) {
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
            default -> holdout(sf);
        };
    }

    /** The study's hold-out split: for a series in time order, with a gap so that no fitted window's targets reach the held-out ones'. */
    static CvStrategy holdout(StudyFile sf) {
        double fraction = sf.validation().fraction();
        return sf.data().series().<CvStrategy>map(s -> new CvStrategy.TimeOrderHoldout(fraction, s.horizon() - 1))
                .orElseGet(() -> new CvStrategy.Holdout(fraction));
    }

    /** The search a study file asks for: its space, metric, validation and seed; its kernels share the cores with {@code jobs} trials. */
    static CrossValidatedSearch search(StudyFile sf, NetworkSpace space, Scorer scorer, long seed, Optional<Pruner> pruner, int jobs) {
        CrossValidatedSearch.Builder b = CrossValidatedSearch.builder(space).scoring(scorer).cv(cv(sf)).seed(seed).nJobs(jobs);
        // with a pruner, each epoch's validation score is reported to the trial (learning curves, pruning);
        // 'pruner: none' still records the curves, but trains the splits one after the other (no thread
        // per split, no hand-over each epoch) and lets twin grid points share their fits
        if (pruner.isPresent() && sf.pruner().type().equals("none")) {
            b.learningCurves(true);
        } else {
            pruner.ifPresent(b::pruner);
        }
        return b.build();
    }

    /** Says what the time-budget mode does with the time. */
    private void printTimeBudget(TimeBudget t) {
        out.printf(Locale.ROOT, "time budget %s: %s search up to %d epochs a trial (%s), then %s%n", Progress.clock(t.timeout()),
                sf.sampler().type(), t.maxEpochs(), t.brackets() == 1 ? "no early stopping: budget.brackets 1"
                        : t.brackets() + " Hyperband brackets, the first halving after " + t.minEpochs() + " epoch"
                        + (t.minEpochs() == 1 ? "" : "s"),
                t.refit() ? "the refit of the best configuration on all training rows for its best epoch count, inside the budget"
                        : "no refit (budget.refit: false)");
    }

    /** How the optimisation ended. */
    private enum Ended { BUDGET, INTERRUPTED, REPEATED_FAILURES }

    private Ended optimize(Opened o, Setup s, boolean worker) {
        Study study = o.study;
        long seed = o.seed;
        int budget = o.budget;
        String resumeCommand = o.resume;
        // several objectives: no intermediate values (the tuner's report() is single-objective)
        CrossValidatedSearch search = search(sf, s.space, s.scorer, seed, s.multi ? Optional.empty() : Optional.of(study.pruner()), s.jobs);
        if (s.time.isPresent()) {
            search = CrossValidatedSearch.builder(s.space).scoring(s.scorer).cv(cv(sf)).seed(seed).nJobs(s.jobs)
                    .timeBudget(s.time.get()).build();
            clock = BudgetClock.startedAt(s.time.get(), o.timeStarted, s.data.train().size(), s.scorer.greaterIsBetter());
            timedSearch = search;
            printTimeBudget(s.time.get());
            if (worker) {
                Instant deadline = o.timeStarted.plus(s.time.get().timeout());
                out.printf(Locale.ROOT, "worker: following the study's time budget, which its last nntune tune started at %s:"
                        + " searching until %s less the refit's share (the refit is tune's)%n", TimeBudgetRecord.shownTime(o.timeStarted), TimeBudgetRecord.shownTime(deadline));
                Object ended = TimeBudgetRecord.stored(study.storage(), study.studyId()).map(m -> m.get("ended_ms")).orElse(null);
                if (ended != null || !clock.allowsNewTrial()) {
                    out.printf(Locale.ROOT, "the study's time budget is spent (%s): nothing to search; run nntune tune for another budget%n",
                            ended != null ? "its search ended at " + TimeBudgetRecord.shownTime(Instant.ofEpochMilli(((Number) ended).longValue()))
                                    : "its deadline was " + TimeBudgetRecord.shownTime(deadline));
                    return Ended.BUDGET;
                }
            }
        }
        Optional<Duration> timeout = s.timeout;
        if (worker && o.deadline.isPresent()) {
            // the last tune's timeout binds the study, not that process: this worker starts no trial after it either
            Duration left = Duration.between(Instant.now(), o.deadline.get());
            if (left.isNegative() || left.isZero()) {
                out.printf(Locale.ROOT, "the study's deadline has passed (its last nntune tune started no trial after %s): no trial"
                        + " is started; run nntune tune again for a new deadline, or without a timeout%n",
                        TimeBudgetRecord.shownTime(o.deadline.get()));
                return Ended.BUDGET;
            }
            out.printf(Locale.ROOT, "worker: following the study's deadline: like its last nntune tune, it starts no trial after %s%n",
                    TimeBudgetRecord.shownTime(o.deadline.get()));
            timeout = Optional.of(timeout.filter(t -> t.compareTo(left) < 0).orElse(left));
        }
        BudgetClock timed = clock;
        RepeatedFailures repeated = new RepeatedFailures(sf.budget().maxRepeatedFailures());
        RunProgress shown = new RunProgress(study, budget, s.multi, timed, out, progressMode, this::budgetWords);
        this.progress = shown.progress;
        OptimizeOptions options = OptimizeOptions.trials(timed == null ? budget : Integer.MAX_VALUE).withJobs(s.jobs)
                .withHeartbeat(HEARTBEAT);
        if (timed != null) {
            // follows the best trial (the refit's reserve) and stops the study when no new trial fits
            options = options.withCallback(timed.stopWhenSpent());
        }
        options = options.withCallback((st, t) -> {
            shown.trial(st, t);
            if (t.state() == TrialState.FAIL) {
                if (repeated.add(t.failureReason().orElse("(no reason recorded)"))) {
                    st.stop();
                }
            } else {
                repeated.reset();
            }
        });
        if (timeout.isPresent()) {
            options = options.withTimeout(timeout.get());
        }
        Objective objective = timed != null ? search.objective(s.data.train(), timed) : null;
        boolean interrupted = false;
        Thread sayHowToResume = recordingHint(study, resumeCommand);
        StudyFileAdvice advice = new StudyFileAdvice(sf); // a diverged training's advice in the file's keys
        try {
            if (s.multi) {
                boolean countFirst = sf.objectives().get(0).metric().equals(StudyFileReader.PARAMETER_COUNT);
                org.nntune.tune.study.MultiObjective both = search.objectiveWithParameterCount(s.data.train(), countFirst);
                StudyWorker.run(study, (org.nntune.tune.study.MultiObjective) trial -> advice.run(() -> both.evaluate(trial)), options);
            } else {
                Objective one = objective != null ? objective : search.objective(s.data.train());
                StudyWorker.run(study, (Objective) trial -> advice.run(() -> one.evaluate(trial)), options);
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
            shown.progress.finish();
            dropHint(sayHowToResume);
        }
        if (interrupted || Thread.currentThread().isInterrupted()) {
            return Ended.INTERRUPTED;
        }
        if (repeated.tripped()) {
            out.printf(Locale.ROOT, "stopped: %d trials in a row failed with the same error (budget.max_repeated_failures: %d):%n  %s%n",
                    repeated.count(), sf.budget().maxRepeatedFailures(), repeated.reason());
            return Ended.REPEATED_FAILURES;
        }
        if (timed == null && timeout.isPresent()) {
            // a number of trials and a timeout: say when the timeout, not the budget, ended the run
            int finished = budgetFinished(study.trials(EnumSet.of(TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL)));
            if (finished < shown.total.get() && worker && o.deadline.isPresent()) {
                out.printf(Locale.ROOT, "the study's deadline (%s, its last nntune tune's timeout) ended this worker after %d of %d"
                        + " trials; run nntune tune again for a new deadline%n", TimeBudgetRecord.shownTime(o.deadline.get()),
                        finished, shown.total.get());
            } else if (finished < shown.total.get()) {
                out.printf(Locale.ROOT, "the timeout (%s %s) ended the run after %d of %d trials; the same command resumes: %s%n",
                        ov.timeout().isPresent() ? "--timeout" : "budget.timeout", ShellWords.duration(timeout.get()),
                        finished, shown.total.get(), resumeCommand);
            }
        }
        return Ended.BUDGET;
    }

    /**
     * A stored study resumes only on the training data it was run on (their fingerprint): other
     * data would score new trials beside old ones as if comparable. Exit code 3, in the study
     * file's words with the ways out, or for a worker the advice to load the same data.
     */
    static void checkSameData(Storage storage, long id, StudyFile sf, String name, String url, StudyData data, boolean worker) {
        Optional<String> stored = StudyProvenance.dataFingerprint(storage, id);
        if (stored.isEmpty() || stored.get().equals(data.train().fingerprint())) {
            return;
        }
        String study = "study '" + name + "' in " + CliStorage.shown(url) + " was run on other training data than ";
        String differ = " (the fingerprints of their rows differ)";
        throw new CliException(ExitCode.DATA, worker
                ? study + "the ones this worker loaded, " + data.description() + differ + "; give the worker the same"
                        + " data files (same file and version) as the run that started the study"
                : sf.file() + ": " + study + "this file's " + data.description() + differ + "; use the same data to"
                        + " resume it, or " + startAnew(name, url, "on these data", ""));
    }

    /**
     * The ways on from a stored study a run cannot continue: a new study under another name ({@code how}
     * it differs, and {@code orAlso} another way to it), where that study's results go, and how to
     * discard the stored one.
     */
    private static String startAnew(String name, String url, String how, String orAlso) {
        return "to keep the stored study and start a new one " + how + ", run with --study " + ShellWords.word(name + "-2")
                + " (any new name; its results go to " + StudyFile.resultsFolder(name + "-2") + " unless output.dir is set)" + orAlso
                + "; to discard the stored one: nntune delete " + ShellWords.word(name) + " --storage "
                + ShellWords.word(CliStorage.shown(url));
    }

    /** What a run stopped by Ctrl-C or SIGTERM says on its way out (a {@link #resumeHint}), its trials run elsewhere. */
    static String interruptedHint(String resumeCommand) {
        return System.lineSeparator() + "nntune: interrupted; " + RECORDED + ". Resume with: " + resumeCommand;
    }

    /** What an interruption that recorded every running trial did. */
    private static final String RECORDED = "running trials were recorded as failed and queued to run again with their"
            + " parameters (they use no budget); the study is consistent";

    /**
     * How long the shutdown hook of {@link #recordingHint} waits for the running trials to be recorded before it says
     * they were not: past the driver's network timeout ({@link org.nntune.storage.StorageUrl#DEFAULT_SOCKET_TIMEOUT_MS})
     * and a wait for a new connection, so that a database out of reach is reported rather than waited for
     */
    static final Duration RECORDING_PATIENCE = Duration.ofMinutes(5);

    /**
     * A shutdown hook for a run of this JVM's trials: on Ctrl-C or SIGTERM (before {@link #dropHint}) it says at once
     * that the running trials are being recorded, records them (as the study's own hook does, whichever comes first:
     * no trial is written twice) and then says what was recorded, or what was not, and how to resume. Only what was
     * done is said done: on a database that does not answer the recording waits for the driver's network timeout.
     */
    static Thread recordingHint(Study study, String resumeCommand) {
        Thread hint = new Thread(() -> {
            System.err.println(System.lineSeparator() + "nntune: interrupted; recording the running trials as failed and"
                    + " queuing them to run again…");
            study.interrupt(Study.SHUTDOWN_REASON);
            System.err.println(recordedHint(study.awaitInterruptionRecorded(RECORDING_PATIENCE), resumeCommand));
        }, "nntune-resume-hint");
        Runtime.getRuntime().addShutdownHook(hint);
        return hint;
    }

    /** What an interruption recorded, in a line that ends with how to resume. */
    static String recordedHint(InterruptionOutcome recorded, String resumeCommand) {
        if (recorded.complete()) {
            return "nntune: " + RECORDED + ". Resume with: " + resumeCommand;
        }
        return "nntune: the interruption could not record every running trial: " + (recorded.finished()
                ? String.join("; ", recorded.problems())
                : "the storage did not answer within " + RECORDING_PATIENCE.toMinutes() + " minutes, so the running trials"
                        + " stay RUNNING until a worker of the study finds them stale and queues them again")
                + ". Every trial that finished is stored. Resume with: " + resumeCommand;
    }

    /** A shutdown hook that prints {@code text} if the JVM is stopped (Ctrl-C, SIGTERM) before {@link #dropHint}. */
    static Thread resumeHint(String text) {
        Thread hint = new Thread(() -> System.err.println(text), "nntune-resume-hint");
        Runtime.getRuntime().addShutdownHook(hint);
        return hint;
    }

    static void dropHint(Thread hint) {
        try {
            Runtime.getRuntime().removeShutdownHook(hint);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: it says how to resume
        }
    }

    /**
     * The finished trials that count in the budget: a dead worker's failed trial and its retry
     * count once (the study's budget rule), so each retry among {@code finished} is not counted.
     */
    static int budgetFinished(List<FrozenTrial> finished) {
        return (int) finished.stream().filter(t -> !t.isRetry()).count();
    }

    /** Where a budget of trials comes from, in the user's words: {@code --trials 10}, {@code budget.trials 10}… */
    private String budgetWords(int budget) {
        if (ov.trials().isPresent()) {
            return "--trials " + budget;
        }
        return sf.budget().trialsGiven() && sf.budget().trials() == budget ? "budget.trials " + budget : "the budget of " + budget + " trials";
    }

    /** How often the driver of a cluster run reads the study's finished trials for its progress display. */
    static final Duration CLUSTER_POLL = Duration.ofSeconds(1);

    /**
     * Runs the study's trials on a cluster: its workers join the study through the storage, and this
     * JVM shows each trial they finish as {@code tune} does, reading them from the storage.
     */
    private Ended optimizeOnCluster(Opened o, Setup s, Cluster c) {
        String text;
        try {
            text = Files.readString(sf.file());
        } catch (IOException e) {
            throw new CliException(ExitCode.USAGE, "cannot read " + sf.file() + ": " + e.getMessage(), e);
        }
        ClusterWorkers.Job job = new ClusterWorkers.Job(c.master(), c.count(), sf.file().toAbsolutePath(), text, s.name, s.url,
                ov.jobs(), s.timeout, Optional.empty());
        RunProgress shown = new RunProgress(o.study, o.budget, s.multi, null, out, progressMode, this::budgetWords);
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        EnumSet<TrialState> finishedStates = EnumSet.of(TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL);
        o.study.trials(finishedStates).forEach(t -> seen.add(t.number()));
        Runnable poll = () -> {
            for (FrozenTrial t : o.study.trials(finishedStates)) {
                if (seen.add(t.number())) {
                    shown.trial(o.study, t);
                }
            }
        };
        Thread watcher = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(CLUSTER_POLL.toMillis());
                    poll.run();
                }
            } catch (InterruptedException stopped) {
                // the workers ended
            } catch (RuntimeException e) {
                // a progress display that cannot read the storage is no reason to stop the workers
            }
        }, "nntune-cluster-progress");
        watcher.setDaemon(true);
        watcher.start();
        List<ClusterWorkers.WorkerReport> reports = null;
        Thread sayHowToResume = resumeHint(interruptedHint(o.resume));
        try {
            reports = c.workers().run(job, out);
        } catch (java.util.concurrent.CancellationException e) {
            // Ctrl-C, SIGTERM: the workers' running trials are failed and queued again, as a local run's (reports stays null)
        } finally {
            dropHint(sayHowToResume);
            watcher.interrupt();
            try {
                watcher.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (reports == null || Thread.currentThread().isInterrupted()) {
            shown.progress.finish();
            return Ended.INTERRUPTED;
        }
        poll.run();
        shown.progress.finish();
        for (ClusterWorkers.WorkerReport r : reports) {
            out.printf(Locale.ROOT, "worker %d (%s%s): %s%n", r.worker(), r.where(), r.attempt() > 0 ? ", attempt " + (r.attempt() + 1) : "",
                    r.exitCode() == ExitCode.OK ? r.message() : "exit code " + r.exitCode() + ": " + r.message());
        }
        Optional<ClusterWorkers.WorkerReport> bad = reports.stream().filter(r -> r.exitCode() != ExitCode.OK).findFirst();
        if (bad.isPresent()) {
            CliException stopped = new CliException(bad.get().exitCode(), "worker " + bad.get().worker() + " on " + bad.get().where()
                    + " stopped: " + bad.get().message());
            boolean met = s.time.isEmpty() && (GridState.of(o.study).map(g -> g.left() == 0).orElse(false)
                    || budgetFinished(o.study.trials(finishedStates)) >= o.budget);
            if (!met) {
                throw stopped;
            }
            // the other workers met the budget: the study is complete, so its results are written, then the worker reported
            workerStopped = new CliException(stopped.exitCode(), stopped.getMessage() + " (the other workers met the study's"
                    + " budget, so its results above were written)");
        }
        return Ended.BUDGET;
    }

    /** A cluster worker that stopped while the others met the budget: reported once the results are written. */
    private CliException workerStopped;

    private int endedEarly(Ended ended, Study study, String resume) {
        if (ended == Ended.INTERRUPTED) {
            // optimize returned once the interruption's recording had ended (or its patience ran out)
            InterruptionOutcome recorded = study.awaitInterruptionRecorded(Duration.ZERO);
            out.println(recorded.complete() ? "interrupted: " + RECORDED + "."
                    : "interrupted: not every running trial could be recorded: " + (recorded.finished()
                            ? String.join("; ", recorded.problems()) : "still recording") + ".");
            out.println("resume with: " + resume);
            return ExitCode.INTERRUPTED;
        }
        out.println("fix the cause, then resume with: " + resume);
        return ExitCode.OTHER;
    }
}
